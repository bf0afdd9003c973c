"""`landingzone validate` as a user runs it (a fresh process through the console script), against the library's
own validation in a bare interpreter: what the command line (Typer, the output layer) adds to the ~0.5 s a
validation costs. Run side by side, alternating, median of the repeats, as CPU seconds (user + system: on a
shared machine wall time mostly measures the neighbours) and as the ratio of the two; the target is 1.25x.

    python bench/bench_validate.py [--repeats 7] [--accounts 0]

With --accounts N (N > 0), a generated organisation of N accounts instead of the example.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))
TARGET = 1.25


def _cpu_seconds(command: list[str]) -> float:
    """CPU time of one child process (and its children), from the kernel's own accounting."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--accounts", type=int, default=0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        root = ROOT
        if args.accounts:
            from bench_scale import big_project

            root = big_project(Path(scratch), args.accounts)
        entry = str(Path(sys.executable).with_name("landingzone"))
        commands = {
            "library": [sys.executable, "-c", f"from landingzone.config import load_landing_zone; "
                                              f"load_landing_zone({str(root)!r})"],
            "landingzone validate": [entry, "validate", "--root", str(root)],
        }
        os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, command in commands.items():
                times[name].append(_cpu_seconds(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"{name:<22} {value:.3f} s CPU (median of {args.repeats})")
    ratio = medians["landingzone validate"] / medians["library"]
    print(f"ratio {ratio:.2f}x (target {TARGET}x): {'ok' if ratio <= TARGET else 'OVER'}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
