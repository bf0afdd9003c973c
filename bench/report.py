"""bench/RESULTS.md (a table per phase and size, the budgets, the ratios) and results.png from results.json."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

# (label, value from one size's row); medians where a phase ran more than once
Row = dict


def _median(samples: list[dict], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def ours_s(row: Row) -> float:
    return _median(row["synth"], "build_s") + _median(row["synth"], "synth_write_s")


def plain_s(row: Row) -> float:
    return row["plain"]["build_s"] + row["plain"]["synth_s"]


def per_resource_ratio(row: Row) -> float:
    ours = ours_s(row) / _median(row["synth"], "resources")
    return ours / (plain_s(row) / row["plain"]["resources"])


def cold_gates_s(row: Row) -> float:
    return row["gates_cold"]["total_s"]


def peak_mb(row: Row) -> float:
    peaks = [s.get(k, 0.0) for s in [*row["synth"], row["plain"], row["gates_cold"]]
             for k in ("python_peak_mb", "node_peak_mb", "children_peak_mb")]
    return max(peaks)


TIMES: list[tuple[str, Callable[[Row], float]]] = [
    ("validate, whole process (median)", lambda r: r["validate"]["median_s"]),
    ("config load (in synth)", lambda r: _median(r["synth"], "config_s")),
    ("binding import (in synth)", lambda r: _median(r["synth"], "import_s")),
    ("construct building", lambda r: _median(r["synth"], "build_s")),
    ("synth and writing", lambda r: _median(r["synth"], "synth_write_s")),
    ("**ours: building + synth**", ours_s),
    ("plain CDKTF: building", lambda r: r["plain"]["build_s"]),
    ("plain CDKTF: synth", lambda r: r["plain"]["synth_s"]),
    ("**plain CDKTF: building + synth**", plain_s),
    ("JSON writing floor (median)", lambda r: r["write"]),
    ("checkov, cold", lambda r: r["gates_cold"]["seconds"]["checkov"]),
    ("terraform validate, cold", lambda r: r["gates_cold"]["seconds"]["terraform validate"]),
    ("**gates, cold (whole run)**", cold_gates_s),
    ("gates, every stack cached (median)", lambda r: _median(r["gates_hit"], "total_s")),
    ("**re-gate after one manifest change**", lambda r: r["gates_changed"]["total_s"]),
]
COUNTS: list[tuple[str, Callable[[Row], str]]] = [
    ("stacks", lambda r: str(_median(r["synth"], "stacks"))),
    ("resources", lambda r: str(_median(r["synth"], "resources"))),
    ("checkov checks run", lambda r: str(r["gates_cold"]["checks_run"])),
    ("stacks re-checked after the change (checkov / validate)",
     lambda r: " / ".join(str(r["gates_changed"]["checked"][g] - n) for g, n in r["gates_changed"]["cached"].items())),
    ("ours per resource ÷ plain CDKTF per resource", lambda r: f"{per_resource_ratio(r):.2f}x"),
    ("ours ÷ JSON writing floor", lambda r: f"{ours_s(r) / r['write']:.0f}x"),
    ("plain CDKTF resources through the generic class", lambda r: str(r["plain"]["fallbacks"])),
]
MEMORY: list[tuple[str, Callable[[Row], float]]] = [
    ("synth: Python", lambda r: max(s["python_peak_mb"] for s in r["synth"])),
    ("synth: Node child", lambda r: max(s.get("node_peak_mb", 0.0) for s in r["synth"])),
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

    synth = at.get("synth_jobs2", {}).get("median_s")
    synth_label = "synth, whole process, --jobs 2" if synth else "synth (serial; --jobs not in this tree yet)"
    synth = synth or ours_s(at) + _median(at["synth"], "import_s") + _median(at["synth"], "config_s")
    measured = [("cold gates < 900 s", cold_gates_s(at), 900.0),
                ("re-gate after one manifest change < 30 s", at["gates_changed"]["total_s"], 30.0),
                (f"{synth_label} < 100 s", synth, 100.0),
                ("synth per resource <= 1.3x plain CDKTF", per_resource_ratio(at), 1.3),
                ("validation, whole process < 1 s", at["validate"]["median_s"], 1.0),
                ("peak memory per process < 2048 MB", peak_mb(at), 2048.0)]
    return [(label, f"{value:.2f}", verdict(value, limit)) for label, value, limit in measured]


def _import_line(results: dict) -> list[str]:
    samples = results.get("import")
    if not samples:
        return []
    return [f"Binding import alone, fresh process, median of {len(samples)}: {statistics.median(samples):.1f} s.", ""]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def write_results(results: dict, folder: Path) -> None:
    rows = results["sizes"]
    sizes = [f"{r['accounts']:,} accounts" for r in rows]
    loads = [f"{min(v for s in r['synth'] for v in s['load']):.1f}-{max(v for s in r['synth'] for v in s['load']):.1f}"
             for r in rows]
    lines = ["# Benchmark results", "",
             f"`python bench/run.py{' --quick' if results['quick'] else ''}` on {results['cores']} cores, started "
             f"{results['started']}, {results['elapsed_s'] / 60:.1f} minutes. The machine is shared: load averages "
             f"during synth were {', '.join(loads)} (per size). Times in seconds.", "", "## Budgets (1,000 accounts)",
             "", *_table(["budget", "measured", "verdict"], [list(b) for b in budgets(rows)]), "",
             "## Time per phase", "",
             *_table(["phase", *sizes], [[label, *(f"{get(r):.2f}" for r in rows)] for label, get in TIMES]), "",
             *_import_line(results), "## Counts and ratios", "",
             *_table(["measure", *sizes], [[label, *(get(r) for r in rows)] for label, get in COUNTS]), "",
             "## Peak memory (MB)", "",
             *_table(["process", *sizes], [[label, *(f"{get(r):.0f}" for r in rows)] for label, get in MEMORY]), "",
             "## Single-stack synth", ""]
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
