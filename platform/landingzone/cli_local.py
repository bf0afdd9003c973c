"""`landingzone up --local` and `down --local`: progress per stack as it happens, then the report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from landingzone.cli_format import table
from landingzone.config import LandingZone
from landingzone.errors import UsageError
from landingzone.local.runner import CHANGED, OK, StackRun, default_workers
from landingzone.topology import StackSpec

if TYPE_CHECKING:
    from landingzone.local.drift import DriftResult

EXIT_OK, EXIT_FAILED, EXIT_ENVIRONMENT = 0, 1, 4
EXIT_INTERRUPTED = 130  # the shell's code for a run ended by SIGINT


def require_local(command: str, local: bool) -> None:
    if not local:
        raise UsageError(f"{command}: only --local is supported: real AWS accounts are deployed by Terraform or "
                         "Spacelift from cdktf.out")


def run_up(lz: LandingZone, specs: Sequence[StackSpec], root: Path, *, workers: int | None) -> int:
    return _timed("up", lambda: _up(lz, specs, root, workers))


def run_down(root: Path) -> int:
    """`down --local` reads no configuration: it must work when the configuration no longer validates."""
    return _timed("down", lambda: _down(root))


def run_drift(root: Path, *, workers: int | None) -> int:
    """`drift --local`: 0 when no deployed stack drifted, 1 when one did or could not be planned."""
    return _timed("drift", lambda: _drift(root, workers), failed="DRIFT FOUND")


def _timed(command: str, run: Callable[[], int], *, failed: str = "FAILED") -> int:
    from landingzone.gates.terraform import TerraformUnavailable
    from landingzone.local.server import LocalAwsError

    started = time.perf_counter()
    try:
        code = run()
    except (TerraformUnavailable, LocalAwsError) as exc:
        print(f"landingzone: {command} --local: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    verdict = {EXIT_OK: "done", EXIT_INTERRUPTED: "INTERRUPTED"}.get(code, failed)
    print(f"landingzone: {command} --local {verdict} in {time.perf_counter() - started:.0f} s")
    return code


def _progress(verb: str) -> object:
    def report(stack: str, status: str) -> None:
        print(f"  {verb if status == 'start' else status:<8} {stack}", flush=True)
    return report


def _up(lz: LandingZone, specs: Sequence[StackSpec], root: Path, workers: int | None) -> int:
    from landingzone.local.deploy import up
    from landingzone.local.workspace import Workspace

    result = up(lz, specs, root, workers=workers or default_workers(), say=_say, progress=_progress("apply"))
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
        replan = result.replanned.get(name)
        rows.append((name, accounts.get(name, "?"), run.status, str(run.resources), f"{run.seconds:.1f}",
                     "-" if replan is None else _replanned(replan)))
    lines += table(rows)
    if result.server_lost:
        lines.append(f"FAILED: {result.server_lost}; the next `landingzone up --local` starts a new one and "
                     "applies everything again")
    lines += _details("apply", result.applied.values()) + _details("re-plan", result.replanned.values())
    if result.checks:
        passed = sum(c.ok for c in result.checks)
        lines.append(f"verified with boto3: {passed} of {len(result.checks)} checks passed")
        lines += [f"  FAILED {check.name}: {check.detail}" for check in result.checks if not check.ok]
    print("\n".join(lines))
    # The whole report, every check with what it read, stays beside the state for a later look.
    report = Workspace.of(root).root / "report.txt"
    report.write_text("\n".join([*lines, "checks:", *(f"  {'ok' if c.ok else 'FAILED'} {c.name}: {c.detail}"
                                                      for c in result.checks)]) + "\n")
    print(f"the local AWS keeps running: AWS_ENDPOINT_URL={result.endpoint} aws organizations list-accounts; "
          f"`landingzone down --local` removes it; report: {report}")
    if result.interrupted:
        print("landingzone: interrupted: running stacks were stopped cleanly and the rest not attempted; "
              "`landingzone up --local` continues from here", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_FAILED


def _down(root: Path) -> int:
    from landingzone.local.deploy import down

    result = down(root)
    if result.endpoint is None:
        print("landingzone: no local AWS is running; its local state is forgotten")
        return EXIT_OK
    print(f"landingzone: stopped the local AWS at {result.endpoint}; it held "
          f"{sum(result.forgotten.values())} resources in {len(result.forgotten)} stacks, all gone with it")
    return EXIT_OK


def _drift(root: Path, workers: int | None) -> int:
    from landingzone.local.drift import detect_drift

    lines, code = drift_report(detect_drift(root, workers=workers or default_workers(), progress=_progress("plan")))
    print("\n".join(lines))
    if code == EXIT_INTERRUPTED:
        print("landingzone: interrupted: the stacks not yet planned were not checked", file=sys.stderr)
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


def _replanned(run: StackRun) -> str:
    return "no changes" if run.ok else "CHANGES" if run.status == CHANGED else run.status.upper()


def _details(what: str, runs: Iterable[StackRun]) -> list[str]:
    return [f"{what} {run.name} {run.status}:\n  " + run.detail.replace("\n", "\n  ")
            for run in runs if not run.ok and run.detail]


def _say(text: str) -> None:
    print(f"landingzone: {text}", flush=True)
