"""The commands a user runs: synth of the example, a broken manifest, determinism, stacks on demand."""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT
from landingzone.cli import EXIT_CONFIG, EXIT_INTERNAL, EXIT_USAGE, main

pytestmark = pytest.mark.synth


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_synth_py_writes_org_stack_and_manifest(project: Path) -> None:
    shutil.copy(PROJECT / "synth.py", project)
    shutil.copy(PROJECT / "cdktf.json", project)
    result = subprocess.run([sys.executable, "synth.py", "--no-gates", "--jobs", "1"], cwd=project, capture_output=True,
                            text=True, check=False, env={k: v for k, v in os.environ.items() if k != "CDKTF_OUTDIR"})
    assert result.returncode == 0, result.stderr
    assert (project / "cdktf.out" / "stacks" / "org" / "cdk.tf.json").is_file()
    assert (project / "cdktf.out" / "manifest.json").is_file()
    lines = result.stdout.splitlines()
    assert lines[0].startswith("landingzone: project: 7 accounts, 5 OUs, 5 SCPs valid (")
    assert lines[1].startswith("landingzone: synthesized 16 stacks into cdktf.out in ")
    assert lines[2].split() == ["stack", "account", "resources", "imports"]
    assert [line.split()[:2] for line in lines[3:19]] == [["admin", "management"],
        *([f"baseline-{a}", a] for a in ("dev", "log-archive", "management", "prod", "security", "shared-services",
                                          "staging")), ["bootstrap", "management"], ["entra", "entra-tenant"],
        ["identity", "management"], ["meeting-recorder-prod", "prod"], ["meeting-recorder-staging", "staging"],
        ["network", "shared-services"], ["org", "management"], ["security", "security"]]
    assert [line.split() for line in lines[11:18]] == [["bootstrap", "management", "21", "0"],
                                                       ["entra", "entra-tenant", "7", "0"],
                                                       ["identity", "management", "32", "0"],
                                                       ["meeting-recorder-prod", "prod", "68", "0"],
                                                       ["meeting-recorder-staging", "staging", "68", "0"],
                                                       ["network", "shared-services", "60", "0"],
                                                       ["org", "management", "36", "1"]]
    # progress, not on a terminal: plain lines on stderr, a step at a time and each stack as it is built
    progress = result.stderr.splitlines()
    assert progress[0] == "landingzone: loading the CDKTF bindings..."
    assert re.fullmatch(r"landingzone: loading the CDKTF bindings: \d+\.\d s", progress[1])
    assert progress[2:5] == ["landingzone: building stacks (16)...", "  bootstrap (1/16)", "  org (2/16)"]
    assert progress[-2:] == ["  admin (16/16)", "landingzone: writing 16 stacks..."]


def test_broken_manifest_exits_2_and_leaves_output_untouched(project: Path, capsys, example_synth: Path) -> None:
    out = project / "cdktf.out"
    shutil.copytree(example_synth, out)
    before = tree(out)
    prod = project / "accounts" / "prod.yaml"
    prod.write_text(prod.read_text().replace("ou: Workloads/Prod", "ou: Workloads/Prodd")
                    .replace("aws-prod@", "aws-staging@"))
    assert main(["synth", "--root", str(project)]) == EXIT_CONFIG
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "accounts/prod.yaml:4: ou: 'Workloads/Prodd' is not an OU in config/organization.yaml (known: Security, "
        "Infrastructure, Workloads, Workloads/Prod, Workloads/NonProd); did you mean 'Workloads/Prod'?",
        "accounts/staging.yaml:3: email: 'aws-staging@acme-corp.example' is already the email of "
        "accounts/prod.yaml:3; AWS requires a different email per account",
        "landingzone: 2 problems in the configuration; nothing was written",
    ]
    assert tree(out) == before
    assert not [p for p in project.iterdir() if p.name.startswith(".cdktf.out")], "staging folder left behind"


@pytest.mark.parametrize("stacks", [[], ["--stack", "org"]], ids=["every-stack", "one-stack"])
def test_failed_synth_leaves_previous_output(project: Path, example_synth: Path, monkeypatch, stacks) -> None:
    out = project / "cdktf.out"
    shutil.copytree(example_synth, out)
    before = tree(out)

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("synth failed half way")

    monkeypatch.setattr("landingzone.stacks.synth.synthesize", explode)
    assert main(["synth", "--root", str(project), *stacks]) == EXIT_INTERNAL
    assert tree(out) == before
    assert [p.name for p in project.iterdir() if p.name.startswith(".cdktf")] == []


def test_broken_suppressions_are_found_before_anything_is_written(project: Path, example_synth: Path,
                                                                  capsys) -> None:
    out = project / "cdktf.out"
    shutil.copytree(example_synth, out)
    before = tree(out)
    with (project / "policies" / "checkov" / "suppressions.yaml").open("a") as file:
        file.write("  - check: CKV_AWS_18\n    resource: 'org:*'\n    reason: too short\n    owner: me\n")
    assert main(["synth", "--root", str(project)]) == EXIT_CONFIG
    assert capsys.readouterr().err.splitlines() == [
        "policies/checkov/suppressions.yaml:183: suppressions[26].reason: 'too short' is 9 characters long; at least "
        "20 are needed",
        "landingzone: 1 problem in the configuration; nothing was written"]
    assert tree(out) == before


def test_interrupted_swap_is_recovered(project: Path, example_synth: Path, capsys) -> None:
    """A run killed between the swap's two renames leaves the old output aside; the next run puts it back."""
    aside = project / ".cdktf.out.old.x1"
    shutil.copytree(example_synth, aside / "cdktf.out")
    assert main(["validate", "--root", str(project)]) == 0
    from landingzone.output import staged

    with staged(project / "cdktf.out") as stage:
        (stage / "marker").write_text("new")
    assert (project / "cdktf.out" / "marker").read_text() == "new"
    assert not aside.exists()


@pytest.mark.parametrize("out", [".", "config", ".."])
def test_out_never_replaces_the_project(project: Path, out: str, capsys) -> None:
    before = tree(project)
    assert main(["synth", "--root", str(project), "--out", out, "--no-gates"]) == EXIT_USAGE
    assert "--out: " in capsys.readouterr().err
    assert tree(project) == before


def test_two_runs_are_byte_identical(project: Path, capsys) -> None:
    assert main(["synth", "--root", str(project), "--out", "first", "--no-gates", "--jobs", "1"]) == 0
    assert main(["synth", "--root", str(project), "--out", "second", "--no-gates", "--jobs", "1"]) == 0
    comparison = filecmp.dircmp(project / "first", project / "second")
    assert tree(project / "first") == tree(project / "second")
    assert comparison.left_list == comparison.right_list == ["compliance.json", "compliance.md", "graph.json",
                                                             "graph.md", "manifest.json", "network.md", "runbooks",
                                                             "stacks"]
    assert sorted(p.name for p in (project / "first" / "stacks" / "org").iterdir()) == [
        "cdk.tf.json", "decommission.custom.spacelift.json", "sources.json"]
    # Lambda bundles too: zipped with fixed timestamps, so their hashes (and the plans) do not change run to run
    assert sorted(p.name for p in (project / "first" / "stacks" / "meeting-recorder-prod" / "assets").iterdir()) == [
        "meeting-recorder-auth-exchange.zip", "meeting-recorder-summarise.zip"]


def test_one_stack_on_demand_and_unknown_stack(project: Path, capsys) -> None:
    assert main(["synth", "--root", str(project), "--stack", "org", "--no-gates"]) == 0
    assert main(["synth", "--root", str(project), "--stack", "network-typo", "--no-gates"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert ("--stack: 'network-typo' is not a stack of this landing zone (known: admin, baseline-dev, "
            "baseline-log-archive, baseline-management, ") in err


def test_synth_json_is_one_document_with_stacks_and_timings(project: Path, capsys) -> None:
    assert main(["synth", "--root", str(project), "--stack", "org", "--no-gates", "--json"]) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert (document["command"], document["ok"], document["exit_code"]) == ("synth", True, 0)
    assert document["stacks"] == [{"name": "org", "account": "management", "resources": 36, "imports": 1}]
    assert set(document["timings"]) == {"validate", "import", "synth"}
    assert document["out"] == str(project / "cdktf.out")
    assert "landingzone: building stacks (1)..." in err.splitlines()  # progress stays on stderr


def test_quiet_synth_prints_nothing_but_failures(project: Path, capsys) -> None:
    assert main(["-q", "synth", "--root", str(project), "--stack", "org", "--no-gates"]) == 0
    assert capsys.readouterr() == ("", "")


def test_validate_writes_nothing(project: Path) -> None:
    assert main(["validate", "--root", str(project)]) == 0
    assert not (project / "cdktf.out").exists()


def test_config_and_topology_do_not_import_cdktf() -> None:
    """Validation, stack listing and `landingzone graph` stay fast: none loads the 10-second CDKTF binding."""
    code = ("import sys; from landingzone.config import load_landing_zone; from landingzone.topology import"
            " stack_specs, waves; from landingzone.cli import main;"
            f" waves(stack_specs(load_landing_zone({str(PROJECT)!r}))); main(['graph', '--root', {str(PROJECT)!r}]);"
            " loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('cdktf', 'jsii', 'constructs'));"
            " print(loaded)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_without_delivery_config_synth_says_in_one_line_that_state_stays_local(project: Path, capsys) -> None:
    (project / "config" / "delivery.yaml").unlink()
    assert main(["synth", "--root", str(project), "--stack", "org", "--no-gates"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == ("landingzone: no config/delivery.yaml: every stack keeps local state, and there is no "
                        "bootstrap stack (state bucket, deployer roles)")
    assert sum("delivery.yaml" in line for line in lines) == 1
    assert "local" in json.loads((project / "cdktf.out" / "stacks" / "org" / "cdk.tf.json").read_text())[
        "terraform"]["backend"]
