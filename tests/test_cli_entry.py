"""Every exit code, error display and output form through the installed `landingzone` command, in its own process.

None of these loads the CDKTF bindings (each would cost ~15 s here): they use validate, list, graph, plan-check,
schema, docs and new-account, and a synth stopped by a missing Node.js before the import.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

import pytest

from entry_point import ENTRY, landingzone
from landingzone.cli_context import EXIT_CODES

PLANS = Path(__file__).parent / "fixtures" / "plans"
COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7]|38;[0-9;]+)m")


def broken(project: Path) -> Path:
    """Two mistakes: a misspelt OU (a did-you-mean) and a YAML syntax error (a caret)."""
    prod = project / "accounts" / "prod.yaml"
    prod.write_text(prod.read_text().replace("ou: Workloads/Prod", "ou: Workloads/Prodd"))
    staging = project / "accounts" / "staging.yaml"
    staging.write_text(staging.read_text().replace("email: aws-staging", "email:aws-staging"))
    return project


BROKEN_MESSAGE = [
    "accounts/prod.yaml:4: ou: 'Workloads/Prodd' is not an OU in config/organization.yaml (known: Security, "
    "Infrastructure, Workloads, Workloads/Prod, Workloads/NonProd); did you mean 'Workloads/Prod'?",
    "accounts/staging.yaml:3:6: is not valid YAML: a space is missing after 'email:', so YAML reads "
    "'email:aws-staging@acme-corp.example' as one word; write 'email: aws-staging@acme-corp.example'",
    "  3 | email:aws-staging@acme-corp.example",
    "    |      ^",
    "note: checks that need accounts/staging.yaml were skipped until it can be read",
    "landingzone: 2 problems in the configuration; nothing was written"]


def test_validate_ok_exits_0_with_one_line(project: Path) -> None:
    result = landingzone("validate", "--root", str(project))
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"landingzone: project: 7 accounts, 5 OUs, 5 SCPs valid \(\d+\.\d\d s\)\n", result.stdout)
    assert result.stderr == ""
    before = landingzone("--root", str(project), "validate", cwd=project.parent)  # the global form of --root
    assert before.returncode == 0 and before.stdout.startswith("landingzone: project: 7 accounts")


def test_a_broken_config_exits_2_with_places_carets_and_did_you_mean(project: Path) -> None:
    result = landingzone("validate", "--root", str(broken(project)))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == BROKEN_MESSAGE


def test_json_is_one_document_on_stdout_for_success_and_failure(project: Path) -> None:
    ok = json.loads(landingzone("--json", "validate", "--root", str(project)).stdout)
    assert (ok["command"], ok["ok"], ok["exit_code"], ok["valid"]) == ("validate", True, 0,
                                                                        {"accounts": 7, "ous": 5, "scps": 5})
    assert set(ok["timings"]) == {"validate"}
    failed = landingzone("validate", "--json", "--root", str(broken(project)))
    assert (failed.returncode, failed.stderr) == (2, "")
    document = json.loads(failed.stdout)
    assert (document["ok"], document["exit_code"]) == (False, 2)
    assert [(p["file"], p["line"], p["column"]) for p in document["problems"]] == [
        ("accounts/prod.yaml", 4, 0), ("accounts/staging.yaml", 3, 6)]
    assert document["problems"][1]["source"] == "email:aws-staging@acme-corp.example"
    assert document["problems"][0]["text"] == BROKEN_MESSAGE[0]
    assert document["errors"] == ["2 problems in the configuration; nothing was written"]


def test_command_line_mistakes_exit_3_with_did_you_mean(project: Path) -> None:
    command = landingzone("synht")
    assert command.returncode == 3
    assert command.stderr.splitlines() == ["landingzone: error: No such command 'synht'. Did you mean 'synth'?",
                                           "Try 'landingzone --help' for help."]
    option = landingzone("synth", "--stak", "org")
    assert option.returncode == 3
    assert option.stderr.splitlines()[0] == "landingzone: error: No such option: --stak; did you mean --stack?"
    listing = landingzone("list", "acounts", "--root", str(project))
    assert listing.returncode == 3 and "'acounts' is not one of" in listing.stderr
    as_json = json.loads(landingzone("--json", "frobnicate").stdout)
    assert (as_json["exit_code"], as_json["errors"]) == (3, ["error: No such command 'frobnicate'."])


def test_a_stack_name_that_is_no_stack_is_a_usage_error_with_did_you_mean(project: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(json.loads((PLANS / "harmless-change.json").read_text())["plan"]))
    result = landingzone("plan-check", str(plan), "--stack", "netwrk", "--root", str(project))
    assert result.returncode == 3
    assert result.stderr.startswith("landingzone: --stack: 'netwrk' is not a stack of this landing zone (known: "
                                    "admin, baseline-dev, ")
    assert result.stderr.rstrip().endswith("security); did you mean 'network'?")


def test_a_failed_plan_check_exits_1(project: Path, tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(json.loads((PLANS / "account-removed.json").read_text())["plan"]))
    result = landingzone("plan-check", str(plan), "--stack", "org", "--root", str(project))
    assert result.returncode == 1
    assert "aws_organizations_account.account_dev (an AWS account) would be deleted" in result.stdout
    assert result.stderr == "landingzone: plan safety for org: 2 changes read; FAILED (1 protected changes)\n"


@pytest.mark.parametrize("jobs", ["1", "2"])  # in the parent, and in synth workers
def test_a_missing_node_exits_4_before_the_bindings_and_writes_nothing(project: Path, jobs: str) -> None:
    result = landingzone("synth", "--root", str(project), "--jobs", jobs, env={"JSII_NODE": "/nonexistent/node"})
    assert result.returncode == 4
    assert result.stderr.splitlines()[-1] == (
        "landingzone: Node.js is needed to run the CDKTF bindings, and '/nonexistent/node' is not an executable; "
        "install Node.js 20 or later (or set JSII_NODE to its path)")
    assert "Traceback" not in result.stderr
    assert not (project / "cdktf.out").exists()


SITECUSTOMIZE = """\
import landingzone.config.loader as loader

def boom(*_args):
    raise KeyError("budgets")

loader.check_budgets = boom
"""


def test_a_bug_exits_5_in_one_line_and_debug_shows_the_traceback(project: Path, tmp_path: Path) -> None:
    """The fault is put into the real process by a sitecustomize module, which Python imports at start-up."""
    (tmp_path / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {"PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    result = landingzone("validate", "--root", str(project), env=env)
    assert result.returncode == 5
    assert result.stderr.splitlines() == [
        "landingzone: internal error: KeyError: 'budgets' at sitecustomize.py:4 in boom. This is a bug in "
        "landingzone, not in your configuration; please report it to the landingzone issue tracker (see README: "
        "Reporting a bug); run again with --debug for the traceback"]
    debug = landingzone("--debug", "validate", "--root", str(project), env=env)
    assert debug.returncode == 5
    assert debug.stderr.startswith("Traceback (most recent call last):")
    assert 'raise KeyError("budgets")' in debug.stderr


def test_help_shows_every_exit_code_and_version_prints_it() -> None:
    result = landingzone("--help", env={"COLUMNS": "200"})
    assert result.returncode == 0
    text = result.stdout
    for code, meaning in EXIT_CODES:
        assert re.search(rf"^\W*{code}\s+{re.escape(meaning)}\W*$", text, re.MULTILINE), (code, text)
    for command in ("synth", "check", "validate", "graph", "list", "plan-check", "new-account", "schema", "docs",
                    "up", "down"):
        assert re.search(rf"^\W*{command}\s", text, re.MULTILINE), command
    version = landingzone("--version")
    assert (version.returncode, version.stdout) == (0, "landingzone 0.1.0\n")


def test_shell_completion_offers_stack_names_and_ous(project: Path) -> None:
    env = {"_LANDINGZONE_COMPLETE": "complete_bash", "COMP_WORDS": "landingzone synth --stack baseline-p",
           "COMP_CWORD": "3"}
    assert landingzone(cwd=project, env=env).stdout.split() == ["baseline-prod"]
    env = {"_LANDINGZONE_COMPLETE": "complete_bash", "COMP_WORDS": "landingzone new-account x --ou Workloads/",
           "COMP_CWORD": "4"}
    assert landingzone(cwd=project, env=env).stdout.split() == ["Workloads/Prod", "Workloads/NonProd"]
    # Typer otherwise ignores "bash" and detects the shell among this process's ancestors, which a test run
    # started outside a shell (a job runner, nohup) does not have: it then prints "Shell  not supported".
    script = landingzone("--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"})
    assert script.returncode == 0 and "_landingzone_completion" in script.stdout


def _on_a_terminal(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run the command with a pseudo-terminal as stdout and stderr, as in an interactive shell."""
    leader, follower = pty.openpty()
    environment = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update(env)
    process = subprocess.Popen([str(ENTRY), *args], stdout=follower, stderr=follower, env=environment)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(timeout=60), output.decode()


def test_colour_on_a_terminal_none_with_no_color_or_off_a_terminal(project: Path) -> None:
    broken(project)
    code, coloured = _on_a_terminal("validate", "--root", str(project), env={"TERM": "xterm-256color"})
    assert code == 2
    assert COLOUR.search(coloured), coloured
    assert "did you mean 'Workloads/Prod'?" in coloured
    code, plain = _on_a_terminal("validate", "--root", str(project), env={"TERM": "xterm-256color", "NO_COLOR": "1"})
    assert code == 2
    assert not COLOUR.search(plain), plain
    assert "\x1b[1m" in plain  # bold is not colour: NO_COLOR keeps it
    piped = landingzone("validate", "--root", str(project))
    assert "\x1b" not in piped.stderr + piped.stdout
