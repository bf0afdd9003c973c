"""The model of `config/identity.yaml` (IAM Identity Center with Microsoft Entra ID) and the per-account SAML option.

Entra ID federates into IAM Identity Center over SAML 2.0 and syncs users and groups by SCIM. Groups are
Entra's: this file names them by display name and never creates them. Permission sets are assigned to
groups on accounts, on OUs (every account in them, nested OUs included) or on accounts selected by tag.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Protocol

from pydantic import AfterValidator, Field, model_validator

from landingzone.config.types import AccountName, Region, RelativeFile, Strict, TagKey, TagValue

PERMISSION_SET_NAME_MAX = 32  # CreatePermissionSet: 1-32 characters of [\w+=,.@-]
SESSION_HOURS = (1, 12)  # CreatePermissionSet: SessionDuration between PT1H and PT12H
ADMINISTRATOR_POLICY = "AdministratorAccess"
ROOT = "Root"
DEFAULT_SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"

_UNSAFE = re.compile(r"[^A-Za-z0-9-]+")


def address_part(name: str) -> str:
    """A name as one part of a Terraform address: runs of other characters become one `_`, none at the ends.

    Parts never hold `__` and never start or end with `_`, so `<group>__<permission set>__<account>` keeps
    every part distinct; two names with the same part are reported by validation.
    """
    return _UNSAFE.sub("_", name).strip("_")


def address(*names: str) -> str:
    return "__".join(address_part(name) for name in names)


def _text(pattern: str, help_text: str):  # noqa: ANN202 - returns a validator
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"is not allowed (expected {help_text})")
        return value

    return AfterValidator(check)


def _permission_set_name(value: str) -> str:
    if len(value) > PERMISSION_SET_NAME_MAX:
        raise ValueError(f"is {len(value)} characters long; AWS allows at most {PERMISSION_SET_NAME_MAX}")
    if not re.fullmatch(r"[A-Za-z][\w+=,.@-]*", value):
        raise ValueError("is not allowed (expected letters, digits and _ + = , . @ -, starting with a letter)")
    return value


def session_minutes(value: str) -> int | None:
    """Minutes in an ISO 8601 duration of hours and minutes (`PT8H`, `PT1H30M`), or None if it is not one."""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", value)
    if not match or not any(match.groups()):
        return None
    return int(match[1] or 0) * 60 + int(match[2] or 0)


def _session_duration(value: str) -> str:
    minutes = session_minutes(value)
    if minutes is None:
        raise ValueError("is not an ISO 8601 duration like PT8H or PT1H30M")
    low, high = SESSION_HOURS
    if not low * 60 <= minutes <= high * 60:
        raise ValueError(f"is {minutes / 60:g} hours; AWS allows {low} to {high} hours (PT{low}H to PT{high}H)")
    return value


PermissionSetName = Annotated[str, AfterValidator(_permission_set_name)]
SessionDuration = Annotated[str, AfterValidator(_session_duration)]
# Entra display names. They name Terraform resources, so they start with a letter.
GroupName = Annotated[str, _text(r"[A-Za-z][A-Za-z0-9 ._-]{0,255}",
                                 "an Entra group display name of letters, digits, spaces and . _ -, "
                                 "starting with a letter")]
ManagedPolicyName = Annotated[str, _text(r"(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,128}",
                                         "an AWS managed policy name like ReadOnlyAccess or "
                                         "job-function/ViewOnlyAccess")]
IamName = Annotated[str, _text(r"[A-Za-z][\w+=,.@-]{0,63}",
                               "1-64 letters, digits and _ + = , . @ -, starting with a letter")]
IamPath = Annotated[str, _text(r"/(?:[\w+=,.@-]+/)*", "an IAM path like / or /team/")]
HttpsUrl = Annotated[str, _text(r"https://[^\s\"'<>]+", "an https:// URL")]
Uuid = Annotated[str, _text(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", "a UUID like "
                            "00000000-0000-0000-0000-000000000000")]


def managed_policy_arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"


class CustomerManagedPolicy(Strict):
    """A policy by name that exists in every account the permission set is assigned to (created elsewhere)."""

    name: IamName
    path: IamPath = "/"


class PermissionsBoundary(Strict):
    """Exactly one of an AWS managed policy or a customer managed policy."""

    managed_policy: ManagedPolicyName | None = None
    customer_managed_policy: CustomerManagedPolicy | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> PermissionsBoundary:
        if (self.managed_policy is None) == (self.customer_managed_policy is None):
            raise ValueError("needs exactly one of managed_policy or customer_managed_policy")
        return self


class PermissionSet(Strict):
    """A permission set: what a group may do in the accounts it is assigned to.

    ```yaml
    - name: LambdaDeveloper
      description: Lambda functions and their logs only.
      session_duration: PT4H
      managed_policies: [AWSLambda_ReadOnlyAccess]
      inline_policy: policies/identity/lambda-developer.json
    ```
    """

    name: PermissionSetName
    description: str | None = Field(default=None, min_length=1, max_length=700)
    session_duration: SessionDuration = Field(default="PT1H", description="ISO 8601, PT1H to PT12H.")
    managed_policies: tuple[ManagedPolicyName, ...] = Field(default=(), description="AWS managed policy names.")
    inline_policy: RelativeFile | None = Field(default=None, description="A JSON policy file in the project.")
    customer_managed_policies: tuple[CustomerManagedPolicy, ...] = ()
    permissions_boundary: PermissionsBoundary | None = None

    @property
    def administrator(self) -> bool:
        return ADMINISTRATOR_POLICY in self.managed_policies


class Assignment(Strict):
    """A group gets a permission set on every account selected by `accounts`, `ous` or `account_tags`."""

    group: GroupName
    permission_set: str = Field(min_length=1)
    accounts: tuple[AccountName, ...] = ()
    ous: tuple[str, ...] = Field(default=(), description="OU paths (nested OUs included); Root is every account.")
    account_tags: dict[TagKey, TagValue] = Field(default_factory=dict, description="Accounts carrying all of "
                                                 "these tags (manifest fields and tags, org defaults included).")
    break_glass: bool = Field(default=False, description="Required to give AdministratorAccess on the "
                              "management account.")


class IdentityCenterSaml(Strict):
    """What the Identity Center console shows once the identity source is set to an external IdP."""

    acs_url: HttpsUrl
    issuer_url: HttpsUrl


class IdentityCenter(Strict):
    region: Region | None = Field(default=None, description="Where Identity Center is enabled; left out: "
                                  "organization.home_region.")
    saml: IdentityCenterSaml | None = Field(default=None, description="From the console (see the runbook); "
                                            "the entra stack needs them.")


class Entra(Strict):
    """The Microsoft Entra ID tenant, and the optional `entra` stack that configures its side."""

    tenant_id: Uuid
    stack: bool = Field(default=False, description="Synthesize the `entra` stack (azuread provider).")
    application_name: str = Field(default="AWS IAM Identity Center", min_length=1, max_length=120)
    template: str = Field(default="AWS IAM Identity Center (successor to AWS Single Sign-On)", min_length=1,
                          description="Display name of the gallery application template.")
    app_role: str | None = Field(default=None, min_length=1, description="The value of an app role the "
                                 "application defines; unset, groups get Entra's default access role, which is "
                                 "what the gallery app's assignments use.")


class IdentityConfig(Strict):
    """The whole of `config/identity.yaml`."""

    identity_center: IdentityCenter = IdentityCenter()
    entra: Entra | None = None
    scim_token_issued: dt.date | None = Field(default=None, description="When the SCIM access token was "
                                              "generated; it expires a year later.")
    groups: tuple[GroupName, ...] = Field(min_length=1, description="Entra groups synced by SCIM, by display name.")
    permission_sets: tuple[PermissionSet, ...] = Field(min_length=1)
    assignments: tuple[Assignment, ...] = ()

    def permission_set(self, name: str) -> PermissionSet:
        return next(p for p in self.permission_sets if p.name == name)


class FederatedRole(Strict):
    """An IAM role API clients assume with a SAML assertion from Entra (AssumeRoleWithSAML)."""

    name: IamName
    description: str | None = Field(default=None, min_length=1, max_length=1000)
    managed_policies: tuple[ManagedPolicyName, ...] = ()
    inline_policy: RelativeFile | None = None
    max_session_hours: int = Field(default=1, ge=1, le=12)


class SamlFederation(Strict):
    """Direct SAML federation into one account, beside Identity Center, for API clients.

    ```yaml
    saml_federation:
      metadata: config/entra-federation-metadata.xml
      roles:
        - name: api-readonly
          managed_policies: [ReadOnlyAccess]
    ```
    """

    metadata: RelativeFile = Field(description="Entra's federation metadata XML, in the project.")
    provider_name: IamName = "EntraID"
    audience: HttpsUrl = Field(default=DEFAULT_SAML_AUDIENCE, description="The SAML:aud the roles require.")
    roles: tuple[FederatedRole, ...] = Field(min_length=1)


class Selectable(Protocol):
    """What assignment expansion needs of an account (model.Account has it)."""

    @property
    def name(self) -> str: ...
    @property
    def ou(self) -> str: ...
    @property
    def tags(self) -> Mapping[str, str]: ...


def in_ou(account_ou: str, ou: str) -> bool:
    return ou == ROOT or account_ou == ou or account_ou.startswith(f"{ou}/")


def selected_accounts(assignment: Assignment, accounts: Iterable[Selectable]) -> list[str]:
    """Names of the accounts an assignment covers, sorted."""
    chosen = set()
    for account in accounts:
        by_name = account.name in assignment.accounts
        by_ou = any(in_ou(account.ou, ou) for ou in assignment.ous)
        by_tag = bool(assignment.account_tags) and all(
            account.tags.get(key) == value for key, value in assignment.account_tags.items())
        if by_name or by_ou or by_tag:
            chosen.add(account.name)
    return sorted(chosen)


def expand_assignments(identity: IdentityConfig,
                       accounts: Sequence[Selectable]) -> list[tuple[str, str, str]]:
    """Every (group, permission set, account) once, sorted; two assignments may select the same one."""
    return sorted({(a.group, a.permission_set, name) for a in identity.assignments
                   for name in selected_accounts(a, accounts)})


def scim_token_expiry(issued: dt.date) -> dt.date:
    """IAM Identity Center's SCIM access tokens are valid for one year."""
    try:
        return issued.replace(year=issued.year + 1)
    except ValueError:  # issued on 29 February
        return issued.replace(year=issued.year + 1, day=28)
