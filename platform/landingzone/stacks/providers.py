"""Provider and backend settings shared by every stack."""

from __future__ import annotations

import json
from collections.abc import Mapping

from cdktf import LocalBackend, TerraformLocal, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_organizations_organization import DataAwsOrganizationsOrganization
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderAssumeRole, AwsProviderDefaultTags
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.model import Account
from landingzone.constructs.ids import account_id_local, logical_id
from landingzone.constructs.naming import literal_tags, pin

MANAGED_BY = {"ManagedBy": "landingzone"}


def aws_provider(stack: TerraformStack, *, region: str, tags: Mapping[str, str], account_id: str | None,
                 deployer_role: str, alias: str | None = None) -> AwsProvider:
    """The stack's AWS provider: default tags on every resource; where the account ID is known (literally or
    as an expression), pinned to it and assuming the deployer role there."""
    literal_id = account_id if account_id and account_id.isdigit() else None
    return AwsProvider(
        stack, alias or "aws",
        alias=alias,
        region=region,
        default_tags=[AwsProviderDefaultTags(tags=literal_tags({**tags, **MANAGED_BY}))],
        allowed_account_ids=[literal_id] if literal_id else None,
        assume_role=[AwsProviderAssumeRole(role_arn=f"arn:aws:iam::{account_id}:role/{deployer_role}",
                                           session_name=f"landingzone-{stack.node.id}")] if account_id else None,
    )


ACCOUNT_IDS = "account_ids"


class AccountProviders:
    """One provider per (account, region) a stack touches, each assuming the deployer role in its account.

    An account whose manifest has no `id` yet (the org stack creates it) is found by its email (unique and
    validated) in the organization, read through the management account at plan time: no stack needs a
    hand-copied account ID, and none is tied to another stack's state the way a cdktf cross-stack reference
    would tie it. The management account without an `id` is the runner's own credentials.
    """

    def __init__(self, stack: TerraformStack, lz: LandingZone, primary: Account, region: str,
                 extra_tags: Mapping[str, str] | None = None) -> None:
        self._stack, self._lz = stack, lz
        self._extra_tags = dict(extra_tags or {})
        self._providers: dict[tuple[str, str], AwsProvider] = {}
        self._organization: DataAwsOrganizationsOrganization | None = None
        self._locals: set[str] = set()
        self._providers[(primary.name, region)] = self._make(primary, region, alias=None)

    def get(self, account: Account, region: str) -> AwsProvider:
        key = (account.name, region)
        if key not in self._providers:
            self._providers[key] = self._make(account, region, alias=logical_id(account.name, region))
        return self._providers[key]

    def account_id(self, account: Account) -> str:
        """The manifest's `id`, or an expression Terraform resolves from the organization's account list.

        The expression names a local of its own (`local.account_id_log_archive`) rather than indexing the map
        by email in place: it has no quotes, so it survives being embedded in a JSON policy document.
        """
        if account.manifest.id:
            return account.manifest.id
        self.organization()
        name = account_id_local(account.name)
        if name not in self._locals:
            self._locals.add(name)
            TerraformLocal(self._stack, name, f"${{local.{ACCOUNT_IDS}[{json.dumps(account.manifest.email.lower())}]}}"
                           ).override_logical_id(name)
        return f"${{local.{name}}}"

    def organization(self) -> DataAwsOrganizationsOrganization:
        """The organization, read in the management account (member accounts cannot list its accounts)."""
        if self._organization is None:
            management = self._lz.management
            provider = self.get(management, self._lz.organization.organization.home_region)
            self._organization = pin(DataAwsOrganizationsOrganization(self._stack, "organization",
                                                                     provider=provider), "organization")
            TerraformLocal(self._stack, ACCOUNT_IDS, f"${{{{ for a in data.aws_organizations_organization."
                           f"{self._organization.friendly_unique_id}.accounts : lower(a.email) => a.id }}}}"
                           ).override_logical_id(ACCOUNT_IDS)
        return self._organization

    def _make(self, account: Account, region: str, alias: str | None) -> AwsProvider:
        tags = {**self._lz.organization.default_tags, **account.tags, **self._extra_tags}
        own_credentials = account.name == self._lz.management.name and not account.manifest.id
        return aws_provider(self._stack, region=region, tags=tags,
                            account_id=None if own_credentials else self.account_id(account),
                            deployer_role=self._lz.organization.organization.deployer_role, alias=alias)


def account_stack(scope: Construct, lz: LandingZone, name: str, account: Account, region: str,
                  extra_tags: Mapping[str, str] | None = None) -> tuple[TerraformStack, AccountProviders]:
    """An empty stack whose default provider works in `account` and `region`, with its local backend; its
    providers tag everything with `extra_tags` too."""
    stack = TerraformStack(scope, name)
    providers = AccountProviders(stack, lz, account, region, extra_tags)
    local_backend(stack, name)
    return stack, providers


def local_backend(stack: TerraformStack, name: str) -> LocalBackend:
    # cdktf's implicit local backend records an absolute path, which breaks byte-identical output
    # across checkouts; a path relative to the stack's working directory does not.
    return LocalBackend(stack, path=f"terraform.{name}.tfstate")
