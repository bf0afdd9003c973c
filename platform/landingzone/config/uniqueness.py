"""Lists whose entries must differ, as written and as the Terraform addresses made from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

Loc = tuple[str | int, ...]


def unique(src: Source, section: Loc, names: Sequence[str], what: str, item_key: str | None = None,
           key: Callable[[str], str] = str, rule: str | None = None) -> list[Problem]:
    """One problem per repeat. `key` maps a name to what must be unique (e.g. its address part), so two names
    that would build the same Terraform resource are caught at validation, not as a synth crash."""
    problems = []
    seen: dict[str, tuple[str, int]] = {}
    for index, name in enumerate(names):
        loc: Loc = (*section, index, item_key) if item_key else (*section, index)
        part = key(name)
        if part in seen:
            first, line = seen[part]
            clash = "is listed twice" if first == name else f"names the same Terraform resources as '{first}'"
            problems.append(src.problem(loc, f"{what} '{name}' {clash} (line {line}); "
                                        f"{rule or what + ' names are unique'}"))
            continue
        seen[part] = (name, src.line(loc))
    return problems
