"""The command line: the only place that prints and picks exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from landingzone.cli_format import findings_table, gate_summary, table
from landingzone.config import LandingZone, load_landing_zone
from landingzone.errors import ConfigError, Problem
from landingzone.output import staged, summarize, unsafe_target
from landingzone.stacks import StackSpec, decommission_allowlist, stack_specs

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(args.root).resolve()
    try:
        started = time.perf_counter()
        lz = load_landing_zone(root)
        print(f"landingzone: {root.name}: {len(lz.accounts)} accounts, {len(lz.ou_paths)} OUs, {len(lz.scps)} SCPs "
              f"valid ({time.perf_counter() - started:.2f} s)")
        if args.command == "validate":
            return EXIT_OK
        if args.command == "plan-check":
            return _plan_check(lz, Path(args.plan), args.stack)
        if args.command in ("up", "down"):
            from landingzone.cli_local import run_local

            return run_local(args.command, lz, list(stack_specs(lz)), root, local=args.local,
                             workers=getattr(args, "workers", None))
        outdir = _outdir(root, args.out)
        if args.command == "synth" and (reason := unsafe_target(outdir, root)):
            raise ConfigError([Problem(_shown(outdir), 0, "", f"--out: {reason}")])
        if args.command == "synth":
            _synth(lz, _select(lz, args.stack), outdir)
            if args.no_gates:
                return EXIT_OK
        elif not (outdir / "manifest.json").is_file():
            raise ConfigError([Problem(_shown(outdir), 0, "", "holds no synthesized stacks; run synth first")])
        # after `synth --stack`, the output holds just those stacks: gating them is gating it all
        return _gates(lz, outdir, _reports_dir(root, args.reports), validate=not args.no_validate,
                      stacks=args.stack or (), changed=args.changed, use_cache=not args.no_cache, verbose=args.verbose)
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"landingzone: {error.summary}; nothing was written", file=sys.stderr)
        return EXIT_CONFIG


def _synth(lz: LandingZone, specs: list[StackSpec], outdir: Path) -> None:
    from landingzone.stacks.synth import synthesize

    started = time.perf_counter()
    with staged(outdir) as stage:
        synthesize(lz, specs, stage)
        summaries = summarize(stage)
    elapsed = time.perf_counter() - started
    print(f"landingzone: synthesized {len(summaries)} stack{'s' * (len(summaries) != 1)} into {_shown(outdir)} "
          f"in {elapsed:.1f} s")
    accounts = {spec.name: spec.account for spec in specs}
    rows = [("stack", "account", "resources", "imports")]
    rows += [(s.name, accounts.get(s.name, "?"), str(s.resources), str(s.imports)) for s in summaries]
    print("\n".join(table(rows)))


def _gates(lz: LandingZone, outdir: Path, reports_dir: Path, *, validate: bool, stacks: Sequence[str] = (),
           changed: bool = False, use_cache: bool = True, verbose: bool = False) -> int:
    from landingzone.cli_format import check_counts, findings_to_show
    from landingzone.gates.reports import write_reports
    from landingzone.gates.runner import run_gates

    started = time.perf_counter()
    run = run_gates(lz, outdir, validate=validate, stacks=stacks, changed=changed, use_cache=use_cache)
    total = run.total
    sarif, junit = write_reports(total, reports_dir)
    scope = f"{len(run.stacks)} stack{'s' * (len(run.stacks) != 1)}" + (" selected" if run.partial else "")
    print(f"landingzone: gates on {_shown(outdir)} ({scope}) in {time.perf_counter() - started:.1f} s")
    print("\n".join(gate_summary(run.reports, run.cached, run.seconds)))
    print("\n".join(check_counts(total.findings)))
    shown, left_out = findings_to_show(total.findings, verbose)
    if shown:
        print("\n".join(findings_table(shown)))
    if left_out:
        print(f"  ... and {left_out} more; every finding is in {_shown(sarif)} and with --verbose")
    verdict = "passed" if total.ok else f"FAILED ({len(total.failed)} unsuppressed)"
    print(f"landingzone: gates {verdict}; reports: {_shown(sarif)}, {_shown(junit)}")
    return EXIT_OK if total.ok else EXIT_FAILED


def _plan_check(lz: LandingZone, plan_file: Path, stack: str) -> int:
    from landingzone.gates.plan_safety import check_plan

    try:
        plan = json.loads(plan_file.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        problem = Problem(str(plan_file), 0, "", f"is not a readable `terraform show -json` plan ({exc})")
        raise ConfigError([problem]) from None
    _select(lz, [stack])
    report = check_plan(plan, decommission_allowlist(lz, stack), stack)
    if report.findings:
        print("\n".join(findings_table(report.findings)))
    verdict = "passed" if report.ok else f"FAILED ({len(report.failed)} protected changes)"
    print(f"landingzone: plan safety for {stack}: {report.checks_run} changes read; {verdict}")
    return EXIT_OK if report.ok else EXIT_FAILED


def _select(lz: LandingZone, names: Sequence[str] | None) -> list[StackSpec]:
    specs = list(stack_specs(lz))
    if not names:
        return specs
    known = {spec.name for spec in specs}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ConfigError([Problem("--stack", 0, "", f"'{name}' is not a stack of this landing zone "
                                   f"(known: {', '.join(sorted(known))})") for name in unknown])
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="landingzone", description="AWS landing zone from YAML to Terraform.")
    commands = parser.add_subparsers(dest="command", required=True)
    texts = {"synth": "validate the config, write Terraform JSON stacks, then run the gates",
             "validate": "validate the config only; writes nothing",
             "check": "run the gates (checkov, terraform validate) on an existing cdktf.out",
             "plan-check": "fail on deletes or replacements of protected resources in a `terraform show -json` plan",
             "up": "deploy every stack to a local AWS (--local), verify it with boto3, and re-plan for drift",
             "down": "stop the local AWS that `up --local` started, and forget its state"}
    for name, text in texts.items():
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--root", default=".", help="project folder holding config/ and accounts/ (default: .)")
        if name in ("synth", "check"):
            _gate_options(command, name)
        if name in ("up", "down"):
            command.add_argument("--local", action="store_true",
                                 help="target a local AWS (moto on a loopback port) instead of real AWS")
        if name == "up":
            command.add_argument("--workers", type=int, default=None, metavar="N",
                                 help="stacks applied at once (default: two per core)")
        if name == "plan-check":
            command.add_argument("plan", help="the plan as JSON: terraform show -json PLANFILE > plan.json")
            command.add_argument("--stack", required=True, help="the stack the plan belongs to")
    return parser


def _gate_options(command: argparse.ArgumentParser, name: str) -> None:
    command.add_argument("--out", help="output folder (default: cdktf.out under --root)")
    command.add_argument("--reports", help="folder for gates.sarif and gates.junit.xml (default: reports)")
    command.add_argument("--no-validate", action="store_true", help="skip terraform validate")
    command.add_argument("--verbose", action="store_true", help="list every finding, suppressed ones included "
                         "(default: counts per check, and the findings that need action)")
    if name == "synth":
        command.add_argument("--stack", action="append", metavar="NAME",
                             help="synthesize only this stack; repeat for more (default: all)")
        command.add_argument("--no-gates", action="store_true", help="write the stacks without running gates")
        command.set_defaults(changed=False, no_cache=False)
        return
    command.add_argument("--stack", action="append", metavar="NAME",
                         help="check only this stack of the output; repeat for more (default: all)")
    command.add_argument("--changed", action="store_true",
                         help="check only stacks whose cdk.tf.json differs from the last run that passed them")
    command.add_argument("--no-cache", action="store_true",
                         help="re-check every selected stack instead of reusing results whose inputs are unchanged")


if __name__ == "__main__":
    sys.exit(main())
