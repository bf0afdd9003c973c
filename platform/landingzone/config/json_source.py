"""JSON files (policy documents) read with the place of every key, duplicate keys refused, mistakes worded.

`json.loads` keeps the last of two equal keys, so a second `Condition` silently replaces the first and drops
an exemption; IAM would not accept the document either. The standard parser still judges the syntax (its
positions are exact); a second pass over the valid text records where each key and value is.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring  # type: ignore[attr-defined]
from json.scanner import NUMBER_RE  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from landingzone.config.source import Loc, Source
from landingzone.config.text import invisible_characters, position, read_text
from landingzone.config.yaml_source import MAX_DEPTH
from landingzone.errors import Problem

_SPACE = re.compile(r"[ \t\n\r]*")
_WORD = re.compile(r"[^:\s]*")
_LITERALS = {"true": True, "false": False, "null": None}


def read_json(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Read a JSON document into a Source, or None and why it cannot be read."""
    text, problems = read_text(path, display)
    if text is None:
        return None, problems
    return parse_json(text, display)


def parse_json(text: str, display: str) -> tuple[Source | None, list[Problem]]:
    problems = invisible_characters(text, display) or _depth(text, display)
    if problems:
        return None, problems
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [_syntax(exc, text, display)]
    source = Source(display, None, text=text)
    reader = _Reader(text, source)
    source.data = reader.value(_SPACE.match(text, 0).end(), ())[0]
    return source, reader.problems


class _Reader:
    """Valid JSON, read again to record the line of every key and item, and to refuse repeated keys."""

    def __init__(self, text: str, source: Source) -> None:
        self.text, self.src, self.problems = text, source, []

    def value(self, pos: int, loc: Loc) -> tuple[Any, int]:
        line, column, _ = position(self.text, pos)
        self.src.lines.setdefault(loc, line)
        self.src.values.setdefault(loc, (line, column))
        char = self.text[pos]
        if char == "{":
            return self._object(pos + 1, loc)
        if char == "[":
            return self._array(pos + 1, loc)
        if char == '"':
            return scanstring(self.text, pos + 1)
        for word, literal in _LITERALS.items():
            if self.text.startswith(word, pos):
                return literal, pos + len(word)
        match = NUMBER_RE.match(self.text, pos)
        integer, fraction, exponent = match.groups()
        number = float(integer + (fraction or "") + (exponent or "")) if fraction or exponent else int(integer)
        return number, match.end()

    def _object(self, pos: int, loc: Loc) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        pos = self._skip(pos)
        while self.text[pos] != "}":
            key_line, key_column, source = position(self.text, pos)
            key, pos = scanstring(self.text, pos + 1)
            child = (*loc, key)
            pos = self._skip(self._skip(pos) + 1)  # the colon
            value, pos = self.value(pos, child if key not in out else (*loc, f"{key} (again)"))
            if key in out:
                self.problems.append(Problem(self.src.file, key_line, self.src.path(child), f"key is given twice "
                                             f"(first on line {self.src.lines[child]}); JSON readers keep only one "
                                             "of them, so merge the two", key_column, source))
            else:
                self.src.lines[child] = key_line
                out[key] = value
            pos = self._next(pos)
        return out, pos + 1

    def _array(self, pos: int, loc: Loc) -> tuple[list[Any], int]:
        out: list[Any] = []
        pos = self._skip(pos)
        while self.text[pos] != "]":
            value, pos = self.value(pos, (*loc, len(out)))
            out.append(value)
            pos = self._next(pos)
        return out, pos + 1

    def _skip(self, pos: int) -> int:
        return _SPACE.match(self.text, pos).end()

    def _next(self, pos: int) -> int:
        pos = self._skip(pos)
        return self._skip(pos + 1) if self.text[pos] == "," else pos


def _depth(text: str, display: str) -> list[Problem]:
    """Nesting beyond MAX_DEPTH, found without recursion (the parser's own limit is the interpreter's stack)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        token = match.group(0)
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column, source = position(text, match.start())
                return [Problem(display, line, "", f"nests deeper than {MAX_DEPTH} levels here; no policy needs more "
                                "than a handful", column, source)]
        elif token in "]}":
            depth -= 1
    return []


def _syntax(exc: json.JSONDecodeError, text: str, display: str) -> Problem:
    pos, message = _explain(exc, text)
    line, column, source = position(text, min(pos, len(text)))
    return Problem(display, line, "", f"is not valid JSON: {message}", column, source)


_MESSAGES = (  # json's message, then ours, for the cases where its position is already the right place
    ("Expecting ':' delimiter", "a ':' is missing between the key and its value"),
    ("Extra data", "more text after the document ends; a policy is one {object} (a stray bracket, or two objects?)"),
    ("Unterminated string", "the string that starts here is never closed with '\"'"),
    ("Invalid control character", "a tab or line break inside a string; close the string, or write \\t or \\n"),
    ("Invalid \\uXXXX escape", "a \\u escape needs four hexadecimal digits"),
    ("Invalid \\escape", "a backslash that starts no JSON escape; write a backslash as \\\\"),
)


def _explain(exc: json.JSONDecodeError, text: str) -> tuple[int, str]:
    pos, msg = exc.pos, exc.msg
    here = text[pos:pos + 2]
    before = len(text[:pos].rstrip())
    expecting = msg.startswith(("Expecting property name", "Expecting value"))
    if here.startswith(("//", "/*")) or (here.startswith("#") and expecting):
        return pos, "a comment; JSON has no comments (remove it, or say it in the statement's Sid)"
    start = pos - 1 if text.startswith("{{", pos - 1) else pos
    if expecting and text.startswith(("${", "{{"), start):
        return start, _template(text, start)
    if expecting and here.startswith(","):
        return pos, "a comma where a value or key belongs (two commas in a row, or one before the first item?)"
    if expecting and here.startswith("'"):
        return pos, "single quotes; JSON strings and keys use double quotes"
    if here[:1] in ("}", "]") and before and text[before - 1] == ",":
        return before - 1, "a comma after the last item; JSON allows none there (remove it)"
    if pos >= len(text.rstrip()) and msg.startswith("Expecting"):
        return _unclosed(text)
    if msg.startswith("Expecting property name"):
        return pos, f"a key without double quotes; write \"{_WORD.match(text, pos).group(0)}\""
    if msg == "Expecting value":
        return pos, _bad_value(text, pos)
    if msg == "Expecting ',' delimiter":
        return before, "a comma is missing after this value"
    return pos, next((ours for theirs, ours in _MESSAGES if msg.startswith(theirs)), msg[0].lower() + msg[1:])


def _template(text: str, pos: int) -> str:
    token = re.match(r"\$?\{\{?[^}\n]*\}?\}", text[pos:])
    shown = token.group(0) if token else text[pos:pos + 2]
    if shown.startswith("{{"):
        return f"{shown} must be in double quotes: write \"{shown}\" (alone in its string it takes the parameter's " \
               "whole value, a list included)"
    return f"{shown} stands where a JSON value belongs, outside quotes: another tool's template? Write the value, " \
           "or a landingzone placeholder in quotes, \"{{ name }}\""


def _bad_value(text: str, pos: int) -> str:
    word = re.match(r"[A-Za-z_]\w*", text[pos:])
    if word and word.group(0) in ("True", "False", "None"):
        return f"{word.group(0)} is Python; JSON writes true, false and null"
    return "a value must be a \"string\", a number, true, false, null, a [list] or an {object}" + (
        f"; put {word.group(0)} in double quotes" if word else "")


def _unclosed(text: str) -> tuple[int, str]:
    """The file ends early: point at the innermost bracket left open."""
    opened: list[int] = []
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        if match.group(0) in "[{":
            opened.append(match.start())
        elif match.group(0) in "]}" and opened:
            opened.pop()
    if not opened:
        return len(text), "the file ends before the document does; is it cut short?"
    closing = "]" if text[opened[-1]] == "[" else "}"
    return opened[-1], f"'{text[opened[-1]]}' here is never closed with '{closing}'; is the file cut short?"
