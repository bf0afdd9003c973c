"""The command line: the only place that prints and picks exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from landingzone.cli_format import findings_table, gate_summary, table
from landingzone.config import LandingZone, load_landing_zone
from landingzone.errors import ConfigError, MissingTool, Problem, UsageError, render_problem
from landingzone.output import stack_folders, staged, staged_update, summarize, unsafe_target
from landingzone.topology import StackSpec, decommission_allowlist, stack_specs, waves

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
REPORT_TO = "the landingzone issue tracker (see README: Reporting a bug)"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except ConfigError as error:
        for problem in error.problems:
            print(render_problem(problem), file=sys.stderr)
        for note in error.notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"landingzone: {error.summary}; nothing was written", file=sys.stderr)
        return EXIT_CONFIG
    except UsageError as error:
        print(f"landingzone: {error}", file=sys.stderr)
        return EXIT_USAGE
    except MissingTool as error:
        print(f"landingzone: {error}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except KeyboardInterrupt:
        print("landingzone: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the one place a bug becomes a line instead of a traceback
        return _internal_error(error, debug=args.debug)


def _internal_error(error: Exception, *, debug: bool) -> int:
    """One line naming what failed and where; the traceback only with --debug."""
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    where = f" at {Path(frame.filename).name}:{frame.lineno} in {frame.name}" if frame else ""
    if debug:
        traceback.print_exception(error, file=sys.stderr)
    hint = "" if debug else "; run again with --debug for the traceback"
    print(f"landingzone: internal error: {type(error).__name__}: {error}{where}. This is a bug in landingzone, not "
          f"in your configuration; please report it to {REPORT_TO}{hint}", file=sys.stderr)
    return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    root = Path(args.root).resolve()
    if args.command in ("up", "down", "drift"):
        return _local(args.command, root, local=args.local, workers=getattr(args, "workers", None))
    lz = _load(root)
    if args.command in ("synth", "check"):
        return _output_command(args, lz, root)
    if args.command == "plan-check":
        return _plan_check(lz, Path(args.plan), args.stack)
    if args.command == "graph":
        return _graph(lz)
    return EXIT_OK  # validate: loading the landing zone was the whole job


def _load(root: Path) -> LandingZone:
    started = time.perf_counter()
    lz = load_landing_zone(root)
    print(f"landingzone: {root.name}: {len(lz.accounts)} accounts, {len(lz.ou_paths)} OUs, {len(lz.scps)} SCPs "
          f"valid ({time.perf_counter() - started:.2f} s)")
    for warning in lz.warnings:
        print(render_problem(warning), file=sys.stderr)
    for note in lz.notes:
        print(f"note: {note}", file=sys.stderr)
    return lz


def _local(command: str, root: Path, *, local: bool, workers: int | None) -> int:
    """`down` and `drift --local` read no configuration, so they work when the configuration no longer validates
    (drift compares the local AWS with what was applied, not with the YAML as it is now)."""
    from landingzone.cli_local import require_local, run_down, run_drift, run_up

    require_local(command, local)
    if command == "down":
        return run_down(root)
    if command == "drift":
        return run_drift(root, workers=workers)
    lz = _load(root)
    return run_up(lz, list(stack_specs(lz)), root, workers=workers)


def _output_command(args: argparse.Namespace, lz: LandingZone, root: Path) -> int:
    """synth (then the gates) or check: both end in the gates on the output folder."""
    outdir = _outdir(root, args.out)
    if args.command == "synth" and (reason := unsafe_target(outdir, root)):
        raise UsageError(f"--out: {_shown(outdir)} {reason}")
    selected = _select(lz, args.stack)
    if args.command == "synth":
        _synth(lz, selected, outdir, partial=bool(args.stack))
        if args.no_gates:
            return EXIT_OK
    elif not (outdir / "manifest.json").is_file():
        raise ConfigError([Problem(_shown(outdir), 0, "", "holds no synthesized stacks; run synth first")])
    only = {spec.name for spec in selected} if args.stack else None
    missing = sorted((only or set()) - set(stack_folders(outdir)))
    if missing:
        # A stack checked by absence would pass every check: Spacelift's plan policies would see no finding.
        raise ConfigError([Problem(_shown(outdir), 0, "", f"holds no stack '{name}'; synthesize it first "
                                   f"(synth --stack {name})") for name in missing])
    spacelift_input = getattr(args, "spacelift_input", None)
    return _gates(lz, outdir, _reports_dir(root, args.reports), validate=not args.no_validate, only=only,
                  spacelift_input=Path(spacelift_input) if spacelift_input else None)


def _synth(lz: LandingZone, specs: list[StackSpec], outdir: Path, *, partial: bool) -> None:
    """Every stack into a fresh output; or (`partial`) only `specs`, exchanged in the existing output, whose other
    stacks and documents stay byte for byte as they were."""
    from landingzone.stacks.synth import synthesize

    if lz.delivery is None:
        print("landingzone: no config/delivery.yaml: every stack keeps local state, and there is no bootstrap stack "
              "(state bucket, deployer roles)")
    started = time.perf_counter()
    with (staged_update if partial else staged)(outdir) as stage:
        synthesize(lz, specs, stage, documents=not partial)
        summaries = [s for s in summarize(stage) if not partial or s.name in {spec.name for spec in specs}]
    elapsed = time.perf_counter() - started
    kept = " (every other stack and document as it was)" if partial else ""
    print(f"landingzone: synthesized {len(summaries)} stack{'s' * (len(summaries) != 1)} into {_shown(outdir)}{kept} "
          f"in {elapsed:.1f} s")
    accounts = {spec.name: spec.account for spec in specs}
    rows = [("stack", "account", "resources", "imports")]
    rows += [(s.name, accounts.get(s.name, "?"), str(s.resources), str(s.imports)) for s in summaries]
    print("\n".join(table(rows)))
    if not partial and lz.delivery is not None and lz.delivery.spacelift is not None:
        from landingzone.delivery import spacelift_config

        if spacelift_config.write(lz, specs):
            print(f"landingzone: wrote {spacelift_config.CONFIG_FILE} (Spacelift's runtime configuration); commit it "
                  "with this change")


def _graph(lz: LandingZone) -> int:
    specs = stack_specs(lz)
    grouped = waves(specs)
    print(f"landingzone: {len(specs)} stacks in {len(grouped)} waves; each runs after the stacks in its `after` "
          "column, and the stacks of a wave may run at once")
    names = {spec.name for spec in specs}
    rows = [("wave", "stack", "account", "after")]
    rows += [(str(number), spec.name, spec.account, ", ".join(d for d in spec.depends_on if d in names) or "-")
             for number, wave in enumerate(grouped, start=1) for spec in wave]
    print("\n".join(table(rows)))
    return EXIT_OK


def _gates(lz: LandingZone, outdir: Path, reports_dir: Path, *, validate: bool, only: set[str] | None = None,
           spacelift_input: Path | None = None) -> int:
    """The gates on `outdir` (`only` those stacks). With `spacelift_input`, checkov's findings are written there for
    Spacelift's plan policies, which then decide the run: the command succeeds whatever they are."""
    from landingzone.gates.findings import GateReport
    from landingzone.gates.reports import write_reports
    from landingzone.gates.runner import run_gates
    from landingzone.gates.spacelift_input import write_spacelift_input

    started = time.perf_counter()
    reports = run_gates(lz, outdir, validate=validate, only=only)
    if spacelift_input is not None:
        write_spacelift_input(spacelift_input, reports["checkov"], sorted(only or stack_folders(outdir)))
    total = sum(reports.values(), GateReport(()))
    sarif, junit = write_reports(total, reports_dir)
    print(f"landingzone: gates on {_shown(outdir)} in {time.perf_counter() - started:.1f} s")
    print("\n".join(gate_summary(reports)))
    if total.findings:
        print("\n".join(findings_table(total.findings)))
    verdict = "passed" if total.ok else f"FAILED ({len(total.failed)} unsuppressed)"
    print(f"landingzone: gates {verdict}; reports: {_shown(sarif)}, {_shown(junit)}")
    if spacelift_input is not None:
        print(f"landingzone: checkov's findings written to {_shown(spacelift_input)} for the plan policies, which "
              "decide the run")
        return EXIT_OK
    return EXIT_OK if total.ok else EXIT_FAILED


def _plan_check(lz: LandingZone, plan_file: Path, stack: str) -> int:
    from landingzone.gates.plan_safety import check_plan

    try:
        plan = json.loads(plan_file.read_text(), object_pairs_hook=_unique_keys)
    except (OSError, ValueError) as exc:
        problem = Problem(str(plan_file), 0, "", f"is not a readable `terraform show -json` plan ({exc})")
        raise ConfigError([problem]) from None
    _select(lz, [stack])
    report = check_plan(plan, decommission_allowlist(lz, stack), stack)
    if report.findings:
        print("\n".join(findings_table(report.findings)))
    verdict = "passed" if report.ok else f"FAILED ({len(report.failed)} protected changes)"
    print(f"landingzone: plan safety for {stack}: {report.checks_run} changes read; {verdict}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise ValueError(f"key {repeated[0]!r} is given twice in one object")
    return dict(pairs)


def _select(lz: LandingZone, names: Sequence[str] | None) -> list[StackSpec]:
    specs = list(stack_specs(lz))
    if not names:
        return specs
    known = {spec.name for spec in specs}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError("; ".join(f"--stack: '{name}' is not a stack of this landing zone (known: "
                                   f"{', '.join(sorted(known))})" for name in unknown))
    return [spec for spec in specs if spec.name in names]


def _outdir(root: Path, out: str | None) -> Path:
    # The cdktf CLI runs `python synth.py` with CDKTF_OUTDIR set; honour it so both ways write the same place.
    chosen = Path(out or os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
    return chosen if chosen.is_absolute() else root / chosen


def _reports_dir(root: Path, reports: str | None) -> Path:
    chosen = Path(reports or "reports")
    return chosen if chosen.is_absolute() else root / chosen


def _shown(path: Path) -> str:
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)


class _Parser(argparse.ArgumentParser):
    """argparse, but a command-line mistake exits 3 (argparse's own 2 means a config error here)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="landingzone", description="AWS landing zone from YAML to Terraform.")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an internal error")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    texts = {"synth": "validate the config, write Terraform JSON stacks, then run the gates",
             "validate": "validate the config only; writes nothing",
             "check": "run the gates (checkov, terraform validate) on an existing cdktf.out",
             "plan-check": "fail on deletes or replacements of protected resources in a `terraform show -json` plan",
             "graph": "print the stacks in deployment order, with the account and dependencies of each",
             "up": "deploy every stack to a local AWS (--local), verify it with boto3, and re-plan for drift",
             "down": "stop the local AWS that `up --local` started, and forget its state",
             "drift": "plan every stack deployed on the local AWS again (--local) and list the stacks whose "
                      "resources changed outside Terraform; exit 1 when one did"}
    for name, text in texts.items():
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--root", default=".", help="project folder holding config/ and accounts/ (default: .)")
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="show the traceback of an internal error")
        if name == "check":
            command.add_argument("--stack", action="append", metavar="NAME",
                                 help="check only this stack; repeat for more (default: every stack in --out)")
            command.add_argument("--spacelift-input", metavar="FILE",
                                 help="also write checkov's findings to FILE (checkov.custom.spacelift.json) for "
                                 "Spacelift's plan policies, and exit 0 whatever they are: the policies decide")
        if name in ("synth", "check"):
            command.add_argument("--out", help="output folder (default: cdktf.out under --root)")
            command.add_argument("--reports", help="folder for gates.sarif and gates.junit.xml (default: reports)")
            command.add_argument("--no-validate", action="store_true", help="skip terraform validate")
        if name == "synth":
            command.add_argument("--stack", action="append", metavar="NAME",
                                 help="synthesize only this stack, leaving the rest of the output as it is; repeat "
                                 "for more (default: all, into a fresh output)")
            command.add_argument("--no-gates", action="store_true", help="write the stacks without running gates")
        if name in ("up", "down", "drift"):
            command.add_argument("--local", action="store_true",
                                 help="target a local AWS (moto on a loopback port) instead of real AWS")
        if name in ("up", "drift"):
            command.add_argument("--workers", type=int, default=None, metavar="N",
                                 help="stacks applied or planned at once (default: two per core)")
        if name == "plan-check":
            command.add_argument("plan", help="the plan as JSON: terraform show -json PLANFILE > plan.json")
            command.add_argument("--stack", required=True, help="the stack the plan belongs to")
    return parser


if __name__ == "__main__":
    sys.exit(main())
