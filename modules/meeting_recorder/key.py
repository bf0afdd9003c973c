"""The workload's customer-managed key: recordings, logs, alarms topic, guardrail, and (optionally) the table."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from meeting_recorder.names import WORKLOAD


def s3_through_key(key_arn: str, region: str) -> dict[str, object]:
    """Use of the workload key, only by S3 on the role's behalf (SSE-KMS objects)."""
    return {"Sid": "WorkloadKeyThroughS3", "Effect": "Allow", "Resource": key_arn,
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}}


class WorkloadKey(Construct):
    """The account root administers it, so the workload's roles get key use from their own IAM policies, each
    for what it touches. Two services act without a role of ours: CloudWatch Logs (held to this account's log
    groups by encryption context) and CloudWatch alarms publishing to the encrypted topic."""

    def __init__(self, scope: Construct, id_: str, *, account_id: str, region: str,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountRootAdministers", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "LogsEncryptThisAccountsLogGroups", "Effect": "Allow",
             "Principal": {"Service": f"logs.{region}.amazonaws.com"},
             "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
             "Resource": "*", "Condition": {"ArnLike": {
                 "kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"}}},
            {"Sid": "AlarmsPublishToEncryptedTopic", "Effect": "Allow",
             "Principal": {"Service": "cloudwatch.amazonaws.com"},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
             "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
        ]}
        self.key = pin(KmsKey(self, "key", description=f"{WORKLOAD} data, logs and alerts", enable_key_rotation=True,
                              deletion_window_in_days=30, policy=json.dumps(policy),
                              lifecycle={"prevent_destroy": True}, provider=provider), "kms_key", WORKLOAD)
        self.arn = self.key.arn
        pin(KmsAlias(self, "alias", name=f"alias/workloads/{WORKLOAD}", target_key_id=self.key.key_id,
                     provider=provider), "kms_alias", WORKLOAD)
