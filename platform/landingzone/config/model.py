"""The one validated, immutable model of a landing zone that every later layer reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from landingzone.config.account import AccountManifest
from landingzone.config.delivery import DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig, Targets
from landingzone.config.scp import RenderedScp
from landingzone.config.suppressions import Suppressions
from landingzone.errors import Problem

ROOT = "Root"


@dataclass(frozen=True)
class Account:
    """An account manifest with what validation worked out for it."""

    manifest: AccountManifest
    file: str
    tags: Mapping[str, str]
    workloads: Mapping[str, BaseModel] = field(default_factory=dict)  # name -> its validated parameters

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def ou(self) -> str:
        return self.manifest.ou

    @property
    def decommissioned(self) -> bool:
        return self.manifest.decommissioned


@dataclass(frozen=True)
class LandingZone:
    """Everything validated: built only by `load_landing_zone`, which raises ConfigError otherwise."""

    root: Path
    organization: OrganizationConfig
    accounts: tuple[Account, ...]
    scps: tuple[RenderedScp, ...]
    network: NetworkConfig | None = None
    identity: IdentityConfig | None = None  # config/identity.yaml, which is optional
    suppressions: Suppressions = Suppressions()  # policies/checkov/suppressions.yaml, validated with the rest
    warnings: tuple[Problem, ...] = ()  # mistakes that change nothing AWS does, but say the config means otherwise
    notes: tuple[str, ...] = ()  # files in accounts/ that were skipped, and why
    delivery: DeliveryConfig | None = None  # config/delivery.yaml, which is optional

    @property
    def deployer_role(self) -> str:
        """The role every stack's provider assumes in its account."""
        named = self.delivery.deployer.role_name if self.delivery else None
        return named or self.organization.organization.deployer_role

    @property
    def ou_paths(self) -> tuple[str, ...]:
        return tuple(ou.path for ou in self.organization.organizational_units)

    @property
    def management(self) -> Account:
        return self.account(self.organization.core_accounts.management)

    def account(self, name: str) -> Account:
        return next(a for a in self.accounts if a.name == name)

    def member_accounts(self) -> tuple[Account, ...]:
        """Accounts the organization creates or adopts: all but the management account and decommissioned ones."""
        management = self.organization.core_accounts.management
        return tuple(a for a in self.accounts if a.name != management and not a.decommissioned)

    def spokes(self) -> tuple[Account, ...]:
        """Active accounts with a VPC on the hub."""
        return tuple(a for a in self.accounts if a.manifest.network is not None and not a.decommissioned)


def target_keys(targets: Targets) -> list[tuple[str, str]]:
    """(kind, name) for each target: ("root", "Root"), ("ou", "Workloads/Prod"), ("account", "prod")."""
    keys = [("root", ROOT)] if targets.root else []
    keys += [("ou", path) for path in targets.ous]
    keys += [("account", name) for name in targets.accounts]
    return keys
