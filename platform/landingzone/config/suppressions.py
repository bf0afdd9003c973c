"""The model of `policies/checkov/suppressions.yaml`: reviewed, per-resource exceptions to checkov findings.

Read and validated with the rest of the configuration, before anything is written; the gates apply them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, ValidationError

from landingzone.config.pydantic_errors import problems_from
from landingzone.config.types import Strict
from landingzone.config.yaml_source import read_yaml
from landingzone.errors import Problem

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
    """The entries and the line of each, for findings that name the entry that suppressed them."""

    entries: tuple[Suppression, ...] = ()
    lines: tuple[int, ...] = ()

    def place(self, index: int) -> str:
        return f"{SUPPRESSIONS_FILE}:{self.lines[index]}"


def read_suppressions(root: Path) -> tuple[Suppressions, list[Problem]]:
    """The suppressions file (none when it does not exist), or no entries and every problem in it."""
    path = root / SUPPRESSIONS_FILE
    if not path.is_file():
        return Suppressions(), []
    src, problems = read_yaml(path, SUPPRESSIONS_FILE)
    if src is None or problems:
        return Suppressions(), problems
    if not isinstance(src.data, dict):
        return Suppressions(), [src.problem((), "must be a mapping with a `suppressions:` list")]
    try:
        model = SuppressionsFile.model_validate(src.data)
    except ValidationError as exc:
        return Suppressions(), problems_from(exc, src, SuppressionsFile)
    lines = tuple(src.line(("suppressions", i)) for i in range(len(model.suppressions)))
    return Suppressions(model.suppressions, lines), []
