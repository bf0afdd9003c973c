"""Commands that write the project's own files: new-account, schema, docs. Each writes only after it has checked."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Annotated

import typer

from landingzone.cli_context import (
    EXIT_FAILED,
    EXIT_OK,
    DebugOption,
    JsonOption,
    QuietOption,
    RootOption,
    Run,
    completions,
    run_of,
)
from landingzone.config import LandingZone, load_landing_zone
from landingzone.errors import UsageError
from landingzone.topology import stack_specs


def _complete_ous(ctx: typer.Context, incomplete: str) -> list[str]:
    return completions(ctx, incomplete, lambda lz: lz.ou_paths)


def _complete_segments(ctx: typer.Context, incomplete: str) -> list[str]:
    return completions(ctx, incomplete, lambda lz: [s.name for s in lz.network.segments] if lz.network else [])


def new_account(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="The account's name (lowercase letters, digits and dashes).",
                                            show_default=False)],
        ou: Annotated[str, typer.Option("--ou", metavar="PATH", autocompletion=_complete_ous, show_default=False,
                                        help="Its OU, by path from Root: Workloads/Prod.")],
        email: Annotated[str, typer.Option("--email", metavar="ADDRESS", show_default=False,
                                           help="Its root user's email; unique across the organisation.")],
        segment: Annotated[str | None, typer.Option(
            "--segment", metavar="S", autocompletion=_complete_segments,
            help="Give it a spoke VPC in this network segment, at a free range of the network plan.")] = None,
        cidr: Annotated[str | None, typer.Option("--cidr", help="The VPC's range, instead of a free one.")] = None,
        prefix: Annotated[int | None, typer.Option("--prefix", metavar="N", help="Size of the free range to pick, "
                                                   "/N. [default: the usual size in the segment, else 16]")] = None,
        az_count: Annotated[int | None, typer.Option("--az-count", min=2, max=3, help="AZs of the VPC. "
                                                     "[default: the sibling's, else 2]")] = None,
        egress: Annotated[bool, typer.Option("--egress", help="Internet egress through NAT.")] = False,
        environment: Annotated[str | None, typer.Option("--environment", help="[default: the sibling's]")] = None,
        owner: Annotated[str | None, typer.Option("--owner", help="[default: the sibling's]")] = None,
        cost_center: Annotated[str | None, typer.Option("--cost-center", help="[default: the sibling's]")] = None,
        budget: Annotated[float | None, typer.Option("--budget", metavar="USD", min=0.01,
                                                     help="Monthly budget. [default: the sibling's]")] = None,
        alert_email: Annotated[list[str] | None, typer.Option("--alert-email", metavar="ADDRESS", help="Who hears "
                                                              "of the budget; repeat for more. [default: the "
                                                              "sibling's]")] = None,
        tag: Annotated[list[str] | None, typer.Option("--tag", metavar="KEY=VALUE", help="A tag; repeat.")] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and show the manifest; write nothing.")]
        = False,
        root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
        debug: DebugOption = False) -> int:
    """Add an account: write accounts/NAME.yaml, with a free VPC range, and print the diff.

    The whole configuration is validated with the new manifest before it is kept; on any error nothing is
    written. The VPC range is the lowest free one of the network plan (no spoke, reserved range or the central
    endpoints VPC overlaps it). What is not given (environment, owner, cost centre, budget, AZs) is copied from
    the first account of the OU."""
    from landingzone.config.new_account import NewAccount, draft_manifest, render_manifest
    from landingzone.schemas import modeline, schema_for

    run = run_of(ctx).begin("new-account", root=root, quiet=quiet, json_out=json_out, debug=debug)
    before = run.load()
    request = NewAccount(name=name, ou=ou, email=email, segment=segment, cidr=cidr, prefix=prefix, az_count=az_count,
                         egress=egress, environment=environment, owner=owner, cost_center=cost_center, budget=budget,
                         alert_emails=tuple(alert_email or ()), tags=_tags(tag or []))
    drafted = draft_manifest(before, request)
    relative = f"accounts/{name}.yaml"
    config = schema_for(relative)
    assert config is not None
    text = render_manifest(drafted.data, modeline(relative, config))
    after = _validated_with(run.root, relative, text, keep=not dry_run)
    for note in drafted.notes:
        run.ui.note(note)
    _show_diff(run, relative, text)
    added = sorted({s.name for s in stack_specs(after)} - {s.name for s in stack_specs(before)})
    run.ui.record("manifest", {"file": relative, "text": text, "written": not dry_run,
                               "vpc_cidr": (drafted.data.get("network") or {}).get("vpc_cidr")})
    run.ui.record("stacks_added", added)
    if drafted.cidr_note:
        run.ui.say(f"landingzone: VPC {drafted.cidr_note}")
    verb = "would write" if dry_run else "wrote"
    run.ui.say(f"landingzone: {verb} {relative}; the configuration validates with it, and synth adds "
               f"{', '.join(added) or 'no stack'}")
    return EXIT_OK


def _tags(pairs: list[str]) -> dict[str, str]:
    tags = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--tag: '{pair}' is not KEY=VALUE")
        tags[key] = value
    return tags


def _validated_with(root: Path, relative: str, text: str, *, keep: bool) -> LandingZone:
    """The configuration validated with `text` at `relative`; the file is removed again on any failure (or when it
    is not to be kept), so an error leaves the project as it was (a ConfigError names the new file's lines)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as file:
            file.write(text)
    except FileExistsError:
        raise UsageError(f"{relative} exists already; choose another name, or edit that file") from None
    try:
        lz = load_landing_zone(root)
    except BaseException:
        path.unlink()
        raise
    if not keep:
        path.unlink()
    return lz


def _show_diff(run: Run, relative: str, text: str) -> None:
    for line in difflib.unified_diff([], text.splitlines(), "/dev/null", f"b/{relative}", lineterm=""):
        style = "green" if line.startswith("+") and not line.startswith("+++") else "cyan" if line.startswith("@") \
            else "bold"
        run.ui.result(line, style)


def schema(ctx: typer.Context,
           check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file is not current.")]
           = False, root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
           debug: DebugOption = False) -> int:
    """Regenerate the JSON Schemas in schemas/ from the models.

    Editors validate and complete the YAML files with them (the `# yaml-language-server` line at the top of
    each file)."""
    from landingzone.schemas import render_schemas

    run = run_of(ctx).begin("schema", root=root, quiet=quiet, json_out=json_out, debug=debug)
    code = _regenerate(run, render_schemas(), check=check)
    _modeline_notes(run)
    return code


def docs(ctx: typer.Context,
         check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if the file is not current.")]
         = False, root: RootOption = None, quiet: QuietOption = False, json_out: JsonOption = False,
         debug: DebugOption = False) -> int:
    """Regenerate docs/reference.md, the configuration reference.

    Every key of every file, from the models, with examples from the project's files."""
    from landingzone.schemas.reference import REFERENCE_FILE, render_reference

    run = run_of(ctx).begin("docs", root=root, quiet=quiet, json_out=json_out, debug=debug)
    return _regenerate(run, {REFERENCE_FILE: render_reference(run.root)}, check=check)


def _regenerate(run: Run, files: dict[str, str], *, check: bool) -> int:
    """Write each file whose text changed (or, with `check`, only say which); 1 when `check` finds one stale."""
    stale = [relative for relative, text in files.items() if _read(run.root / relative) != text]
    run.ui.record("stale" if check else "written", stale)
    for relative in stale:
        if check:
            run.ui.error(f"{relative} is not current; run `landingzone {run.ui.command}` and commit it")
            continue
        path = run.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(files[relative], encoding="utf-8")
        os.replace(temporary, path)
        run.ui.say(f"landingzone: wrote {relative}")
    if not stale:
        run.ui.say(f"landingzone: {len(files)} file{'s' * (len(files) != 1)} current")
    return EXIT_FAILED if check and stale else EXIT_OK


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return None


def _modeline_notes(run: Run) -> None:
    """Name the project's files whose editors cannot find their schema: the modeline is missing or points
    elsewhere (written by hand, so landingzone adds nothing to them itself: it would move every line)."""
    from landingzone.schemas import modeline, schema_for

    candidates = [run.root / "config" / n for n in ("organization.yaml", "network.yaml", "identity.yaml",
                                                      "delivery.yaml")]
    candidates += [run.root / "policies" / "checkov" / "suppressions.yaml"]
    candidates += sorted((run.root / "accounts").rglob("*.yaml")) if (run.root / "accounts").is_dir() else []
    for path in candidates:
        relative = path.relative_to(run.root).as_posix()
        config = schema_for(relative)
        if config is None or not path.is_file():
            continue
        first = (_read(path) or "").split("\n", 1)[0]
        if first.strip() != modeline(relative, config):
            run.ui.note(f"{relative}: its first line is not `{modeline(relative, config)}`, so editors do not "
                        "validate it as they type")

