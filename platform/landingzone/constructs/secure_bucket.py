"""An S3 bucket that cannot be made public, read over plain HTTP, or lose history, whatever it holds."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class SecureBucket(Part):
    """Versioned, public access blocked, ACLs disabled (bucket owner enforced), encrypted by default (with
    `kms_key_arn`, or S3-managed keys where a reader cannot use KMS), TLS-only, kept from destruction.

    `statements` join the TLS-only deny in the bucket policy; `Resource` entries may use `{bucket}` for the
    bucket's ARN. `access_log_bucket` turns on server access logging into that bucket under `<name>/`.
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, address: str, kms_key_arn: str | None,
                 lifecycle_rules: Sequence[S3BucketLifecycleConfigurationRule],
                 statements: Sequence[dict[str, object]] = (), access_log_bucket: str | None = None,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.bucket = pin(S3Bucket(self, "bucket", bucket=name, lifecycle={"prevent_destroy": True},
                                   provider=provider), "s3", address)
        bucket_id = self.bucket.id
        self.arn = self.bucket.arn
        self.name = name
        self.versioning = pin(S3BucketVersioningA(
            self, "versioning", bucket=bucket_id, provider=provider,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled")),
            "s3_versioning", address)
        pin(S3BucketPublicAccessBlock(self, "public-access-block", bucket=bucket_id, block_public_acls=True,
                                      block_public_policy=True, ignore_public_acls=True,
                                      restrict_public_buckets=True, provider=provider), "s3_public_access", address)
        pin(S3BucketOwnershipControls(self, "ownership", bucket=bucket_id, provider=provider,
                                      rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced")),
            "s3_ownership", address)
        default = (S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
            sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn) if kms_key_arn else
            S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(sse_algorithm="AES256"))
        pin(S3BucketServerSideEncryptionConfigurationA(self, "encryption", bucket=bucket_id, provider=provider, rule=[
            S3BucketServerSideEncryptionConfigurationRuleA(apply_server_side_encryption_by_default=default,
                                                           bucket_key_enabled=bool(kms_key_arn))]),
            "s3_encryption", address)
        pin(S3BucketLifecycleConfiguration(self, "lifecycle", bucket=bucket_id, rule=list(lifecycle_rules),
                                           provider=provider), "s3_lifecycle", address)
        if access_log_bucket:
            pin(S3BucketLoggingA(self, "logging", bucket=bucket_id, target_bucket=access_log_bucket,
                                 target_prefix=f"{name}/", provider=provider), "s3_logging", address)
        arn = f"arn:aws:s3:::{name}"
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [arn, f"{arn}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            *(_with_bucket(s, arn) for s in statements)]}
        self.policy = pin(S3BucketPolicy(self, "policy", bucket=bucket_id, policy=json.dumps(policy),
                                         provider=provider), "s3_policy", address)


def _with_bucket(statement: dict[str, object], arn: str) -> dict[str, object]:
    resource = statement.get("Resource")
    if isinstance(resource, str):
        return {**statement, "Resource": resource.replace("{bucket}", arn)}
    if isinstance(resource, list):
        return {**statement, "Resource": [r.replace("{bucket}", arn) for r in resource]}
    return statement
