"""YAML syntax errors in plain words, at the line where the mistake starts.

A parser notices a mistake where it can no longer go on, which is often later than where it was made: an
unclosed quote is found at the end of the file, a missing space after a colon on the next line. Each rule
here moves the place back to the cause and says what it is; the parser's own wording never reaches the user.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from landingzone.errors import Problem

_GLUED = re.compile(r"^(\s*(?:-\s+)?)([A-Za-z_][\w.-]*):(?=[^\s:/\\])")  # `email:x@y`, but not `https://`


def syntax_problem(exc: Any, text: str, display: str) -> Problem:
    """One problem for a YAML parse error (libyaml's or PyYAML's wording), placed and worded for people."""
    lines = text.split("\n")
    problem, context = str(exc.problem or ""), str(exc.context or "")
    at, ctx = _where(exc.problem_mark, lines), _where(exc.context_mark, lines)
    at_end = "quoted scalar" in context and "end of stream" in problem
    found = None if at_end else _unclosed_quote(lines, at[0])
    line, column, message = found or _explain(problem, context, at, ctx, lines)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return Problem(display, line, "", f"is not valid YAML: {message}", column if source else 0, source)


def _where(mark: Any, lines: list[str]) -> tuple[int, int]:
    if mark is None:
        return 0, 0
    line = min(mark.line + 1, len(lines))
    return line, mark.column + 1 if mark.line + 1 <= len(lines) else len(lines[line - 1]) + 1


Place = tuple[int, int]
Rule = Callable[[str, str, Place, Place, list[str]], "tuple[int, int, str] | None"]


def _explain(problem: str, context: str, at: Place, ctx: Place, lines: list[str]) -> tuple[int, int, str]:
    for rule in _RULES:
        found = rule(problem, context, at, ctx, lines)
        if found:
            return found
    return (*at, _plain(problem))


def _quote(problem: str, context: str, at: Place, ctx: Place, lines: list[str]) -> tuple[int, int, str] | None:
    if "quoted scalar" in context and "end of stream" in problem:
        quote = _char(lines, ctx).strip("'\"") or _char(lines, ctx)[1]
        return (*ctx, f"the string opened with {_QUOTES.get(quote, quote)} here is never closed; add the closing "
                f"{quote} on this line")
    if "end of stream" in problem:
        return (*(ctx if ctx[0] else at), "the file ends in the middle of this; is it cut short?")
    return None


def _colon(problem: str, context: str, at: Place, ctx: Place, lines: list[str]) -> tuple[int, int, str] | None:
    if "could not find expected ':'" not in problem and "mapping values are not allowed" not in problem:
        return None
    glued = _glued_key(lines, at[0], ctx[0])
    if glued:
        return glued
    if "could not find expected ':'" in problem:
        return (*(ctx if ctx[0] else at), "this line is neither `key: value` nor a list item `- value` (is a "
                "colon missing, or does the line continue the one above?)")
    return (*at, _mapping_value(lines, at))


def _token(problem: str, context: str, at: Place, ctx: Place, lines: list[str]) -> tuple[int, int, str] | None:
    if "cannot start any token" in problem or "tab character" in problem:
        return (*at, _bad_start(_char(lines, at)))
    return None


def _structure(problem: str, context: str, at: Place, ctx: Place, lines: list[str]) -> tuple[int, int, str] | None:
    here = _char(lines, at).strip("'")
    if here in ("]", "}") and ("block" in context or "block end" in problem or "expected key" in problem
                               or "document" in problem):
        return (*at, f"a '{here}' that closes nothing (one too many, or its opening bracket is missing)")
    if "expected '-' indicator" in problem or "expected <block end>, but found '?'" in problem:
        if re.match(r"\s*-\S", lines[at[0] - 1] if 0 < at[0] <= len(lines) else ""):
            return (*at, "a space is missing after '-': a list item is written `- value`")
        return (*at, "this line does not line up with the list items above (check its indentation)")
    if "while parsing a flow" in context and ("expected ','" in problem or "but got" in problem):
        closing, kind = ("]", "list") if "sequence" in context else ("}", "mapping")
        opening = "[" if closing == "]" else "{"
        return (*ctx, f"the {kind} opened with '{opening}' here is not closed with '{closing}' (or a ',' is missing "
                "between its items)")
    if "block mapping" in context or "block end" in problem or "expected key" in problem:
        return (*at, f"this line does not line up with the keys of the mapping that starts on line {ctx[0] or 1} "
                "(check its indentation, or whether a `- ` list item is out of place)")
    if "block sequence entries are not allowed" in problem:
        return (*at, "a `- ` list item where a value was expected; start the list on its own line under its key")
    return None


def _other(problem: str, context: str, at: Place, ctx: Place, lines: list[str]) -> tuple[int, int, str] | None:
    word = _word(lines, at)
    messages = (
        ("undefined alias", f"{word} refers to no anchor; define &{word.lstrip('*')} before it"),
        ("duplicate anchor", f"this anchor is defined twice (first on line {ctx[0]}); give each anchor its own name"),
        ("another document", "a second YAML document starts here ('---'); a landingzone file is one document"),
        ("escape", "a backslash escape double quotes do not know; use single quotes for text with backslashes"),
        ("directive", "a '%' directive YAML does not know; quote values that start with '%'"),
    )
    for needle, message in messages:
        if needle in problem or needle in context:
            return (*at, message)
    return None


_RULES: tuple[Rule, ...] = (_quote, _colon, _token, _structure, _other)


def _unclosed_quote(lines: list[str], error_line: int) -> tuple[int, int, str] | None:
    """A quote opened and not closed on its line: YAML lets a quoted string run on over the next lines, so the
    parser fails far below (at the next quote). When the file does not parse, the open quote is the cause."""
    for number, line in enumerate(lines[:max(error_line - 1, 0)], start=1):
        column = _open_quote(line)
        if column:
            quote = line[column - 1]
            return (number, column, f"the string opened with {_QUOTES[quote]} here is not closed on its line, so "
                    f"YAML reads on to the next {quote} (line {error_line}); add the closing {quote}")
    return None


_QUOTES = {'"': "a double quote", "'": "a single quote"}


def _open_quote(line: str) -> int:
    """The 1-based column of a quote that starts a value and is still open at the end of the line, or 0."""
    quote, start, index = "", 0, 0
    while index < len(line):
        char = line[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if quote and char == quote:
            if quote == "'" and line[index + 1:index + 2] == "'":  # '' is an escaped quote in single quotes
                index += 2
                continue
            quote = ""
        elif not quote and char in "\"'" and (index == 0 or line[index - 1] in " \t:[{,-"):
            quote, start = char, index + 1
        elif not quote and char == "#" and (index == 0 or line[index - 1] in " \t"):
            break
        index += 1
    return start if quote else 0


def _glued_key(lines: list[str], error_line: int, context_line: int) -> tuple[int, int, str] | None:
    """`email:x@y.z`: YAML reads `email:x@y.z` as one word and fails a line or two later. Look back for it."""
    first = context_line or error_line
    for number in range(min(first, error_line), max(1, min(first, error_line) - 3) - 1, -1):
        match = _GLUED.match(lines[number - 1]) if 0 < number <= len(lines) else None
        if match:
            key = match.group(2)
            value = lines[number - 1][match.end():].strip()
            return (number, match.end(), f"a space is missing after '{key}:', so YAML reads '{key}:{value}' as "
                    f"one word; write '{key}: {value}'")
    return None


def _mapping_value(lines: list[str], at: tuple[int, int]) -> str:
    line = lines[at[0] - 1] if 0 < at[0] <= len(lines) else ""
    before = line[:at[1] - 1]
    if re.match(r"^\s*(?:-\s+)?[^\s:#][^:#]*:\s+\S", before):
        return "a second ': ' on one line; quote a value that holds ': ' (write it in \"double quotes\")"
    previous = next((lines[n] for n in range(at[0] - 2, -1, -1) if lines[n].strip()), "")
    indent = len(line) - len(line.lstrip(" "))
    if previous and indent > len(previous) - len(previous.lstrip(" ")):
        return ("this line is indented deeper than the line above, so YAML reads it as the rest of that line's "
                "value; line it up with the key above")
    return "a ':' where YAML expects no key (check the indentation, or quote a value that holds ': ')"


def _bad_start(char: str) -> str:
    if char == "'\\t'":
        return "a tab character; YAML indents with spaces only"
    return f"a value cannot start with {char}; put the value in quotes"


def _char(lines: list[str], at: tuple[int, int]) -> str:
    line, column = at
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return repr(text[column - 1]) if 0 < column <= len(text) else "the end of the line"


def _word(lines: list[str], at: tuple[int, int]) -> str:
    line, column = at
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    match = re.match(r"\S+", text[column - 1:])
    return match.group(0) if match else "an alias"


def _plain(problem: str) -> str:
    """The parser's words for a case no rule above covers, without its internal vocabulary."""
    words = re.sub(r"<[^>]+>", "a value", problem).replace("scalar", "value").replace("token", "text")
    return words.replace("in this context", "here") or "YAML cannot read this line"
