"""Run every gate over a synthesized output folder: the selected stacks, with cached results reused."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.errors import UsageError
from landingzone.gates.cache import GateCache, cache_path, stack_key
from landingzone.gates.checkov_gate import CHECKS_DIR, checkov_binary, scan_stacks
from landingzone.gates.checkov_gate import RUN_ERRORS as CHECKOV_RUN_ERRORS
from landingzone.gates.findings import GateReport, Status
from landingzone.gates.fingerprints import checkov_fingerprint, terraform_fingerprint
from landingzone.gates.suppressions import apply_suppressions
from landingzone.gates.terraform import USER_CACHE, require_terraform
from landingzone.gates.terraform_batch import RUN_ERRORS as TERRAFORM_RUN_ERRORS
from landingzone.gates.terraform_batch import validate_each
from landingzone.output import SOURCES_FILE, stack_folders
from landingzone.topology import stack_specs

CHECKOV, VALIDATE = "checkov", "terraform validate"
Progress = Callable[[str, str], None]  # (gate, stack)


@dataclass(frozen=True)
class GateRun:
    """Reports by gate (suppressions applied), and how the run went: stacks, cache hits, seconds per gate."""

    reports: dict[str, GateReport]
    stacks: tuple[str, ...]
    cached: dict[str, int]
    seconds: dict[str, float]
    partial: bool  # only some stacks were checked (--stack, --changed)
    checked: dict[str, int]  # by gate: stacks it covered (validate skips stacks the mirror cannot serve)

    @property
    def total(self) -> GateReport:
        return sum(self.reports.values(), GateReport(()))


def stack_sources(folder: Path) -> dict[str, str]:
    path = folder / SOURCES_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def run_gates(lz: LandingZone, outdir: Path, *, validate: bool = True, stacks: Sequence[str] = (),
              changed: bool = False, use_cache: bool = True, progress: Progress | None = None) -> GateRun:
    """Gate the named stacks (all when none are named; with `changed`, those changed since they last passed).

    The gates run at the same time (a re-gate of a few stacks waits for the slower one, not for both).
    Suppressions apply to checkov findings only; the other gates have no exceptions. `use_cache=False`
    re-checks every selected stack (and stores the fresh results). `progress(gate, stack)` is called as each
    gate finishes each stack, from the cache or from a run.
    """
    require_tools(validate=validate)
    folders = stack_folders(outdir)
    cache = GateCache.load(cache_path(outdir))
    if not use_cache:
        cache.entries.clear()  # results are not reused; what last passed (for --changed) still counts
    selected = select_stacks(folders, stacks, cache if changed else None)
    specs = stack_specs(lz)
    gates = [_checkov_gate(lz, folders, selected)]
    if validate:
        # Only stacks whose providers the offline mirror holds: not `entra` (azuread), see StackSpec.validate.
        unchecked = {spec.name for spec in specs if not spec.validate}
        gates.append(_Gate(VALIDATE, terraform_fingerprint, {n: f for n, f in selected.items() if n not in unchecked},
                           _validate, TERRAFORM_RUN_ERRORS, with_sources=False))
    with ThreadPoolExecutor(max_workers=len(gates)) as pool:
        outcomes = dict(zip([g.name for g in gates], pool.map(lambda gate: _run_gate(cache, gate, progress), gates),
                            strict=True))
    # Stale suppressions are told only when every stack of the organisation was checked: an output that holds
    # one stack (a Spacelift run's `synth --stack`) cannot show that a suppression matches nothing anywhere.
    partial = not {spec.name for spec in specs} <= set(selected)
    reports = {name: report for name, (report, _, _) in outcomes.items()}
    findings = apply_suppressions(list(reports[CHECKOV].findings), lz.suppressions, dt.date.today(), stale=not partial)
    reports[CHECKOV] = GateReport(tuple(sorted(findings)), reports[CHECKOV].checks_run)
    if validate:
        _mark(cache, selected, reports)
    cache.save(folders)
    return GateRun(reports, tuple(selected), {name: hits for name, (_, hits, _) in outcomes.items()},
                   {name: seconds for name, (_, _, seconds) in outcomes.items()}, partial,
                   {gate.name: len(gate.folders) for gate in gates})


def require_tools(*, validate: bool) -> None:
    """Raise MissingTool (exit 4) when checkov, or with `validate` Terraform, is missing: the environment's fault,
    known before minutes of the other gate are spent."""
    checkov_binary()
    if validate:
        require_terraform()


@dataclass(frozen=True)
class _Gate:
    name: str
    fingerprint: Callable[[], str]
    folders: Mapping[str, Path]
    run: Callable[[dict[str, Path], Callable[[str], None]], dict[str, GateReport]]
    run_errors: frozenset[str]
    with_sources: bool


def _checkov_gate(lz: LandingZone, folders: Mapping[str, Path], selected: Mapping[str, Path]) -> _Gate:
    required = [tag.key for tag in lz.organization.required_tags]
    checks_dir = lz.root / CHECKS_DIR

    def run(misses: dict[str, Path], done: Callable[[str], None]) -> dict[str, GateReport]:
        return scan_stacks(misses, checks_dir, required, {name: stack_sources(folders[name]) for name in misses},
                           done=done)

    return _Gate(CHECKOV, lambda: checkov_fingerprint(checks_dir, required), selected, run, CHECKOV_RUN_ERRORS,
                 with_sources=True)


def _validate(misses: dict[str, Path], done: Callable[[str], None]) -> dict[str, GateReport]:
    with tempfile.TemporaryDirectory(prefix="landingzone-validate-") as scratch:
        return validate_each(misses, Path(scratch), cache=USER_CACHE, done=done)


def _run_gate(cache: GateCache, gate: _Gate, progress: Progress | None) -> tuple[GateReport, int, float]:
    """The gate's report over its stacks, how many came from the cache, and the seconds it took."""
    started = time.perf_counter()
    report, hits = _through_cache(cache, gate.name, gate.fingerprint(), gate.folders, gate.run, gate.run_errors,
                                  with_sources=gate.with_sources,
                                  done=(lambda stack: progress(gate.name, stack)) if progress else lambda _s: None)
    return report, hits, time.perf_counter() - started


def select_stacks(folders: Mapping[str, Path], names: Sequence[str],
                  cache: GateCache | None = None) -> dict[str, Path]:
    """The named stacks (all when none are named), narrowed to changed ones when a cache is given."""
    unknown = [name for name in names if name not in folders]
    if unknown:
        raise UsageError("; ".join(f"--stack: {_unknown(name, folders)}" for name in unknown))
    chosen = {name: folder for name, folder in folders.items() if not names or name in names}
    if cache is not None:
        chosen = {name: chosen[name] for name in cache.changed(chosen)}
    return chosen


def _unknown(name: str, folders: Mapping[str, Path]) -> str:
    close = difflib.get_close_matches(name, list(folders), n=3)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"'{name}' is not a stack of the synthesized output ({len(folders)} stacks){hint}"


def _through_cache(cache: GateCache, gate: str, fingerprint: str, folders: Mapping[str, Path],
                   run: Callable[[dict[str, Path], Callable[[str], None]], dict[str, GateReport]],
                   run_errors: frozenset[str], *, with_sources: bool,
                   done: Callable[[str], None]) -> tuple[GateReport, int]:
    """One gate over `folders`: cached reports where the key matches, the gate run on the rest, then stored.

    A report that says the run itself failed (a tool crashed or is missing) is not stored.
    """
    keys = {name: stack_key(fingerprint, folder, with_sources=with_sources) for name, folder in folders.items()}
    reports = {name: hit for name in folders if (hit := cache.get(name, gate, keys[name])) is not None}
    hits = len(reports)
    for name in sorted(reports):
        done(name)
    misses = {name: folder for name, folder in folders.items() if name not in reports}
    fresh = run(misses, done) if misses else {}
    for name, report in fresh.items():
        if name in keys and not any(f.check_id in run_errors for f in report.findings):
            cache.put(name, gate, keys[name], report)
    reports.update(fresh)
    return sum(reports.values(), GateReport(())), hits


def _mark(cache: GateCache, selected: Mapping[str, Path], reports: Mapping[str, GateReport]) -> None:
    """Record which stacks passed every gate, for --changed; a failing stack stays changed until it passes."""
    failing = {f.stack for report in reports.values() for f in report.findings if f.status is Status.FAILED}
    if "" in failing:  # the run as a whole failed (a suppression expired): nothing passed
        failing = set(selected)
    cache.mark(selected, [name for name in selected if name not in failing], [name for name in selected
                                                                               if name in failing])
