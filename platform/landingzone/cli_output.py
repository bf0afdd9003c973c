"""What a command shows: results on stdout, progress and problems on stderr, or one JSON document for machines.

On a terminal, Rich styles the text and draws progress; anywhere else the same words are written as plain lines,
byte for byte what the tests and CI logs read. `NO_COLOR` is honoured (Rich reads it). `--quiet` keeps only
problems and failures; `--json` writes exactly one JSON document on stdout, whatever happens.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.text import Text

from landingzone.errors import Problem, render_problem

if TYPE_CHECKING:
    from landingzone.cli_progress import Steps

PREFIX = "landingzone: "


class Ui:
    """One invocation's output. Commands call it; only this class writes to the terminal."""

    def __init__(self, command: str = "", *, quiet: bool = False, json_out: bool = False) -> None:
        self.command, self.quiet, self.json = command, quiet, json_out
        # file=None: Rich looks sys.stdout/sys.stderr up on every write, so redirected streams are honoured.
        self.out = Console(soft_wrap=True, highlight=False, emoji=False, markup=False)
        self.err = Console(stderr=True, soft_wrap=True, highlight=False, emoji=False, markup=False)
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
            self._write(self.out, Text(text, style=style))

    def result(self, text: str | Text) -> None:
        """What the command exists to print (a listing, a diff): shown with --quiet, left out with --json."""
        if not self.json:
            self._write(self.out, text if isinstance(text, Text) else Text(text))

    def lines(self, lines: list[str], header: bool = True) -> None:
        """A table from cli_format.table: its first line bold on a terminal."""
        for index, line in enumerate(lines):
            self.result(Text(line, style="bold" if header and index == 0 else ""))

    def record(self, key: str, value: Any) -> None:
        """Part of the JSON document (with --json); ignored otherwise."""
        self.data[key] = value

    # --- diagnostics (stderr)

    def problem(self, problem: Problem, *, warning: bool = False) -> None:
        (self.warnings if warning else self.problems).append(problem_json(problem))
        if self.json:
            return
        headline, *context = render_problem(problem).split("\n")
        text = Text(headline)
        place = headline.split(": ", 1)[0]
        text.stylize("bold", 0, len(place))
        if warning and "warning:" in headline:
            start = headline.index("warning:")
            text.stylize("bold yellow", start, start + len("warning:"))
        self._write(self.err, text)
        for line in context:
            styled = Text(line, style="dim")
            if line.rstrip().endswith("^"):
                styled.stylize("bold red", len(line.rstrip()) - 1, len(line.rstrip()))
            self._write(self.err, styled)

    def note(self, text: str) -> None:
        self.notes.append(text)
        if not (self.quiet or self.json):
            styled = Text(f"note: {text}")
            styled.stylize("cyan", 0, 5)
            self._write(self.err, styled)

    def error(self, text: str) -> None:
        """A failure the user must see: on stderr even with --quiet; in the document with --json."""
        self.errors.append(text)
        if not self.json:
            styled = Text(PREFIX + text)
            styled.stylize("bold red", 0, len(PREFIX) - 1)
            self._write(self.err, styled)

    def detail(self, text: str) -> None:
        """Lines that explain an error (a traceback with --debug): stderr, never in the JSON document."""
        if not self.json:
            self.err.file.write(text if text.endswith("\n") else text + "\n")

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

    def _write(self, console: Console, text: Text) -> None:
        if console.is_terminal:
            console.print(text, soft_wrap=True)
        else:  # exactly the words, no tab expansion or control-code stripping: CI logs and tests read these
            console.file.write(text.plain + "\n")


def problem_json(problem: Problem) -> dict[str, Any]:
    """A problem as the JSON document holds it (`line` and `column` 0 when unknown)."""
    fields = asdict(problem)
    fields["text"] = str(problem)
    return fields
