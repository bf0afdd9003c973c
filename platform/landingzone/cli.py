"""The command line: the only place that prints and picks exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from landingzone.config import LandingZone, load_landing_zone
from landingzone.errors import ConfigError
from landingzone.output import staged, summarize
from landingzone.stacks import StackSpec, stack_specs

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(args.root).resolve()
    try:
        started = time.perf_counter()
        lz = load_landing_zone(root)
        print(f"landingzone: {root.name}: {len(lz.accounts)} accounts, {len(lz.ou_paths)} OUs, {len(lz.scps)} SCPs "
              f"valid ({time.perf_counter() - started:.2f} s)")
        if args.command == "validate":
            return EXIT_OK
        return _synth(lz, _select(lz, args.stack), _outdir(root, args.out))
    except ConfigError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        print(f"landingzone: {error.summary}; nothing was written", file=sys.stderr)
        return EXIT_CONFIG


def _synth(lz: LandingZone, specs: list[StackSpec], outdir: Path) -> int:
    from landingzone.stacks.synth import synthesize

    started = time.perf_counter()
    with staged(outdir) as stage:
        synthesize(lz, specs, stage)
        summaries = summarize(stage)
    elapsed = time.perf_counter() - started
    shown = os.path.relpath(outdir) if outdir.is_relative_to(Path.cwd()) else str(outdir)
    print(f"landingzone: synthesized {len(summaries)} stack{'s' * (len(summaries) != 1)} into {shown} "
          f"in {elapsed:.1f} s")
    accounts = {spec.name: spec.account for spec in specs}
    rows = [("stack", "account", "resources", "imports")]
    rows += [(s.name, accounts.get(s.name, "?"), str(s.resources), str(s.imports)) for s in summaries]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def _select(lz: LandingZone, names: Sequence[str] | None) -> list[StackSpec]:
    specs = list(stack_specs(lz))
    if not names:
        return specs
    known = {spec.name for spec in specs}
    unknown = [name for name in names if name not in known]
    if unknown:
        from landingzone.errors import Problem

        raise ConfigError([Problem("--stack", 0, "", f"'{name}' is not a stack of this landing zone "
                                   f"(known: {', '.join(sorted(known))})") for name in unknown])
    return [spec for spec in specs if spec.name in names]


def _outdir(root: Path, out: str | None) -> Path:
    # The cdktf CLI runs `python synth.py` with CDKTF_OUTDIR set; honour it so both ways write the same place.
    chosen = out or os.environ.get("CDKTF_OUTDIR") or "cdktf.out"
    path = Path(chosen)
    return path if path.is_absolute() else root / path


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="landingzone", description="AWS landing zone from YAML to Terraform.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (("synth", "validate the config and write Terraform JSON stacks"),
                       ("validate", "validate the config only; writes nothing")):
        command = commands.add_parser(name, help=text, description=text)
        command.add_argument("--root", default=".", help="project folder holding config/ and accounts/ (default: .)")
        if name == "synth":
            command.add_argument("--out", help="output folder (default: cdktf.out under --root)")
            command.add_argument("--stack", action="append", metavar="NAME",
                                 help="synthesize only this stack; repeat for more (default: all)")
    return parser
