"""Reviewed, per-resource suppressions of checkov findings, each with a reason, an owner and maybe an expiry.

checkov cannot skip one check for one resource in JSON input (there are no inline comments), so the gate
filters checkov's results itself. An expired entry fails the gate; an entry that matches nothing is stale.
"""

from __future__ import annotations

import datetime as dt
from fnmatch import fnmatchcase
from pathlib import Path

from landingzone.config.suppressions import SUPPRESSIONS_FILE, Suppression, Suppressions, read_suppressions
from landingzone.errors import ConfigError
from landingzone.gates.findings import Finding, Status

__all__ = ["SUPPRESSIONS_FILE", "Suppression", "Suppressions", "apply_suppressions", "load_suppressions"]


def load_suppressions(root: Path) -> Suppressions:
    """The project's suppressions; a broken file raises ConfigError (load_landing_zone reports it first)."""
    suppressions, problems = read_suppressions(root)
    if problems:
        raise ConfigError(problems)
    return suppressions


def apply_suppressions(findings: list[Finding], suppressions: Suppressions, today: dt.date, *,
                       stale: bool = True) -> list[Finding]:
    """Mark covered findings suppressed; add a failure per expired entry and a warning per stale one.

    `stale=False` when the findings are those of some stacks only: an entry for another stack is not stale.
    """
    used: set[int] = set()
    out: list[Finding] = []
    for finding in findings:
        index = _match(finding, suppressions.entries)
        if index is None or finding.status is not Status.FAILED:
            out.append(finding)
            continue
        used.add(index)
        entry = suppressions.entries[index]
        if entry.expires is not None and entry.expires < today:
            out.append(finding)
        else:
            out.append(finding.with_status(Status.SUPPRESSED, f"{entry.reason} ({entry.owner}, "
                                           f"{suppressions.place(index)})"))
    for index, entry in enumerate(suppressions.entries):
        if entry.expires is not None and entry.expires < today:
            out.append(Finding("suppressions", "", entry.check, entry.resource, f"suppression expired on "
                               f"{entry.expires.isoformat()}; fix the finding or renew it with a new review "
                               f"(owner: {entry.owner})", suppressions.place(index)))
        elif stale and index not in used:
            out.append(Finding("suppressions", "", entry.check, entry.resource, "suppression matches no finding; "
                               "remove it so it cannot hide a future one", suppressions.place(index),
                               Status.WARNING))
    return out


def _match(finding: Finding, entries: tuple[Suppression, ...]) -> int | None:
    target = f"{finding.stack}:{finding.address}"
    for index, entry in enumerate(entries):
        if entry.check == finding.check_id and fnmatchcase(target, entry.resource):
            return index
    return None
