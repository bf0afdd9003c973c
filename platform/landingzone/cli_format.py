"""Text for the terminal: tables of stacks and findings. Returns strings; only the CLI prints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from landingzone.gates.findings import Finding, GateReport, Status


def table(rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [(indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))).rstrip()
            for row in rows]


def findings_table(findings: Sequence[Finding]) -> list[str]:
    """One row per finding, failures first, with the message on the line below each."""
    shown = sorted(findings, key=lambda f: (f.status is not Status.FAILED, f.stack, f.check_id, f.address))
    rows = [("status", "stack", "check", "resource", "source")]
    rows += [(f.status.value, f.stack or "-", f.check_id, f.address or "-", f.source or "-") for f in shown]
    lines = table(rows)
    out = [lines[0]]
    for line, finding in zip(lines[1:], shown, strict=True):
        out.append(line)
        out.append(f"      {finding.message}" + (f" [{finding.note}]" if finding.note else ""))
    return out


def gate_summary(reports: Mapping[str, GateReport], cached: Mapping[str, int] | None = None,
                 seconds: Mapping[str, float] | None = None) -> list[str]:
    """One line per gate: what ran, what failed, and (when given) stacks served from the cache and time."""
    lines = []
    for name, report in reports.items():
        counts = {status: sum(f.status is status for f in report.findings) for status in Status}
        parts = [f"{counts[Status.FAILED]} failed"]
        parts += [f"{counts[s]} {s.value}" for s in (Status.SUPPRESSED, Status.WARNING, Status.ALLOWED) if counts[s]]
        unit = "stacks" if name == "terraform validate" else "checks"
        extra = []
        if cached is not None and name in cached:
            extra.append(f"{cached[name]} stacks from the cache")
        if seconds is not None and name in seconds:
            extra.append(f"{seconds[name]:.1f} s")
        lines.append(f"  {name}: {report.checks_run} {unit} run, {', '.join(parts)}"
                     + (f" ({', '.join(extra)})" if extra else ""))
    return lines


def check_counts(findings: Sequence[Finding]) -> list[str]:
    """Findings counted per gate and check ID, with the stacks they touch: readable at any organisation size."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.gate, finding.check_id), []).append(finding)
    shown = (Status.FAILED, Status.SUPPRESSED, Status.WARNING, Status.ALLOWED)
    used = [s for s in shown if s is Status.FAILED or any(f.status is s for f in findings)]
    rows = [("gate", "check", *(s.value for s in used), "stacks")]
    order = sorted(groups, key=lambda k: (-sum(f.status is Status.FAILED for f in groups[k]), k))
    for key in order:
        group = groups[key]
        rows.append((*key, *(str(sum(f.status is s for f in group)) for s in used),
                     str(len({f.stack for f in group if f.stack}))))
    return table(rows) if len(rows) > 1 else []


def findings_to_show(findings: Sequence[Finding], verbose: bool, limit: int = 40) -> tuple[list[Finding], int]:
    """Every finding with `verbose`; otherwise those needing action (failed, warnings), at most `limit`.

    Returns the findings to list and how many of those needing action were left out.
    """
    if verbose:
        return list(findings), 0
    action = [f for f in findings if f.status in (Status.FAILED, Status.WARNING)]
    action.sort(key=lambda f: (f.status is not Status.FAILED, f.stack, f.check_id, f.address))
    return action[:limit], max(0, len(action) - limit)
