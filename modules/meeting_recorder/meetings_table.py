"""The meetings catalogue: on demand, one date-search index (the review dropped the participant and tag indexes,
whose denormalised items multiplied every write), point-in-time recovery, expiring items, daily backups."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.backup_plan import BackupPlan, BackupPlanRule, BackupPlanRuleLifecycle
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTableGlobalSecondaryIndex,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
    DynamodbTableTtl,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.backup_vault import BACKUP_SERVICE, BACKUP_TAG, BACKUP_VALUE
from landingzone.constructs.naming import pin
from landingzone.constructs.workload_role import WorkloadRole, service_trust
from meeting_recorder.names import WORKLOAD
from meeting_recorder.parameters import Backup

TABLE = f"{WORKLOAD}-meetings"
DATE_INDEX = "by-date"
TTL_ATTRIBUTE = "expires_at"


class MeetingsTable(Construct):
    """`pk` = `USER#<uid>`, `sk` = `MEETING#<id>`; the date index keys on `pk` and `created_at`, so one user's
    meetings come back in date order, and participants and tags are filtered client-side (<1000 items a user).

    Encryption is AWS-managed unless `kms_key_arn` is given (the review: a customer key costs more than it buys
    before compliance asks for it)."""

    def __init__(self, scope: Construct, id_: str, *, kms_key_arn: str | None,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        attributes = [DynamodbTableAttribute(name=name, type="S") for name in ("pk", "sk", "created_at")]
        self.table = pin(DynamodbTable(
            self, "table", name=TABLE, billing_mode="PAY_PER_REQUEST", hash_key="pk", range_key="sk",
            attribute=attributes, deletion_protection_enabled=True,
            global_secondary_index=[DynamodbTableGlobalSecondaryIndex(name=DATE_INDEX, hash_key="pk",
                                                                      range_key="created_at", projection_type="ALL")],
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            ttl=DynamodbTableTtl(attribute_name=TTL_ATTRIBUTE, enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=kms_key_arn),
            tags={BACKUP_TAG: BACKUP_VALUE}, lifecycle={"prevent_destroy": True}, provider=provider),
            "dynamodb_table", TABLE)
        self.arn = self.table.arn
        self.name = TABLE


class TableBackup(Construct):
    """The workload's own backup plan, for organizations without a backup policy (which would otherwise save the
    table through its `Backup` tag)."""

    def __init__(self, scope: Construct, id_: str, *, table_arn: str, backup: Backup, kms_key_arn: str,
                 account_id: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        vault = pin(BackupVault(self, "vault", name=WORKLOAD, kms_key_arn=kms_key_arn,
                                lifecycle={"prevent_destroy": True}, provider=provider), "backup_vault", WORKLOAD)
        plan = pin(BackupPlan(self, "plan", name=f"{WORKLOAD}-daily", provider=provider, rule=[BackupPlanRule(
            rule_name="daily", target_vault_name=vault.name, schedule=backup.schedule,
            lifecycle=BackupPlanRuleLifecycle(delete_after=backup.retention_days))]), "backup_plan", WORKLOAD)
        role = WorkloadRole(self, "role", workload=WORKLOAD, name="backup", account_id=account_id,
                            trust=service_trust(BACKUP_SERVICE, account_id), statements=[
                                {"Sid": "BackUpAndRestoreTheTable", "Effect": "Allow", "Resource": table_arn,
                                 "Action": ["dynamodb:CreateBackup", "dynamodb:DescribeTable",
                                            "dynamodb:DescribeContinuousBackups", "dynamodb:StartAwsBackupJob",
                                            "dynamodb:RestoreTableFromAwsBackup"]},
                                {"Sid": "ManageItsBackups", "Effect": "Allow", "Resource": f"{table_arn}/backup/*",
                                 "Action": ["dynamodb:DescribeBackup", "dynamodb:DeleteBackup"]},
                                {"Sid": "EncryptRecoveryPoints", "Effect": "Allow", "Resource": kms_key_arn,
                                 "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"]}],
                            description="AWS Backup of the meetings table.", provider=provider)
        pin(BackupSelection(self, "selection", name=f"{WORKLOAD}-table", plan_id=plan.id, iam_role_arn=role.arn,
                            resources=[table_arn], provider=provider), "backup_selection", WORKLOAD)
