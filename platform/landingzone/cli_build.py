"""`landingzone synth` and `landingzone check`: write the stacks, then gate them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from landingzone.cli_context import (
    EXIT_FAILED,
    EXIT_OK,
    DebugOption,
    JsonOption,
    QuietOption,
    RootOption,
    Run,
    completions,
    did_you_mean,
    run_of,
)
from landingzone.cli_format import check_counts, findings_table, findings_to_show, gate_summary, table
from landingzone.config import LandingZone
from landingzone.errors import ConfigError, Problem, UsageError
from landingzone.gates.findings import Finding
from landingzone.output import stack_folders, staged, staged_update, summarize, unsafe_target
from landingzone.topology import StackSpec, stack_specs


def complete_stacks(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of --stack: the stacks of the project at --root."""
    return completions(ctx, incomplete, lambda lz: [spec.name for spec in stack_specs(lz)])


StackOption = Annotated[list[str] | None, typer.Option(
    "--stack", metavar="NAME", autocompletion=complete_stacks,
    help="Synthesize only this stack, exchanging its folder in the existing output and leaving every other file "
         "as it is; repeat for more. [default: every stack, into a fresh output]")]
OutOption = Annotated[Path | None, typer.Option(
    "--out", metavar="DIR", help="Output folder, relative to --root. [default: cdktf.out, or $CDKTF_OUTDIR]",
    show_default=False)]
ReportsOption = Annotated[Path | None, typer.Option(
    "--reports", metavar="DIR", help="Folder for gates.sarif and gates.junit.xml, relative to --root. "
                                     "[default: reports]", show_default=False)]
NoValidateOption = Annotated[bool, typer.Option("--no-validate", help="Skip terraform validate.")]
VerboseOption = Annotated[bool, typer.Option(
    "--verbose", help="List every finding, suppressed ones included. [default: counts per check, and the findings "
                      "that need action]")]
JobsOption = Annotated[int | None, typer.Option(
    "--jobs", metavar="N", min=1, show_default=False,
    help="Worker processes building the stacks, each paying the bindings' import once; the output is the same for "
         "every N. [default: the number of cores]")]
CheckStackOption = Annotated[list[str] | None, typer.Option(
    "--stack", metavar="NAME", autocompletion=complete_stacks,
    help="Check only this stack of the output; repeat for more. [default: every stack]")]
ChangedOption = Annotated[bool, typer.Option(
    "--changed", help="Check only the stacks whose inputs differ from the last run that passed them.")]
NoCacheOption = Annotated[bool, typer.Option(
    "--no-cache", help="Re-check every selected stack instead of reusing results whose inputs are unchanged.")]


def synth(ctx: typer.Context, stack: StackOption = None, out: OutOption = None, reports: ReportsOption = None,
          no_gates: Annotated[bool, typer.Option("--no-gates", help="Write the stacks without running the gates.")]
          = False, no_validate: NoValidateOption = False, jobs: JobsOption = None, verbose: VerboseOption = False,
          root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
          debug: DebugOption = False) -> int:
    """Validate, write every stack's Terraform JSON, then run the gates.

    The output is written whole or not at all: a failed run leaves the previous one as it was."""
    run = run_of(ctx).begin("synth", root=root, quiet=quiet, json_out=json_out, debug=debug)
    lz = run.load()
    outdir = output_folder(run.root, out)
    if reason := unsafe_target(outdir, run.root):
        raise UsageError(f"--out: {shown(outdir)} {reason}")
    specs = select_stacks(lz, stack)
    write_stacks(run, lz, specs, outdir, partial=bool(stack), jobs=jobs or os.cpu_count() or 1)
    if no_gates:
        return EXIT_OK
    # after `synth --stack` every stack is gated: the cache answers for those the synth left as they were
    return gate(run, lz, outdir, reports_folder(run.root, reports), validate=not no_validate, verbose=verbose)


SpaceliftInputOption = Annotated[Path | None, typer.Option(
    "--spacelift-input", metavar="FILE", show_default=False,
    help="Also write checkov's findings to FILE (relative to the current folder, where a Spacelift run's hooks "
         "run) for Spacelift's plan policies, and exit 0 whatever they are: the policies decide.")]


def check(ctx: typer.Context, stack: CheckStackOption = None, changed: ChangedOption = False,
          no_cache: NoCacheOption = False, out: OutOption = None, reports: ReportsOption = None,
          no_validate: NoValidateOption = False, verbose: VerboseOption = False,
          spacelift_input: SpaceliftInputOption = None, root: RootOption = None,
          quiet: QuietOption = False, json_out: JsonOption = False, debug: DebugOption = False) -> int:
    """Run the gates (checkov, terraform validate) on an existing synth output.

    Results are cached beside the output per stack and gate, under a hash of everything they depend on (the
    stack, its sources, the checks, the tools): a stack whose inputs did not change is not checked again."""
    run = run_of(ctx).begin("check", root=root, quiet=quiet, json_out=json_out, debug=debug)
    lz = run.load()
    outdir = output_folder(run.root, out)
    if not (outdir / "manifest.json").is_file():
        raise ConfigError([Problem(shown(outdir), 0, "", "holds no synthesized stacks; run synth first")])
    if spacelift_input is not None and not spacelift_input.is_absolute():
        spacelift_input = Path.cwd() / spacelift_input
    return gate(run, lz, outdir, reports_folder(run.root, reports), validate=not no_validate, stacks=stack or (),
                changed=changed, use_cache=not no_cache, verbose=verbose, spacelift_input=spacelift_input)


def write_stacks(run: Run, lz: LandingZone, specs: Sequence[StackSpec], outdir: Path, *, partial: bool,
                 jobs: int = 1) -> None:
    """Every stack into a fresh output; or (`partial`) only `specs`, exchanged in the existing output, whose other
    stacks and documents stay byte for byte as they were."""
    from landingzone.stacks.synth import load_bindings, synthesize

    ui = run.ui
    if lz.delivery is None:
        ui.say("landingzone: no config/delivery.yaml: every stack keeps local state, and there is no bootstrap "
               "stack (state bucket, deployer roles)")
    with ui.timed("synth"):
        if min(jobs, len(specs)) == 1:  # worker processes import the bindings themselves
            with ui.timed("import"), ui.progress("loading the CDKTF bindings"):
                load_bindings()
        with (staged_update if partial else staged)(outdir) as stage, \
                ui.progress("building stacks", len(specs)) as steps:
            def built(name: str) -> None:
                steps.advance(name)
                if steps.done == len(specs):
                    steps.describe(f"writing {len(specs)} stack{'s' * (len(specs) != 1)}")

            synthesize(lz, specs, stage, documents=not partial, jobs=jobs, built=built)
            summaries = [s for s in summarize(stage) if not partial or s.name in {spec.name for spec in specs}]
    kept = " (every other stack and document as it was)" if partial else ""
    kept += f" with {min(jobs, len(specs))} workers" if min(jobs, len(specs)) > 1 else ""
    ui.say(f"landingzone: synthesized {len(summaries)} stack{'s' * (len(summaries) != 1)} into {shown(outdir)}{kept} "
           f"in {ui.timings['synth']:.1f} s")
    accounts = {spec.name: spec.account for spec in specs}
    rows = [("stack", "account", "resources", "imports")]
    rows += [(s.name, accounts.get(s.name, "?"), str(s.resources), str(s.imports)) for s in summaries]
    if not run.quiet:
        ui.lines(table(rows))
    ui.record("out", str(outdir))
    ui.record("stacks", [{"name": s.name, "account": accounts.get(s.name, ""), "resources": s.resources,
                          "imports": s.imports} for s in summaries])
    if not partial and lz.delivery is not None and lz.delivery.spacelift is not None:
        from landingzone.delivery import spacelift_config

        if spacelift_config.write(lz, specs):
            ui.say(f"landingzone: wrote {spacelift_config.CONFIG_FILE} (Spacelift's runtime configuration); commit it "
                   "with this change")


def gate(run: Run, lz: LandingZone, outdir: Path, reports_dir: Path, *, validate: bool, stacks: Sequence[str] = (),
         changed: bool = False, use_cache: bool = True, verbose: bool = False,
         spacelift_input: Path | None = None) -> int:
    """The gates on `outdir`: counts per gate and check, the findings that need action (all with `verbose`), the
    reports written; 1 when any finding fails. With `spacelift_input`, checkov's findings are written there for
    Spacelift's plan policies, which then decide the run: the command succeeds whatever they are."""
    from landingzone.gates.reports import write_reports
    from landingzone.gates.runner import require_tools, run_gates
    from landingzone.gates.spacelift_input import write_spacelift_input

    ui = run.ui
    require_tools(validate=validate)
    folders = stack_folders(outdir)
    named = [name for name in folders if not stacks or name in stacks]
    unchecked = {spec.name for spec in stack_specs(lz) if not spec.validate}
    total_steps = len(named) + (len([name for name in named if name not in unchecked]) if validate else 0)
    what = "checkov and terraform validate" if validate else "checkov"
    with ui.timed("gates"), ui.progress(f"gates: {what} on {len(named)} stacks", total_steps) as steps:
        gated = run_gates(lz, outdir, validate=validate, stacks=stacks, changed=changed, use_cache=use_cache,
                          progress=lambda gate, stack: steps.advance(f"{gate}: {stack}"))
    reports, total = gated.reports, gated.total
    if spacelift_input is not None:
        write_spacelift_input(spacelift_input, reports["checkov"], list(gated.stacks))
    sarif, junit = write_reports(total, reports_dir)
    scope = f"{len(gated.stacks)} stack{'s' * (len(gated.stacks) != 1)}" + (" selected" if gated.partial else "")
    ui.say(f"landingzone: gates on {shown(outdir)} ({scope}) in {ui.timings['gates']:.1f} s")
    if not run.quiet:
        ui.lines(gate_summary(reports, gated.cached, gated.seconds), header=False)
        ui.lines(check_counts(total.findings))
    to_show, left_out = findings_to_show(total.failed if run.quiet else total.findings, verbose)
    if to_show:
        ui.lines(findings_table(to_show))
    if left_out:
        ui.say(f"  ... and {left_out} more; every finding is in {shown(sarif)} and with --verbose")
    ui.record("gates", {name: {"checks_run": r.checks_run, "failed": len(r.failed), "cached": gated.cached.get(name, 0)}
                        for name, r in reports.items()})
    ui.record("findings", [finding_json(f) for f in total.findings])
    ui.record("reports", {"sarif": str(sarif), "junit": str(junit)})
    where = f"reports: {shown(sarif)}, {shown(junit)}"
    if spacelift_input is not None:
        ui.record("spacelift_input", str(spacelift_input))
        ui.say(f"landingzone: gates {'passed' if total.ok else f'found {len(total.failed)} unsuppressed'}; checkov's "
               f"findings written to {shown(spacelift_input)} for the plan policies, which decide the run; {where}")
        return EXIT_OK
    if total.ok:
        ui.say(f"landingzone: gates passed; {where}")
        return EXIT_OK
    ui.error(f"gates FAILED ({len(total.failed)} unsuppressed); {where}")
    return EXIT_FAILED


def finding_json(finding: Finding) -> dict[str, str]:
    fields = asdict(finding)
    fields["status"] = str(finding.status)
    return fields


def select_stacks(lz: LandingZone, names: Sequence[str] | None) -> list[StackSpec]:
    """The named stacks (all when none are named); a name that is no stack is a command-line mistake."""
    specs = list(stack_specs(lz))
    if not names:
        return specs
    known = sorted(spec.name for spec in specs)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageError("; ".join(f"--stack: '{name}' is not a stack of this landing zone (known: "
                                   f"{', '.join(known)}){did_you_mean(name, known)}" for name in unknown))
    return [spec for spec in specs if spec.name in names]


def output_folder(root: Path, out: Path | None) -> Path:
    # The cdktf CLI runs `python synth.py` with CDKTF_OUTDIR set; honour it so both ways write the same place.
    chosen = Path(out or os.environ.get("CDKTF_OUTDIR") or "cdktf.out")
    return chosen if chosen.is_absolute() else root / chosen


def reports_folder(root: Path, reports: Path | None) -> Path:
    chosen = Path(reports or "reports")
    return chosen if chosen.is_absolute() else root / chosen


def shown(path: Path) -> str:
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)
