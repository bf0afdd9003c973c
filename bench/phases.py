"""One benchmark phase in a fresh process, printing its measurements as one JSON line (run.py runs these).

    python bench/phases.py import
    python bench/phases.py synth PROJECT OUT        # ours: config, import, construct building, synth+writing
    python bench/phases.py plain OURS_OUT OUT       # the plain-CDKTF baseline over the same resources
    python bench/phases.py write OURS_OUT OUT       # the JSON-writing floor
    python bench/phases.py gates PROJECT OUT [--no-cache]
    python bench/phases.py cli ARGS...              # a whole `landingzone` process, with its processes' peaks

A fresh process per phase so each pays its own binding import and reports its own peak memory: the Python
process's (getrusage) and, for phases that run the bindings, its Node child's (VmHWM, read before exit).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")


def _import_bindings() -> float:
    started = time.perf_counter()
    import cdktf  # noqa: F401
    import cdktf_cdktf_provider_aws  # noqa: F401

    return time.perf_counter() - started


def _peaks() -> dict[str, float]:
    """Peak resident memory in MB: this process, its largest waited-for child, and its live Node descendants.

    jsii's runtime is a Node process that starts another Node process for the program: both are counted.
    """
    peaks = {"python_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
             "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}
    node = [_vm_hwm(pid) for pid in _descendants(os.getpid()) if "node" in _command(pid)]
    if node:
        peaks["node_peak_mb"] = max(node) / 1024
    return peaks


def _cpu_s() -> float:
    """CPU seconds of this process and every child it (or they) waited for: what the work costs on an idle
    machine, whatever the load of the others on it."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _descendants(root: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _vm_hwm(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return float(line.split()[1])
    return 0.0


def synth(project: Path, out: Path) -> dict[str, float]:
    from landingzone.config import load_landing_zone

    started = time.perf_counter()
    lz = load_landing_zone(project)
    config_s = time.perf_counter() - started
    import_s = _import_bindings()
    import cdktf

    from landingzone.stacks import stack_specs
    from landingzone.stacks.synth import synthesize

    marks: dict[str, float] = {}
    real = cdktf.App.synth

    def timed(self: cdktf.App) -> None:  # construct building ends where the app's synth begins
        marks["built"] = time.perf_counter()
        real(self)

    cdktf.App.synth = timed  # type: ignore[method-assign]
    started = time.perf_counter()
    synthesize(lz, list(stack_specs(lz)), out)
    ended = time.perf_counter()
    documents = [json.loads(p.read_text()) for p in out.glob("stacks/*/cdk.tf.json")]
    return {"config_s": config_s, "import_s": import_s, "build_s": marks["built"] - started,
            "synth_write_s": ended - marks["built"], "stacks": len(documents),
            "resources": sum(len(v) for d in documents for v in d.get("resource", {}).values()),
            # resources and data sources: what the plain baseline counts, so the ratio per resource is like for like
            "items": sum(len(v) for d in documents for kind in ("resource", "data") for v in d.get(kind, {}).values()),
            **_peaks()}


def plain(ours: Path, out: Path) -> dict[str, float]:
    from baselines import plain_cdktf, read_output

    documents = read_output(ours)
    import_s = _import_bindings()
    return {"import_s": import_s, **plain_cdktf(documents, out), **_peaks()}


def write(ours: Path, out: Path) -> dict[str, float]:
    from baselines import read_output, write_json

    return {"write_s": write_json(read_output(ours), out)}


class _ToolPeaks(threading.Thread):
    """Samples the peak memory of each kind of tool process under this one (checkov, terraform, the provider)."""

    KINDS = (("provider", "terraform-provider-"), ("checkov", "checkov"), ("terraform", "terraform"))

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peaks: dict[str, float] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(1.0):
            for pid in _descendants(os.getpid()):
                command = _command(pid)
                kind = next((k for k, marker in self.KINDS if marker in command), None)
                if kind:
                    try:
                        self.peaks[kind] = max(self.peaks.get(kind, 0.0), _vm_hwm(pid) / 1024)
                    except OSError:
                        continue


def gates(project: Path, out: Path, use_cache: bool) -> dict[str, object]:
    from landingzone.config import load_landing_zone
    from landingzone.gates.runner import run_gates

    sampler = _ToolPeaks()
    sampler.start()
    started = time.perf_counter()
    run = run_gates(load_landing_zone(project), out, use_cache=use_cache)
    sampler.done.set()
    total = run.total
    return {"total_s": time.perf_counter() - started, "seconds": run.seconds, "cached": run.cached, "cpu_s": _cpu_s(),
            "checked": run.checked,
            "stacks": len(run.stacks), "checks_run": total.checks_run, "failed": len(total.failed),
            "findings": len(total.findings), "tool_peaks_mb": sampler.peaks, **_peaks()}


class _ProcessPeaks(_ToolPeaks):
    """Peaks of a whole CLI run's processes: the largest Python (the CLI or a synth worker) and Node."""

    KINDS = (("node", "node"), ("python", "python"))


def cli(args: list[str]) -> dict[str, object]:
    """Wall time of one `landingzone ...` process as a user runs it, and its processes' peak memory."""
    import subprocess

    sampler = _ProcessPeaks()
    sampler.start()
    started = time.perf_counter()
    result = subprocess.run([str(Path(sys.executable).with_name("landingzone")), *args], capture_output=True,
                            text=True, check=False)
    wall = time.perf_counter() - started
    sampler.done.set()
    if result.returncode != 0:
        raise SystemExit(f"landingzone {' '.join(args)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return {"total_s": wall, "peaks_mb": sampler.peaks, "stdout_tail": result.stdout[-2000:], "cpu_s": _cpu_s()}


def main(argv: list[str]) -> None:
    phase, *args = argv
    if phase in ("synth", "plain", "write"):  # a phase run again after a signal starts from an empty output
        import shutil

        shutil.rmtree(args[1], ignore_errors=True)
    if phase == "import":
        result: dict[str, object] = {"import_s": _import_bindings()}
    elif phase == "synth":
        result = synth(Path(args[0]), Path(args[1]))
    elif phase == "plain":
        result = plain(Path(args[0]), Path(args[1]))
    elif phase == "write":
        result = write(Path(args[0]), Path(args[1]))
    elif phase == "cli":
        result = cli(args)
    elif phase == "gates":
        result = gates(Path(args[0]), Path(args[1]), use_cache="--no-cache" not in args)
    else:
        raise SystemExit(f"unknown phase {phase}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
