"""The README shows what the code does: its exit-code table is the code's, and every command sample marked
`<!-- sample: ... -->` is rerun on a copy of the example and compared line for line (timings aside)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import PROJECT, copy_example
from entry_point import landingzone
from landingzone.cli_context import EXIT_CODES
from landingzone.output import summarize
from landingzone.topology import stack_specs
from test_config_failures import CASES, apply_case

README = (PROJECT / "README.md").read_text()
SAMPLE = re.compile(r"<!-- sample: (?P<kind>[^>]*?) -->\n```text\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)```",
                    re.DOTALL)
TIMING = re.compile(r"\(\d+\.\d+ s\)|in \d+(?:\.\d+)? s\b")
RUNS = [m for m in SAMPLE.finditer(README) if m["kind"].split()[0] == "run"]


def normalized(text: str) -> list[str]:
    return [TIMING.sub("(time)", line).rstrip() for line in text.rstrip("\n").split("\n")]


def test_the_exit_code_table_is_the_codes() -> None:
    table = README.split("<!-- exit codes -->\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[:2] == ["| code | meaning |", "| --- | --- |"]
    assert table[2:] == [f"| {code} | {meaning} |" for code, meaning in EXIT_CODES]


def test_every_sample_is_checked() -> None:
    assert len(RUNS) >= 3
    assert README.count("<!-- sample:") == len(list(SAMPLE.finditer(README))), "a sample marker without its block"


@pytest.mark.parametrize("sample", RUNS, ids=lambda m: m["command"][:60])
def test_a_command_sample_prints_what_the_command_prints(sample: re.Match[str], tmp_path: Path) -> None:
    project = copy_example(tmp_path / "main")  # the name the samples show, as in the repository's own folder
    options = dict(option.split("=", 1) for option in sample["kind"].split()[1:])
    if "fixture" in options:
        apply_case(CASES / options["fixture"], project)
    words = shlex.split(sample["command"])
    assert words[0] == "landingzone"
    result = landingzone(*words[1:], "--root", str(project), cwd=project, env={"PYTHONUNBUFFERED": "1"},
                         merge_output=True)
    assert normalized(result.stdout) == normalized(sample["output"])


@pytest.mark.synth
def test_the_synth_sample_shows_the_stacks_synth_writes(example_synth: Path, example) -> None:
    [sample] = [m for m in SAMPLE.finditer(README) if m["kind"] == "synth table"]
    lines = sample["output"].splitlines()
    assert sample["command"] == "landingzone synth"
    assert re.fullmatch(r"landingzone: main: 7 accounts, 5 OUs, 5 SCPs valid \(\d+\.\d\d s\)", lines[0])
    start = lines.index("  stack                     account          resources  imports")
    rows = [line.split() for line in lines[start + 1:] if line.startswith("  ") and len(line.split()) == 4]
    accounts = {spec.name: spec.account for spec in stack_specs(example)}
    assert rows == [[s.name, accounts[s.name], str(s.resources), str(s.imports)] for s in summarize(example_synth)]
