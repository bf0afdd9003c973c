"""The one exception type for a user's mistakes, and the problems it carries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One mistake in the user's files: where it is, and what to do about it.

    `file` is relative to the project root, `line` is 1-based (0 when the problem is about a file as
    a whole), `path` is the key path inside the file (`organizational_units[path=Workloads].scps`).
    """

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        return f"{place}: {self.path}: {self.message}" if self.path else f"{place}: {self.message}"


class ConfigError(Exception):
    """Raised once with every problem found; only the CLI catches it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        noun = "problem" if len(self.problems) == 1 else "problems"
        self.summary = f"{len(self.problems)} {noun} in the configuration"
        super().__init__(self.summary)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)
