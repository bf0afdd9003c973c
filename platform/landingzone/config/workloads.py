"""Workload modules: found through the `landingzone.workloads` entry point, enabled per account in its manifest.

A module hands the library a `Workload`: its name, the pydantic model of its manifest parameters, the checks it
needs across files, and the import path of its stack builder. Nothing here imports the module's constructs, so
validating a manifest stays as cheap as reading it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib.metadata import entry_points
from typing import Any

from pydantic import BaseModel, ValidationError

from landingzone.config.account import AccountManifest
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.pydantic_errors import problems_from
from landingzone.config.yaml_source import Loc, Source
from landingzone.errors import Problem

ENTRY_POINT_GROUP = "landingzone.workloads"


@dataclass(frozen=True)
class WorkloadCheck:
    """What a workload's cross-file check sees of one account that enables it."""

    manifest: AccountManifest
    parameters: BaseModel
    organization: OrganizationConfig
    network: NetworkConfig | None
    source: Source
    prefix: Loc  # ("workloads", <name>): where the parameters sit in the manifest

    def problem(self, loc: Loc, message: str) -> Problem:
        return self.source.problem(self.prefix + tuple(loc), message)


@dataclass(frozen=True)
class AiService:
    """An AWS AI service a workload sends customer content to, for the compliance evidence of the AI services
    opt-out policy. `key` is the opt-out policy's name for the service; empty for a service no opt-out covers."""

    key: str  # "transcribe"
    name: str  # "Amazon Transcribe"
    content: str  # what the workload sends it: "meeting audio"
    note: str = ""  # for a service without a key: why no opt-out applies


@dataclass(frozen=True)
class Workload:
    name: str
    parameters: type[BaseModel]
    builder: str  # "module:function" taking (scope, landing_zone, spec, sources), like the library's own stacks
    check: Callable[[WorkloadCheck], list[Problem]] | None = None
    # Stacks the workload reads at plan time besides its account's baseline (the hub's endpoints, say).
    reads: tuple[str, ...] = ()
    # Name prefixes of the buckets that hold the workload's data in any account, from the organization's name:
    # the organization trail records their object-level events (`security.trail.data_events: [workload-buckets]`).
    # One prefix per workload, not per account: a trail holds at most 500 selector values, and an account
    # enabling the workload then changes no other stack.
    data_buckets: Callable[[str], tuple[str, ...]] | None = None
    # The IAM role names the workload's stack creates in its account, so validation can refuse a clash.
    roles: Callable[[BaseModel, OrganizationConfig], Sequence[str]] | None = None
    # Plain words for the regular expressions its parameters use, so no message shows a raw pattern.
    pattern_help: Mapping[str, str] = field(default_factory=dict)
    # The AWS AI services it sends customer content to (compliance.json names the opt-out that covers each).
    ai_services: tuple[AiService, ...] = ()


@cache
def available_workloads() -> Mapping[str, Workload]:
    """Every installed workload module by name; a module registered under a name other than its own is a
    packaging mistake that would make manifests lie, so it is refused."""
    found: dict[str, Workload] = {}
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        workload = entry.load()
        if not isinstance(workload, Workload) or workload.name != entry.name:
            raise TypeError(f"entry point {entry.name} = {entry.value} is not the Workload named {entry.name!r}")
        found[entry.name] = workload
    return dict(sorted(found.items()))


def data_bucket_prefixes(organization: str, enabled: Iterable[str]) -> list[str]:
    """Every bucket-name prefix the workloads named in `enabled` (each name once or more) declare."""
    known = available_workloads()
    prefixes = {prefix for name in set(enabled) if name in known and known[name].data_buckets is not None
                for prefix in known[name].data_buckets(organization)}  # type: ignore[misc]
    return sorted(prefixes)


def check_workloads(org: OrganizationConfig, network: NetworkConfig | None,
                    manifests: Sequence[tuple[AccountManifest, Source]]
                    ) -> tuple[dict[str, dict[str, BaseModel]], list[Problem]]:
    """Each manifest's workloads with their parameters validated, by account name; and the problems found."""
    known = available_workloads()
    problems: list[Problem] = []
    enabled: dict[str, dict[str, BaseModel]] = {}
    for manifest, src in manifests:
        for name, raw in sorted(manifest.workloads.items()):
            if name not in known:
                problems.append(src.problem(("workloads", name), _unknown(name, known)))
                continue
            params, param_problems = _parameters(known[name], raw, src)
            problems += param_problems
            if params is None:
                continue
            enabled.setdefault(manifest.name, {})[name] = params
            if known[name].check is not None and not manifest.decommissioned:
                problems += known[name].check(WorkloadCheck(manifest, params, org, network, src, ("workloads", name)))
    return enabled, problems


def workload_roles(org: OrganizationConfig, enabled: Mapping[str, Mapping[str, BaseModel]]
                   ) -> dict[str, dict[str, Sequence[str]]]:
    """Account -> workload -> the IAM role names that workload creates there."""
    known = available_workloads()
    return {account: {name: known[name].roles(params, org) for name, params in workloads.items()
                      if known[name].roles is not None} for account, workloads in enabled.items()}


def _unknown(name: str, known: Mapping[str, Workload]) -> str:
    hint = difflib.get_close_matches(name, list(known), n=1)
    guess = f"; did you mean '{hint[0]}'?" if hint else ""
    listed = ", ".join(known) or "none are installed"
    return f"is not an installed workload module (known: {listed}){guess}"


def _parameters(workload: Workload, raw: Any, src: Source) -> tuple[BaseModel | None, list[Problem]]:
    prefix: Loc = ("workloads", workload.name)
    try:
        return workload.parameters.model_validate(raw if raw is not None else {}), []
    except ValidationError as exc:
        # The parameters are checked on their own, so their key paths are re-rooted under `workloads.<name>`.
        inner = src.subtree(prefix, raw)
        return None, [replace(p, path=src.path(prefix) + ("." + p.path if p.path else ""))
                      for p in problems_from(exc, inner, workload.parameters, workload.pattern_help)]
