"""`landingzone up --local` and `down --local`: progress per stack as it happens, then the report."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from landingzone.cli_context import (
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    DebugOption,
    JsonOption,
    QuietOption,
    RootOption,
    Run,
    run_of,
)
from landingzone.cli_format import table
from landingzone.config import LandingZone
from landingzone.errors import UsageError
from landingzone.local.runner import CHANGED, OK
from landingzone.topology import StackSpec, stack_specs

if TYPE_CHECKING:
    from landingzone.cli_progress import Steps
    from landingzone.local.deploy import UpResult
    from landingzone.local.drift import DriftResult
    from landingzone.local.runner import StackRun

LocalOption = Annotated[bool, typer.Option(
    "--local", help="Target a local AWS (moto on a loopback port) instead of real AWS; the only target here.")]


def up(ctx: typer.Context, local: LocalOption = False,
       workers: Annotated[int | None, typer.Option("--workers", metavar="N", min=1, show_default=False,
                                                   help="Stacks applied at once. [default: two per core]")] = None,
       root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
       debug: DebugOption = False) -> int:
    """Deploy every stack to a local AWS (--local), verify it with boto3, and re-plan for drift."""
    run = run_of(ctx).begin("up", root=root, quiet=quiet, json_out=json_out, debug=debug)
    require_local("up", local)
    lz = run.load()
    return _timed(run, "up", lambda: _up(run, lz, list(stack_specs(lz)), workers))


def down(ctx: typer.Context, local: LocalOption = False, root: RootOption = None, quiet: QuietOption = False,
         json_out: JsonOption = False, debug: DebugOption = False) -> int:
    """Stop the local AWS that `up --local` started, and forget its state.

    Every resource in it goes with it. Reads no configuration, so it works while the configuration does not validate."""
    run = run_of(ctx).begin("down", root=root, quiet=quiet, json_out=json_out, debug=debug)
    require_local("down", local)
    return _timed(run, "down", lambda: _down(run))


def drift(ctx: typer.Context, local: LocalOption = False,
          workers: Annotated[int | None, typer.Option("--workers", metavar="N", min=1, show_default=False,
                                                      help="Stacks planned at once. [default: two per core]")] = None,
          root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
          debug: DebugOption = False) -> int:
    """Plan every stack deployed on the local AWS again (--local) and list those changed outside Terraform.

    Exit 0 when none drifted, 1 when one did or could not be planned. Reads no configuration: drift compares the
    local AWS with what was applied, not with the YAML as it is now."""
    run = run_of(ctx).begin("drift", root=root, quiet=quiet, json_out=json_out, debug=debug)
    require_local("drift", local)
    return _timed(run, "drift", lambda: _drift(run, workers), failed="DRIFT FOUND")


def require_local(command: str, local: bool) -> None:
    if not local:
        raise UsageError(f"{command}: only --local is supported: real AWS accounts are deployed by Terraform or "
                         "Spacelift from cdktf.out")


def _timed(run: Run, command: str, action: Callable[[], int], *, failed: str = "FAILED") -> int:
    from landingzone.gates.terraform import TerraformUnavailable
    from landingzone.local.server import LocalAwsError

    started = time.perf_counter()
    try:
        code = action()
    except (TerraformUnavailable, LocalAwsError) as exc:
        run.ui.error(f"{command} --local: {exc}")
        return EXIT_ENVIRONMENT
    verdict = {EXIT_OK: "done", EXIT_INTERRUPTED: "INTERRUPTED"}.get(code, failed)
    run.ui.timings[command] = round(time.perf_counter() - started, 3)
    line = f"{command} --local {verdict} in {time.perf_counter() - started:.0f} s"
    if code == EXIT_OK:
        run.ui.say(f"landingzone: {line}")
    else:
        run.ui.error(line)
    return code


def _up(run: Run, lz: LandingZone, specs: Sequence[StackSpec], workers: int | None) -> int:
    from landingzone.local.deploy import up
    from landingzone.local.runner import default_workers
    from landingzone.local.workspace import Workspace, deployable
    from landingzone.stacks.synth import load_bindings

    ui = run.ui
    with ui.timed("import"), ui.progress("loading the CDKTF bindings"):
        load_bindings()
    chosen, _ = deployable(specs)
    with ui.progress(f"synthesizing {len(chosen)} stacks for the local AWS", len(chosen), lines=True,
                     verb="apply") as steps:
        result = up(lz, specs, run.root, workers=workers or default_workers(), say=lambda text: ui.say(
            f"landingzone: {text}"), progress=_applying(steps, len(chosen)))
    lines = _report(result, specs)
    for line in lines:
        ui.result(line)
    # The whole report, every check with what it read, stays beside the state for a later look.
    report = Workspace.of(run.root).root / "report.txt"
    report.write_text("\n".join([*lines, "checks:", *(f"  {'ok' if c.ok else 'FAILED'} {c.name}: {c.detail}"
                                                      for c in result.checks)]) + "\n")
    _record(run, result, specs, str(report))
    ui.say(f"the local AWS keeps running: AWS_ENDPOINT_URL={result.endpoint} aws organizations list-accounts; "
           f"`landingzone down --local` removes it; report: {report}")
    if result.interrupted:
        ui.error("interrupted: the stacks that were running finished or were stopped, the rest were not "
                 "attempted; `landingzone up --local` continues from here")
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def _applying(steps: Steps, total: int) -> Callable[[str, str], None]:
    """The runner's progress callback (stack, "start" | status) drawn on `steps`: the first start ends synthesis,
    the last stack's end starts verification."""
    def report(stack: str, status: str) -> None:
        if status == "start":
            if steps.done == 0:
                steps.describe(f"applying {total} stacks to the local AWS")
            steps.started_item(stack)
            return
        steps.advance(stack, status)
        if steps.done == total:
            steps.describe("verifying with boto3 and re-planning every stack")
    return report


def _report(result: UpResult, specs: Sequence[StackSpec]) -> list[str]:
    lines = []
    if result.left_out:
        lines.append(f"left out locally ({len(result.left_out)}: the local AWS cannot hold them; see "
                     "landingzone/local/capabilities.py):")
        lines += table([("stack", "address", "why"), *((lo.stack, lo.address, lo.reason) for lo in result.left_out)])
    if result.seeded:
        lines.append(f"seeded {len(result.seeded)} Identity Center groups that Entra's SCIM sync provides: "
                     f"{', '.join(result.seeded)}")
    accounts = {spec.name: spec.account for spec in specs}
    rows = [("stack", "account", "status", "resources", "apply s", "re-plan")]
    for name, run in sorted(result.applied.items()):
        rows.append((name, accounts.get(name, "?"), run.status, str(run.resources), f"{run.seconds:.1f}",
                     _replan(result, name)))
    lines += table(rows)
    if result.server_lost:
        lines.append(f"FAILED: {result.server_lost}; the next `landingzone up --local` starts a new one and "
                     "applies everything again")
    lines += _details("apply", result.applied.values()) + _details("re-plan", result.replanned.values())
    if result.checks:
        passed = sum(c.ok for c in result.checks)
        lines.append(f"verified with boto3: {passed} of {len(result.checks)} checks passed")
        lines += [f"  FAILED {check.name}: {check.detail}" for check in result.checks if not check.ok]
    return lines


def _replan(result: UpResult, name: str) -> str:
    replan = result.replanned.get(name)
    if replan is None:
        return "-"
    return "no changes" if replan.ok else "CHANGES" if replan.status == CHANGED else replan.status.upper()


def _record(run: Run, result: UpResult, specs: Sequence[StackSpec], report: str) -> None:
    accounts = {spec.name: spec.account for spec in specs}
    run.ui.record("endpoint", result.endpoint)
    run.ui.record("stacks", [{"name": name, "account": accounts.get(name, ""), "status": applied.status,
                              "resources": applied.resources, "apply_seconds": round(applied.seconds, 1),
                              "replan": _replan(result, name)} for name, applied in sorted(result.applied.items())])
    run.ui.record("left_out", [{"stack": lo.stack, "address": lo.address, "why": lo.reason} for lo in result.left_out])
    run.ui.record("checks", [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in result.checks])
    run.ui.record("report", report)


def _down(run: Run) -> int:
    from landingzone.local.deploy import down

    result = down(run.root)
    run.ui.record("endpoint", result.endpoint)
    run.ui.record("forgotten", result.forgotten)
    if result.endpoint is None:
        run.ui.say("landingzone: no local AWS is running; its local state is forgotten")
        return EXIT_OK
    run.ui.say(f"landingzone: stopped the local AWS at {result.endpoint}; it held "
               f"{sum(result.forgotten.values())} resources in {len(result.forgotten)} stacks, all gone with it")
    return EXIT_OK


def _drift(run: Run, workers: int | None) -> int:
    from landingzone.local.drift import detect_drift
    from landingzone.local.runner import default_workers

    def planned(stack: str, status: str) -> None:
        if status != "start":
            run.ui.say(f"  {status:<8} {stack}")

    result = detect_drift(run.root, workers=workers or default_workers(), progress=planned)
    lines, code = drift_report(result)
    for line in lines:
        run.ui.result(line)
    run.ui.record("endpoint", result.endpoint)
    run.ui.record("stacks", [{"name": name, "status": check.run.status, "resources": check.run.resources,
                              "changes": check.run.detail.splitlines() if check.drifted else [],
                              "outside": list(check.outside)} for name, check in sorted(result.stacks.items())])
    if code == EXIT_INTERRUPTED:
        run.ui.error("interrupted: the stacks not yet planned were not checked")
    return code


def drift_report(result: DriftResult) -> tuple[list[str], int]:
    """The lines `drift --local` prints for `result`, and its exit code."""
    if not result.stacks:
        return [f"landingzone: no stack holds resources on the local AWS at {result.endpoint}; nothing to check"], (
            EXIT_INTERRUPTED if result.interrupted else EXIT_OK)
    rows = [("stack", "resources", "drift", "changes", "plan s")]
    for name, check in sorted(result.stacks.items()):
        status = {OK: "none", CHANGED: "DRIFT"}.get(check.run.status, check.run.status.upper())
        changes = len(check.run.detail.splitlines()) if check.drifted else 0
        rows.append((name, str(check.run.resources), status, str(changes), f"{check.run.seconds:.1f}"))
    lines = [f"landingzone: {len(result.stacks)} deployed stacks planned again against the local AWS at "
             f"{result.endpoint}:", *table(rows)]
    for name, check in sorted(result.stacks.items()):
        if check.drifted:
            lines.append(f"drift in {name}: the next apply would")
            lines += [f"  {change}" for change in check.run.detail.splitlines()]
            lines += [f"  changed outside Terraform: {what}" for what in check.outside]
    lines += _details("plan", (check.run for check in result.stacks.values() if not check.drifted))
    drifted = sorted(name for name, check in result.stacks.items() if check.drifted)
    lines.append(f"drift in {len(drifted)} of {len(result.stacks)} stacks" + (f": {', '.join(drifted)}; "
                 "`landingzone up --local` applies the configuration again" if drifted else ""))
    if result.interrupted:
        return lines, EXIT_INTERRUPTED
    return lines, EXIT_OK if result.ok else EXIT_FAILED


def _details(what: str, runs: Iterable[StackRun]) -> list[str]:
    return [f"{what} {run.name} {run.status}:\n  " + run.detail.replace("\n", "\n  ")
            for run in runs if not run.ok and run.detail]
