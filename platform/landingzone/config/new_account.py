"""A new account's manifest, written the way the example's are: what `landingzone new-account` puts in accounts/.

What the command line does not give is taken from a sibling (the first active account of the same OU, one in the
same segment preferred), and said so; the VPC gets the lowest free range of the network plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from landingzone.config.address_plan import free_cidr, usual_prefix
from landingzone.config.checks_accounts import ORG_FILE, known
from landingzone.config.model import ROOT, Account, LandingZone
from landingzone.errors import UsageError


@dataclass(frozen=True)
class NewAccount:
    """What the command line asked for; None where a sibling may fill it in."""

    name: str
    ou: str
    email: str
    segment: str | None = None
    cidr: str | None = None
    prefix: int | None = None
    az_count: int | None = None
    egress: bool = False
    environment: str | None = None
    owner: str | None = None
    cost_center: str | None = None
    budget: float | None = None
    alert_emails: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Drafted:
    data: dict[str, Any]
    notes: list[str]
    cidr_note: str = ""


def draft_manifest(lz: LandingZone, request: NewAccount) -> Drafted:
    """The manifest's data, in the order people read it, and notes on what was chosen for them."""
    if request.ou not in lz.ou_paths:  # Root holds only the management account, which exists already
        raise UsageError(f"--ou: '{request.ou}' is not an OU in {ORG_FILE} {known(lz.ou_paths, request.ou)}"
                         + ("; new accounts go into an OU below Root" if request.ou == ROOT else ""))
    sibling = _sibling(lz, request)
    data: dict[str, Any] = {"name": request.name, "email": request.email, "ou": request.ou}
    copied = []
    for key, given in (("environment", request.environment), ("owner", request.owner),
                       ("cost_center", request.cost_center)):
        data[key] = given if given is not None else _copied(sibling, key, copied)
    if request.tags:
        data["tags"] = dict(request.tags)
    cidr_note = ""
    if request.segment is not None:
        data["network"], cidr_note = _network(lz, request, sibling)
    data["budget"] = _budget(request, sibling, copied)
    notes = [f"{_words(copied)} copied from {sibling.file}, the first account of {request.ou}; give "
             f"{_words([_OPTIONS.get(key, '--' + key.replace('_', '-')) for key in copied])} to choose others"] \
        if sibling and copied else []
    return Drafted(data, notes, cidr_note)


_OPTIONS = {"budget": "--budget (with --alert-email)"}


def _words(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]


def render_manifest(data: Mapping[str, Any], modeline: str) -> str:
    """YAML as the example's manifests are written: block mappings, lists of plain values on one line."""
    lines = [modeline]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"{key}:")
            lines += [f"  {inner}: {_flow(item)}" for inner, item in value.items()]
        else:
            lines.append(f"{key}: {_flow(value)}")
    return "\n".join(lines) + "\n"


def _flow(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=1_000_000).strip().removesuffix("\n...")


def _sibling(lz: LandingZone, request: NewAccount) -> Account | None:
    management = lz.organization.core_accounts.management
    peers = [a for a in lz.accounts if a.ou == request.ou and not a.decommissioned and a.name != management]
    same_segment = [a for a in peers if a.manifest.network and a.manifest.network.segment == request.segment]
    return (same_segment or peers or [None])[0]


def _copied(sibling: Account | None, key: str, copied: list[str]) -> Any:
    if sibling is None:
        raise UsageError(f"--{key.replace('_', '-')} is needed: no account in this OU to copy it from")
    copied.append(key)
    return getattr(sibling.manifest, key)


def _budget(request: NewAccount, sibling: Account | None, copied: list[str]) -> dict[str, Any]:
    if request.budget is not None and request.alert_emails:
        return {"monthly_limit_usd": request.budget, "alert_emails": list(request.alert_emails)}
    if sibling is None:
        raise UsageError("--budget and --alert-email are needed: no account in this OU to copy them from")
    copied.append("budget")  # the alert emails with it: who hears of this account's spend
    budget = sibling.manifest.budget
    return {"monthly_limit_usd": request.budget if request.budget is not None else _number(budget.monthly_limit_usd),
            "alert_emails": list(request.alert_emails or budget.alert_emails)}


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _network(lz: LandingZone, request: NewAccount, sibling: Account | None) -> tuple[dict[str, Any], str]:
    assert request.segment is not None
    if request.cidr is not None:
        cidr, note = request.cidr, f"{request.cidr} as given"
    else:
        prefix = request.prefix or usual_prefix(lz, request.segment)
        found, where = free_cidr(lz, prefix)
        if found is None:
            raise UsageError(f"--segment {request.segment}: no free address range: {where}")
        cidr, note = str(found), f"{found}: the lowest /{prefix} of hub route {where} that overlaps no VPC, the " \
                                 "central endpoints or a reserved range"
    az_count = request.az_count or (sibling.manifest.network.az_count if sibling and sibling.manifest.network else 2)
    network: dict[str, Any] = {"vpc_cidr": cidr, "segment": request.segment, "az_count": az_count}
    if request.egress:
        network["egress"] = True
    return network, note
