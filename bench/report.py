"""bench/RESULTS.md (a table per phase and size, the budgets, the ratios) and results.png from results.json."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

from notes import budget_notes

# (label, value from one size's row); medians where a phase ran more than once
Row = dict
CORES = 2  # the budgets' machine; write_results takes the cores results.json recorded


def _median(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def ours_s(row: Row) -> float:
    return _median(row["synth"], "build_s") + _median(row["synth"], "synth_write_s")


def plain_s(row: Row) -> float:
    return row["plain"]["build_s"] + row["plain"]["synth_s"]


def per_resource_ratio(row: Row) -> float:
    # the plain baseline counts resources and data sources alike (`items`; older results hold resources only)
    items = _median(row["synth"], "items") if all("items" in s for s in row["synth"]) else None
    ours = ours_s(row) / (items or _median(row["synth"], "resources"))
    return ours / (plain_s(row) / row["plain"]["resources"])


def cold_gates_s(row: Row) -> float:
    return row["gates_cold"]["wall_s"]  # the whole process: start, configuration, both gates, the cache written


def jobs2_s(row: Row) -> float:
    return row["synth_jobs2"]["total_s"]


def peak_mb(row: Row) -> float:
    peaks = [s.get(k, 0.0) for s in [*row["synth"], row["plain"], row["gates_cold"]]
             for k in ("python_peak_mb", "node_peak_mb", "children_peak_mb")]
    return max([*peaks, *row["synth_jobs2"]["peaks_mb"].values()])


TIMES: list[tuple[str, Callable[[Row], float]]] = [
    ("validate, whole process (median)", lambda r: r["validate"]["median_s"]),
    ("config load (in synth)", lambda r: _median(r["synth"], "config_s")),
    ("binding import (in synth)", lambda r: _median(r["synth"], "import_s")),
    ("construct building", lambda r: _median(r["synth"], "build_s")),
    ("synth and writing", lambda r: _median(r["synth"], "synth_write_s")),
    ("**ours: building + synth**", ours_s),
    ("synth, whole process, serial (one phase process)", lambda r: _median(r["synth"], "wall_s")),
    ("**synth, whole process, `--jobs 2`**", jobs2_s),
    ("plain CDKTF: building", lambda r: r["plain"]["build_s"]),
    ("plain CDKTF: synth", lambda r: r["plain"]["synth_s"]),
    ("**plain CDKTF: building + synth**", plain_s),
    ("JSON writing floor (median)", lambda r: r["write"]),
    ("checkov, cold", lambda r: r["gates_cold"]["seconds"]["checkov"]),
    ("terraform validate, cold", lambda r: r["gates_cold"]["seconds"]["terraform validate"]),
    ("**gates, cold (whole process)**", cold_gates_s),
    ("gates, cold: CPU seconds of every process", lambda r: r["gates_cold"].get("cpu_s")),
    ("gates, cold: that CPU ÷ cores (the time on an idle machine)",
     lambda r: r["gates_cold"]["cpu_s"] / CORES if "cpu_s" in r["gates_cold"] else None),
    ("gates, every stack cached (median, whole process)", lambda r: _median(r["gates_hit"], "wall_s")),
    ("**re-gate after one manifest change (whole process)**", lambda r: r["gates_changed"]["wall_s"]),
]
COUNTS: list[tuple[str, Callable[[Row], str]]] = [
    ("stacks", lambda r: str(_median(r["synth"], "stacks"))),
    ("resources", lambda r: str(_median(r["synth"], "resources"))),
    ("checkov checks run", lambda r: str(r["gates_cold"]["checks_run"])),
    ("stacks re-checked after the change (checkov / validate)",
     lambda r: " / ".join(str(r["gates_changed"]["checked"][g] - n) for g, n in r["gates_changed"]["cached"].items())),
    ("ours per resource ÷ plain CDKTF per resource", lambda r: f"{per_resource_ratio(r):.2f}x"),
    ("ours ÷ JSON writing floor", lambda r: f"{ours_s(r) / r['write']:.0f}x"),
    ("`--jobs 2` ÷ serial synth, whole process", lambda r: f"{jobs2_s(r) / _median(r['synth'], 'wall_s'):.2f}x"),
    ("`--jobs 2` output byte-identical to serial", lambda r: "yes" if r.get("jobs2_identical") else "NO"),
    ("plain CDKTF resources through the generic class", lambda r: str(r["plain"]["fallbacks"])),
]
MEMORY: list[tuple[str, Callable[[Row], float]]] = [
    ("synth: Python", lambda r: max(s["python_peak_mb"] for s in r["synth"])),
    ("synth: Node child", lambda r: max(s.get("node_peak_mb", 0.0) for s in r["synth"])),
    ("synth --jobs 2: largest Python (CLI or worker)", lambda r: r["synth_jobs2"]["peaks_mb"].get("python", 0.0)),
    ("synth --jobs 2: largest Node", lambda r: r["synth_jobs2"]["peaks_mb"].get("node", 0.0)),
    ("plain CDKTF: Python", lambda r: r["plain"]["python_peak_mb"]),
    ("plain CDKTF: Node child", lambda r: r["plain"].get("node_peak_mb", 0.0)),
    ("gates: Python", lambda r: r["gates_cold"]["python_peak_mb"]),
    ("gates: largest tool process", lambda r: r["gates_cold"]["children_peak_mb"]),
    ("gates: checkov (sampled)", lambda r: r["gates_cold"].get("tool_peaks_mb", {}).get("checkov", 0.0)),
    ("gates: terraform (sampled)", lambda r: r["gates_cold"].get("tool_peaks_mb", {}).get("terraform", 0.0)),
    ("gates: shared AWS provider (sampled)", lambda r: r["gates_cold"].get("tool_peaks_mb", {}).get("provider", 0.0)),
]


def budgets(rows: list[Row]) -> list[tuple[str, str, str]]:
    """(budget, measured, verdict) at 1,000 accounts; 'not measured' when the run did not reach it."""
    at = next((r for r in rows if r["accounts"] == 1000), None)
    if at is None:
        return [("all budgets are set at 1,000 accounts", "not measured in this run", "-")]

    def verdict(value: float, limit: float) -> str:
        return "met" if value <= limit else f"MISSED by {value - limit:.1f} ({value / limit:.2f}x)"

    measured = [("cold gates < 900 s", cold_gates_s(at), 900.0),
                ("re-gate after one manifest change < 30 s", at["gates_changed"]["wall_s"], 30.0),
                ("synth, whole process, --jobs 2 < 100 s", jobs2_s(at), 100.0),
                ("synth per resource <= 1.3x plain CDKTF", per_resource_ratio(at), 1.3),
                ("validation, whole process < 1 s", at["validate"]["median_s"], 1.0),
                ("peak memory per process < 2048 MB", peak_mb(at), 2048.0)]
    return [(label, f"{value:.2f}", verdict(value, limit)) for label, value, limit in measured]


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"  # None: not measured by the run that wrote this row


def _import_line(results: dict) -> list[str]:
    samples = results.get("import")
    if not samples:
        return []
    return [f"Binding import alone, fresh process, median of {len(samples)}: {statistics.median(samples):.1f} s.", ""]


def _profile(rows: list[Row]) -> list[str]:
    """bench/profiling.py's split at the size it ran at: seconds by owner, ours against the tools'."""
    row = next((r for r in rows if "profile" in r), None)
    if row is None:
        return []
    found = row["profile"]
    lines = [f"## Where the time goes ({row['accounts']:,} accounts, bench/profiling.py)", "",
             "cProfile's own time per function, a built-in's given to its caller; profiling slows Python down "
             "several times, so the shares count, not the totals.", ""]
    for part, title in (("synth", "synth of every stack"), ("checkov", "one checkov process over one batch")):
        seconds = found[part]["seconds"]
        whole = sum(seconds.values()) or 1.0
        lines += [f"**{title}** ({found[part]['profiled_s']:.0f} s profiled)", "",
                  *_table(["owner", "seconds", "share"], [[name, f"{value:.1f}", f"{100 * value / whole:.0f}%"]
                                                          for name, value in seconds.items() if value >= 0.05]), ""]
    synth = found["synth"]
    lines += [f"jsii round trips in the synth: {sum(synth['jsii_calls'].values()):,} for {synth['resources']:,} "
              f"resources ({synth['calls_per_resource']} a resource or data source: " +
              ", ".join(f"{kind} {count:,}" for kind, count in sorted(synth["jsii_calls"].items())) + ")" +
              (f"; the plain-CDKTF baseline over the same stacks makes {synth['plain']['calls_per_resource']}"
               if "plain" in synth else "") + ".", ""]
    validate = found["validate"]
    cpu, one = validate["cpu_s"], validate.get("cpu_s_one_provider_configuration", {})
    configurations = validate.get("provider_configurations", "?")
    lines += [f"**terraform validate of one batch of {validate['stacks']} stacks** ({configurations} "
              "provider configurations), CPU seconds; beside it the same resources with one provider configuration "
              "for the whole batch (a measurement: the gate validates every stack's own)", "",
              *_table(["process", "as gated", "share", "one provider configuration"],
                      [[name, f"{value:.1f}", f"{100 * value / sum(cpu.values()):.0f}%", f"{one.get(name, 0.0):.1f}"]
                       for name, value in cpu.items()]), ""]
    return lines


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def write_results(results: dict, folder: Path) -> None:
    global CORES  # noqa: PLW0603 - the rows' lambdas divide by the cores of the machine that ran
    CORES = results.get("cores") or CORES
    rows = results["sizes"]
    sizes = [f"{r['accounts']:,} accounts" for r in rows]
    loads = [f"{min(v for s in r['synth'] for v in s['load']):.1f}-{max(v for s in r['synth'] for v in s['load']):.1f}"
             for r in rows]
    lines = ["# Benchmark results", "",
             f"`python bench/run.py{' --quick' if results['quick'] else ''}` on {results['cores']} cores, started "
             f"{results['started']}, {results['elapsed_s'] / 60:.1f} minutes. The machine is shared: load averages "
             f"during synth were {', '.join(loads)} (per size). Times in seconds.", "", "## Budgets (1,000 accounts)",
             "", *_table(["budget", "measured", "verdict"], [list(b) for b in budgets(rows)]), "",
             *budget_notes(rows, results),
             "## Time per phase", "",
             *_table(["phase", *sizes], [[label, *(_seconds(get(r)) for r in rows)] for label, get in TIMES]), "",
             *_import_line(results), "## Counts and ratios", "",
             *_table(["measure", *sizes], [[label, *(get(r) for r in rows)] for label, get in COUNTS]), "",
             "## Peak memory (MB)", "",
             *_table(["process", *sizes], [[label, *(f"{get(r):.0f}" for r in rows)] for label, get in MEMORY]), "",
             *_profile(rows), "## Single-stack synth", ""]
    single = results.get("single_stack", {"status": "not run yet"})
    lines += [f"Status: {single['status']}" + (f", {single['wall_s']:.1f} s" if "wall_s" in single else "")]
    if single.get("output"):
        lines += ["", "```text", single["output"].rstrip(), "```"]
    if _plot(rows, folder / "results.png"):
        lines += ["", "![time against accounts](results.png)"]
    (folder / "RESULTS.md").write_text("\n".join(lines) + "\n")


def _plot(rows: list[Row], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:  # the optional `bench` extra: pip install -e '.[bench]'
        return False
    accounts = [r["accounts"] for r in rows]
    figure, axes = plt.subplots(figsize=(9, 6))
    for label, get in TIMES:
        if label.startswith("**") or label.startswith(("checkov", "terraform", "validate")):
            axes.plot(accounts, [get(r) for r in rows], marker="o", label=label.strip("*"))
    axes.set(xscale="log", yscale="log", xlabel="accounts", ylabel="seconds", title="landingzone: time against size")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
