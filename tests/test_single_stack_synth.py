"""`synth --stack NAME`: only the named stacks' folders and manifest entries are exchanged in the existing output;
every other file stays byte for byte, and each exchanged stack is exactly what a full synth writes for it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from landingzone.cli import main
from test_synth_cli import tree

pytestmark = pytest.mark.synth

# One stack of each kind the example has.
KINDS = ("bootstrap", "org", "identity", "entra", "security", "network", "baseline-prod", "meeting-recorder-prod",
         "admin")


def _stack_args(names: tuple[str, ...]) -> list[str]:
    return [arg for name in names for arg in ("--stack", name)]


def test_each_kind_of_stack_alone_equals_the_full_synth_and_nothing_else_is_rewritten(
        project: Path, example_synth: Path, capsys) -> None:
    out = project / "cdktf.out"
    shutil.copytree(example_synth, out)
    expected = tree(example_synth)
    # What the partial synth must rewrite is made wrong first, and what it must leave is marked: passing proves both.
    for name in KINDS:
        shutil.rmtree(out / "stacks" / name)
        (out / "stacks" / name).mkdir()
        (out / "stacks" / name / "stale.json").write_text("{}\n")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["stacks"] = {name: entry for name, entry in manifest["stacks"].items() if name not in KINDS}
    (out / "manifest.json").write_text(json.dumps(manifest))
    for marked in ("compliance.json", "graph.md", "stacks/baseline-dev/sources.json"):
        (out / marked).write_text("left as it was\n")
        expected[marked] = b"left as it was\n"
    assert main(["synth", "--root", str(project), "--out", str(out), "--no-gates", *_stack_args(KINDS)]) == 0
    assert tree(out) == expected
    assert f"synthesized {len(KINDS)} stacks into " in capsys.readouterr().out
    assert not [p for p in project.iterdir() if p.name.startswith(".cdktf.out")], "a staging folder was left behind"


def test_a_first_synth_of_one_stack_writes_only_that_stack(project: Path, example_synth: Path, capsys) -> None:
    out = project / "cdktf.out"
    assert main(["synth", "--root", str(project), "--no-gates", "--stack", "bootstrap"]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "manifest.json", "stacks/bootstrap/cdk.tf.json", "stacks/bootstrap/decommission.custom.spacelift.json",
        "stacks/bootstrap/sources.json"]
    full = json.loads((example_synth / "manifest.json").read_text())
    assert json.loads((out / "manifest.json").read_text()) == {**full, "stacks": {
        "bootstrap": full["stacks"]["bootstrap"]}}
