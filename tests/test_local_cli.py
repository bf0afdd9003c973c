"""The local commands' edges that need no deployment: the target must be named, `down` with nothing up, and
`down` with a configuration that no longer validates."""

from __future__ import annotations

from pathlib import Path

from landingzone.cli import main
from landingzone.local.workspace import Workspace


def test_up_without_local_names_the_only_target(project: Path, capsys) -> None:
    assert main(["up", "--root", str(project)]) == 3
    err = capsys.readouterr().err
    assert "landingzone: up: only --local is supported" in err
    assert not Workspace.of(project).root.exists()


def test_down_with_no_local_aws_forgets_stale_state(project: Path, capsys) -> None:
    stale = Workspace.of(project).stacks_dir / "org"
    stale.mkdir(parents=True)
    (stale / "terraform.org.tfstate").write_text('{"resources": []}')
    (Workspace.of(project).root / "server.json").write_text('{"endpoint": "http://127.0.0.1:9", "pid": 999999}')
    assert main(["down", "--local", "--root", str(project)]) == 0
    assert "no local AWS is running" in capsys.readouterr().out
    assert not Workspace.of(project).stacks_dir.exists()
    assert not (Workspace.of(project).root / "server.json").exists()


def test_down_works_when_the_configuration_no_longer_validates(project: Path, capsys) -> None:
    (project / "config" / "organization.yaml").write_text("organization: [this is: not valid\n")
    (project / "accounts" / "prod.yaml").write_text("\t\x00 not yaml either")
    assert main(["down", "--local", "--root", str(project)]) == 0
    out = capsys.readouterr()
    assert "no local AWS is running" in out.out and "problem" not in out.err
