"""How validation and synthesis scale from the 7-account example to a 500-account organisation.

Every added account is a spoke with its own /22, so the network checks (overlaps are pairwise) and the
`network` stack (one endpoint security-group rule per spoke) grow with it, while one spoke's baseline
stack should not: its routes are the hub summary, not one per other spoke.

Reported as ratios against the example run in the same process (never as absolute limits): linear
scaling would be ~71x for 500/7 accounts; well below that means fixed costs dominate.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generator import big_project, copy_example  # noqa: E402

from landingzone.config import load_landing_zone  # noqa: E402
from landingzone.stacks import stack_specs  # noqa: E402
from landingzone.stacks.synth import synthesize  # noqa: E402


def timed(action: Callable[[Path], object], project: Path, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action(project)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def synth(project: Path, out: Path, stack: str) -> None:
    lz = load_landing_zone(project)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    synthesize(lz, [s for s in stack_specs(lz) if s.name == stack], out)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = copy_example(Path(tmp) / "small"), big_project(Path(tmp) / "large", 500)
        synth(small, Path(tmp) / "warm", "org")  # pays the one-off binding import outside the measurements
        rows = []
        for label, repeats, action in (
            ("validate", 5, lambda p: load_landing_zone(p)),
            ("synth org", 3, lambda p: synth(p, Path(tmp) / "out", "org")),
            ("synth network", 3, lambda p: synth(p, Path(tmp) / "out", "network")),
            ("synth baseline-prod", 3, lambda p: synth(p, Path(tmp) / "out", "baseline-prod")),
            ("synth security", 3, lambda p: synth(p, Path(tmp) / "out", "security")),
            # One account's workload stack, like its baseline, should not grow with the organisation.
            ("synth meeting-rec.", 3, lambda p: synth(p, Path(tmp) / "out", "meeting-recorder-prod")),
        ):
            base = timed(action, small, repeats)
            scaled = timed(action, large, repeats)
            rows.append((label, base, scaled, scaled / base))
    print(f"{'measure':<20} {'7 accounts':>11} {'500 accounts':>13} {'ratio':>7}  (linear would be 71.4x)")
    for label, base, scaled, ratio in rows:
        print(f"{label:<20} {base * 1000:>9.1f}ms {scaled * 1000:>11.1f}ms {ratio:>6.1f}x")


if __name__ == "__main__":
    main()
