"""Run every gate over a synthesized output folder and collect one report."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.gates.checkov_gate import CHECKS_DIR, run_checkov
from landingzone.gates.findings import GateReport
from landingzone.gates.suppressions import apply_suppressions
from landingzone.gates.terraform import USER_CACHE, validate_stacks
from landingzone.output import SOURCES_FILE, stack_folders
from landingzone.topology import stack_specs


def stack_sources(folder: Path) -> dict[str, str]:
    path = folder / SOURCES_FILE
    return json.loads(path.read_text()) if path.is_file() else {}


def run_gates(lz: LandingZone, outdir: Path, *, validate: bool = True,
              only: Collection[str] | None = None,
              progress: Callable[[str, str], None] | None = None) -> dict[str, GateReport]:
    """Reports by gate name, for every stack in `outdir` or `only` those. Suppressions apply to checkov findings
    only; the other gates have no exceptions. `progress(gate, stack)` is called as each gate finishes each stack."""
    stacks = {name: folder for name, folder in stack_folders(outdir).items() if only is None or name in only}
    required = [tag.key for tag in lz.organization.required_tags]
    raw = run_checkov(stacks, lz.root / CHECKS_DIR, required,
                      {name: stack_sources(folder) for name, folder in stacks.items()}, progress=progress)
    findings = apply_suppressions(list(raw.findings), lz.suppressions, dt.date.today())
    reports = {"checkov": GateReport(tuple(sorted(findings)), raw.checks_run)}
    if validate:
        with tempfile.TemporaryDirectory(prefix="landingzone-validate-") as scratch:
            # Only stacks whose providers the offline mirror holds: not `entra` (azuread), see StackSpec.validate.
            unchecked = {spec.name for spec in stack_specs(lz) if not spec.validate}
            reports["terraform validate"] = validate_stacks(
                {name: folder for name, folder in stacks.items() if name not in unchecked}, Path(scratch),
                cache=USER_CACHE, progress=progress)
    return reports
