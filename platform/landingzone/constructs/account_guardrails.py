"""Account-wide settings that make the insecure choice impossible rather than merely discouraged."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock
from constructs import Construct

from landingzone.constructs.naming import pin


class AccountGuardrails(Construct):
    """No bucket in the account can be made public, whatever its own settings; every new EBS volume is
    encrypted (in the provider's region: EBS default encryption is a per-region setting)."""

    def __init__(self, scope: Construct, id_: str, *, account: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        pin(S3AccountPublicAccessBlock(self, "s3-public-access-block", block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, provider=provider),
            "s3_public_access_block", account)
        pin(EbsEncryptionByDefault(self, "ebs-encryption", enabled=True, provider=provider),
            "ebs_encryption_by_default", account)
