"""Account-wide settings that make the insecure choice impossible rather than merely discouraged."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.s3_account_public_access_block import S3AccountPublicAccessBlock
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class AccountGuardrails(Part):
    """No bucket in the account can be made public, whatever its own settings (an account-wide setting; the
    per-region ones are in RegionalGuardrails)."""

    def __init__(self, scope: Construct, id_: str, *, account: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        pin(S3AccountPublicAccessBlock(self, "s3-public-access-block", block_public_acls=True,
                                       block_public_policy=True, ignore_public_acls=True,
                                       restrict_public_buckets=True, provider=provider),
            "s3_public_access_block", account)
