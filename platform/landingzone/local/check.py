"""One verification result, and how a mismatch is worded: shared by the checks of `verify.py`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def difference(expected: set[Any], found: set[Any]) -> str:
    parts = []
    if missing := sorted(expected - found):
        parts.append(f"missing {missing}")
    if extra := sorted(found - expected):
        parts.append(f"unexpected {extra}")
    return "; ".join(parts)
