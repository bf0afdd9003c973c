"""VPC flow logs into a KMS-encrypted CloudWatch log group with a retention, written by a scoped role."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part


class FlowLogs(Part):
    """All traffic of one VPC. The key's policy lets CloudWatch Logs use it for this log group only."""

    def __init__(self, scope: Construct, id_: str, *, name: str, vpc_id: str, region: str, retention_days: int,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        group_name = f"/landingzone/flow-logs/{name}"
        account = pin(DataAwsCallerIdentity(self, "account", provider=provider), "account", "flow_logs", name)
        account_id = ref(account, "account_id")
        group_arn = f"arn:aws:logs:{region}:{account_id}:log-group:{group_name}"
        key = pin(KmsKey(self, "key", description=f"Flow logs of {name}", enable_key_rotation=True,
                         deletion_window_in_days=30, policy=json.dumps(_key_policy(account_id, region, group_arn)),
                         lifecycle={"prevent_destroy": True}, provider=provider), "kms_key", "flow_logs", name)
        pin(KmsAlias(self, "alias", name=f"alias/landingzone/flow-logs/{name}", target_key_id=ref(key, "key_id"),
                     provider=provider), "kms_alias", "flow_logs", name)
        group = pin(CloudwatchLogGroup(self, "group", name=group_name, retention_in_days=retention_days,
                                       kms_key_id=ref(key, "arn"), lifecycle={"prevent_destroy": True},
                                       provider=provider), "log_group", "flow_logs", name)
        # "lz-" keeps the role name within IAM's 64 characters for the longest account name (50)
        role = pin(IamRole(self, "role", name=f"lz-flow-logs-{name}", assume_role_policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                           "Action": "sts:AssumeRole",
                           "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]}),
            provider=provider), "iam_role", "flow_logs", name)
        pin(IamRolePolicy(self, "policy", role=ref(role, "id"), name="write-flow-logs", policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow",
                           "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                           "Resource": [ref(group, "arn"), ref(group, "arn") + ":*"]}]}), provider=provider),
            "iam_role_policy", "flow_logs", name)
        pin(FlowLog(self, "flow-log", vpc_id=vpc_id, traffic_type="ALL", log_destination_type="cloud-watch-logs",
                    log_destination=ref(group, "arn"), iam_role_arn=ref(role, "arn"), max_aggregation_interval=60,
                    tags={"Name": name}, provider=provider), "flow_log", name)


def _key_policy(account_id: str, region: str, group_arn: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountRootAdministers", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "LogsEncryptThisGroupOnly", "Effect": "Allow",
             "Principal": {"Service": f"logs.{region}.amazonaws.com"},
             "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
             "Resource": "*",
             "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group_arn}}},
        ],
    }
