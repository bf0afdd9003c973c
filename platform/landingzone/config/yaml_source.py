"""YAML files read into plain data, with the line of every key and item remembered.

PyYAML's composed nodes carry their start marks; we build the data ourselves from them so that each
key path maps to a line, so that a duplicated key is an error instead of a silent overwrite, and so that
nesting, alias expansion and the text of odd scalars stay within bounds we can explain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from landingzone.config.source import IDENTITY_KEYS, Loc, Source, project_file, read_as
from landingzone.config.text import invisible_characters, read_text, yaml_code
from landingzone.config.yaml_errors import syntax_problem
from landingzone.errors import Problem

__all__ = ["IDENTITY_KEYS", "MAX_DEPTH", "MAX_VALUES", "Loc", "Source", "project_file", "read_yaml"]

# libyaml's parser, where PyYAML was built with it, reads several times faster and keeps the same marks.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_VALUES = 200_000  # after aliases are expanded: a "billion laughs" file stops here, not in memory
MAX_DEPTH = 50  # levels of nesting: the deepest config needs a dozen; walkers stay far from recursion limits
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in
                        ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge"))


def read_yaml(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Read one YAML file. Returns the source, or None and the problems that made it unreadable."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    problems = invisible_characters(text, display, yaml_code)
    if problems:
        return None, problems
    return parse_yaml(text, display)


def parse_yaml(text: str, display: str) -> tuple[Source | None, list[Problem]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        source = Source(display, None, text=text)
        problems: list[Problem] = []
        source.data = _Builder(loader, source, problems).build(node, ()) if node is not None else {}
        return source, problems
    except _TooLarge:
        return None, [Problem(display, 0, "", f"holds more than {MAX_VALUES:,} values once aliases are expanded")]
    except _TooDeep as deep:
        return None, [_too_deep(display, text, deep.mark)]
    except RecursionError:
        return None, [Problem(display, 0, "", f"nests deeper than {MAX_DEPTH} levels")]
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):
            return None, [_too_deep(display, text, exc.problem_mark)]
        return None, [syntax_problem(exc, text, display)]
    finally:
        loader.dispose()


def _too_deep(display: str, text: str, mark: Any) -> Problem:
    line = mark.line + 1 if mark else 0
    source = text.split("\n")[line - 1] if line else ""
    return Problem(display, line, "", f"nests deeper than {MAX_DEPTH} levels here; no landingzone file needs "
                   "more than a dozen (is a bracket or an indentation repeated?)", (mark.column + 1) if mark else 0,
                   source)


class _Builder:
    """Plain data from composed nodes, recording places; refuses non-string keys and runaway aliases."""

    def __init__(self, loader: Any, src: Source, problems: list[Problem]) -> None:
        self.loader, self.src, self.problems = loader, src, problems
        self.active: set[int] = set()
        self.count = 0

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooLarge
        if len(loc) > MAX_DEPTH:
            raise _TooDeep(node.start_mark)
        self.src.lines.setdefault(loc, node.start_mark.line + 1)
        self.src.values.setdefault(loc, (node.start_mark.line + 1, node.start_mark.column + 1))
        if id(node) in self.active:
            self.src.flagged.add(self.src.path(loc))
            self.problems.append(self.src.problem(loc, "an alias refers to itself; YAML aliases must not nest "
                                                  "inside their own anchor"))
            return None
        if node.tag not in _PLAIN_TAGS:  # `!Ref`, `!Sub`, `!!python/object`: other tools' YAML extensions
            self.src.flagged.add(self.src.path(loc))
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problems.append(Problem(self.src.file, node.start_mark.line + 1, self.src.path(loc),
                                         f"the tag {tag} means nothing to landingzone (it is another tool's "
                                         "YAML extension); write the value itself",
                                         node.start_mark.column + 1, self.src.source_line(node.start_mark.line + 1)))
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc, frozenset())
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            return self._scalar(node, loc)
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: yaml.Node, loc: Loc) -> Any:
        if node.tag == _STR:  # what SafeConstructor makes of it, without its bookkeeping (most keys and values)
            return node.value
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, yaml.constructor.ConstructorError) as exc:
            # 2027-13-01 looks like a date to YAML, and constructing it raises
            reason = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else str(exc)
            self.src.flagged.add(self.src.path(loc))
            self.problems.append(Problem(self.src.file, node.start_mark.line + 1, self.src.path(loc),
                                         f"{node.value!r} cannot be read ({reason}); quote it if it is meant as "
                                         "text"))
            return node.value
        if not isinstance(value, str):
            self.src.raw[loc] = node.value
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc, skip: frozenset[str]) -> dict[str, Any]:
        """A mapping's own keys, then those of its `<<: *anchor` merges that it does not set itself (YAML's merge
        key: the mapping's own keys win, then the merged ones in the order listed). `skip` holds keys an
        enclosing mapping already set."""
        out: dict[str, Any] = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges += value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                continue
            key = self._key(key_node, loc)
            if key is None or key in skip:
                continue
            child = (*loc, key)
            if key in out:
                self.problems.append(Problem(self.src.file, key_node.start_mark.line + 1, self.src.path(child),
                                             f"key is given twice (first on line {self.src.lines.get(child)}); "
                                             "keep one", key_node.start_mark.column + 1,
                                             self.src.source_line(key_node.start_mark.line + 1)))
                continue
            self.src.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child)
        for merged in merges:
            if not isinstance(merged, yaml.MappingNode):
                self.problems.append(self.src.problem(loc, "'<<' merges mappings only; it refers to something "
                                                      "else here"))
                continue
            out.update(self._mapping(merged, loc, skip | frozenset(out)))
        return out

    def _key(self, key_node: yaml.Node, loc: Loc) -> str | None:
        key = self._scalar(key_node, loc) if isinstance(key_node, yaml.ScalarNode) else None
        if isinstance(key, str):
            return key
        if isinstance(key_node, yaml.ScalarNode):
            what = f"key {key_node.value!r} is read as {read_as(key, key_node.value)}"
        else:
            what = "a list or mapping is used as a key"
        self.problems.append(Problem(self.src.file, key_node.start_mark.line + 1, self.src.path(loc),
                                     f"{what}, not text (YAML turns on/off/yes/no, numbers and ~ into other types); "
                                     "quote it"))
        return None


class _TooLarge(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, mark: Any) -> None:
        super().__init__("too deep")
        self.mark = mark
