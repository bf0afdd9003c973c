"""Commands that read and say, and write nothing: validate, graph, list, plan-check. None loads the CDKTF bindings."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from landingzone.cli_build import complete_stacks, finding_json
from landingzone.cli_context import (
    EXIT_FAILED,
    EXIT_OK,
    DebugOption,
    JsonOption,
    QuietOption,
    RootOption,
    did_you_mean,
    run_of,
)
from landingzone.cli_format import findings_table, table
from landingzone.config import LandingZone
from landingzone.config.model import target_keys
from landingzone.errors import ConfigError, Problem, UsageError
from landingzone.topology import stack_specs, waves


def validate(ctx: typer.Context, root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
             debug: DebugOption = False) -> int:
    """Validate the configuration only; writes nothing.

    Suppressions included; loads no CDKTF binding, so it takes a fraction of a second."""
    run_of(ctx).begin("validate", root=root, quiet=quiet, json_out=json_out, debug=debug).load()
    return EXIT_OK


def graph(ctx: typer.Context, root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
          debug: DebugOption = False) -> int:
    """Print the stacks in deployment order, with the account of each and the stacks it runs after.

    Stacks of one wave may run at once; synth writes the same graph to graph.json and graph.md."""
    run = run_of(ctx).begin("graph", root=root, quiet=quiet, json_out=json_out, debug=debug)
    specs = stack_specs(run.load())
    grouped = waves(specs)
    run.ui.say(f"landingzone: {len(specs)} stacks in {len(grouped)} waves; each runs after the stacks in its `after` "
               "column, and the stacks of a wave may run at once")
    names = {spec.name for spec in specs}
    rows = [(str(number), spec.name, spec.account, ", ".join(d for d in spec.depends_on if d in names) or "-")
            for number, wave in enumerate(grouped, start=1) for spec in wave]
    run.ui.lines(table([("wave", "stack", "account", "after"), *rows]))
    run.ui.record("waves", [[{"name": spec.name, "account": spec.account,
                              "after": [d for d in spec.depends_on if d in names]} for spec in wave]
                            for wave in grouped])
    return EXIT_OK


class Listing(StrEnum):
    accounts = "accounts"
    ous = "ous"
    stacks = "stacks"
    scps = "scps"
    segments = "segments"


def list_(ctx: typer.Context,
          what: Annotated[Listing, typer.Argument(help="What to list.", show_default=False)],
          root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
          debug: DebugOption = False) -> int:
    """Print what the model holds: accounts, OUs, stacks, SCPs or network segments.

    With --quiet, only their names, one a line; with --json, every column."""
    run = run_of(ctx).begin("list", root=root, quiet=quiet, json_out=json_out, debug=debug)
    lz = run.load()
    items = _LISTINGS[what.value](lz)
    run.ui.record(what.value, items)
    if run.quiet:
        for item in items:
            run.ui.result(str(next(iter(item.values()))))
        return EXIT_OK
    if items:
        header = tuple(items[0])
        run.ui.lines(table([header, *(tuple(_cell(item[key]) for key in header) for item in items)]))
    else:
        run.ui.say(f"landingzone: no {what.value} in this landing zone")
    return EXIT_OK


def _cell(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) or "-"
    return "-" if value in (None, "") else str(value)


def _accounts(lz: LandingZone) -> list[dict[str, Any]]:
    return [{"name": a.name, "ou": a.ou, "environment": a.manifest.environment, "email": a.manifest.email,
             "vpc": a.manifest.network.vpc_cidr if a.manifest.network else None,
             "segment": a.manifest.network.segment if a.manifest.network else None,
             "workloads": sorted(a.workloads), "file": a.file,
             **({"decommissioned": True} if a.decommissioned else {})} for a in lz.accounts]


def _ous(lz: LandingZone) -> list[dict[str, Any]]:
    attached: dict[str, list[str]] = {}
    for scp in lz.scps:
        for kind, name in target_keys(scp.attach_to):
            attached.setdefault(f"{kind}:{name}", []).append(scp.name)
    return [{"path": path, "accounts": sorted(a.name for a in lz.accounts if a.ou == path),
             "scps": attached.get(f"ou:{path}", [])} for path in ("Root", *lz.ou_paths)]


def _stacks(lz: LandingZone) -> list[dict[str, Any]]:
    specs = stack_specs(lz)
    names = {spec.name for spec in specs}
    return [{"name": spec.name, "account": spec.account, "after": [d for d in spec.depends_on if d in names]}
            for wave in waves(specs) for spec in wave]


def _scps(lz: LandingZone) -> list[dict[str, Any]]:
    return [{"name": scp.name, "file": scp.file, "attached_to": [f"{kind} {name}" for kind, name in
                                                                 target_keys(scp.attach_to)],
             "characters": len(scp.content)} for scp in lz.scps]


def _segments(lz: LandingZone) -> list[dict[str, Any]]:
    if lz.network is None:
        return []
    return [{"name": seg.name, "reaches": list(seg.reaches), "isolated_from": list(seg.isolated_from),
             "vpcs": [f"{a.name} {a.manifest.network.vpc_cidr}" for a in lz.spokes()
                      if a.manifest.network and a.manifest.network.segment == seg.name]}
            for seg in lz.network.segments]


_LISTINGS = {"accounts": _accounts, "ous": _ous, "stacks": _stacks, "scps": _scps, "segments": _segments}


def plan_check(ctx: typer.Context,
               plan: Annotated[Path, typer.Argument(
                   metavar="PLAN.json", show_default=False,
                   help="The plan as JSON: terraform show -json PLANFILE > plan.json")],
               stack: Annotated[str, typer.Option("--stack", metavar="NAME", autocompletion=complete_stacks,
                                                  help="The stack the plan belongs to.", show_default=False)],
               root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
               debug: DebugOption = False) -> int:
    """Fail on deletes or replacements of protected resources in a `terraform show -json` plan.

    The configuration's decommission markers allow what they name. Reads only organization.yaml and the
    manifests, not the whole configuration."""
    from landingzone.config.partial import load_shapes
    from landingzone.gates.plan_safety import check_plan
    from landingzone.topology import decommission_allowlist

    run = run_of(ctx).begin("plan-check", root=root, quiet=quiet, json_out=json_out, debug=debug)
    try:
        document = json.loads(plan.read_text(), object_pairs_hook=_unique_keys)
    except (OSError, ValueError) as exc:
        raise ConfigError([Problem(str(plan), 0, "", f"is not a readable `terraform show -json` plan ({exc})")]) \
            from None
    partial = load_shapes(run.root)
    names = sorted(spec.name for spec in stack_specs(partial.landing_zone))
    if stack not in names:
        if partial.unsettled:  # the stack may come from a file that does not read
            raise ConfigError(list(partial.unsettled))
        raise UsageError(f"--stack: '{stack}' is not a stack of this landing zone (known: {', '.join(names)})"
                         f"{did_you_mean(stack, names)}")
    report = check_plan(document, decommission_allowlist(partial.landing_zone, stack), stack)
    if report.findings:
        run.ui.lines(findings_table(report.findings))
    run.ui.record("stack", stack)
    run.ui.record("findings", [finding_json(f) for f in report.findings])
    verdict = "passed" if report.ok else f"FAILED ({len(report.failed)} protected changes)"
    line = f"plan safety for {stack}: {report.checks_run} changes read; {verdict}"
    if report.ok:
        run.ui.say(f"landingzone: {line}")
        return EXIT_OK
    run.ui.error(line)
    return EXIT_FAILED


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"key {repeated[0]!r} is given twice in one object")
    return dict(pairs)
