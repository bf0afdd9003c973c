"""`landingzone check` and the gates after synth, on the example and on a stack that breaks the rules."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from landingzone.cli import EXIT_FAILED, EXIT_USAGE, main
from landingzone.stacks import StackSpec

pytestmark = [pytest.mark.synth, pytest.mark.terraform]


def test_check_passes_on_the_example_and_writes_reports(project: Path, example_synth: Path, capsys) -> None:
    assert main(["check", "--root", str(project), "--out", str(example_synth)]) == 0
    out = capsys.readouterr().out
    assert "terraform validate: 14 stacks run, 0 failed" in out  # all but entra, which cannot be validated here
    assert "landingzone: gates passed;" in out
    # counts per check, not a line per suppressed finding: readable however many stacks there are
    assert not any(line.startswith("  suppressed") for line in out.splitlines())
    counts = {tuple(line.split()[:2]): line.split()[2:] for line in out.splitlines() if line.startswith("  checkov ")}
    # failed, suppressed, stacks: AdminAccess in org (management), each baseline and bootstrap's deployer role
    assert counts[("checkov", "CKV_AWS_274")] == ["0", "9", "9"]
    sarif = json.loads((project / "reports" / "gates.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    # only reviewed suppressions, reported as notes: one finding per entry of suppressions.yaml and stack it covers
    results = sarif["runs"][0]["results"]
    assert {r["level"] for r in results} == {"note"}
    assert sorted({r["ruleId"] for r in results}) == [
        "CKV2_AWS_48", "CKV2_AWS_62", "CKV_AWS_116", "CKV_AWS_119", "CKV_AWS_144", "CKV_AWS_145", "CKV_AWS_252",
        "CKV_AWS_258", "CKV_AWS_272", "CKV_AWS_274", "CKV_AWS_285", "CKV_AWS_301", "CKV_AWS_338", "CKV_AWS_61",
        "CKV_AWS_70", "CKV_LZ_3"]
    # AdminAccess; per baseline: AdminRole, boundary, recorder; security: 8 (the three archive buckets'
    # notification and replication findings, the access-log bucket's key, the trail's SNS topic); per meeting
    # recorder: 16 (5 log groups, 2 functions twice, the two buckets' logging and replication findings, the URL
    # and its permission, the state machine), and staging's AWS-managed table key; the management account's four
    # human roles (Admin, PowerUser, ReadOnly, Support), whose literal account ID lets checkov read their
    # (condition-limited) root trust; bootstrap: the deployer's AdministratorAccess, and the state and access-log
    # buckets' events, replication and (logs) SSE-S3, and with Spacelift the deployer's condition-limited trust of
    # its own account and the state policy's deployer statements
    assert len(results) == 1 + 7 * 3 + 8 + 2 * 16 + 1 + 4 + 6 + 2
    junit = ET.parse(project / "reports" / "gates.junit.xml").getroot()
    assert (junit.tag, junit.get("failures")) == ("testsuites", "0")


@pytest.fixture
def with_bad_stack(monkeypatch):
    from landingzone import cli_build

    real = cli_build.stack_specs
    monkeypatch.setattr(cli_build, "stack_specs", lambda lz: (*real(lz), StackSpec(
        "bad-prod", "prod", "bad_stack:build_bad_stack")))


def test_public_bucket_and_wildcard_write_fail_with_check_address_and_file(project: Path, with_bad_stack,
                                                                           capsys) -> None:
    assert main(["synth", "--root", str(project), "--no-validate", "--jobs", "1"]) == EXIT_FAILED
    rows = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("  failed")]
    failed = {(row[2], row[3], row[4]) for row in rows if row[1] == "bad-prod"}
    assert ("CKV_LZ_3", "aws_iam_policy.wildcard_writer", "accounts/prod.yaml") in failed
    assert ("CKV_AWS_20", "aws_s3_bucket.public_bucket", "accounts/prod.yaml") in failed
    assert ("CKV_AWS_53", "aws_s3_bucket_public_access_block.public_bucket_pab", "accounts/prod.yaml") in failed
    assert not any(row[1] == "org" for row in rows)
    sarif = json.loads((project / "reports" / "gates.sarif").read_text())
    located = {(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
               for r in sarif["runs"][0]["results"] if r["level"] == "error"}
    assert ("CKV_LZ_3", "accounts/prod.yaml") in located


def suppress(project: Path, entries: str) -> None:
    (project / "policies" / "checkov" / "suppressions.yaml").write_text("suppressions:\n" + entries)


def test_suppressions_apply_expire_and_go_stale(project: Path, with_bad_stack, capsys) -> None:
    assert main(["synth", "--root", str(project), "--no-validate", "--no-gates", "--jobs", "1"]) == 0
    capsys.readouterr()
    reason = "    reason: Fixture bucket used to test the gate end to end.\n    owner: platform-team\n"
    suppress(project, "  - check: CKV_LZ_3\n    resource: 'bad-*:aws_iam_policy.wildcard_writer'\n" + reason +
             "  - check: CKV_AWS_20\n    resource: 'bad-prod:aws_s3_bucket.*'\n" + reason +
             "    expires: 2020-01-01\n  - check: CKV_AWS_1\n    resource: 'org:*'\n" + reason)
    assert main(["check", "--root", str(project), "--no-validate", "--verbose"]) == EXIT_FAILED
    rows = {tuple(line.split()[:4]) for line in capsys.readouterr().out.splitlines() if line.startswith("  ")}
    assert ("suppressed", "bad-prod", "CKV_LZ_3", "aws_iam_policy.wildcard_writer") in rows
    assert ("failed", "bad-prod", "CKV_AWS_20", "aws_s3_bucket.public_bucket") in rows
    assert ("failed", "-", "CKV_AWS_20", "bad-prod:aws_s3_bucket.*") in rows
    assert ("warning", "-", "CKV_AWS_1", "org:*") in rows
    junit = ET.parse(project / "reports" / "gates.junit.xml").getroot()
    assert int(junit.get("failures")) >= 3


def test_no_gates_writes_no_reports(project: Path, capsys) -> None:
    assert main(["synth", "--root", str(project), "--no-gates", "--jobs", "1"]) == 0
    assert not (project / "reports").exists()


def test_check_gates_only_the_named_stacks_and_with_changed_only_those_changed(project: Path, example_synth: Path,
                                                                                tmp_path: Path, capsys) -> None:
    out = tmp_path / "cdktf.out"
    shutil.copytree(example_synth, out)
    check = ["check", "--root", str(project), "--out", str(out), "--stack", "org", "--stack", "identity"]
    assert main(check) == 0
    assert "(2 stacks selected)" in capsys.readouterr().out
    org = out / "stacks" / "org" / "cdk.tf.json"
    org.write_text(org.read_text().replace('"Owner": "platform-team"', '"Owner": "platform-team-2"'))
    assert main([*check, "--changed"]) == 0
    shown = capsys.readouterr().out
    assert "(1 stack selected)" in shown  # identity passed last time unchanged; org's JSON changed
    assert "checkov: " in shown and "(0 stacks from the cache" in shown
    assert "terraform validate: 1 stacks run, 0 failed (0 stacks from the cache" in shown
    assert main([*check[:5], "--stack", "orgg"]) == EXIT_USAGE
    assert "'orgg' is not a stack of the synthesized output (16 stacks); did you mean 'org'" in capsys.readouterr().err
