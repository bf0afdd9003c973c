"""Read every config file, check each file's shape, then the references across files; raise once."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from landingzone.config.account import AccountManifest
from landingzone.config.checks_accounts import (
    ORG_FILE,
    account_tags,
    check_accounts,
    check_ou_tree,
    check_policy_types,
    check_regions,
)
from landingzone.config.checks_baseline import check_baseline
from landingzone.config.checks_decommission import check_decommission
from landingzone.config.checks_delivery import check_delivery
from landingzone.config.checks_iam_names import check_role_names
from landingzone.config.checks_identity import IDENTITY_FILE, check_identity, check_saml
from landingzone.config.checks_network import NETWORK_FILE, check_network
from landingzone.config.checks_rcps import check_management_policies, check_rcps, estate_of
from landingzone.config.checks_scps import check_scps, scp_warnings
from landingzone.config.checks_security import check_budgets, check_security
from landingzone.config.checks_spacelift import check_spacelift, stack_names
from landingzone.config.delivery import DELIVERY_FILE, DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.manifests import find_manifests, link_target
from landingzone.config.model import Account, LandingZone
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.pydantic_errors import problems_from
from landingzone.config.suppressions import read_suppressions
from landingzone.config.workloads import check_workloads, workload_roles
from landingzone.config.yaml_source import Source, read_yaml
from landingzone.errors import ConfigError, Problem

M = TypeVar("M", bound=BaseModel)


@dataclass
class _Reading:
    """What the first phase found: problems, and the files that could not be read at all."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # files that do not parse: checks needing them are skipped

    def notes(self) -> list[str]:
        return [f"checks that need {file} were skipped until it can be read" for file in self.unreadable]


def load_landing_zone(root: Path | str) -> LandingZone:
    """Validate the project at `root` and return its model, or raise ConfigError with every problem found."""
    reading = _Reading(Path(root).resolve())
    org, org_src = _load(reading, ORG_FILE, OrganizationConfig)
    found = find_manifests(reading.root)
    reading.problems += found.problems
    manifests, unreadable = _load_manifests(reading, found.files)
    network, network_src = _load(reading, NETWORK_FILE, NetworkConfig, optional=True)
    identity, identity_src = _load(reading, IDENTITY_FILE, IdentityConfig, optional=True)
    delivery, delivery_src = _load(reading, DELIVERY_FILE, DeliveryConfig, optional=True)
    suppressions, suppression_problems = read_suppressions(reading.root)
    reading.problems += suppression_problems
    if org is None or org_src is None:
        raise ConfigError(reading.problems, reading.notes())
    problems = reading.problems
    problems += check_regions(org, org_src) + check_policy_types(org, org_src) + check_ou_tree(org, org_src)
    problems += check_accounts(org, org_src, manifests, unreadable)
    problems += check_decommission(org, org_src, manifests)
    if NETWORK_FILE not in reading.unreadable:
        problems += check_network(network, network_src, org, manifests)
    problems += check_security(org, org_src, manifests, unreadable, identity)
    problems += check_baseline(org, org_src)
    problems += check_budgets(manifests)
    if DELIVERY_FILE not in reading.unreadable:
        problems += check_delivery(delivery, delivery_src, org, org_src, manifests)
    workloads, workload_problems = check_workloads(org, network, manifests)
    problems += workload_problems
    if delivery is not None and delivery_src is not None:
        problems += check_spacelift(delivery, delivery_src,
                                    stack_names(org, identity, network, delivery, manifests, workloads))
    problems += check_role_names(org, org_src, manifests, workload_roles(org, workloads))
    accounts = []
    for manifest, src in manifests:
        tags, tag_problems = account_tags(org, manifest, src)
        problems += tag_problems
        accounts.append(Account(manifest, src.file, tags, workloads.get(manifest.name, {})))
    active = [m.name for m, _ in manifests if not m.decommissioned] + unreadable
    scps, scp_problems = check_scps(org, org_src, reading.root, active)
    estate = estate_of(org, [m for m, _ in manifests], delivery)  # what no RCP may cut off, delivery's included
    rcps, rcp_problems = check_rcps(org, org_src, reading.root, active, estate)
    problems += scp_problems + rcp_problems + check_management_policies(org, org_src, active)
    if identity is not None and identity_src is not None:
        problems += check_identity(identity, identity_src, org, accounts, reading.root, unreadable)
    problems += check_saml(reading.root, manifests, (reading.root / IDENTITY_FILE).is_file())
    if problems:
        raise ConfigError(problems, reading.notes())
    return LandingZone(root=reading.root, organization=org, accounts=tuple(sorted(accounts, key=lambda a: a.name)),
                       scps=tuple(scps), rcps=tuple(rcps), network=network, identity=identity, delivery=delivery,
                       suppressions=suppressions,
                       warnings=tuple(sorted(scp_warnings(org, org_src), key=Problem.sort_key)),
                       notes=tuple(found.notes))


def _load_manifests(reading: _Reading, files: list[tuple[str, Path]]
                    ) -> tuple[list[tuple[AccountManifest, Source]], list[str]]:
    """The valid manifests, and the names of those too broken to check (still valid as references)."""
    manifests: list[tuple[AccountManifest, Source]] = []
    unreadable: list[str] = []
    for display, path in files:
        manifest, src = _load(reading, display, AccountManifest, path)
        if manifest is not None and src is not None:
            manifests.append((manifest, src))
        else:
            unreadable += _name_of(src, path)
    return manifests, unreadable


def _load(reading: _Reading, display: str, model: type[M], path: Path | None = None,
          optional: bool = False) -> tuple[M | None, Source | None]:
    checked = path is not None  # find_manifests has already kept manifests inside the project
    path = path or reading.root / display
    if not path.is_file():
        if not optional:
            reading.problems.append(Problem(display, 0, "", "is missing"))
        return None, None
    if not checked and not path.resolve().is_relative_to(reading.root):
        reading.problems.append(Problem(display, 0, "", f"{link_target(path)} outside the project; landingzone "
                                        "reads nothing outside it"))
        reading.unreadable.append(display)
        return None, None
    src, read_problems = read_yaml(path, display)
    reading.problems += read_problems
    if src is None:
        reading.unreadable.append(display)
        return None, None
    if not isinstance(src.data, dict):
        reading.problems.append(Problem(display, 1, "", f"must be a mapping of keys to values, not {_kind(src.data)}"))
        return None, src
    try:
        return model.model_validate(src.data), src
    except ValidationError as exc:
        reading.problems += [p for p in problems_from(exc, src, model) if not src.follow_on(p)]
        return _salvage(src.data, exc, model), src


def _kind(data: Any) -> str:
    if isinstance(data, list):
        return "a list"
    return f"the single value {data!r}" if isinstance(data, str) else f"the single value {data}"


_NAME = re.compile(r"^name:\s*['\"]?([a-z0-9-]+)['\"]?\s*(?:#.*)?$", re.MULTILINE)


def _name_of(src: Source | None, path: Path) -> list[str]:
    """The account name of a manifest too broken to check: from its data, or its text, or its file name. Checks
    that refer to it then pass, rather than report a follow-on error ("'prod' is not an account")."""
    if src is not None:
        name = src.data.get("name") if isinstance(src.data, dict) else None
        return [name] if isinstance(name, str) else []
    match = _NAME.search(path.read_bytes().decode("utf-8", errors="replace")) if path.is_file() else None
    return [match.group(1) if match else path.stem.lower()]


def _salvage(data: dict[str, object], error: ValidationError, model: type[M]) -> M | None:
    """The model without its unknown keys, when those were its only problem, so cross-file checks still run.

    Unknown keys carry no meaning, so dropping them cannot cause false follow-on errors; this lets one run
    report an unknown key *and* the duplicate email beside it. Any other shape error stops the file here.
    """
    errors = error.errors()
    if any(err["type"] != "extra_forbidden" for err in errors):
        return None
    cleaned = copy.deepcopy(data)
    for err in errors:
        node: Any = cleaned
        for part in err["loc"][:-1]:
            node = node[part]
        node.pop(err["loc"][-1], None)
    try:
        return model.model_validate(cleaned)
    except ValidationError:
        return None
