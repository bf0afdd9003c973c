"""All-or-nothing output: write into a staging folder beside the target, then swap it in."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Beside each stack's cdk.tf.json: where each resource came from, and what may be deleted or replaced.
SOURCES_FILE = "sources.json"
DECOMMISSION_FILE = "decommission.custom.spacelift.json"
MANIFEST_FILE = "manifest.json"


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


@contextmanager
def staged_update(target: Path) -> Iterator[Path]:
    """Yield an empty folder for the output of some stacks; on success `target` is replaced by a copy of itself in
    which only those stacks' folders and manifest entries are exchanged, every other file byte-identical (hard
    links to the same bytes), or is created holding just them. On any exception `target` is left untouched."""
    with staged(target) as merged:
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}.part.", dir=target.parent))
        try:
            yield fresh
            _merge(target, fresh, merged)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)


def read_manifest(outdir: Path) -> dict[str, object]:
    return dict(json.loads((outdir / MANIFEST_FILE).read_text()))


def write_manifest(outdir: Path, manifest: dict[str, object]) -> None:
    """Our own serialisation of cdktf's manifest, so a merged one and a whole one are written byte for byte alike."""
    (outdir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _merge(previous: Path, fresh: Path, out: Path) -> None:
    manifest = read_manifest(fresh)
    replaced: dict[str, object] = dict(manifest["stacks"])  # type: ignore[call-overload]
    if (previous / MANIFEST_FILE).is_file():
        old = read_manifest(previous)
        manifest["stacks"] = {**old["stacks"], **replaced}  # type: ignore[dict-item]
        for entry in previous.iterdir():
            if entry.name not in (MANIFEST_FILE, "stacks"):
                _link_tree(entry, out / entry.name)
        for folder in (previous / "stacks").iterdir():
            if folder.name not in replaced:
                _link_tree(folder, out / "stacks" / folder.name)
    (out / "stacks").mkdir(exist_ok=True)
    for name in replaced:
        (fresh / "stacks" / name).rename(out / "stacks" / name)
    write_manifest(out, manifest)


def _link_tree(source: Path, target: Path) -> None:
    """`source` at `target` as hard links: no bytes copied, and none can differ. A copy where links fail."""
    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    target.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.copytree(source, target, copy_function=link)
    else:
        link(str(source), str(target))


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
    manifest = read_manifest(outdir)
    return {name: outdir / entry["workingDirectory"] for name, entry in sorted(manifest["stacks"].items())}


def summarize(outdir: Path) -> list[StackSummary]:
    """Resource counts per stack, read back from what was written."""
    summaries = []
    for name, folder in stack_folders(outdir).items():
        doc = json.loads((folder / "cdk.tf.json").read_text())
        count = sum(len(v) for v in doc.get("resource", {}).values())
        summaries.append(StackSummary(name, count, len(doc.get("import", []))))
    return summaries
