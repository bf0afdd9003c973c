"""Progress: plain lines on stderr off a terminal (a line per item, a tenth at a time for long lists), a Rich bar on
one, nothing with --quiet; and `up --local`'s runner callbacks drawn as the stacks start and end."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console

from conftest import PROJECT
from landingzone.cli_local import _applying
from landingzone.cli_output import Ui


def test_plain_progress_names_each_step_and_item(capsys) -> None:
    ui = Ui("synth")
    with ui.progress("loading the CDKTF bindings"):
        pass
    with ui.progress("building stacks", 3) as steps:
        for name in ("bootstrap", "org", "network"):
            steps.advance(name)
        steps.describe("writing 3 stacks")
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert out == ""
    assert lines[0] == "landingzone: loading the CDKTF bindings..."
    assert lines[1].startswith("landingzone: loading the CDKTF bindings: ") and lines[1].endswith(" s")
    assert lines[2:] == ["landingzone: building stacks (3)...", "  bootstrap (1/3)", "  org (2/3)", "  network (3/3)",
                         "landingzone: writing 3 stacks..."]


def test_a_long_list_prints_a_line_per_tenth(capsys) -> None:
    ui = Ui("check")
    with ui.progress("gates", 1000) as steps:
        for index in range(1000):
            steps.advance(f"checkov: baseline-{index:04d}")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 11
    assert lines[1] == "  checkov: baseline-0099 (100/1000)"
    assert lines[-1] == "  checkov: baseline-0999 (1000/1000)"


def test_quiet_and_json_keep_stdout_clean(capsys) -> None:
    quiet = Ui("synth", quiet=True)
    with quiet.progress("building stacks", 2) as steps:
        steps.advance("org")
    quiet.say("landingzone: synthesized")
    assert capsys.readouterr() == ("", "")
    machine = Ui("synth", json_out=True)
    machine.say("landingzone: synthesized")
    machine.record("stacks", [])
    assert machine.finish(0) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n") and '"stacks": []' in out


def test_the_local_run_shows_each_stack_as_it_starts_and_ends(capsys) -> None:
    ui = Ui("up")
    with ui.progress("synthesizing 2 stacks for the local AWS", 2, lines=True, verb="apply") as steps:
        report = _applying(steps, 2)
        for stack, status in (("org", "start"), ("org", "ok"), ("network", "start"), ("network", "failed")):
            report(stack, status)
    assert capsys.readouterr().err.splitlines() == [
        "landingzone: synthesizing 2 stacks for the local AWS (2)...", "landingzone: applying 2 stacks to the local "
        "AWS...", "  apply         org", "  ok            org", "  apply         network", "  failed        network",
        "landingzone: verifying with boto3 and re-planning every stack..."]


def test_on_a_terminal_a_bar_draws_and_finished_items_stay_as_lines() -> None:
    ui = Ui("up")
    screen = io.StringIO()
    ui.consoles[True] = Console(file=screen, force_terminal=True, width=100, color_system="standard")
    with ui.progress("applying", 2, lines=True, verb="apply") as steps:
        steps.started_item("org")
        steps.advance("org", "ok")
        steps.advance("network", "failed")
    drawn = screen.getvalue()
    assert "applying" in drawn and "2/2" in drawn  # the bar, its description and the count
    assert "\x1b[32mok" in drawn and "\x1b[1;31mfailed" in drawn  # statuses in colour
    assert "network" in drawn


def test_python_synth_py_is_the_synth_command() -> None:
    """`python synth.py` takes synth's options, mistakes included (no bindings are loaded for this)."""
    result = subprocess.run([sys.executable, "synth.py", "--stak", "org"], cwd=PROJECT, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 3
    assert result.stderr.splitlines()[0] == "landingzone: error: No such option: --stak; did you mean --stack?"
    assert result.stderr.splitlines()[1] == "Try 'landingzone synth --help' for help."
