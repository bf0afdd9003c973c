"""`landingzone synth --stack NAME` at 1,000 accounts, against the bare import of the CDKTF AWS binding.

A synth of one stack pays the binding's import once (about 10 s, whatever the stack), validates every manifest,
builds that stack, and exchanges its folder in an output that holds every other stack. One account's stack
should cost little beyond the import: the target is 1.5x. Stacks that hold every account (org, network) grow
with the organisation by nature and are shown for comparison.

Each measure is a fresh process, as a user runs it, timed side by side with the baseline (alternating, median
of the repeats), and reported as a ratio. The existing output is the size of a real one: one synthesized
baseline folder copied for every account, with its manifest entry.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from generator import big_project  # noqa: E402

ACCOUNTS = 1000
REPEATS = 3
TARGET = 1.5
STACKS = ("baseline-workload-0500", "bootstrap", "network", "org")
BASELINE = "import cdktf, cdktf_cdktf_provider_aws.provider"
ENV = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", "CDKTF_OUTDIR": ""}


def _seconds(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - started


def _synth(project: Path, stack: str) -> list[str]:
    return [sys.executable, "-m", "landingzone", "synth", "--root", str(project), "--no-gates", "--stack", stack]


def existing_output(project: Path) -> int:
    """An output as a full synth leaves it at this size; returns how many stacks it holds."""
    subprocess.run(_synth(project, "baseline-workload-0000"), env=ENV, check=True, capture_output=True)
    out = project / "cdktf.out"
    manifest = json.loads((out / "manifest.json").read_text())
    template = manifest["stacks"]["baseline-workload-0000"]
    for manifest_path in sorted((project / "accounts").glob("*.yaml")):
        name = f"baseline-{manifest_path.stem}"
        if name not in manifest["stacks"]:
            shutil.copytree(out / "stacks" / "baseline-workload-0000", out / "stacks" / name)
            manifest["stacks"][name] = json.loads(json.dumps(template).replace("baseline-workload-0000", name))
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return len(manifest["stacks"])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = big_project(Path(tmp) / "large", ACCOUNTS)
        held = existing_output(project)
        samples: dict[str, list[float]] = {"bare binding import": [], **{stack: [] for stack in STACKS}}
        for _ in range(REPEATS):
            for stack in STACKS:
                samples["bare binding import"].append(_seconds([sys.executable, "-c", BASELINE], project))
                samples[stack].append(_seconds(_synth(project, stack), project))
    base = statistics.median(samples.pop("bare binding import"))
    print(f"synth --stack at {ACCOUNTS} accounts into an output of {held} stacks; median of {REPEATS}, each beside "
          f"the bare binding import ({base:.1f} s)")
    print(f"{'stack':<24} {'seconds':>8} {'ratio':>7}")
    for stack, values in samples.items():
        ratio = statistics.median(values) / base
        verdict = ("within" if ratio <= TARGET else "OVER") + f" {TARGET}x" if stack.startswith("baseline") else ""
        print(f"{stack:<24} {statistics.median(values):>8.1f} {ratio:>6.2f}x  {verdict}")


if __name__ == "__main__":
    main()
