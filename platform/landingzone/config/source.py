"""One file's data with where each part of it was written: what every problem about it points at."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landingzone.errors import Problem

Loc = tuple[str | int, ...]

# Keys that name a list item, in order of preference: `accounts[name=prod]` reads better than `accounts[3]`.
IDENTITY_KEYS = ("name", "path", "key", "Sid")


@dataclass
class Source:
    """One file's data and the 1-based line of every key path in it.

    `lines` holds the line of each key (or list item); `values` the (line, column) where each value starts;
    `raw` the text as typed of scalars YAML read as something other than text (`012345670123` is an octal
    number to YAML, `yes` a boolean); `text` the whole file, for showing an offending line.
    """

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Loc, str] = field(default_factory=dict)
    text: str = ""
    flagged: set[str] = field(default_factory=set)  # key paths whose value the reader already refused

    def follow_on(self, problem: Problem) -> bool:
        """Whether a problem is about a value the reader already reported (it stands in as null)."""
        return any(problem.path == path or problem.path.startswith((f"{path}.", f"{path}["))
                   for path in self.flagged)

    def line(self, loc: Iterable[str | int]) -> int:
        """The line of `loc`, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)

    def path(self, loc: Iterable[str | int]) -> str:
        """Render a key path, naming list items by their identity key where they have one."""
        parts: list[str] = []
        node = self.data
        for part in loc:
            if isinstance(part, int):
                item = node[part] if isinstance(node, list) and part < len(node) else None
                ident = _identity(item)
                parts.append(f"[{ident}]" if ident else f"[{part}]")
                node = item
            else:
                parts.append(f".{part}" if parts else str(part))
                node = node.get(part) if isinstance(node, dict) else None
        return "".join(parts)

    def problem(self, loc: Iterable[str | int], message: str) -> Problem:
        loc = tuple(loc)
        return Problem(self.file, self.line(loc), self.path(loc), message)

    def caret(self, loc: Iterable[str | int], message: str, char: str = "") -> Problem:
        """A problem shown with its line and a caret: under `char` where the value holds it, else under the value."""
        loc = tuple(loc)
        if loc not in self.values:
            return self.problem(loc, message)
        line, column = self.values[loc]
        source = self.source_line(line)
        if char and char in source[column - 1:]:
            column = source.index(char, column - 1) + 1
        return Problem(self.file, line, self.path(loc), message, column, source)

    def source_line(self, line: int) -> str:
        lines = self.text.split("\n")
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def subtree(self, prefix: Loc, data: Any) -> Source:
        """The part of this file under `prefix` as a source of its own, with its places kept."""
        def strip(table: dict[Loc, Any]) -> dict[Loc, Any]:
            return {loc[len(prefix):]: value for loc, value in table.items() if loc[:len(prefix)] == prefix}

        inner = Source(self.file, data, strip(self.lines), strip(self.values), strip(self.raw), self.text)
        inner.lines.setdefault((), self.line(prefix))
        return inner


def _identity(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
                return f"{key}={item[key]}"
    return None


def read_as(value: Any, raw: str | None = None) -> str:
    """What YAML made of a scalar, in words: `the number 1402433619 (octal: YAML reads digits after a leading 0
    in base 8)`, `the boolean true`, `null (no value)`."""
    if value is None:
        return "null (no value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and raw is not None and _octal(raw):
        return f"the number {value} (YAML reads digits after a leading 0 as octal)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if hasattr(value, "isoformat"):
        return f"the date {value.isoformat()}"
    return f"a {type(value).__name__}"


def _octal(raw: str) -> bool:
    digits = raw.lstrip("+-").replace("_", "")
    return len(digits) > 1 and digits.startswith("0") and digits.isdigit()


def project_file(src: Source, loc: Iterable[str | int], file: str, root: Path, *, missing: str,
                 outside: str = "") -> Problem | None:
    """Why a file a config names cannot be read, or None: it must exist and stay inside the project, so a
    config cannot make synth read (and publish into Terraform) a file from elsewhere on the machine."""
    path = (root / file).resolve()
    if not path.is_relative_to(root):
        return src.problem(loc, f"'{file}' is outside the project" + (f"; {outside}" if outside else ""))
    if not path.is_file():
        return src.problem(loc, f"'{file}' does not exist ({missing}){_nearest_file(root, file)}")
    return None


def _nearest_file(root: Path, file: str) -> str:
    """`; did you mean 'policies/scp/deny-root-user.json'?` for a typo or a letter in the wrong case."""
    folder = (root / file).parent
    if not folder.is_dir():
        return ""
    names = sorted(p.name for p in folder.iterdir() if p.is_file())
    wanted = Path(file).name
    close = [n for n in names if n.lower() == wanted.lower()] or difflib.get_close_matches(wanted, names, n=1,
                                                                                           cutoff=0.7)
    return f"; did you mean '{(Path(file).parent / close[0]).as_posix()}'?" if close else ""
