"""The one exception type for a user's mistakes, the problems it carries, and how a problem is shown."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake in the user's files: where it is, and what to do about it.

    `file` is relative to the project root, `line` is 1-based (0 when the problem is about a file as
    a whole), `path` is the key path inside the file (`organizational_units[path=Workloads].scps`).
    `column` (1-based, 0 when unknown) and `source` (the offending line as written) are set where the
    exact character matters: a parse error, an invisible character, a bad byte.
    """

    file: str
    line: int
    path: str
    message: str
    column: int = 0
    source: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Problems are listed by place: file, line, column."""
        return self.file, self.line, self.column, self.path, self.message

    def __str__(self) -> str:
        place = self.file
        if self.line:
            place += f":{self.line}" + (f":{self.column}" if self.column else "")
        return f"{place}: {self.path}: {self.message}" if self.path else f"{place}: {self.message}"


def render_problem(problem: Problem) -> str:
    """`file:line:col: key: message`, then the offending line and a caret under the column where known.

    The one place that lays a problem out for a terminal, so another front end (a Rich console, an editor
    integration) can reuse it or replace it whole.
    """
    headline = str(problem)
    if not (problem.line and problem.column and problem.source):
        return headline
    gutter = str(problem.line)
    shown, caret = _window(*_visible(problem.source, problem.column))
    return f"{headline}\n  {gutter} | {shown}\n  {' ' * len(gutter)} | {' ' * caret}^"


_WIDTH = 100


def _window(line: str, caret: int) -> tuple[str, int]:
    """At most _WIDTH characters around the caret, so a minified policy's one line does not fill the screen."""
    if len(line) <= _WIDTH:
        return line, caret
    start = max(0, min(caret - _WIDTH // 2, len(line) - _WIDTH))
    end = start + _WIDTH
    more = end < len(line)
    shown = ("…" if start else "") + line[start + bool(start):end - more] + ("…" if more else "")
    return shown, caret - start


def _visible(source: str, column: int) -> tuple[str, int]:
    """The line with tabs expanded and invisible characters shown as `<U+200B>`, and the caret's offset in it."""
    out: list[str] = []
    caret = 0
    for index, char in enumerate(source.rstrip("\r\n")):
        if index == column - 1:
            caret = sum(len(part) for part in out)
        if char == "\t":
            out.append("    ")
        elif not char.isprintable() or char in INVISIBLE:
            out.append(f"<U+{ord(char):04X}>")
        else:
            out.append(char)
    if column - 1 >= len(source.rstrip("\r\n")):
        caret = sum(len(part) for part in out)
    return "".join(out), caret


# Characters that look like nothing (or like a plain space) on screen but are not one to a parser.
INVISIBLE = frozenset("\u00a0\u00ad\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                      "\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u202f\u205f\u2060"
                      "\u2066\u2067\u2068\u2069\u3000\ufeff")


class ConfigError(Exception):
    """Raised once with every problem found; only the CLI catches it.

    `notes` say what was not checked because of the problems (a file that does not parse hides the checks
    that need it); they are shown once, after the problems.
    """

    def __init__(self, problems: list[Problem], notes: Iterable[str] = ()) -> None:
        self.problems = sorted(set(problems), key=Problem.sort_key)
        self.notes = tuple(dict.fromkeys(notes))
        noun = "problem" if len(self.problems) == 1 else "problems"
        self.summary = f"{len(self.problems)} {noun} in the configuration"
        super().__init__(self.summary)

    def __reduce__(self) -> tuple[object, ...]:
        # pickled (from a synth worker) as what it was built from, not as its summary text
        return (type(self), (list(self.problems), self.notes), self.__dict__)

    def __str__(self) -> str:
        return "\n".join([*(render_problem(p) for p in self.problems), *(f"note: {n}" for n in self.notes)])


class UsageError(Exception):
    """A mistake on the command line (an unknown stack, an output folder that must not be replaced): exit 3."""


class MissingTool(Exception):
    """Something the run needs is not on this machine (Terraform, its provider mirror, Node.js): exit 4."""
