"""Read every config file, check each file's shape, then the references across files; raise once."""

from __future__ import annotations

import copy
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
from landingzone.config.checks_decommission import check_decommission
from landingzone.config.checks_delivery import check_delivery
from landingzone.config.checks_identity import IDENTITY_FILE, check_identity, check_saml
from landingzone.config.checks_network import NETWORK_FILE, check_network
from landingzone.config.checks_scps import check_scps
from landingzone.config.checks_security import check_budgets, check_security
from landingzone.config.delivery import DELIVERY_FILE, DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.model import Account, LandingZone
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.pydantic_errors import problems_from
from landingzone.config.workloads import check_workloads
from landingzone.config.yaml_source import Source, read_yaml
from landingzone.errors import ConfigError, Problem

M = TypeVar("M", bound=BaseModel)


def load_landing_zone(root: Path | str) -> LandingZone:
    """Validate the project at `root` and return its model, or raise ConfigError with every problem found."""
    root = Path(root).resolve()
    problems: list[Problem] = []
    org, org_src = _load(root, ORG_FILE, OrganizationConfig, problems)
    manifests = []
    account_files = sorted((root / "accounts").glob("*.yaml")) + sorted((root / "accounts").glob("*.yml"))
    if not account_files:
        problems.append(Problem("accounts/", 0, "", "holds no *.yaml manifests; add one file per account"))
    unreadable: list[str] = []  # names of manifests too broken to check, still valid as references
    for path in account_files:
        manifest, src = _load(root, path.relative_to(root).as_posix(), AccountManifest, problems)
        if manifest is not None and src is not None:
            manifests.append((manifest, src))
        elif src is not None and isinstance(src.data, dict) and isinstance(src.data.get("name"), str):
            unreadable.append(src.data["name"])
    network, network_src = _load(root, NETWORK_FILE, NetworkConfig, problems, optional=True)
    identity, identity_src = _load(root, IDENTITY_FILE, IdentityConfig, problems, optional=True)
    delivery, delivery_src = _load(root, DELIVERY_FILE, DeliveryConfig, problems, optional=True)
    if org is None or org_src is None:
        raise ConfigError(problems)
    problems += check_regions(org, org_src)
    problems += check_policy_types(org, org_src)
    problems += check_ou_tree(org, org_src)
    problems += check_accounts(org, org_src, manifests, unreadable)
    problems += check_decommission(org, org_src, manifests)
    problems += check_network(network, network_src, org, manifests)
    problems += check_security(org, org_src, manifests, unreadable, identity)
    problems += check_budgets(manifests)
    problems += check_delivery(delivery, delivery_src, org, org_src, manifests)
    workloads, workload_problems = check_workloads(org, network, manifests)
    problems += workload_problems
    accounts = []
    for manifest, src in manifests:
        tags, tag_problems = account_tags(org, manifest, src)
        problems += tag_problems
        accounts.append(Account(manifest, src.file, tags, workloads.get(manifest.name, {})))
    active = [m.name for m, _ in manifests if not m.decommissioned] + unreadable
    scps, scp_problems = check_scps(org, org_src, root, active)
    problems += scp_problems
    if identity is not None and identity_src is not None:
        problems += check_identity(identity, identity_src, org, accounts, root, unreadable)
    problems += check_saml(root, manifests, (root / IDENTITY_FILE).is_file())
    if problems:
        raise ConfigError(problems)
    accounts.sort(key=lambda a: a.name)
    return LandingZone(root=root, organization=org, accounts=tuple(accounts), scps=tuple(scps),
                       network=network, identity=identity, delivery=delivery)


def _load(root: Path, display: str, model: type[M], problems: list[Problem],
          optional: bool = False) -> tuple[M | None, Source | None]:
    path = root / display
    if not path.is_file():
        if not optional:
            problems.append(Problem(display, 0, "", "is missing"))
        return None, None
    src, read_problems = read_yaml(path, display)
    problems += read_problems
    if src is None:
        return None, None
    if not isinstance(src.data, dict):
        problems.append(Problem(display, 1, "", "must be a mapping of keys to values"))
        return None, src
    try:
        return model.model_validate(src.data), src
    except ValidationError as exc:
        problems += problems_from(exc, src, model)
        return _salvage(src.data, exc, model), src


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
