"""Which file of a project each model describes, and where its JSON Schema lives."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from landingzone.config.account import AccountManifest
from landingzone.config.delivery import DELIVERY_FILE, DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.pydantic_errors import PATTERN_HELP
from landingzone.config.suppressions import SUPPRESSIONS_FILE, SuppressionsFile
from landingzone.config.workloads import available_workloads

SCHEMA_DIR = "schemas"
MODELINE = "# yaml-language-server: $schema="


@dataclass(frozen=True)
class ConfigFile:
    """One kind of file: its schema's name, the model it is validated with, and the files it applies to."""

    name: str  # schemas/<name>.schema.json
    model: type[BaseModel]
    files: str  # the project's files of this kind, as a person would say it
    title: str
    pattern_help: Mapping[str, str] = field(default_factory=dict)

    @property
    def schema_file(self) -> str:
        return f"{SCHEMA_DIR}/{self.name}.schema.json"


def config_files() -> tuple[ConfigFile, ...]:
    """Every file kind of a project, the library's own first, then each installed workload's parameters."""
    files = [
        ConfigFile("organization", OrganizationConfig, "config/organization.yaml", "The organisation"),
        ConfigFile("account", AccountManifest, "accounts/**/*.yaml", "An account manifest"),
        ConfigFile("network", NetworkConfig, "config/network.yaml", "The network"),
        ConfigFile("identity", IdentityConfig, "config/identity.yaml", "Identity Center and Entra ID"),
        ConfigFile("delivery", DeliveryConfig, DELIVERY_FILE, "Delivery: state, Terraform, the deployer role"),
        ConfigFile("suppressions", SuppressionsFile, SUPPRESSIONS_FILE, "Reviewed checkov suppressions"),
    ]
    files += [ConfigFile(f"workloads/{name}", workload.parameters, f"accounts/**/*.yaml: workloads.{name}",
                         f"The {name} workload's parameters", workload.pattern_help)
              for name, workload in available_workloads().items()]
    return tuple(files)


def pattern_help(config: ConfigFile) -> dict[str, str]:
    """Words for every pattern a file kind may hold: an account manifest holds each workload's parameters."""
    helps = dict(PATTERN_HELP)
    for workload in available_workloads().values():
        helps.update(workload.pattern_help)
    return {**helps, **config.pattern_help}


def schema_for(relative: str) -> ConfigFile | None:
    """The file kind of a project file (`accounts/prod.yaml` is an account manifest), or None."""
    path = Path(relative)
    if path.parts[:1] == ("accounts",) and path.suffix.lower() in (".yaml", ".yml"):
        return next(c for c in config_files() if c.name == "account")
    return next((c for c in config_files() if c.files == relative), None)


def modeline(relative: str, config: ConfigFile) -> str:
    """The comment that tells editors (yaml-language-server) the file's schema, by a path relative to the file."""
    target = os.path.relpath(config.schema_file, Path(relative).parent)
    return f"{MODELINE}{Path(target).as_posix()}"
