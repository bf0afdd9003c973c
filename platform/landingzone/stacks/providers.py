"""Provider and backend settings shared by every stack."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import LocalBackend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags

from landingzone.constructs.naming import literal_tags

MANAGED_BY = {"ManagedBy": "landingzone"}


def aws_provider(stack: TerraformStack, *, region: str, tags: Mapping[str, str], account_id: str | None,
                 deployer_role: str, alias: str | None = None) -> AwsProvider:
    """The stack's AWS provider: default tags on every resource; where the account ID is known, pinned to it
    and assuming the deployer role there. `alias` adds a provider for another account beside the default one."""
    return AwsProvider(
        stack, alias or "aws",
        alias=alias,
        region=region,
        default_tags=[AwsProviderDefaultTags(tags=literal_tags({**tags, **MANAGED_BY}))],
        allowed_account_ids=[account_id] if account_id else None,
        assume_role=[AwsProviderAssumeRole(role_arn=f"arn:aws:iam::{account_id}:role/{deployer_role}",
                                           session_name=f"landingzone-{stack.node.id}")] if account_id else None,
    )


def local_backend(stack: TerraformStack, name: str) -> LocalBackend:
    # cdktf's implicit local backend records an absolute path, which breaks byte-identical output
    # across checkouts; a path relative to the stack's working directory does not.
    return LocalBackend(stack, path=f"terraform.{name}.tfstate")
