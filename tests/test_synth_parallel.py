"""`synth --jobs N`: the stacks built in N worker processes give the serial synth's output byte for byte, and a
failure in a worker is the serial synth's failure (the same message and exit code, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import PROJECT
from landingzone import cli_build
from landingzone.cli import EXIT_CONFIG, EXIT_INTERNAL, EXIT_OK, main
from landingzone.topology import StackSpec


def tree(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


@pytest.mark.synth
def test_two_workers_write_the_serial_synths_bytes(example_synth: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cdktf.out"
    assert main(["synth", "--root", str(PROJECT), "--no-gates", "--jobs", "2", "--out", str(out)]) == EXIT_OK
    printed = capsys.readouterr()
    assert " with 2 workers in " in printed.out
    # each stack's progress line comes from the worker that built it, in whatever order they finish
    built = [line.split()[0] for line in printed.err.splitlines() if line.startswith("  ") and "/16)" in line]
    assert sorted(built) == sorted(path.split("/")[1] for path in tree(example_synth) if path.endswith("cdk.tf.json"))
    assert "landingzone: loading the CDKTF bindings..." not in printed.err  # the workers load them, not the parent
    serial, parallel = tree(example_synth), tree(out)
    assert sorted(parallel) == sorted(serial)
    assert [name for name in serial if parallel[name] != serial[name]] == []
    assert [entry.name for entry in tmp_path.iterdir()] == ["cdktf.out"]  # no parts or stages left behind


FAILURES = {
    "config": ("build_config_error", EXIT_CONFIG, [
        "accounts/dev.yaml:3: workloads: broken: the workload cannot be built",
        "landingzone: 1 problem in the configuration; nothing was written"]),
    "bug": ("build_bug", EXIT_INTERNAL, [
        "landingzone: internal error: KeyError: 'broken' at synth_failures.py:17 in build_bug. This is a bug in "
        "landingzone, not in your configuration; please report it to the landingzone issue tracker (see README: "
        "Reporting a bug); run again with --debug for the traceback"]),
}


@pytest.mark.parametrize("failure", list(FAILURES))
def test_a_worker_fails_the_synth_as_the_serial_synth_does(project: Path, tmp_path: Path, monkeypatch, capsys,
                                                           failure: str) -> None:
    builder, code, lines = FAILURES[failure]
    monkeypatch.setattr(cli_build, "stack_specs", lambda lz: (
        StackSpec("broken", "management", f"synth_failures:{builder}"),
        StackSpec("empty", "management", "synth_failures:build_empty")))
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        assert main(["synth", "--root", str(project), "--no-gates", "--jobs", jobs, "--out", str(out)]) == code
        assert capsys.readouterr().err.splitlines()[-len(lines):] == lines
        assert not out.exists()
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["project"]


def test_a_worker_that_dies_is_an_internal_error_and_writes_nothing(project: Path, tmp_path: Path, monkeypatch,
                                                                    capsys) -> None:
    monkeypatch.setattr(cli_build, "stack_specs", lambda lz: (
        StackSpec("dies", "management", "synth_failures:build_death"),
        StackSpec("empty", "management", "synth_failures:build_empty")))
    out = tmp_path / "cdktf.out"
    assert main(["synth", "--root", str(project), "--no-gates", "--jobs", "2", "--out", str(out)]) == EXIT_INTERNAL
    assert capsys.readouterr().err.splitlines()[-1].startswith(
        "landingzone: internal error: WorkerDied: a synth worker ended with exit code 9 before reporting")
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["project"]


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(jobs: str, capsys) -> None:
    assert main(["synth", "--jobs", jobs]) == 3
    assert "Invalid value for '--jobs'" in capsys.readouterr().err
