"""Progress of long steps: a Rich bar or spinner on a terminal, plain lines on stderr anywhere else.

Imported only by commands that run something long: `rich.progress` costs a fifth of a second to import, which
`landingzone validate` does not pay.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

from landingzone.cli_output import Parts

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from landingzone.cli_output import Ui

# Plain (not a terminal) progress of a long list prints a line per item up to this many, then one per tenth.
PLAIN_EVERY_ITEM = 40
STATUS_STYLES = {"ok": "green", "unchanged": "green", "failed": "bold red", "not attempted": "yellow"}


class Steps:
    """One step's progress, used as a context manager; `advance(name)` after each item, from any thread."""

    def __init__(self, ui: Ui, description: str, total: int = 0, *, lines: bool = False, verb: str = "start") -> None:
        self.ui, self.description, self.total, self.lines, self.verb = ui, description, total, lines, verb
        self.done = 0
        self.started = time.perf_counter()
        self._lock = threading.Lock()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._last_tenth = 0

    def __enter__(self) -> Steps:
        if not self.ui.shows_progress:
            return self
        if self.ui.terminal(True) is not None:
            self._start_bar()
        else:
            count = f" ({self.total})" if self.total else ""
            self._plain(f"landingzone: {self.description}{count}...")
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif self.ui.shows_progress and kind is None and not self.total:
            self._plain(f"landingzone: {self.description}: {time.perf_counter() - self.started:.1f} s")

    def describe(self, description: str) -> None:
        """A new description for what is happening now (the bar stays)."""
        self.description = description
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, description=description)
        elif self.ui.shows_progress:
            self._plain(f"landingzone: {description}...")

    def advance(self, name: str, status: str = "") -> None:
        """One item finished: `status` (ok, failed, ...) is shown beside its name where lines are shown."""
        with self._lock:
            self.done += 1
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, advance=1)
                if self.lines:
                    self.ui.write(True, self._line(name, status))
            elif self.ui.shows_progress and self._plain_line_due():
                self._plain("".join(words for words, _ in self._line(name, status)))

    def started_item(self, name: str) -> None:
        """An item started (shown as a line only where `lines` asks for each item)."""
        if not self.lines or not self.ui.shows_progress:
            return
        if self._bar is not None:
            self.ui.write(True, [(f"  {self.verb:<13} {name}", "dim")])
        else:
            self._plain(f"  {self.verb:<13} {name}")

    def _plain(self, line: str) -> None:
        stream = self.ui.stream(True)
        stream.write(line + "\n")
        stream.flush()

    def _line(self, name: str, status: str) -> Parts:
        if self.lines:
            shown = status or "done"
            return [("  ", ""), (shown, STATUS_STYLES.get(shown, "")), (" " * (14 - len(shown)) + name, "")]
        return [(f"  {name} ({self.done}/{self.total})" if self.total else f"  {name}", "")]

    def _plain_line_due(self) -> bool:
        if self.lines or self.total <= PLAIN_EVERY_ITEM:
            return True
        tenth = self.done * 10 // self.total
        due = tenth > self._last_tenth or self.done == self.total
        self._last_tenth = max(self._last_tenth, tenth)
        return due

    def _start_bar(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}")]
        if self.total:
            columns += [BarColumn(), MofNCompleteColumn()]
        self._bar = Progress(*columns, TimeElapsedColumn(), console=self.ui.terminal(True), transient=True)
        self._task = self._bar.add_task(self.description, total=self.total or None)
        self._bar.start()
