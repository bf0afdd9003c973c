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


def gate_summary(reports: Mapping[str, GateReport]) -> list[str]:
    lines = []
    for name, report in reports.items():
        counts = {status: sum(f.status is status for f in report.findings) for status in Status}
        parts = [f"{counts[Status.FAILED]} failed"]
        parts += [f"{counts[s]} {s.value}" for s in (Status.SUPPRESSED, Status.WARNING, Status.ALLOWED) if counts[s]]
        unit = "stacks" if name == "terraform validate" else "checks"
        lines.append(f"  {name}: {report.checks_run} {unit} run, {', '.join(parts)}")
    return lines
