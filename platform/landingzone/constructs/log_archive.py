"""The log-archive account's buckets: the trail's files and AWS Config's under one KMS key, in a bucket each
(Config cannot deliver to a bucket with Object Lock default retention, which the trail's archive has), and the
S3 access logs of both."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part
from landingzone.constructs.secure_bucket import SecureBucket

# Colder storage as logs age; a transition is kept only when it comes before the expiry.
TRANSITIONS = ((90, "STANDARD_IA"), (365, "GLACIER"))


@dataclass(frozen=True)
class ArchiveAccounts:
    """Account IDs (literal or Terraform expressions) the archive's policies name."""

    log_archive: str
    management: str
    audit: str
    organization_id: str


@dataclass(frozen=True)
class ArchiveBuckets:
    """The archive's bucket names (None: that service is off), and the Object Lock mode of the trail's
    (`COMPLIANCE`, `GOVERNANCE`, or None for none)."""

    trail: str | None
    config: str | None
    access_logs: str
    lock_mode: str | None

    def names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.trail, self.config) if name)


class LogArchive(Part):
    """Only CloudTrail (for the one organization trail) and AWS Config (for this organization's accounts) may
    write, each to its bucket; the audit account may read; nobody may delete an object, so history ends only by
    lifecycle. With a lock mode, every file of the trail is also locked for `archive_days` by S3 Object Lock,
    which no policy, and in compliance mode no one at all, can lift."""

    def __init__(self, scope: Construct, id_: str, *, organization: str, buckets: ArchiveBuckets,
                 accounts: ArchiveAccounts, region: str, trail_arn: str, archive_days: int,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.key = pin(KmsKey(self, "key", description=f"{organization} audit logs (CloudTrail, AWS Config)",
                              enable_key_rotation=True, deletion_window_in_days=30,
                              policy=json.dumps(_key_policy(accounts, region, trail_arn)),
                              lifecycle={"prevent_destroy": True}, provider=provider), "kms_key", "audit_logs")
        pin(KmsAlias(self, "alias", name="alias/landingzone/audit-logs", target_key_id=self.key.key_id,
                     provider=provider), "kms_alias", "audit_logs")
        rules = [_archive_rule(archive_days)]
        self.access_logs = SecureBucket(
            self, "access-logs", name=buckets.access_logs, address="access_logs",
            kms_key_arn=None,  # S3 server access logging delivers only to buckets with S3-managed keys
            lifecycle_rules=rules, provider=provider, statements=[
                {"Sid": "S3ServerAccessLogsWrite", "Effect": "Allow",
                 "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                 "Resource": "{bucket}/*",
                 "Condition": {"StringEquals": {"aws:SourceAccount": accounts.log_archive}}},
                _deny_deletes()])
        self.bucket = self.config_bucket = None
        if buckets.trail:
            self.bucket = SecureBucket(
                self, "audit-logs", name=buckets.trail, address="audit_logs", kms_key_arn=self.key.arn,
                lifecycle_rules=rules, access_log_bucket=self.access_logs.bucket.id, provider=provider,
                statements=[*_trail_writes(accounts, trail_arn), _audit_reads(accounts), _deny_deletes()])
            if buckets.lock_mode:
                self._lock(self.bucket, buckets.lock_mode, archive_days, provider)
        if buckets.config:
            self.config_bucket = SecureBucket(
                self, "config-logs", name=buckets.config, address="config_logs", kms_key_arn=self.key.arn,
                lifecycle_rules=rules, access_log_bucket=self.access_logs.bucket.id, provider=provider,
                statements=[*_config_writes(accounts), _audit_reads(accounts), _deny_deletes()])

    def _lock(self, bucket: SecureBucket, mode: str, days: int, provider: AwsProvider | None) -> None:
        # Enabling Object Lock this way (not at bucket creation) also works on an existing, versioned archive.
        pin(S3BucketObjectLockConfigurationA(
            self, "object-lock", bucket=bucket.bucket.id, depends_on=[bucket.versioning], provider=provider,
            rule=S3BucketObjectLockConfigurationRuleA(default_retention=(
                S3BucketObjectLockConfigurationRuleDefaultRetentionA(mode=mode, days=days)))),
            "s3_object_lock", "audit_logs")


def _archive_rule(days: int) -> S3BucketLifecycleConfigurationRule:
    return S3BucketLifecycleConfigurationRule(
        id="archive", status="Enabled", filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
        transition=[S3BucketLifecycleConfigurationRuleTransition(days=after, storage_class=storage)
                    for after, storage in TRANSITIONS if after < days],
        expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=days)],
        noncurrent_version_expiration=[S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
            noncurrent_days=30)],
        abort_incomplete_multipart_upload=[S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
            days_after_initiation=7)])


def _deny_deletes() -> dict[str, object]:
    # Lifecycle expiry is not a request and so is not denied: logs leave only when the retention says.
    return {"Sid": "DenyObjectDeletion", "Effect": "Deny", "Principal": "*",
            "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"], "Resource": "{bucket}/*"}


def _trail_writes(accounts: ArchiveAccounts, trail_arn: str) -> list[dict[str, object]]:
    trail = {"StringEquals": {"aws:SourceArn": trail_arn}}
    return [
        {"Sid": "CloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "{bucket}", "Condition": trail},
        {"Sid": "CloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Condition": trail,
         "Resource": [f"{{bucket}}/AWSLogs/{accounts.management}/*",
                      f"{{bucket}}/AWSLogs/{accounts.organization_id}/*"]},
    ]


def _config_writes(accounts: ArchiveAccounts) -> list[dict[str, object]]:
    organization = {"StringEquals": {"aws:SourceOrgID": accounts.organization_id}}
    return [
        {"Sid": "ConfigBucketCheck", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": "{bucket}", "Condition": organization},
        {"Sid": "ConfigWrite", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "{bucket}/AWSLogs/*/Config/*", "Condition": organization},
    ]


def _audit_reads(accounts: ArchiveAccounts) -> dict[str, object]:
    return {"Sid": "AuditAccountReads", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{accounts.audit}:root"},
            "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["{bucket}", "{bucket}/*"]}


def _key_policy(accounts: ArchiveAccounts, region: str, trail_arn: str) -> dict[str, object]:
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "AccountRootAdministers", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{accounts.log_archive}:root"}, "Action": "kms:*", "Resource": "*"},
        {"Sid": "CloudTrailEncrypts", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:GenerateDataKey*", "Resource": "*", "Condition": {
             "StringEquals": {"aws:SourceArn": trail_arn},
             "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn":
                            f"arn:aws:cloudtrail:*:{accounts.management}:trail/*"}}},
        {"Sid": "CloudTrailDescribes", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "kms:DescribeKey", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}},
        {"Sid": "ConfigEncrypts", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"aws:SourceOrgID": accounts.organization_id}}},
        {"Sid": "AuditAccountDecryptsThroughS3", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{accounts.audit}:root"}, "Action": ["kms:Decrypt", "kms:DescribeKey"],
         "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}}},
    ]}
