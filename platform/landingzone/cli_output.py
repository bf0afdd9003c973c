"""What a command shows: results on stdout, progress and problems on stderr, or one JSON document for machines.

On a terminal, Rich styles the text and draws progress; anywhere else the same words are written as plain lines,
byte for byte what the tests and CI logs read. `NO_COLOR` is honoured (Rich reads it). `--quiet` keeps only
problems and failures; `--json` writes exactly one JSON document on stdout, whatever happens.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, TextIO

from landingzone.errors import Problem, render_problem

if TYPE_CHECKING:
    from rich.console import Console

    from landingzone.cli_progress import Steps

PREFIX = "landingzone: "
# Text in styled pieces: (words, Rich style). Off a terminal only the words are written, and Rich is not imported.
Parts = Sequence[tuple[str, str]]


class Ui:
    """One invocation's output. Commands call it; only this class writes to the terminal."""

    def __init__(self, command: str = "", *, quiet: bool = False, json_out: bool = False) -> None:
        self.command, self.quiet, self.json = command, quiet, json_out
        self.consoles: dict[bool, Console] = {}  # by stderr-or-not, made on first use on a terminal
        self.data: dict[str, Any] = {}
        self.problems: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.notes: list[str] = []
        self.errors: list[str] = []
        self.timings: dict[str, float] = {}

    # --- results (stdout)

    def say(self, text: str, style: str = "") -> None:
        """An informational line: left out with --quiet and --json."""
        if not (self.quiet or self.json):
            self.write(False, [(text, style)])

    def result(self, text: str, style: str = "") -> None:
        """What the command exists to print (a listing, a diff): shown with --quiet, left out with --json."""
        if not self.json:
            self.write(False, [(text, style)])

    def lines(self, lines: list[str], header: bool = True) -> None:
        """A table from cli_format.table: its first line bold on a terminal."""
        for index, line in enumerate(lines):
            self.result(line, "bold" if header and index == 0 else "")

    def record(self, key: str, value: Any) -> None:
        """Part of the JSON document (with --json); ignored otherwise."""
        self.data[key] = value

    # --- diagnostics (stderr)

    def problem(self, problem: Problem, *, warning: bool = False) -> None:
        (self.warnings if warning else self.problems).append(problem_json(problem))
        if self.json:
            return
        headline, *context = render_problem(problem).split("\n")
        place, rest = headline.split(": ", 1) if ": " in headline else (headline, "")
        parts = [(place, "bold"), (": " if rest else "", "")]
        before, marker, after = rest.partition("warning:")
        parts += [(before, ""), (marker, "bold yellow"), (after, "")] if warning and marker else [(rest, "")]
        self.write(True, parts)
        for line in context:
            caret = line.rstrip().endswith("^")
            self.write(True, [(line.rstrip()[:-1] if caret else line, "dim"), ("^" if caret else "", "bold red")])

    def note(self, text: str) -> None:
        self.notes.append(text)
        if not (self.quiet or self.json):
            self.write(True, [("note:", "cyan"), (f" {text}", "")])

    def error(self, text: str) -> None:
        """A failure the user must see: on stderr even with --quiet; in the document with --json."""
        self.errors.append(text)
        if not self.json:
            self.write(True, [(PREFIX.rstrip(), "bold red"), (f" {text}", "")])

    def detail(self, text: str) -> None:
        """Lines that explain an error (a traceback with --debug): stderr, never in the JSON document."""
        if not self.json:
            self.stream(True).write(text if text.endswith("\n") else text + "\n")

    # --- progress and timings

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.timings[phase] = round(self.timings.get(phase, 0.0) + time.perf_counter() - started, 3)

    def progress(self, description: str, total: int = 0, *, lines: bool = False, verb: str = "start") -> Steps:
        """Progress for work that takes more than a second: a Rich bar (a spinner when `total` is 0) on a terminal,
        plain lines on stderr otherwise; nothing with --quiet. With `lines`, each finished item is also a line."""
        from landingzone.cli_progress import Steps

        return Steps(self, description, total, lines=lines, verb=verb)

    @property
    def shows_progress(self) -> bool:
        return not self.quiet

    # --- the end

    def finish(self, code: int) -> int:
        """With --json, the one document: what the command recorded, every problem, and the timings."""
        if self.json:
            document = {"command": self.command, "ok": code == 0, "exit_code": code, **self.data,
                        "problems": self.problems, "warnings": self.warnings, "notes": self.notes,
                        "errors": self.errors, "timings": self.timings}
            sys.stdout.write(json.dumps(document, indent=2, default=str) + "\n")
            sys.stdout.flush()
        return code

    # --- the streams

    @staticmethod
    def stream(err: bool) -> TextIO:
        """Looked up on every write, so a redirected sys.stdout or sys.stderr is honoured."""
        return sys.stderr if err else sys.stdout

    def terminal(self, err: bool) -> Console | None:
        """A Rich console when the stream is a terminal (as Rich decides it: FORCE_COLOR and TTY_COMPATIBLE
        count), else None: plain text needs no Rich at all."""
        if err not in self.consoles:
            forced = os.environ.get("TTY_COMPATIBLE", "")
            if not (os.environ.get("FORCE_COLOR") or forced == "1" or (forced != "0" and _isatty(self.stream(err)))):
                return None
            from rich.console import Console

            self.consoles[err] = Console(stderr=err, soft_wrap=True, highlight=False, emoji=False, markup=False)
        return self.consoles[err]

    def write(self, err: bool, parts: Parts) -> None:
        """One line: styled by Rich on a terminal; elsewhere exactly the words (no tab expansion or control-code
        stripping), which is what CI logs and the tests read."""
        console = self.terminal(err)
        if console is None:
            self.stream(err).write("".join(words for words, _ in parts) + "\n")
            return
        from rich.text import Text

        console.print(Text.assemble(*parts), soft_wrap=True)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as the JSON document holds it (`line` and `column` 0 when unknown)."""
    fields = asdict(problem)
    fields["text"] = str(problem)
    return fields
