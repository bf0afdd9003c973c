"""The organisation's checkov checks on their pass/fail fixtures: exact sets, in one checkov run.

In each fixture, `pass_*` resources must pass the file's check, `fail_*` must fail it, and anything else
(`not_*`) is outside the check's scope and must appear in neither set.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import PROJECT
from landingzone.gates.checkov_gate import CHECKS_DIR, checkov_binary, resource_lines

FIXTURES = Path(__file__).parent / "fixtures" / "checkov"
CHECK_OF_FILE = {"required_tags": "CKV_LZ_1", "s3_tls": "CKV_LZ_2", "iam_wildcard": "CKV_LZ_3",
                 "bedrock_endpoint": "CKV_LZ_4", "kms_rotation": "CKV_LZ_5"}


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], dict[str, set[str]]]:
    """(fixture, check) → {"passed": addresses, "failed": addresses}."""
    env = {**os.environ, "LANDINGZONE_DEFAULT_TAGS": json.dumps({"Project": "from-provider"}),
           "LANDINGZONE_REQUIRED_TAGS": json.dumps(["Environment", "Project", "Owner"])}
    command = [checkov_binary(), "-d", str(FIXTURES), "--framework", "terraform_json", "--skip-download",
               "--external-checks-dir", str(PROJECT / CHECKS_DIR), "--check", ",".join(CHECK_OF_FILE.values()),
               "-o", "json"]
    run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    assert "Cannot load external check" not in run.stderr, run.stderr
    report = json.loads(run.stdout)
    lines = {p.name: resource_lines(p.read_text()) for p in FIXTURES.glob("*.tf.json")}
    out: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(lambda: {"passed": set(), "failed": set()})
    for outcome in ("passed", "failed"):
        for item in report["results"][f"{outcome}_checks"]:
            file = Path(item["file_path"]).name
            address = lines[file][item["file_line_range"][0]]
            out[(file.removesuffix(".tf.json"), item["check_id"])][outcome].add(address)
    return out


def expected(fixture: str, prefix: str) -> set[str]:
    doc = json.loads((FIXTURES / f"{fixture}.tf.json").read_text())
    return {f"{kind}.{name}" for kind, items in doc["resource"].items() for name in items if name.startswith(prefix)}


@pytest.mark.parametrize("fixture", sorted(CHECK_OF_FILE))
def test_check_passes_and_fails_exactly(results, fixture: str) -> None:
    got = results[(fixture, CHECK_OF_FILE[fixture])]
    assert got["failed"] == expected(fixture, "fail_")
    assert got["passed"] == expected(fixture, "pass_")


def test_failures_explain_themselves(tmp_path: Path) -> None:
    from landingzone.gates.checkov_gate import run_checkov

    stack = tmp_path / "iam"
    stack.mkdir()
    (stack / "cdk.tf.json").write_text((FIXTURES / "iam_wildcard.tf.json").read_text())
    report = run_checkov({"iam": stack}, PROJECT / CHECKS_DIR, ["Environment"],
                         {"iam": {"aws_iam_policy.fail_put_on_star": "accounts/prod.yaml"}})
    [finding] = [f for f in report.findings if f.check_id == "CKV_LZ_3" and f.address.endswith("fail_put_on_star")]
    assert finding.source == "accounts/prod.yaml"
    assert finding.message == ('Ensure IAM policies grant no write actions on Resource "*": write actions on '
                               'Resource "*": s3:PutObject; scope them to ARNs, or add a reviewed entry to '
                               "policies/checkov/iam_wildcard_allowlist.txt")


def test_checks_folder_without_init_fails_the_gate(tmp_path: Path) -> None:
    from landingzone.gates.checkov_gate import run_checkov

    report = run_checkov({"x": FIXTURES}, tmp_path, [], {})
    assert [f.check_id for f in report.failed] == ["CHECKOV_LOAD"]


def test_stacks_with_import_blocks_and_a_required_version_are_checked(tmp_path: Path) -> None:
    """checkov 3.3's JSON parser fails a whole file on either and then checks nothing; the gate's view of the
    stack leaves both out, and findings still name their resources."""
    from landingzone.gates.checkov_gate import run_checkov

    document = json.loads((FIXTURES / "iam_wildcard.tf.json").read_text())
    document["import"] = [{"to": "aws_iam_policy.fail_put_on_star", "id": "arn:aws:iam::123456789012:policy/x"}]
    document["terraform"] = {"required_version": "~> 1.11.4", "backend": {"s3": {"bucket": "b", "key": "k"}}}
    stack = tmp_path / "iam"
    stack.mkdir()
    (stack / "cdk.tf.json").write_text(json.dumps(document, indent=2))
    report = run_checkov({"iam": stack}, PROJECT / CHECKS_DIR, ["Environment"], {})
    assert "CHECKOV_PARSE" not in {f.check_id for f in report.findings}
    assert "aws_iam_policy.fail_put_on_star" in {f.address for f in report.failed if f.check_id == "CKV_LZ_3"}
