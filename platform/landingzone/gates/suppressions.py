"""Reviewed, per-resource suppressions of checkov findings, each with a reason, an owner and maybe an expiry.

checkov cannot skip one check for one resource in JSON input (there are no inline comments), so the gate
filters checkov's results itself. An expired entry fails the gate; an entry that matches nothing is stale.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pydantic import Field, ValidationError

from landingzone.config.pydantic_errors import problems_from
from landingzone.config.types import Strict
from landingzone.config.yaml_source import Source, read_yaml
from landingzone.errors import ConfigError
from landingzone.gates.findings import Finding, Status

SUPPRESSIONS_FILE = "policies/checkov/suppressions.yaml"


class Suppression(Strict):
    check: str = Field(pattern=r"^CKV2?_[A-Z0-9_]+$", description="The exact check ID.")
    resource: str = Field(min_length=1, description="`<stack>:<address>`, with * and ? wildcards.")
    reason: str = Field(min_length=20, description="Why this is acceptable; reviewed like code.")
    owner: str = Field(min_length=1)
    expires: dt.date | None = Field(default=None, description="After this date the entry fails the gate.")


class SuppressionsFile(Strict):
    suppressions: tuple[Suppression, ...] = ()


@dataclass(frozen=True)
class Suppressions:
    entries: tuple[Suppression, ...]
    lines: tuple[int, ...]

    def place(self, index: int) -> str:
        return f"{SUPPRESSIONS_FILE}:{self.lines[index]}"


def load_suppressions(root: Path) -> Suppressions:
    path = root / SUPPRESSIONS_FILE
    if not path.is_file():
        return Suppressions((), ())
    src, problems = read_yaml(path, SUPPRESSIONS_FILE)
    if src is None or problems:
        raise ConfigError(problems)
    try:
        model = SuppressionsFile.model_validate(src.data or {})
    except ValidationError as exc:
        raise ConfigError(problems_from(exc, src, SuppressionsFile)) from None
    return Suppressions(model.suppressions, tuple(_line(src, i) for i in range(len(model.suppressions))))


def _line(src: Source, index: int) -> int:
    return src.line(("suppressions", index))


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
