"""How validation and synthesis scale from the 7-account example to a 500-account organisation.

Every added account is a spoke with its own /22, so the network checks (overlaps are pairwise) and the
`network` stack (one endpoint security-group rule per spoke) grow with it, while one spoke's baseline
stack should not: its routes are the hub summary, not one per other spoke.

Reported as ratios against the example run in the same process (never as absolute limits): linear
scaling would be ~71x for 500/7 accounts; well below that means fixed costs dominate.
"""

from __future__ import annotations

import ipaddress
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import copy_example  # noqa: E402
from landingzone.config import load_landing_zone  # noqa: E402
from landingzone.stacks import stack_specs  # noqa: E402
from landingzone.stacks.synth import synthesize  # noqa: E402

MANIFEST = """name: {name}
email: aws-{name}@acme-corp.example
ou: {ou}
environment: dev
owner: team-{i}
cost_center: CC-{i}
budget: {{monthly_limit_usd: 250, alert_emails: [team-{i}@acme-corp.example]}}
tags: {{Project: bench}}
network: {{vpc_cidr: {cidr}, segment: {segment}, az_count: 2}}
"""
SPOKE_SPACE = ipaddress.IPv4Network("10.64.0.0/10")  # inside the example's hub route, clear of its VPCs


def big_project(folder: Path, accounts: int) -> Path:
    project = copy_example(folder)
    blocks = SPOKE_SPACE.subnets(new_prefix=22)
    for i in range(accounts - 7):
        name = f"workload-{i:04d}"
        ou, segment = ("Workloads/NonProd", "nonprod") if i % 2 else ("Workloads/Prod", "prod")
        (project / "accounts" / f"{name}.yaml").write_text(
            MANIFEST.format(name=name, ou=ou, i=i, cidr=next(blocks), segment=segment))
    return project


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
