"""Which stacks a landing zone has, in which account, after which others; cheap to compute (no cdktf).

Builders are named by import path and loaded only for the stacks being synthesized, so a run for one
stack of a 500-account organisation neither imports nor constructs the other stacks.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from landingzone.config import LandingZone
from landingzone.config.workloads import available_workloads
from landingzone.constructs.ids import logical_id

BOOTSTRAP = "bootstrap"
ADMIN = "admin"


@dataclass(frozen=True)
class StackSpec:
    """A stack before it is built: its name is a public contract (Spacelift stacks and state keys use it)."""

    name: str
    account: str
    builder: str  # "module:function" taking (scope, landing_zone, spec, sources) and returning the stack
    depends_on: tuple[str, ...] = ()
    # False where Terraform here cannot check the stack: its provider is not in the offline mirror (entra: azuread;
    # admin: spacelift-io/spacelift). Tests check such a stack's JSON against a schema of its provider instead.
    validate: bool = True

    def load_builder(self) -> Callable[..., object]:
        module, _, function = self.builder.partition(":")
        return getattr(importlib.import_module(module), function)


def stack_specs(lz: LandingZone) -> tuple[StackSpec, ...]:
    """Every stack of the landing zone, in deployment order."""
    core = lz.organization.core_accounts
    specs = []
    if lz.delivery is not None:
        # The state bucket and the deployer roles: everything else keeps its state there and runs through them.
        specs.append(StackSpec(BOOTSTRAP, core.management, "landingzone.delivery.bootstrap:build_bootstrap_stack"))
    specs.append(StackSpec("org", core.management, "landingzone.stacks.org:build_org_stack",
                           (BOOTSTRAP,) if lz.delivery is not None else ()))
    if lz.identity is not None:
        specs.append(StackSpec("identity", core.management, "landingzone.stacks.identity:build_identity_stack",
                               ("org",)))
        if lz.identity.entra and lz.identity.entra.stack:
            specs.append(StackSpec("entra", "entra-tenant", "landingzone.stacks.entra:build_entra_stack", ("org",),
                                   validate=False))
    security = lz.organization.security
    if security is not None:
        specs.append(StackSpec("security", security.delegated_administrator,
                               "landingzone.stacks.security:build_security_stack", ("org",)))
    if lz.network is not None:
        specs.append(StackSpec("network", core.shared_services, "landingzone.stacks.network:build_network_stack",
                               ("org",)))
    spokes = {a.name for a in lz.spokes()}
    for account in lz.accounts:
        if account.decommissioned:
            continue
        # Spokes look the hub up at plan time, and Config records into the security stack's archive: both
        # must be applied first.
        after = ["org"]
        if security is not None and security.enabled("config"):
            after.append("security")
        if account.name in spokes:
            after.append("network")
        specs.append(StackSpec(f"baseline-{account.name}", account.name,
                               "landingzone.stacks.baseline:build_baseline_stack", tuple(after)))
    specs += _workload_specs(lz)
    specs += _admin_spec(lz)
    return tuple(specs)


def _admin_spec(lz: LandingZone) -> list[StackSpec]:
    """The Spacelift stacks of all the others, with Spacelift's provider; after org, whose outputs name the
    accounts its AWS integrations assume roles in."""
    if lz.delivery is None or lz.delivery.spacelift is None:
        return []
    return [StackSpec(ADMIN, lz.organization.core_accounts.management, "landingzone.delivery.admin:build_admin_stack",
                      ("org",), validate=False)]


def _workload_specs(lz: LandingZone) -> list[StackSpec]:
    """`<workload>-<account>` for each workload a manifest enables: after its account's baseline (its VPC, keys
    and boundary) and whatever else the workload reads at plan time."""
    modules = available_workloads()
    specs = []
    for account in lz.accounts:
        if account.decommissioned:
            continue
        for name in sorted(account.workloads):
            workload = modules[name]
            after = (f"baseline-{account.name}", *workload.reads)
            specs.append(StackSpec(f"{name}-{account.name}", account.name, workload.builder, after))
    return specs


def decommission_allowlist(lz: LandingZone, stack: str) -> tuple[str, ...]:
    """Addresses in `stack` that the config explicitly allows to be deleted or replaced (may hold * and ?)."""
    allowed: set[str] = set()
    if stack == "org":
        allowed |= {f"aws_organizations_account.{logical_id('account', a.name)}" for a in lz.accounts
                    if a.decommissioned}
    markers = [a.manifest.decommission for a in lz.accounts] + [lz.organization.decommission]
    for marker in markers:
        for pattern in marker.resources if marker else ():
            stack_pattern, _, address = pattern.partition(":")
            if fnmatchcase(stack, stack_pattern):
                allowed.add(address)
    return tuple(sorted(allowed))
