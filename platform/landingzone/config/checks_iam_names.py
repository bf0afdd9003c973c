"""IAM role names are unique per account (ignoring case), across every stack that creates roles there.

Two stacks creating the same role name in one account both plan fine, and the second apply fails with
EntityAlreadyExists (or, worse, one adopts the other's role). The roles landingzone itself creates are listed
here, so a SAML role or a deployer role named like one of them is caught at validation. A test compares this
list with the roles in the synthesized stacks (tests/golden).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from landingzone.config.account import AccountManifest
from landingzone.config.organization import OrganizationConfig
from landingzone.config.source import Loc, Source
from landingzone.errors import Problem

BASELINE_ROLES = ("ReadOnlyRole", "PowerUserRole", "AdminRole", "LambdaExecutionRole", "APIGatewayRole")
BACKUP_ROLE = "LandingZoneBackup"  # with a backup policy, in every baseline
TRAIL_ROLE = "lz-cloudtrail-to-cloudwatch"  # security stack, in the management account
AGGREGATOR_ROLE = "lz-config-aggregator"  # security stack, in the delegated administrator
ENDPOINTS_FLOW_LOGS_ROLE = "lz-flow-logs-endpoints"  # network stack, in the shared-services account
ORGANIZATIONS_ROLE = "OrganizationAccountAccessRole"  # Organizations creates it in every account it creates


def flow_logs_role(account: str) -> str:
    return f"lz-flow-logs-{account}"


@dataclass(frozen=True)
class RoleClaim:
    """A role name in an account, who creates it, and where the config names it (None: landingzone itself)."""

    name: str
    owner: str
    src: Source | None = None
    loc: Loc = ()


def planned_roles(org: OrganizationConfig, manifest: AccountManifest) -> list[RoleClaim]:
    """The roles landingzone's own stacks create in the manifest's account."""
    name = manifest.name
    claims = [RoleClaim(role, f"the baseline-{name} stack") for role in BASELINE_ROLES]
    if org.backup_policy is not None:
        claims.append(RoleClaim(BACKUP_ROLE, f"the baseline-{name} stack"))
    if manifest.network is not None:
        claims.append(RoleClaim(flow_logs_role(name), f"the baseline-{name} stack"))
    security = org.security
    if security is not None and security.enabled("cloudtrail") and name == org.core_accounts.management:
        claims.append(RoleClaim(TRAIL_ROLE, "the security stack"))
    if security is not None and security.enabled("config") and name == security.delegated_administrator:
        claims.append(RoleClaim(AGGREGATOR_ROLE, "the security stack"))
    if name == org.core_accounts.shared_services:
        claims.append(RoleClaim(ENDPOINTS_FLOW_LOGS_ROLE, "the network stack"))
    if manifest.id is None and name != org.core_accounts.management:
        claims.append(RoleClaim(ORGANIZATIONS_ROLE, "AWS Organizations (when it creates the account)"))
    return claims


def check_role_names(org: OrganizationConfig, org_src: Source, manifests: Sequence[tuple[AccountManifest, Source]],
                     workload_roles: Mapping[str, Mapping[str, Sequence[str]]]) -> list[Problem]:
    """`workload_roles`: account -> workload -> the role names the workload creates there."""
    problems = []
    for manifest, src in manifests:
        if manifest.decommissioned:
            continue
        claims = planned_roles(org, manifest)
        claims.append(RoleClaim(org.organization.deployer_role, "the bootstrap (the deployer role)", org_src,
                                _DEPLOYER))
        for workload, names in sorted(workload_roles.get(manifest.name, {}).items()):
            claims += [RoleClaim(n, f"the {workload}-{manifest.name} stack", src, ("workloads", workload))
                       for n in names]
        if manifest.saml_federation is not None:
            claims += [RoleClaim(role.name, "the identity stack (saml_federation)", src,
                                 ("saml_federation", "roles", i, "name"))
                       for i, role in enumerate(manifest.saml_federation.roles)]
        problems += _clashes(claims, manifest.name)
    return list(dict.fromkeys(problems))


def _clashes(claims: list[RoleClaim], account: str) -> list[Problem]:
    problems = []
    first: dict[str, RoleClaim] = {}
    for claim in claims:
        earlier = first.setdefault(claim.name.lower(), claim)
        if earlier is claim or claim.src is None or earlier.owner == claim.owner:
            continue  # a repeat within one owner is reported by that owner's own uniqueness check
        where = f" ({earlier.src.file}:{earlier.src.line(earlier.loc)})" if earlier.src else ""
        shown = claim.name if claim.name == earlier.name else f"{claim.name} (IAM ignores case: {earlier.name})"
        if claim.loc == _DEPLOYER and earlier.src is None:  # the same in every account: say it once
            place = "every account"
            owner = earlier.owner.replace(f"the baseline-{account} stack", "each baseline stack")
        else:
            place, owner = f"account '{account}'", earlier.owner
        problems.append(claim.src.problem(claim.loc, f"IAM role {shown} already exists in {place}: {owner} creates "
                                          f"it{where}; role names are unique per account, so rename this one"))
    return problems


_DEPLOYER: Loc = ("organization", "deployer_role")
