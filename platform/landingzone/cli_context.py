"""What every command shares: the exit codes, the options every command takes, and the invocation they describe."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from landingzone.cli_output import Ui
from landingzone.config import LandingZone, load_landing_zone
from landingzone.errors import UsageError

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_USAGE, EXIT_ENVIRONMENT, EXIT_INTERNAL = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130  # the shell's code for a run ended by SIGINT

# One meaning each; `landingzone --help` and the README show this table (a test keeps the README equal to it).
EXIT_CODES = (
    (EXIT_OK, "ok"),
    (EXIT_FAILED, "a gate or plan-safety check failed (checkov, terraform validate, a protected resource deleted)"),
    (EXIT_CONFIG, "the configuration is wrong: every problem is listed as file:line, and nothing is written"),
    (EXIT_USAGE, "the command line is wrong: an unknown command or option, a --stack that names no stack"),
    (EXIT_ENVIRONMENT, "the machine is missing something the run needs: Terraform, its provider mirror, Node.js"),
    (EXIT_INTERNAL, "an internal error, a bug in landingzone: one line; --debug shows the traceback"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C); `up --local` continues where it stopped"),
)

COMMON = "Options every command takes"
RootOption = Annotated[Path | None, typer.Option(
    "--root", help="Project folder holding config/ and accounts/. [default: the current folder]",
    show_default=False, rich_help_panel=COMMON)]
QuietOption = Annotated[bool, typer.Option(
    "--quiet", "-q", help="Print only problems, failures and what the command exists to print.",
    rich_help_panel=COMMON)]
JsonOption = Annotated[bool, typer.Option(
    "--json", help="Print one JSON document on stdout (problems, findings, stacks, timings) and nothing else.",
    rich_help_panel=COMMON)]
DebugOption = Annotated[bool, typer.Option(
    "--debug", help="Show the traceback of an internal error.", rich_help_panel=COMMON)]



@dataclass
class Run:
    """One invocation: the common options (given before the command, after it, or both) and its output."""

    root: Path = Path(".")
    debug: bool = False
    quiet: bool = False
    json: bool = False
    ui: Ui = field(default_factory=Ui)

    @classmethod
    def from_argv(cls, argv: Sequence[str]) -> Run:
        """The flags as typed, before the command line is parsed, so a mistake in it is reported in the form
        asked for (a JSON document for --json) and --debug covers a failure anywhere."""
        words = list(argv[:argv.index("--")] if "--" in argv else argv)
        run = cls(debug="--debug" in words, quiet="--quiet" in words or "-q" in words, json="--json" in words)
        values = {i + 1 for i, word in enumerate(words) if word == "--root"}  # the folder is no command
        command = next((w for i, w in enumerate(words) if not w.startswith("-") and i not in values), "")
        run.ui = Ui(command, quiet=run.quiet, json_out=run.json)
        return run

    def begin(self, command: str, *, root: Path | None = None, quiet: bool = False, json_out: bool = False,
              debug: bool = False) -> Run:
        """The command's own options joined to the global ones; the project root checked."""
        self.debug, self.quiet, self.json = self.debug or debug, self.quiet or quiet, self.json or json_out
        if root is not None:
            self.root = root
        self.root = self.root.resolve()
        self.ui.command, self.ui.quiet, self.ui.json = command, self.quiet, self.json
        if not self.root.is_dir():
            raise UsageError(f"--root: {self.root} is not a folder")
        return self

    def load(self) -> LandingZone:
        """The whole configuration, validated; its warnings and notes shown, its size said in one line."""
        started = time.perf_counter()
        with self.ui.timed("validate"):
            lz = load_landing_zone(self.root)
        self.ui.say(f"landingzone: {self.root.name}: {len(lz.accounts)} accounts, {len(lz.ou_paths)} OUs, "
                    f"{len(lz.scps)} SCPs valid ({time.perf_counter() - started:.2f} s)")
        self.ui.record("valid", {"accounts": len(lz.accounts), "ous": len(lz.ou_paths), "scps": len(lz.scps)})
        for warning in lz.warnings:
            self.ui.problem(warning, warning=True)
        for note in lz.notes:
            self.ui.note(note)
        return lz


def run_of(ctx: typer.Context) -> Run:
    """The invocation `main` started (a fresh one when the app is called some other way, as Typer's tests do)."""
    if not isinstance(ctx.obj, Run):
        ctx.obj = Run()
    return ctx.obj


def completions(ctx: typer.Context, incomplete: str, names: Callable[[LandingZone], Iterable[str]]) -> list[str]:
    """Shell completion from the project at --root (given before or after the command): the `names` that start
    with what is typed; nothing while the configuration does not validate."""
    root = ctx.params.get("root") or (ctx.parent.params.get("root") if ctx.parent else None) or Path(".")
    try:
        return [name for name in names(load_landing_zone(root)) if name.startswith(incomplete)]
    except Exception:  # noqa: BLE001 - completion must never print a traceback into the user's shell
        return []


def did_you_mean(wanted: str, known: Sequence[str]) -> str:
    """`; did you mean 'x'?` for a close misspelling, or nothing."""
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""
