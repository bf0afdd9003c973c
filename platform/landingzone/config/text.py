"""Bytes to text for every config and policy file: UTF-8 only, with the encoding named when it is not, and no
invisible characters outside comments.

Editors on Windows save UTF-16 (PowerShell's `>` and `Out-File`) or Windows-1252; web pages and chat paste
non-breaking and zero-width spaces that look like nothing on screen. Each gets a message naming what was found,
where, and how to fix it, instead of a decoder's exception or a parser's confusion three lines later.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

from landingzone.errors import INVISIBLE, Problem

_UTF16_HINT = ("re-save it as UTF-8: in an editor, \"Save with Encoding\" → UTF-8; in PowerShell, "
               "`Get-Content FILE | Set-Content -Encoding utf8 FILE`")
_LEGACY_HINT = "re-save it as UTF-8: in an editor, \"Save with Encoding\" → UTF-8; or `iconv -f WINDOWS-1252 -t UTF-8`"

_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32 LE"), (codecs.BOM_UTF32_BE, "UTF-32 BE"),
         (codecs.BOM_UTF16_LE, "UTF-16 LE"), (codecs.BOM_UTF16_BE, "UTF-16 BE"))


def read_text(path: Path, display: str) -> tuple[str | None, list[Problem]]:
    """The file as text, or None and why it cannot be read. A UTF-8 byte-order mark is accepted and dropped."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, "", f"cannot be read ({exc.strerror or exc})")]
    return decode(data, display)


def decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    wide = _wide_encoding(data)
    if wide:
        return None, [Problem(display, 1, "", f"is saved as {wide}, not UTF-8; {_UTF16_HINT}")]
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_bad_byte(data, exc.start, display)]
    if "\x00" in text:
        line, column, source = position(text, text.index("\x00"))
        return None, [Problem(display, line, "", "holds a NUL byte; it is not a text file", column, source)]
    return text, []


def _wide_encoding(data: bytes) -> str | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return f"{name} (with a byte-order mark)"
    head = data[:200]
    if len(head) >= 4 and head.count(0) * 3 >= len(head):  # ASCII text in UTF-16: every other byte is zero
        return "UTF-16 LE" if head[1] == 0 and head[0] != 0 else "UTF-16 BE"
    return None


def _bad_byte(data: bytes, offset: int, display: str) -> Problem:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    raw_line = data[start:end if end >= 0 else len(data)]
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    byte = data[offset]
    try:
        legacy = data.decode("cp1252")
    except UnicodeDecodeError:
        legacy = None
    if legacy is not None:
        shown = bytes([byte]).decode("cp1252")
        return Problem(display, line, "", f"is not UTF-8: byte 0x{byte:02X} here is {shown!r} in Windows-1252 "
                       f"(Latin-1), the encoding it looks saved in; {_LEGACY_HINT}", column,
                       raw_line.decode("cp1252"))
    return Problem(display, line, "", f"is not UTF-8: byte 0x{byte:02X} here starts no UTF-8 character; "
                   f"{_LEGACY_HINT}", column, raw_line.decode("utf-8", errors="replace"))


def position(text: str, offset: int) -> tuple[int, int, str]:
    """(1-based line, 1-based column, the line itself) of a character offset."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    return (text.count("\n", 0, offset) + 1, offset - line_start + 1,
            text[line_start:line_end if line_end >= 0 else len(text)])


def describe(char: str) -> str:
    """`U+00A0 NO-BREAK SPACE`."""
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


def _why(char: str) -> str:
    if unicodedata.category(char) == "Zs" or char in "\u2028\u2029":
        return "looks like a space but is not one (often pasted from a web page, chat or word processor); " \
               "type a plain space instead"
    if unicodedata.bidirectional(char) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "LRM",
                                           "RLM"):
        return "changes the order text is displayed in, so the line may not say what it shows; delete it"
    return "is invisible; delete it"


def invisible_characters(text: str, display: str, code: Callable[[str], str] = lambda line: line) -> list[Problem]:
    """One problem per line holding a character that is invisible or only looks like a space, in the part
    `code` keeps of each line (comments may say what they like)."""
    if not _INVISIBLE.search(text):  # the usual case, at the speed of one regular-expression scan
        return []
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        found = _INVISIBLE.search(code(line))
        if found:
            char = found.group(0)
            problems.append(Problem(display, number, "", f"{describe(char)} {_why(char)}", found.start() + 1, line))
    return problems


_INVISIBLE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")


def yaml_code(line: str) -> str:
    """The line up to its comment: `#` after a space or at the start, outside quotes."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'" and (index == 0 or line[index - 1] in " \t:[{,-"):
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index]
    return line


# Letters of other scripts that look like Latin ones, as found in names typed on a Cyrillic or Greek layout.
LOOKALIKES = {"а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
              "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "һ": "h", "ԛ": "q", "ԝ": "w", "А": "A",
              "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T", "Х": "X",
              "І": "I", "Ј": "J", "Ѕ": "S", "α": "a", "ο": "o", "ν": "v", "ρ": "p", "τ": "t", "υ": "u", "ι": "i",
              "κ": "k", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
              "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-",
              "‘": "'", "’": "'", "“": '"', "”": '"'}


def odd_characters(text: str) -> str:
    """`; 'о' is U+043E CYRILLIC SMALL LETTER O, not the Latin 'o'` for each non-ASCII character, or ''."""
    notes = []
    for char in dict.fromkeys(c for c in text if not c.isascii()):
        latin = LOOKALIKES.get(char)
        if latin:
            notes.append(f"{char!r} is {describe(char)}, not the Latin {latin!r}")
        elif char in INVISIBLE:
            notes.append(f"it holds the invisible {describe(char)}")
        else:
            notes.append(f"{char!r} is {describe(char)}")
    return "".join(f"; {note}" for note in notes)
