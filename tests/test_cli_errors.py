"""Exit codes mean one thing each, a bug is one line (the traceback behind --debug), warnings and notes are shown."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from landingzone import cli_context
from landingzone.cli import EXIT_CONFIG, EXIT_ENVIRONMENT, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main
from landingzone.gates.terraform import TerraformUnavailable


def explode(*_args: object) -> None:
    raise KeyError("stack_graph")


@pytest.mark.parametrize("argv", [["validate", "--bogus"], ["frobnicate"], [], ["plan-check", "--stack", "org"]])
def test_command_line_mistakes_exit_3(argv: list[str], capsys) -> None:
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "error:" in err or err.lstrip().startswith("Usage: landingzone")


def test_a_bug_is_one_line_that_says_where_to_report_it(project: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(cli_context, "load_landing_zone", explode)
    assert main(["validate", "--root", str(project)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "landingzone: internal error: KeyError: 'stack_graph' at test_cli_errors.py:17 in explode. This is a bug in "
        "landingzone, not in your configuration; please report it to the landingzone issue tracker (see README: "
        "Reporting a bug); run again with --debug for the traceback"]


@pytest.mark.parametrize("argv", [["--debug", "validate"], ["validate", "--debug"]])
def test_debug_shows_the_traceback(project: Path, monkeypatch, capsys, argv: list[str]) -> None:
    monkeypatch.setattr(cli_context, "load_landing_zone", explode)
    assert main([*argv, "--root", str(project)]) == EXIT_INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "raise KeyError(\"stack_graph\")" in err
    assert err.splitlines()[-1].startswith("landingzone: internal error: KeyError: 'stack_graph'")


def test_a_missing_tool_exits_4(project: Path, monkeypatch, capsys) -> None:
    def missing(*_args: object) -> None:
        raise TerraformUnavailable("terraform is not on PATH; install Terraform 1.11")

    monkeypatch.setattr(cli_context, "load_landing_zone", missing)
    assert main(["validate", "--root", str(project)]) == EXIT_ENVIRONMENT
    assert capsys.readouterr().err == "landingzone: terraform is not on PATH; install Terraform 1.11\n"


@pytest.mark.parametrize("tool", ["terraform", "checkov"])
def test_check_without_a_tool_exits_4_before_any_gate_runs(project: Path, tmp_path: Path, monkeypatch, capsys,
                                                          tool: str) -> None:
    out = tmp_path / "cdktf.out"
    (out / "stacks" / "org").mkdir(parents=True)
    (out / "stacks" / "org" / "cdk.tf.json").write_text("{}")
    (out / "manifest.json").write_text('{"stacks": {"org": {"synthesizedStackPath": "stacks/org/cdk.tf.json"}}}')
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    if tool == "checkov":  # checkov is looked for beside this Python first, then on PATH
        monkeypatch.setattr(sys, "executable", str(empty / "python"))
    assert main(["check", "--root", str(project), "--out", str(out)]) == EXIT_ENVIRONMENT
    assert capsys.readouterr().err.splitlines()[-1] == {
        "terraform": "landingzone: terraform is not on PATH; install Terraform 1.11 (see DESIGN.md)",
        "checkov": "landingzone: checkov is not installed in this environment (pip install checkov)"}[tool]
    assert not (project / "reports").exists()


def test_config_errors_show_the_caret_and_the_note(project: Path, capsys) -> None:
    manifest = project / "accounts" / "dev.yaml"
    manifest.write_text(manifest.read_text().replace("owner: meeting-recorder-team", 'owner: "meeting-recorder-team'))
    assert main(["validate", "--root", str(project)]) == EXIT_CONFIG
    assert capsys.readouterr().err.splitlines() == [
        "accounts/dev.yaml:6:8: is not valid YAML: the string opened with a double quote here is never closed; add the "
        "closing \" on this line",
        "  6 | owner: \"meeting-recorder-team",
        "    |        ^",
        "note: checks that need accounts/dev.yaml were skipped until it can be read",
        "landingzone: 1 problem in the configuration; nothing was written"]


def test_an_scp_on_the_management_account_is_a_warning(project: Path, capsys) -> None:
    org = project / "config" / "organization.yaml"
    org.write_text(org.read_text() + "  - name: deny-leave-again\n    file: policies/scp/deny-leave-organization.json\n"
                   "    description: Attached where it cannot apply.\n    attach_to:\n      accounts: [management]\n")
    assert main(["validate", "--root", str(project)]) == EXIT_OK
    assert capsys.readouterr().err.splitlines() == [
        "config/organization.yaml:139: service_control_policies[name=deny-leave-again].attach_to.accounts[0]: "
        "warning: 'management' is the management account, where SCPs never apply (they restrict member accounts "
        "only), so this attachment protects nothing; guard the management account with IAM policies and by keeping "
        "workloads out of it"]


def test_skipped_editor_files_are_named(project: Path, capsys) -> None:
    (project / "accounts" / "dev.yaml~").write_text("name: old\n")
    (project / "accounts" / "#prod.yaml#").write_text("name: autosave\n")
    (project / "accounts" / "notes.json").write_text("{}")
    (project / "accounts" / "README.md").write_text("one file per account\n")
    assert main(["validate", "--root", str(project)]) == EXIT_OK
    assert capsys.readouterr().err.splitlines() == [
        "note: skipped accounts/#prod.yaml#: an editor's backup or swap file, not a manifest",
        "note: skipped accounts/dev.yaml~: an editor's backup or swap file, not a manifest",
        "note: skipped accounts/notes.json: manifests are YAML files ending in .yaml or .yml"]


def test_symlinks_inside_the_project_are_read(project: Path, capsys) -> None:
    shared = project / "shared"
    shared.mkdir()
    (project / "accounts" / "dev.yaml").rename(shared / "dev.yaml")
    (project / "accounts" / "dev.yaml").symlink_to(os.path.relpath(shared / "dev.yaml", project / "accounts"))
    assert main(["validate", "--root", str(project)]) == EXIT_OK
    assert "7 accounts" in capsys.readouterr().out


def test_a_folder_linked_into_itself_is_walked_once(project: Path, capsys) -> None:
    (project / "accounts" / "again").symlink_to(".")
    assert main(["validate", "--root", str(project)]) == EXIT_OK
    assert "7 accounts" in capsys.readouterr().out
