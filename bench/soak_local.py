"""Soak `landingzone up --local` and `down --local`: N runs in a row on a fresh copy of a project, one line each.

    python bench/soak_local.py [--runs 5] [--workers N] [--project .]

Each line: the run, ok or FAILED, seconds, the SDK retries the local AWS saw and how many of them it answered from
the completed call (see landingzone/local/server_app.py), and the first error. Exits non-zero unless every run passed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from landingzone.local.request_log import read_log
from landingzone.local.workspace import Workspace

PARTS = ("config", "accounts", "policies")


def soak_run(project: Path, workers: int | None) -> tuple[bool, float, str, str]:
    """One `up --local` then `down --local`; (passed, seconds of up, retries summary, first error)."""
    command = [sys.executable, "-m", "landingzone", "up", "--local", "--root", str(project)]
    if workers:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    up = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    log = Workspace.of(project).root / "server.log"
    entries = list(read_log(log.read_text().splitlines())) if log.is_file() else []
    retries = [e for e in entries if e.attempt > 1]
    summary = f"{len(entries)} requests, {len(retries)} retried, {sum(e.replayed for e in retries)} replayed"
    down = subprocess.run([sys.executable, "-m", "landingzone", "down", "--local", "--root", str(project)],
                          capture_output=True, text=True, check=False)
    error = _first_error(up.stdout + up.stderr) if up.returncode else ""
    if down.returncode and not error:
        error = "down --local: " + _first_error(down.stdout + down.stderr)
    shutil.rmtree(Workspace.of(project).root, ignore_errors=True)  # the next run starts as a new user's would
    return up.returncode == 0 and down.returncode == 0, seconds, summary, error


def _first_error(output: str) -> str:
    for line in output.splitlines():
        if "Error:" in line or "FAILED" in line or "error" in line.lower():
            return line.strip()[:200]
    return output.strip().splitlines()[-1][:200] if output.strip() else "(no output)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--workers", type=int, default=None, help="passed to up --local (default: its own)")
    parser.add_argument("--project", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    passed = 0
    with tempfile.TemporaryDirectory(prefix="landingzone-soak-") as scratch:
        project = Path(scratch) / "project"
        for part in PARTS:
            shutil.copytree(args.project / part, project / part)
        print(f"soak: {args.runs} runs of up/down --local, workers {args.workers or 'default'}, "
              f"{os.cpu_count()} cores", flush=True)
        for run in range(1, args.runs + 1):
            ok, seconds, retries, error = soak_run(project, args.workers)
            passed += ok
            print(f"run {run}: {'ok' if ok else 'FAILED'} {seconds:.0f} s; {retries}" + (f"; {error}" if error else ""),
                  flush=True)
    print(f"soak: {passed} of {args.runs} runs passed")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
