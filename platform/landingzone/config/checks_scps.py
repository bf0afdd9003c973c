"""Checks across files for SCPs and RCPs: names, targets, rendered documents and the per-target quota."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landingzone.config.checks_accounts import ORG_FILE, known
from landingzone.config.checks_security import built_in_scps
from landingzone.config.lockout import Principal
from landingzone.config.model import ROOT, target_keys
from landingzone.config.organization import OrganizationConfig, PolicyFile, Targets
from landingzone.config.scp import ORGANIZATION_ID, ORGANIZATION_ID_TOKEN, RenderedPolicy, RenderedScp, render_scp
from landingzone.config.source import Source, project_file
from landingzone.errors import Problem

FULL_AWS_ACCESS = "FullAWSAccess"
BUILTIN_PARAMETERS = ("allowed_regions", "home_region", ORGANIZATION_ID)


@dataclass(frozen=True)
class PolicyKind:
    """What differs between the SCPs and the RCPs of `config/organization.yaml`."""

    noun: str  # "SCP"
    section: str  # "service_control_policies"
    external: str  # "external_scps"
    limits: str  # "scp_limits"
    full_access: str  # the AWS managed policy attached to every target
    folder: str  # "policies/scp/"
    management: str  # why an attachment to the management account protects nothing


SCPS = PolicyKind("SCP", "service_control_policies", "external_scps", "scp_limits", FULL_AWS_ACCESS, "policies/scp/",
                  "where SCPs never apply (they restrict member accounts only), so this attachment protects nothing; "
                  "guard the management account with IAM policies and by keeping workloads out of it")
RCPS = PolicyKind("RCP", "resource_control_policies", "external_rcps", "rcp_limits", "RCPFullAWSAccess",
                  "policies/rcp/", "where RCPs never apply (they restrict the resources of member accounts only), so "
                  "this attachment protects nothing; keep data out of the management account")
Render = Callable[[PolicyFile], tuple[RenderedPolicy | None, list[Problem]]]


def scp_parameters(org: OrganizationConfig) -> dict[str, Any]:
    """Every placeholder's value: `scp_parameters`, and the built-in ones (the organization's ID is its token until
    the organization exists; the org stack fills it in)."""
    builtin = {"allowed_regions": list(org.organization.allowed_regions), "home_region": org.organization.home_region,
               ORGANIZATION_ID: org.organization.id or ORGANIZATION_ID_TOKEN}
    return {**builtin, **org.scp_parameters}


def check_scps(org: OrganizationConfig, src: Source, root: Path,
               account_names: Sequence[str]) -> tuple[list[RenderedScp], list[Problem]]:
    problems: list[Problem] = []
    for name in sorted(set(org.scp_parameters) & set(BUILTIN_PARAMETERS)):
        if name == ORGANIZATION_ID:
            why = "(from organization.id, or the organization the org stack creates); set organization.id"
        else:
            why = f"(from organization.{name}); set it there, so the region checks see the same value the SCPs get"
        problems.append(src.problem(("scp_parameters", name), f"'{name}' is built in {why}"))
    params, principals = scp_parameters(org), protected_principals(org)
    rendered, found = check_policy_files(SCPS, org, src, root, account_names,
                                         lambda policy: render_scp(policy, root, params, principals))
    return rendered, problems + found


def check_policy_files(kind: PolicyKind, org: OrganizationConfig, src: Source, root: Path,
                       account_names: Sequence[str], render: Render) -> tuple[list[RenderedPolicy], list[Problem]]:
    """Names, targets and files of one kind's policies, each rendered by `render`; external ones' targets; the quota."""
    problems: list[Problem] = []
    rendered: list[RenderedPolicy] = []
    seen: set[str] = set()
    built_in = {name for name, _ in built_in_policies(kind, org)}
    for index, policy in enumerate(getattr(org, kind.section)):
        loc = (kind.section, index)
        problems += _name_problems(kind, src, (*loc, "name"), policy.name, seen, built_in)
        seen.add(policy.name)
        problems += check_targets(org, src, (*loc, "attach_to"), policy.attach_to, account_names)
        unreadable = project_file(src, (*loc, "file"), policy.file, root, outside=f"{kind.noun} files live in "
                                  f"{kind.folder}", missing=f"{kind.noun} files live in {kind.folder}, relative to "
                                  "the project root")
        if unreadable:
            problems.append(unreadable)
            continue
        policy_rendered, policy_problems = render(policy)
        problems += policy_problems
        if policy_rendered:
            rendered.append(policy_rendered)
    for index, external in enumerate(getattr(org, kind.external)):
        problems += check_targets(org, src, (kind.external, index, "attach_to"), external.attach_to, account_names)
    return rendered, problems + check_quota(org, src, kind)


def built_in_policies(kind: PolicyKind, org: OrganizationConfig) -> list[tuple[str, tuple[str, str]]]:
    """(name, target) of the policies of this kind landingzone attaches itself (the log archive's SCP)."""
    return built_in_scps(org) if kind is SCPS else []


def _name_problems(kind: PolicyKind, src: Source, loc: tuple[Any, ...], name: str, seen: set[str],
                   built_in: set[str]) -> list[Problem]:
    problems = []
    if name in seen:
        problems.append(src.problem(loc, f"{kind.noun} name '{name}' is used twice; names are unique"))
    if name in built_in:
        problems.append(src.problem(loc, f"'{name}' is the {kind.noun} landingzone attaches itself to protect the log "
                                    "archive; name yours differently"))
    return problems


def protected_principals(org: OrganizationConfig) -> list[Principal]:
    """The roles no SCP may lock out: the deployer, the break-glass role, and scp_parameters.exempt_role_arns."""
    settings = org.organization
    found = [Principal(f"the deployer role {settings.deployer_role}", f"arn:aws:iam::*:role/{settings.deployer_role}")]
    if settings.break_glass_role:
        found.append(Principal(f"the break-glass role {settings.break_glass_role}",
                               f"arn:aws:iam::*:role/{settings.break_glass_role}"))
    exempt = org.scp_parameters.get("exempt_role_arns", [])
    for arn in [exempt] if isinstance(exempt, str) else exempt:
        if arn not in (p.arn for p in found):
            found.append(Principal(f"{arn} (scp_parameters.exempt_role_arns)", arn))
    return found


def scp_warnings(org: OrganizationConfig, src: Source) -> list[Problem]:
    """SCPs and RCPs attached to the management account, where AWS never applies them."""
    management = org.core_accounts.management
    warnings = []
    for kind in (SCPS, RCPS):
        for section in (kind.section, kind.external):
            for index, policy in enumerate(getattr(org, section)):
                if management in policy.attach_to.accounts:
                    loc = (section, index, "attach_to", "accounts", policy.attach_to.accounts.index(management))
                    warnings.append(src.problem(loc, f"warning: '{management}' is the management account, "
                                                f"{kind.management}"))
    return warnings


def check_targets(org: OrganizationConfig, src: Source, loc: tuple[Any, ...], targets: Targets,
                   account_names: Sequence[str]) -> list[Problem]:
    problems = []
    ou_paths = [ou.path for ou in org.organizational_units]
    for kind, values in (("ous", targets.ous), ("accounts", targets.accounts)):
        for i, value in enumerate(values):
            if value in values[:i]:
                problems.append(src.problem((*loc, kind, i), f"'{value}' is listed twice; attach a policy once"))
    for i, path in enumerate(targets.ous):
        if path not in ou_paths:
            problems.append(src.problem((*loc, "ous", i), f"'{path}' is not an OU in {ORG_FILE} "
                                        f"{known(ou_paths, path)}"))
    for i, name in enumerate(targets.accounts):
        if name not in account_names:
            problems.append(src.problem((*loc, "accounts", i), f"'{name}' is not an account in accounts/ "
                                        f"{known(sorted(account_names), name)}"))
    return problems


def check_quota(org: OrganizationConfig, src: Source, kind: PolicyKind = SCPS) -> list[Problem]:
    """Every root, OU and account stays within the kind's `max_per_target` attached policies."""
    attached: dict[tuple[str, str], list[tuple[str, tuple[Any, ...]]]] = defaultdict(list)
    for name, target in built_in_policies(kind, org):
        attached[target].append((name, ("security",)))
    for section in (kind.external, kind.section):
        for index, policy in enumerate(getattr(org, section)):
            for target, name in target_keys(policy.attach_to):
                attached[(target, name)].append((policy.name, _target_loc(section, index, policy.attach_to, target,
                                                                           name)))
    limits = getattr(org, kind.limits)
    limit = limits.max_per_target
    problems = []
    for (target, name), policies in sorted(attached.items()):
        names = [kind.full_access] if getattr(limits, "count_full_aws_access", True) else []
        names += [policy for policy, _ in policies]
        if len(names) > limit:
            label = ROOT if target == "root" else f"{'OU' if target == 'ou' else 'account'} '{name}'"
            problems.append(src.problem(policies[-1][1], f"{label} would have {len(names)} {kind.noun}s attached "
                                        f"({', '.join(names)}), more than {kind.limits}.max_per_target = {limit}; "
                                        "merge policies or attach this one higher in the tree"))
    return problems


def _target_loc(section: str, index: int, targets: Targets, kind: str, name: str) -> tuple[Any, ...]:
    loc: tuple[Any, ...] = (section, index, "attach_to")
    if kind == "root":
        return (*loc, "root")
    values = targets.ous if kind == "ou" else targets.accounts
    return (*loc, "ous" if kind == "ou" else "accounts", values.index(name))
