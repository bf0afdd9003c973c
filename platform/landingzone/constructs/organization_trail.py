"""The organization trail, created in the management account: every account, every region, validated files."""

from __future__ import annotations

import json

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.cloudtrail import Cloudtrail
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin


def trail_arn(region: str, management_id: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{management_id}:trail/{name}"


class OrganizationTrail(Construct):
    """Files go to the log-archive bucket under its KMS key; a searchable copy goes to a KMS-encrypted log
    group in the management account with its own retention, for metric filters and investigations."""

    def __init__(self, scope: Construct, id_: str, *, name: str, management_id: str, region: str, bucket: str,
                 key_arn: str, cloudwatch_days: int, after: list[ITerraformDependable],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        group_name = f"/landingzone/cloudtrail/{name}"
        group_arn = f"arn:aws:logs:{region}:{management_id}:log-group:{group_name}"
        key = pin(KmsKey(self, "key", description=f"CloudWatch Logs copy of the {name} trail",
                         enable_key_rotation=True, deletion_window_in_days=30, lifecycle={"prevent_destroy": True},
                         policy=json.dumps({"Version": "2012-10-17", "Statement": [
                             {"Sid": "AccountRootAdministers", "Effect": "Allow",
                              "Principal": {"AWS": f"arn:aws:iam::{management_id}:root"}, "Action": "kms:*",
                              "Resource": "*"},
                             {"Sid": "LogsEncryptThisGroupOnly", "Effect": "Allow",
                              "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                              "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                         "kms:Describe*"], "Resource": "*",
                              "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group_arn}}}]}),
                         provider=provider), "kms_key", "trail_logs")
        pin(KmsAlias(self, "alias", name="alias/landingzone/trail-logs", target_key_id=key.key_id, provider=provider),
            "kms_alias", "trail_logs")
        group = pin(CloudwatchLogGroup(self, "group", name=group_name, retention_in_days=cloudwatch_days,
                                       kms_key_id=key.arn, lifecycle={"prevent_destroy": True}, provider=provider),
                    "log_group", "trail")
        arn = trail_arn(region, management_id, name)
        role = pin(IamRole(self, "role", name="lz-cloudtrail-to-cloudwatch", provider=provider,
                           assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"aws:SourceArn": arn}}}]})),
                   "iam_role", "trail_to_cloudwatch")
        policy = pin(IamRolePolicy(self, "policy", role=role.id, name="write-trail-log-group", provider=provider,
                                   policy=json.dumps({"Version": "2012-10-17", "Statement": [
                                       {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                        "Resource": f"{group.arn}:log-stream:*"}]})),
                     "iam_role_policy", "trail_to_cloudwatch")
        self.trail = pin(Cloudtrail(
            self, "trail", name=name, s3_bucket_name=bucket, kms_key_id=key_arn, is_organization_trail=True,
            is_multi_region_trail=True, include_global_service_events=True, enable_log_file_validation=True,
            cloud_watch_logs_group_arn=f"{group.arn}:*", cloud_watch_logs_role_arn=role.arn,
            depends_on=[*after, policy], provider=provider), "cloudtrail", "organization")
