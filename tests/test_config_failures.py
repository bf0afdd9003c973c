"""Each folder in fixtures/config is one broken project: edits to a copy of the example, and the full message.

A case's `edits` each must apply exactly once, so a fixture cannot go stale silently when the example changes.
Besides `replace`/`with`, `append` and `delete`, an edit may `encode` a file (re-save it as utf-16, latin-1, ...)
or make it a `symlink` to a path (a copy of the example's accounts/ sits at ../../outside/, outside the project).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from landingzone import ConfigError, load_landing_zone
from landingzone.cli import EXIT_CONFIG, main

CASES = Path(__file__).parent / "fixtures" / "config"


def apply_case(case: Path, project: Path) -> str:
    spec = yaml.safe_load((case / "case.yaml").read_text())
    outside = project.parent / "outside"
    if not outside.exists():
        shutil.copytree(project / "accounts", outside / "accounts")
    for extra in sorted(p for p in case.rglob("*") if p.is_file() and p.name != "case.yaml"):
        target = project / extra.relative_to(case)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(extra, target)
    for edit in spec.get("edits", []):
        path = project / edit["file"]
        if edit.get("delete"):
            path.unlink()
            continue
        if "symlink" in edit:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.symlink_to(edit["symlink"])
            continue
        if "encode" in edit:
            path.write_bytes(path.read_text().encode(edit["encode"]))
            continue
        text = path.read_text()
        if "append" in edit:
            text += edit["append"]
        else:
            assert text.count(edit["replace"]) == 1, f"{case.name}: {edit['replace']!r} must occur once in {path}"
            text = text.replace(edit["replace"], edit["with"])
        path.write_text(text)
    return spec["expected"]


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_fails_with_exact_message(case: Path, project: Path, capsys) -> None:
    expected = apply_case(case, project)
    with pytest.raises(ConfigError) as raised:
        load_landing_zone(project)
    assert str(raised.value) == expected.rstrip("\n")
    # and the command line says the same, exits 2, and never shows a traceback
    assert main(["validate", "--root", str(project)]) == EXIT_CONFIG
    err = capsys.readouterr().err.splitlines()
    assert err[:-1] == expected.rstrip("\n").split("\n")
    assert err[-1] == f"landingzone: {raised.value.summary}; nothing was written"


def test_example_is_valid(example) -> None:
    assert [a.name for a in example.accounts] == [
        "dev", "log-archive", "management", "prod", "security", "shared-services", "staging"]
    assert example.ou_paths == ("Security", "Infrastructure", "Workloads", "Workloads/Prod", "Workloads/NonProd")
    assert example.organization.organization.allowed_regions == ("us-east-1", "us-west-2")
    assert [t.key for t in example.organization.required_tags] == ["Environment", "Project", "Owner"]
