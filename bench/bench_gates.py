"""checkov over several copies of the example's `org` stack: one worker against one per core.

Reported as a ratio against the one-worker run in the same process; on 2 cores the ideal is 0.5x.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_example  # noqa: E402
from landingzone.config import load_landing_zone  # noqa: E402
from landingzone.gates.checkov_gate import CHECKS_DIR, run_checkov  # noqa: E402
from landingzone.stacks import stack_specs  # noqa: E402
from landingzone.stacks.synth import synthesize  # noqa: E402

COPIES = 6


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = copy_example(Path(tmp) / "project")
        lz = load_landing_zone(project)
        out = Path(tmp) / "out"
        out.mkdir()
        synthesize(lz, stack_specs(lz), out)
        stacks = {}
        for i in range(COPIES):
            folder = Path(tmp) / "stacks" / f"org-{i}"
            shutil.copytree(out / "stacks" / "org", folder)
            stacks[folder.name] = folder
        timings = {}
        for workers in (1, os.cpu_count() or 1):
            started = time.perf_counter()
            report = run_checkov(stacks, ROOT / CHECKS_DIR, ["Environment", "Project", "Owner"], {}, workers)
            timings[workers] = time.perf_counter() - started
            assert report.ok, report.failed
    base = timings[1]
    print(f"checkov over {COPIES} stacks ({os.cpu_count()} cores)")
    for workers, seconds in timings.items():
        print(f"  {workers} worker(s): {seconds:6.1f} s  {seconds / base:5.2f}x")


if __name__ == "__main__":
    main()
