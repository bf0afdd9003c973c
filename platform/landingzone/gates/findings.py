"""What every gate returns: findings, each naming the stack, the check, the resource and its source file."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Status(StrEnum):
    FAILED = "failed"  # fails the gate
    SUPPRESSED = "suppressed"  # failed, but a reviewed suppression covers it
    WARNING = "warning"  # reported, does not fail (a stale suppression)
    ALLOWED = "allowed"  # a protected change the config explicitly allows (decommission marker)


@dataclass(frozen=True, order=True)
class Finding:
    gate: str
    stack: str
    check_id: str
    address: str
    message: str
    source: str = ""
    status: Status = Status.FAILED
    note: str = ""  # the suppression's reason and owner, or why a change is allowed

    def with_status(self, status: Status, note: str = "") -> Finding:
        return replace(self, status=status, note=note)


@dataclass(frozen=True)
class GateReport:
    findings: tuple[Finding, ...]
    checks_run: int = 0

    @property
    def failed(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.FAILED)

    @property
    def ok(self) -> bool:
        return not self.failed

    def __add__(self, other: GateReport) -> GateReport:
        return GateReport(tuple(sorted(self.findings + other.findings)), self.checks_run + other.checks_run)
