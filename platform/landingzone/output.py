"""All-or-nothing output: write into a staging folder beside the target, then swap it in."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Beside each stack's cdk.tf.json: where each resource came from, and what may be deleted or replaced.
SOURCES_FILE = "sources.json"
DECOMMISSION_FILE = "decommission.custom.spacelift.json"


def unsafe_target(target: Path, root: Path) -> str | None:
    """Why replacing `target` could destroy the user's files, or None when it is a synth output (or absent)."""
    target, root = target.resolve(), root.resolve()
    if root == target or root.is_relative_to(target):
        return "is the project folder or contains it; replacing it would delete config/ and accounts/"
    if target.is_dir() and any(target.iterdir()) and not (target / "manifest.json").is_file():
        return "exists and is not a synth output (it has no manifest.json); choose an empty or new folder"
    return None


@contextmanager
def staged(target: Path) -> Iterator[Path]:
    """Yield an empty folder; on success it replaces `target`, on any exception `target` is left untouched."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _recover(target)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    stage.chmod(0o755)  # mkdtemp makes it private; the output is not secret and CI readers need it
    try:
        yield stage
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    _swap(stage, target)


def _recover(target: Path) -> None:
    """Put back an output that a run killed between the two renames of `_swap` left aside, then tidy up."""
    for retired in sorted(target.parent.glob(f".{target.name}.old.*")):
        if not target.exists() and (retired / target.name).is_dir():
            (retired / target.name).rename(target)
        shutil.rmtree(retired, ignore_errors=True)


def _swap(stage: Path, target: Path) -> None:
    if not target.exists():
        stage.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    target.rename(retired / target.name)
    try:
        stage.rename(target)
    except OSError:
        (retired / target.name).rename(target)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    shutil.rmtree(retired, ignore_errors=True)


@dataclass(frozen=True)
class StackSummary:
    name: str
    resources: int
    imports: int


def stack_folders(outdir: Path) -> dict[str, Path]:
    """Each synthesized stack's folder, by name, as cdktf's manifest.json lists them."""
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {name: outdir / entry["workingDirectory"] for name, entry in sorted(manifest["stacks"].items())}


def summarize(outdir: Path) -> list[StackSummary]:
    """Resource counts per stack, read back from what was written."""
    summaries = []
    for name, folder in stack_folders(outdir).items():
        doc = json.loads((folder / "cdk.tf.json").read_text())
        count = sum(len(v) for v in doc.get("resource", {}).values())
        summaries.append(StackSummary(name, count, len(doc.get("import", []))))
    return summaries
