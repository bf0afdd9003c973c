"""Checks of the `spacelift:` section of `config/delivery.yaml` against the deployer role and the stacks there are."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from fnmatch import fnmatchcase

from landingzone.config.account import AccountManifest
from landingzone.config.checks_accounts import known
from landingzone.config.delivery import DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.uniqueness import unique
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

CHAINED_SESSION_HOURS = 1  # STS refuses a longer session to a role session assuming a role (role chaining)


def check_spacelift(delivery: DeliveryConfig, src: Source, stacks: Collection[str]) -> list[Problem]:
    spacelift = delivery.spacelift
    if spacelift is None:
        return []
    problems = _sessions(delivery, src)
    problems += unique(src, ("spacelift", "labels"), spacelift.labels, "label", rule="each label is set once")
    problems += unique(src, ("spacelift", "drift_detection", "schedule"), spacelift.drift_detection.schedule,
                       "schedule", rule="each schedule is given once")
    problems += unique(src, ("spacelift", "protected_stacks"), spacelift.protected_stacks, "stack",
                       rule="each stack is listed once")
    names = sorted(stacks)
    for index, pattern in enumerate(spacelift.protected_stacks):
        if not any(fnmatchcase(name, pattern) for name in names):
            what = "matches no stack" if any(c in pattern for c in "*?") else "is not a stack"
            problems.append(src.problem(("spacelift", "protected_stacks", index),
                                        f"'{pattern}' {what} of this landing zone {known(names, pattern)}"))
    return problems


def _sessions(delivery: DeliveryConfig, src: Source) -> list[Problem]:
    """Spacelift assumes the deployer role for a run, and every provider then assumes it again from that session."""
    assert delivery.spacelift is not None
    hours = delivery.deployer.max_session_hours
    seconds = delivery.spacelift.aws_integration.duration_seconds
    problems = []
    if hours > CHAINED_SESSION_HOURS:
        problems.append(src.problem(("deployer", "max_session_hours"), f"{hours} hours cannot work with spacelift: "
                                    "every provider assumes the deployer role again from the session Spacelift's "
                                    "integration opens, and STS refuses chained sessions longer than 1 hour; set 1"))
    if seconds > hours * 3600:
        problems.append(src.problem(("spacelift", "aws_integration", "duration_seconds"), f"{seconds} seconds is "
                                    f"longer than the deployer role's maximum session ({hours * 3600} seconds, "
                                    "deployer.max_session_hours), which STS would refuse to the integration"))
    return problems


def stack_names(org: OrganizationConfig, identity: IdentityConfig | None, network: NetworkConfig | None,
                delivery: DeliveryConfig | None, manifests: Sequence[tuple[AccountManifest, Source]],
                workloads: Mapping[str, Mapping[str, object]]) -> set[str]:
    """The names of the stacks the configuration makes (landingzone.topology builds them; it sits above config)."""
    names = {"org"} | ({"bootstrap"} if delivery else set()) | ({"admin"} if delivery and delivery.spacelift else set())
    names |= {"identity"} if identity else set()
    names |= {"entra"} if identity and identity.entra and identity.entra.stack else set()
    names |= {"security"} if org.security else set()
    names |= {"network"} if network else set()
    for manifest, _ in manifests:
        if not manifest.decommissioned:
            names.add(f"baseline-{manifest.name}")
            names |= {f"{workload}-{manifest.name}" for workload in workloads.get(manifest.name, {})}
    return names
