"""AWS providers per account and region, each with that account's credentials only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags

from landingzone.config import Account, LandingZone
from landingzone.constructs.ids import logical_id
from landingzone.constructs.naming import literal_tags
from landingzone.delivery.inputs import StackInputs

MANAGED_BY = {"ManagedBy": "landingzone"}


@dataclass(frozen=True)
class Credentials:
    """How a provider signs in. `account_id` pins it (`allowed_account_ids`: a literal or a variable, so a wrong
    ID fails before any change); `role_arn` is assumed, or the runner's own credentials are used without one."""

    account_id: str | None
    role_arn: str | None = None
    session_name: str | None = None
    duration: str | None = None


def aws_provider(stack: TerraformStack, *, region: str, tags: Mapping[str, str], credentials: Credentials,
                 alias: str | None = None) -> AwsProvider:
    """A provider with default tags on every resource, signed in as `credentials` say."""
    assume = None
    if credentials.role_arn:
        assume = [AwsProviderAssumeRole(role_arn=credentials.role_arn, session_name=credentials.session_name,
                                        duration=credentials.duration)]
    return AwsProvider(
        stack, alias or "aws",
        alias=alias,
        region=region,
        default_tags=[AwsProviderDefaultTags(tags=literal_tags({**tags, **MANAGED_BY}))],
        allowed_account_ids=[credentials.account_id] if credentials.account_id else None,
        assume_role=assume,
    )


class AccountProviders:
    """One provider per (account, region) a stack touches, each assuming the deployer role in its account and
    pinned to it. Account IDs are the stack's inputs (a manifest `id`, else a variable the org stack's output
    fills), so no stack reads anything through the management account to find them.

    Only without config/delivery.yaml may the management account lack an `id`; its providers then use the
    runner's own credentials, unpinned, as before there was a deployer role in it.
    """

    def __init__(self, stack: TerraformStack, lz: LandingZone, primary: Account, region: str,
                 extra_tags: Mapping[str, str] | None = None, *, account_tags: bool = True) -> None:
        self._stack, self._lz = stack, lz
        self._extra_tags = dict(extra_tags or {})
        self._account_tags = account_tags
        self.inputs = StackInputs(stack, lz)
        self._providers: dict[tuple[str, str], AwsProvider] = {}
        self._providers[(primary.name, region)] = self._make(primary, region, alias=None)

    def get(self, account: Account, region: str) -> AwsProvider:
        key = (account.name, region)
        if key not in self._providers:
            self._providers[key] = self._make(account, region, alias=logical_id(account.name, region))
        return self._providers[key]

    def account_id(self, account: Account) -> str:
        """The manifest's `id`, or `${var.account_id_<name>}`."""
        return self.inputs.account_id(account)

    def _make(self, account: Account, region: str, alias: str | None) -> AwsProvider:
        tags = {**self._lz.organization.default_tags, **(account.tags if self._account_tags else {}),
                **self._extra_tags}
        return aws_provider(self._stack, region=region, tags=tags, credentials=self.credentials(account), alias=alias)

    def credentials(self, account: Account) -> Credentials:
        if account.name == self._lz.management.name and not account.manifest.id:
            return Credentials(account_id=None)
        account_id = self.account_id(account)
        hours = self._lz.delivery.deployer.max_session_hours if self._lz.delivery else None
        return Credentials(account_id=account_id, role_arn=f"arn:aws:iam::{account_id}:role/{self._lz.deployer_role}",
                           session_name=self.inputs.session_name(), duration=f"{hours}h" if hours else None)
