"""Where Terraform keeps every stack's state: a KMS key, the bucket, and (for DynamoDB locking) the lock table.

The runners reach them with their own credentials, granted here by resource policies, so a member account's
stack needs no management-account session to read or write its state.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.dynamodb_resource_policy import DynamodbResourcePolicy
from cdktf_cdktf_provider_aws.dynamodb_table import (
    DynamodbTable,
    DynamodbTableAttribute,
    DynamodbTablePointInTimeRecovery,
    DynamodbTableServerSideEncryption,
)
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part
from landingzone.constructs.secure_bucket import SecureBucket

STATE_OBJECT_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]  # DeleteObject: the .tflock object
LOCK_ACTIONS = ["dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
ACCESS_LOG_DAYS = 365


@dataclass(frozen=True)
class Runners:
    """Who reaches the state with their own credentials: the runner principals by ARN, and (`organization_role`:
    organization ID and role name) that role in every account of the organization, which is what a Spacelift run
    holds when its integration assumes the account's deployer role. Accounts created later are covered too, so
    the grant is written as conditions, not as ARNs."""

    principals: Sequence[str]
    organization_role: tuple[str, str] | None = None

    def statements(self, sid: str, effect: str, action: object, resource: object,
                   condition: dict[str, dict[str, object]] | None = None) -> list[dict[str, object]]:
        found: list[dict[str, object]] = []
        if self.principals:
            found.append({"Sid": sid, "Effect": effect, "Principal": {"AWS": sorted(self.principals)},
                          "Action": action, "Resource": resource, **({"Condition": condition} if condition else {})})
        if self.organization_role:
            organization, role = self.organization_role
            scoped = {**(condition or {})}
            scoped["StringEquals"] = {**scoped.get("StringEquals", {}), "aws:PrincipalOrgID": organization}
            scoped["ArnLike"] = {"aws:PrincipalArn": f"arn:aws:iam::*:role/{role}"}
            found.append({"Sid": f"{sid}FromDeployerRoles", "Effect": effect, "Principal": {"AWS": "*"},
                          "Action": action, "Resource": resource, "Condition": scoped})
        return found


class StateKey(Part):
    """The account root administers the key; the runners may use it only through S3 and DynamoDB in `region`."""

    def __init__(self, scope: Construct, id_: str, *, alias: str, account_id: str, region: str,
                 runners: Runners, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountRootAdministers", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
            *runners.statements("RunnersUseThroughStateServices", "Allow", KEY_USE, "*", {"StringEquals": {
                "kms:ViaService": [f"s3.{region}.amazonaws.com", f"dynamodb.{region}.amazonaws.com"]}})]}
        self.key = pin(KmsKey(self, "key", description="landingzone Terraform state", enable_key_rotation=True,
                              deletion_window_in_days=30, policy=json.dumps(policy),
                              lifecycle={"prevent_destroy": True}, provider=provider), "kms_key", "state")
        pin(KmsAlias(self, "alias", name=alias, target_key_id=self.key.key_id, provider=provider), "kms_alias", "state")


class StateBucket(Part):
    """The runners list the bucket and read and write the objects under `key_prefix`, except `protected_keys`
    (the bootstrap stack's own state, which defines the runners' trust and is applied by hand). Every version of
    every state is kept; who read or wrote which goes to the access-log bucket."""

    def __init__(self, scope: Construct, id_: str, *, name: str, log_bucket: str, account_id: str, key_prefix: str,
                 kms_key_arn: str, runners: Runners, protected_keys: Sequence[str],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        # Server access logs can be delivered only to a bucket with S3-managed encryption.
        self.access_logs = SecureBucket(
            self, "access-logs", name=log_bucket, address="state_access_logs", kms_key_arn=None, provider=provider,
            lifecycle_rules=[_rule("expire-access-logs", expire_days=ACCESS_LOG_DAYS)], statements=[
                {"Sid": "S3ServerAccessLogsFromThisAccount", "Effect": "Allow",
                 "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                 "Resource": "{bucket}/*", "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}])
        self.bucket = SecureBucket(self, "bucket", name=name, address="state", kms_key_arn=kms_key_arn,
                                   provider=provider, lifecycle_rules=[_rule("abort-incomplete-uploads")],
                                   access_log_bucket=self.access_logs.bucket.id, statements=[
            *runners.statements("RunnersListState", "Allow", "s3:ListBucket", "{bucket}"),
            *runners.statements("RunnersReadAndWriteState", "Allow", STATE_OBJECT_ACTIONS,
                                f"{{bucket}}/{key_prefix}/*"),
            *runners.statements("RunnersNeverWriteBootstrapState", "Deny", ["s3:PutObject", "s3:DeleteObject"],
                                [f"{{bucket}}/{key}*" for key in sorted(protected_keys)])])


def _rule(id_: str, expire_days: int | None = None) -> S3BucketLifecycleConfigurationRule:
    """Incomplete uploads go after a day; with `expire_days`, objects and their old versions go then too."""
    expiry = {} if expire_days is None else {
        "expiration": [S3BucketLifecycleConfigurationRuleExpiration(days=expire_days)],
        "noncurrent_version_expiration": [S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
            noncurrent_days=expire_days)]}
    return S3BucketLifecycleConfigurationRule(
        id=id_, status="Enabled", filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        abort_incomplete_multipart_upload=[S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
            days_after_initiation=1)], **expiry)


class LockTable(Part):
    """A DynamoDB table keyed by `LockID`, as Terraform's S3 backend expects; encrypted with the state key,
    recoverable to any point in 35 days, and protected from deletion."""

    def __init__(self, scope: Construct, id_: str, *, name: str, kms_key_arn: str, runners: Runners,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.table = pin(DynamodbTable(
            self, "table", name=name, billing_mode="PAY_PER_REQUEST", hash_key="LockID",
            attribute=[DynamodbTableAttribute(name="LockID", type="S")],
            point_in_time_recovery=DynamodbTablePointInTimeRecovery(enabled=True),
            server_side_encryption=DynamodbTableServerSideEncryption(enabled=True, kms_key_arn=kms_key_arn),
            deletion_protection_enabled=True, lifecycle={"prevent_destroy": True}, provider=provider),
            "dynamodb_table", "lock")
        policy = {"Version": "2012-10-17", "Statement": runners.statements("RunnersLockState", "Allow", LOCK_ACTIONS,
                                                                           self.table.arn)}
        pin(DynamodbResourcePolicy(self, "policy", resource_arn=self.table.arn, policy=json.dumps(policy),
                                   provider=provider), "dynamodb_resource_policy", "lock")
