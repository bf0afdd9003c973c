"""Checks across files for SCPs: names, targets, rendered documents and the per-target quota."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from landingzone.config.checks_accounts import ORG_FILE, known
from landingzone.config.lockout import Principal
from landingzone.config.model import ROOT, target_keys
from landingzone.config.organization import OrganizationConfig, Targets
from landingzone.config.scp import RenderedScp, render_scp
from landingzone.config.source import Source, project_file
from landingzone.errors import Problem

FULL_AWS_ACCESS = "FullAWSAccess"


def scp_parameters(org: OrganizationConfig) -> dict[str, Any]:
    builtin = {"allowed_regions": list(org.organization.allowed_regions), "home_region": org.organization.home_region}
    return {**builtin, **org.scp_parameters}


def check_scps(org: OrganizationConfig, src: Source, root: Path,
               account_names: Sequence[str]) -> tuple[list[RenderedScp], list[Problem]]:
    problems: list[Problem] = []
    rendered: list[RenderedScp] = []
    params = scp_parameters(org)
    for name in sorted(set(org.scp_parameters) & {"allowed_regions", "home_region"}):
        problems.append(src.problem(("scp_parameters", name), f"'{name}' is built in (from organization.{name}); "
                                    "set it there, so the region checks see the same value the SCPs get"))
    seen: set[str] = set()
    principals = protected_principals(org)
    for index, policy in enumerate(org.service_control_policies):
        loc = ("service_control_policies", index)
        if policy.name in seen:
            problems.append(src.problem((*loc, "name"), f"SCP name '{policy.name}' is used twice; names are unique"))
        seen.add(policy.name)
        problems += _check_targets(org, src, (*loc, "attach_to"), policy.attach_to, account_names)
        unreadable = project_file(src, (*loc, "file"), policy.file, root, outside="SCP files live in policies/scp/",
                                  missing="SCP files live in policies/scp/, relative to the project root")
        if unreadable:
            problems.append(unreadable)
            continue
        scp, scp_problems = render_scp(policy, root, params, principals)
        problems += scp_problems
        if scp:
            rendered.append(scp)
    for index, external in enumerate(org.external_scps):
        problems += _check_targets(org, src, ("external_scps", index, "attach_to"), external.attach_to, account_names)
    problems += check_quota(org, src)
    return rendered, problems


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
    """SCPs attached to the management account, where AWS never applies them."""
    management = org.core_accounts.management
    warnings = []
    for section in ("service_control_policies", "external_scps"):
        for index, policy in enumerate(getattr(org, section)):
            if management in policy.attach_to.accounts:
                loc = (section, index, "attach_to", "accounts", policy.attach_to.accounts.index(management))
                warnings.append(src.problem(loc, f"warning: '{management}' is the management account, where SCPs "
                                            "never apply (they restrict member accounts only), so this attachment "
                                            "protects nothing; guard the management account with IAM policies and "
                                            "by keeping workloads out of it"))
    return warnings


def _check_targets(org: OrganizationConfig, src: Source, loc: tuple[Any, ...], targets: Targets,
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


def check_quota(org: OrganizationConfig, src: Source) -> list[Problem]:
    """Every root, OU and account stays within `scp_limits.max_per_target` attached SCPs."""
    attached: dict[tuple[str, str], list[tuple[str, tuple[Any, ...]]]] = defaultdict(list)
    for section in ("external_scps", "service_control_policies"):
        for index, policy in enumerate(getattr(org, section)):
            for kind, name in target_keys(policy.attach_to):
                attached[(kind, name)].append((policy.name, _target_loc(section, index, policy.attach_to, kind, name)))
    limit = org.scp_limits.max_per_target
    problems = []
    for (kind, name), policies in sorted(attached.items()):
        names = [FULL_AWS_ACCESS] if org.scp_limits.count_full_aws_access else []
        names += [policy for policy, _ in policies]
        if len(names) > limit:
            label = ROOT if kind == "root" else f"{'OU' if kind == 'ou' else 'account'} '{name}'"
            problems.append(src.problem(policies[-1][1], f"{label} would have {len(names)} SCPs attached "
                                        f"({', '.join(names)}), more than scp_limits.max_per_target = {limit}; "
                                        "merge policies or attach this one higher in the tree"))
    return problems


def _target_loc(section: str, index: int, targets: Targets, kind: str, name: str) -> tuple[Any, ...]:
    loc: tuple[Any, ...] = (section, index, "attach_to")
    if kind == "root":
        return (*loc, "root")
    values = targets.ous if kind == "ou" else targets.accounts
    return (*loc, "ous" if kind == "ou" else "accounts", values.index(name))
