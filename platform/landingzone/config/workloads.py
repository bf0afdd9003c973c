"""Workload modules: found through the `landingzone.workloads` entry point, enabled per account in its manifest.

A module hands the library a `Workload`: its name, the pydantic model of its manifest parameters, the checks it
needs across files, and the import path of its stack builder. Nothing here imports the module's constructs, so
validating a manifest stays as cheap as reading it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
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
class Workload:
    name: str
    parameters: type[BaseModel]
    builder: str  # "module:function" taking (scope, landing_zone, spec, sources), like the library's own stacks
    check: Callable[[WorkloadCheck], list[Problem]] | None = None
    # Stacks the workload reads at plan time besides its account's baseline (the hub's endpoints, say).
    reads: tuple[str, ...] = ()
    # The IAM role names the workload's stack creates in its account, so validation can refuse a clash.
    roles: Callable[[BaseModel, OrganizationConfig], Sequence[str]] | None = None
    # Plain words for the regular expressions its parameters use, so no message shows a raw pattern.
    pattern_help: Mapping[str, str] = field(default_factory=dict)


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
