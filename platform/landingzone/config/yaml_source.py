"""YAML and JSON files read into plain data, with the line of every key and item remembered.

PyYAML's composed nodes carry their start marks; we build the data ourselves from them so that each
key path maps to a line, and so that a duplicated key is an error instead of a silent overwrite.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from landingzone.errors import Problem

Loc = tuple[str | int, ...]

# libyaml's parser, where PyYAML was built with it, reads several times faster and keeps the same marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Keys that name a list item, in order of preference: `accounts[name=prod]` reads better than `accounts[3]`.
IDENTITY_KEYS = ("name", "path", "key")


@dataclass
class Source:
    """One file's data and the 1-based line of every key path in it."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

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


def _identity(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in IDENTITY_KEYS:
            if isinstance(item.get(key), str | int):
                return f"{key}={item[key]}"
    return None


def read_yaml(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file. Returns the source, or None and the problems that made it unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(display, 0, "", f"cannot be read ({exc})")]
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        source = Source(display, None)
        problems: list[Problem] = []
        source.data = _Builder(loader, source, problems).build(node, ()) if node is not None else {}
        return source, problems
    except _TooLarge:
        return None, [Problem(display, 0, "", f"holds more than {MAX_VALUES:,} values once aliases are expanded")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return None, [Problem(display, line, "", f"is not valid YAML: {exc.problem or exc.context}")]
    finally:
        loader.dispose()


MAX_VALUES = 200_000  # after aliases are expanded: a "billion laughs" file stops here, not in memory


class _Builder:
    """Plain data from composed nodes, recording lines; refuses non-string keys and runaway aliases."""

    def __init__(self, loader: yaml.SafeLoader, src: Source, problems: list[Problem]) -> None:
        self.loader, self.src, self.problems = loader, src, problems
        self.active: set[int] = set()
        self.count = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLarge
        self.src.lines.setdefault(loc, node.start_mark.line + 1)
        if id(node) in self.active:
            self.problems.append(self.src.problem(loc, "an alias refers to itself; YAML aliases must not nest "
                                                  "inside their own anchor"))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            return self._scalar(node, loc)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.Node, loc: Loc) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            # 2027-13-01 looks like a date to YAML, and constructing it raises
            self.problems.append(Problem(self.src.file, node.start_mark.line + 1, self.src.path(loc),
                                         f"{node.value!r} cannot be read ({exc}); quote it if it is meant as text"))
            return node.value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        self.loader.flatten_mapping(node)  # resolves `<<: *anchor` merge keys
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self._scalar(key_node, loc)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                self.problems.append(Problem(self.src.file, line, self.src.path(loc), f"key {key_node.value!r} is "
                                             f"read as {type(key).__name__}, not text (YAML turns on/off/yes/no, "
                                             "numbers and ~ into other types); quote it"))
                continue
            child = (*loc, key)
            if key in out:
                self.problems.append(Problem(self.src.file, line, self.src.path(child),
                                             f"key is given twice (first on line {self.src.lines.get(child)}); "
                                             "keep one"))
                continue
            self.src.lines[child] = line
            out[key] = self.build(value_node, child)
        return out


class _TooLarge(Exception):
    pass


def read_json(path: Path, display: str) -> tuple[Any, str, list[Problem]]:
    """Read a JSON document; returns (data, text, problems)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, "", [Problem(display, 0, "", f"cannot be read ({exc})")]
    try:
        return json.loads(text), text, []
    except json.JSONDecodeError as exc:
        return None, text, [Problem(display, exc.lineno, "", f"is not valid JSON: {exc.msg} (column {exc.colno})")]


def project_file(src: Source, loc: Iterable[str | int], file: str, root: Path, *, missing: str,
                 outside: str = "") -> Problem | None:
    """Why a file a config names cannot be read, or None: it must exist and stay inside the project, so a
    config cannot make synth read (and publish into Terraform) a file from elsewhere on the machine."""
    path = (root / file).resolve()
    if not path.is_relative_to(root):
        return src.problem(loc, f"'{file}' is outside the project" + (f"; {outside}" if outside else ""))
    if not path.is_file():
        return src.problem(loc, f"'{file}' does not exist ({missing})")
    return None
