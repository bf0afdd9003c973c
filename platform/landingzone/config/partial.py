"""The landing zone as far as each file's own shape goes, without the checks across files.

For commands that need only part of the configuration (`plan-check` needs the stacks and the decommission
markers): a mistake in an SCP document, an identity assignment or a budget does not stop them. Files they cannot
do without (organization.yaml, the manifests) must still read and fit their models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from landingzone.config.account import AccountManifest
from landingzone.config.checks_accounts import ORG_FILE
from landingzone.config.checks_identity import IDENTITY_FILE
from landingzone.config.checks_network import NETWORK_FILE
from landingzone.config.delivery import DELIVERY_FILE, DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.loader import _load, _load_manifests, _Reading
from landingzone.config.manifests import find_manifests
from landingzone.config.model import Account, LandingZone
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.workloads import available_workloads
from landingzone.errors import ConfigError, Problem


@dataclass(frozen=True)
class PartialLandingZone:
    """The model built from the files that read; `unsettled` holds the problems of optional files that did not
    (the stacks they would add are unknown), for a caller to raise when it needs one of those stacks."""

    landing_zone: LandingZone
    unsettled: tuple[Problem, ...] = ()


def load_shapes(root: Path | str) -> PartialLandingZone:
    """organization.yaml and every manifest read and checked against their models (ConfigError otherwise); the
    optional files read when they can be."""
    reading = _Reading(Path(root).resolve())
    org, _ = _load(reading, ORG_FILE, OrganizationConfig)
    found = find_manifests(reading.root)
    reading.problems += found.problems
    manifests, _ = _load_manifests(reading, found.files)
    if org is None or reading.problems:
        raise ConfigError(reading.problems, reading.notes())
    optional = _Reading(reading.root)
    network, _ = _load(optional, NETWORK_FILE, NetworkConfig, optional=True)
    identity, _ = _load(optional, IDENTITY_FILE, IdentityConfig, optional=True)
    delivery, _ = _load(optional, DELIVERY_FILE, DeliveryConfig, optional=True)
    accounts = tuple(sorted((Account(m, src.file, {}, _workloads(m)) for m, src in manifests),
                            key=lambda a: a.name))
    lz = LandingZone(root=reading.root, organization=org, accounts=accounts, scps=(), network=network,
                     identity=identity, delivery=delivery)
    return PartialLandingZone(lz, tuple(optional.problems))


def _workloads(manifest: AccountManifest) -> dict[str, BaseModel]:
    """The workloads whose parameters fit their model: those are the stacks the manifest certainly adds."""
    known = available_workloads()
    enabled: dict[str, BaseModel] = {}
    for name, raw in manifest.workloads.items():
        if name in known:
            try:
                enabled[name] = known[name].parameters.model_validate(raw or {})
            except ValidationError:
                continue
    return enabled
