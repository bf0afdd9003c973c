"""The recordings bucket: the review's lifecycle (with its wildcard prefixes made to work), access logs in every
environment, and the upload rule that makes the lifecycle hold."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleFilterAnd,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
    S3BucketLifecycleConfigurationRuleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.secure_bucket import SecureBucket
from meeting_recorder.names import (
    AUDIO,
    CHUNK,
    CHUNKS,
    KIND_TAG,
    METADATA,
    USERS,
    VIDEO,
    WORKLOAD,
    recordings_prefix,
    user_folder,
)

CHUNK_DAYS, AUDIO_DAYS, METADATA_IA_DAYS, MULTIPART_DAYS = 7, 30, 90, 1


def _kind(kind: str) -> list[S3BucketLifecycleConfigurationRuleFilter]:
    return [S3BucketLifecycleConfigurationRuleFilter(and_=[S3BucketLifecycleConfigurationRuleFilterAnd(
        prefix=USERS, tags={KIND_TAG: kind})])]


def _gone_after(days: int) -> dict[str, object]:
    # The bucket is versioned: expiring an object only hides it behind a delete marker, so the hidden version
    # goes a day later, or the storage the rule meant to free stays billed.
    return {"expiration": [S3BucketLifecycleConfigurationRuleExpiration(days=days)],
            "noncurrent_version_expiration": [
                S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=1)]}


def lifecycle_rules(noncurrent_days: int) -> list[S3BucketLifecycleConfigurationRule]:
    """No rule ever moves anything to Glacier Deep Archive: a user opening an old recording cannot wait 12-48 h."""
    transition = S3BucketLifecycleConfigurationRuleTransition
    return [
        S3BucketLifecycleConfigurationRule(id="expire-raw-chunks", status="Enabled", filter=_kind(CHUNK),
                                           **_gone_after(CHUNK_DAYS)),
        S3BucketLifecycleConfigurationRule(id="videos-intelligent-tiering", status="Enabled", filter=_kind(VIDEO),
                                           transition=[transition(days=0, storage_class="INTELLIGENT_TIERING")]),
        S3BucketLifecycleConfigurationRule(id="metadata-standard-ia", status="Enabled", filter=_kind(METADATA),
                                           transition=[transition(days=METADATA_IA_DAYS, storage_class="STANDARD_IA")]),
        S3BucketLifecycleConfigurationRule(id="expire-extracted-audio", status="Enabled", filter=_kind(AUDIO),
                                           **_gone_after(AUDIO_DAYS)),
        S3BucketLifecycleConfigurationRule(
            id="abort-incomplete-multipart-uploads", status="Enabled",
            filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            abort_incomplete_multipart_upload=[S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                days_after_initiation=MULTIPART_DAYS)]),
        S3BucketLifecycleConfigurationRule(
            id="noncurrent-versions", status="Enabled", filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
            expiration=[S3BucketLifecycleConfigurationRuleExpiration(expired_object_delete_marker=True)],
            noncurrent_version_expiration=[S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                noncurrent_days=noncurrent_days)]),
    ]


def require_chunk_tag() -> dict[str, object]:
    """A chunk uploaded without `type=chunk` would never expire; refuse it at upload instead. The app sends each
    chunk as one PutObject (chunks are far below its 5 GB limit): UploadPart cannot carry tags, so this rule
    would refuse multipart chunk uploads, and it covers chunks only for that reason."""
    return {"Sid": "ChunksCarryTheirLifecycleTag", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
            "Resource": f"{{bucket}}/{user_folder(CHUNKS)}",
            "Condition": {"StringNotEquals": {f"s3:RequestObjectTag/{KIND_TAG}": CHUNK}}}


class RecordingsBucket(Construct):
    def __init__(self, scope: Construct, id_: str, *, organization: str, account: str, account_id: str,
                 kms_key_arn: str, noncurrent_days: int, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        # Server access logs can be delivered only to a bucket with S3-managed encryption.
        self.access_logs = SecureBucket(
            self, "access-logs", name=f"{organization}-recordings-access-{account}-{account_id}",
            address="recordings_access_logs", kms_key_arn=None, provider=provider, lifecycle_rules=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-access-logs", status="Enabled", filter=[S3BucketLifecycleConfigurationRuleFilter(
                        prefix="")], **_gone_after(365), abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=MULTIPART_DAYS)])],
            statements=[{"Sid": "S3ServerAccessLogsFromThisAccount", "Effect": "Allow",
                         "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                         "Resource": "{bucket}/*", "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}])
        self.bucket = SecureBucket(
            self, "recordings", name=f"{recordings_prefix(organization, account)}{account_id}", address="recordings",
            kms_key_arn=kms_key_arn, lifecycle_rules=lifecycle_rules(noncurrent_days), provider=provider,
            access_log_bucket=self.access_logs.bucket.id, statements=[require_chunk_tag()])
        self.arn = self.bucket.arn
        self.name = self.bucket.name
        # Uploads reach the pipeline as EventBridge events, which a rule can match on key patterns.
        pin(S3BucketNotification(self, "events", bucket=self.bucket.bucket.id, eventbridge=True, provider=provider),
            "s3_notification", WORKLOAD)
