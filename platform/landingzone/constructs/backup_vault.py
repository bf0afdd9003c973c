"""Where the organization backup policy puts an account's recovery points, and the role it backs up with."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.backup_vault import BackupVault as AwsBackupVault
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part
from landingzone.constructs.trust import service_trust

VAULT_NAME = "landingzone"
BACKUP_ROLE = "LandingZoneBackup"
POLICIES = ("AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores")
# What the organization backup policy selects on: resources tagged Backup=daily.
BACKUP_TAG, BACKUP_VALUE = "Backup", "daily"
BACKUP_SERVICE = "backup.amazonaws.com"


class BackupRole(Part):
    """The role the backup policy's selection names (`arn:aws:iam::$account:role/LandingZoneBackup`), trusted by
    AWS Backup acting for this account only (`aws:SourceAccount`), like every other service role here."""

    def __init__(self, scope: Construct, id_: str, *, account_id: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.role = pin(IamRole(self, "role", name=BACKUP_ROLE, provider=provider,
                                assume_role_policy=json.dumps(service_trust(BACKUP_SERVICE, account_id))),
                        "iam_role", "backup")
        for policy in POLICIES:
            pin(IamRolePolicyAttachment(self, policy, role=ref(self.role, "name"), provider=provider,
                                        policy_arn=f"arn:aws:iam::aws:policy/service-role/{policy}"),
                "managed_policy", "backup", policy)


class BackupVault(Part):
    """The vault the backup policy names, encrypted with the environment's key and kept from destruction."""

    def __init__(self, scope: Construct, id_: str, *, kms_key_arn: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        pin(AwsBackupVault(self, "vault", name=VAULT_NAME, kms_key_arn=kms_key_arn,
                           lifecycle={"prevent_destroy": True}, provider=provider), "backup_vault", VAULT_NAME)
