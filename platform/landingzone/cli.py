"""The command line: the only place that prints and picks exit codes.

Typer builds it from one function per command (in cli_build, cli_inspect, cli_project and cli_local); `main` runs
it and turns every way a run can end into one exit code with one meaning (EXIT_CODES).
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer

from landingzone import __version__, cli_build, cli_inspect, cli_local, cli_project
from landingzone.cli_context import (
    EXIT_CODES,
    EXIT_CONFIG,
    EXIT_ENVIRONMENT,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    DebugOption,
    JsonOption,
    QuietOption,
    RootOption,
    Run,
    run_of,
)
from landingzone.errors import ConfigError, MissingTool, UsageError

__all__ = ["EXIT_CONFIG", "EXIT_ENVIRONMENT", "EXIT_FAILED", "EXIT_INTERNAL", "EXIT_INTERRUPTED", "EXIT_OK",
           "EXIT_USAGE", "app", "main"]

_POSSIBLE = re.compile(r" \(Possible options: ([^)]*)\)")
REPORT_TO = "the landingzone issue tracker (see README: Reporting a bug)"

app = typer.Typer(
    name="landingzone",
    help="An AWS landing zone from YAML to Terraform: validate config/ and accounts/, synthesize one Terraform JSON "
         "stack per account and concern, gate them (checkov, terraform validate, plan safety), deploy locally.",
    epilog="Exit codes:\n\n" + "\n".join(f"{code:<4} {meaning}" for code, meaning in EXIT_CODES),
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
    pretty_exceptions_enable=False,  # a bug is one line (or the traceback with --debug), printed by `main`
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"landingzone {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _common(ctx: typer.Context, root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
            debug: DebugOption = False,
            version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                  help="Print the version and exit.")] = False) -> None:
    """Options given before the command apply to it as if given after it."""
    run = run_of(ctx)
    run.root = root or run.root
    run.quiet, run.json, run.debug = run.quiet or quiet, run.json or json_out, run.debug or debug


app.command("synth")(cli_build.synth)
app.command("check")(cli_build.check)
app.command("validate")(cli_inspect.validate)
app.command("graph")(cli_inspect.graph)
app.command("list")(cli_inspect.list_)
app.command("plan-check")(cli_inspect.plan_check)
app.command("new-account")(cli_project.new_account)
app.command("schema")(cli_project.schema)
app.command("docs")(cli_project.docs)
app.command("up")(cli_local.up)
app.command("down")(cli_local.down)
app.command("drift")(cli_local.drift)


@cache
def _command() -> Any:
    return typer.main.get_command(app)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line on `argv` (default: sys.argv) and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    run = Run.from_argv(args)
    try:
        code = _command().main(args, prog_name="landingzone", standalone_mode=False, obj=run)
    except BaseException as error:  # noqa: BLE001 - every way out becomes one exit code
        code = _ended(run, error)
    code = EXIT_OK if code is None else int(code)
    if code == EXIT_INTERRUPTED and not run.ui.errors:  # Typer turns Ctrl-C into this code
        run.ui.error("interrupted; nothing was written")
    return run.ui.finish(code)


def _ended(run: Run, error: BaseException) -> int:
    """The exit code of a run that raised, with what the user needs to see about it."""
    ui = run.ui
    if isinstance(error, ConfigError):
        for problem in error.problems:
            ui.problem(problem)
        for note in error.notes:
            ui.note(note)
        ui.error(f"{error.summary}; nothing was written")
        return EXIT_CONFIG
    if isinstance(error, UsageError):
        ui.error(str(error))
        return EXIT_USAGE
    if isinstance(error, typer.TyperException):
        return _usage(run, error)
    if isinstance(error, MissingTool):
        ui.error(str(error))
        return EXIT_ENVIRONMENT
    if isinstance(error, KeyboardInterrupt | typer.Abort):
        return EXIT_INTERRUPTED
    if isinstance(error, SystemExit) and isinstance(error.code, int | None):
        return error.code or EXIT_OK
    return _internal_error(run, error)


def _usage(run: Run, error: typer.TyperException) -> int:
    """A command-line mistake: the message (with Click's and Typer's did-you-mean), and where help is."""
    context = getattr(error, "ctx", None)
    path = context.command_path if context is not None else "landingzone"
    message = _POSSIBLE.sub(lambda m: f"; did you mean {' or '.join(m.group(1).split(', '))}?", error.format_message())
    if type(error).__name__ == "NoArgsIsHelpError":  # `landingzone` alone: Typer has printed the help
        if message.strip():
            run.ui.detail(message)
        run.ui.error("error: a command is needed; the commands are listed above")
        return EXIT_USAGE
    run.ui.error(f"error: {message}")
    run.ui.detail(f"Try '{path} --help' for help.")
    return EXIT_USAGE


def _internal_error(run: Run, error: BaseException) -> int:
    """One line naming what failed and where; the traceback only with --debug."""
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    # raised in a synth worker: where it was raised there, not where the parent re-raised it
    here = (frame.filename, frame.lineno, frame.name) if frame else ("", 0, "")
    filename, line, function = getattr(error, "origin", None) or here
    where = f" at {Path(filename).name}:{line} in {function}" if filename else ""
    if run.debug:
        run.ui.detail("".join(traceback.format_exception(error)))
        if hasattr(error, "worker_traceback"):
            run.ui.detail(f"in the synth worker:\n{error.worker_traceback}")
    hint = "" if run.debug else "; run again with --debug for the traceback"
    run.ui.error(f"internal error: {type(error).__name__}: {error}{where}. This is a bug in landingzone, not in "
                 f"your configuration; please report it to {REPORT_TO}{hint}")
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
