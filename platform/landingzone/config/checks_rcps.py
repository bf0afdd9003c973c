"""Checks across files for RCPs, the AI services opt-out policy and the declarative EC2 policy.

RCPs go through the SCPs' machinery (names, targets, placeholders, grammar, size, quota) and then the
self-blocking check: no statement may cut an AWS service off the log archive, its key or the roles it assumes,
nor the pipeline off the deployer role or the state bucket (`rcp_blocking.py`, `protected_resources.py`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from landingzone.config.account import AccountManifest
from landingzone.config.ai_opt_out import AI_SERVICES
from landingzone.config.checks_scps import RCPS, check_policy_files, check_targets, scp_parameters
from landingzone.config.delivery import DeliveryConfig
from landingzone.config.organization import OrganizationConfig, PolicyFile
from landingzone.config.policy_checks import RCP
from landingzone.config.protected_resources import Estate, narrowed, protected_resources
from landingzone.config.rcp_blocking import blocking_message, find_blocking
from landingzone.config.rcp_callers import AccountInfo
from landingzone.config.scp import RenderedPolicy, render_checked
from landingzone.config.source import Source
from landingzone.errors import Problem


def estate_of(org: OrganizationConfig, manifests: Sequence[AccountManifest],
              delivery: DeliveryConfig | None = None) -> Estate:
    """The accounts and delivery settings the self-blocking check protects. With `config/delivery.yaml`: its state
    bucket and key prefix, the principals its deployer role trusts (the pipeline's), and the role's name."""
    accounts = tuple(AccountInfo(m.name, m.ou, m.id, m.network is not None) for m in manifests
                     if not m.decommissioned)
    if delivery is None:
        return Estate(org, accounts)
    return Estate(org, accounts, state_bucket=delivery.backend.bucket,
                  pipeline_principals=tuple(delivery.deployer.trusted_principals),
                  state_key_prefix=delivery.backend.key_prefix, deployer_role_name=delivery.deployer.role_name)


def check_rcps(org: OrganizationConfig, src: Source, root: Path, account_names: Sequence[str],
               estate: Estate) -> tuple[list[RenderedPolicy], list[Problem]]:
    params = scp_parameters(org)
    resources = protected_resources(estate)
    management = org.core_accounts.management

    def render(policy: PolicyFile) -> tuple[RenderedPolicy | None, list[Problem]]:
        reachable = narrowed(resources, policy.attach_to, estate.accounts, management)
        return render_checked(policy, root, params, RCP,
                              lambda statement: [blocking_message(b) for b in find_blocking(statement, reachable)])

    return check_policy_files(RCPS, org, src, root, account_names, render)


def check_management_policies(org: OrganizationConfig, src: Source, account_names: Sequence[str]) -> list[Problem]:
    """The AI services opt-out and declarative EC2 sections: their targets, service names and contents."""
    problems: list[Problem] = []
    opt_out = org.ai_services_opt_out
    if opt_out.enabled:
        problems += check_targets(org, src, ("ai_services_opt_out", "attach_to"), opt_out.attach_to, account_names)
        problems += _attached_somewhere(src, ("ai_services_opt_out", "attach_to"), opt_out.attach_to)
        for name in opt_out.services:
            problems += _service_name(src, ("ai_services_opt_out", "services", name), name)
    declarative = org.declarative_ec2
    if declarative is not None:
        loc = ("declarative_ec2", "attach_to")
        problems += check_targets(org, src, loc, declarative.attach_to, account_names)
        problems += _attached_somewhere(src, loc, declarative.attach_to)
        if not any(key != "exception_message" for key in declarative.attributes()):
            problems.append(src.problem(("declarative_ec2",), "sets no EC2 attribute (every option is null); set "
                                        "one, or remove declarative_ec2"))
    return problems


def _attached_somewhere(src: Source, loc: tuple[Any, ...], targets: Any) -> list[Problem]:
    if targets.root or targets.ous or targets.accounts:
        return []
    return [src.problem(loc, "attaches the policy nowhere; set root: true, or list OUs or accounts")]


def _service_name(src: Source, loc: tuple[Any, ...], name: str) -> list[Problem]:
    """A name close to a known AI service is a typo, which AWS would take as another service (or refuse): the
    setting would silently not apply to the service meant. Others are taken as services AWS added since."""
    if name == "default":
        return [src.problem(loc, "'default' is ai_services_opt_out.default; set it there")]
    if name in AI_SERVICES:
        return []
    close = difflib.get_close_matches(name, AI_SERVICES, n=1, cutoff=0.8)
    if not close:
        return []
    return [src.problem(loc, f"'{name}' is not an AI service of the opt-out policy; did you mean '{close[0]}'? "
                        f"(known: {', '.join(AI_SERVICES)})")]
