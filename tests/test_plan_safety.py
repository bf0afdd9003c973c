"""The Python plan-safety gate and the Spacelift Rego policy, run on the same plans, must agree exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from regopy import Interpreter

from conftest import PROJECT
from landingzone.cli import main
from landingzone.gates.findings import Status
from landingzone.gates.plan_safety import PROTECTED, PROTECTED_ADDRESSES, check_plan

PLANS = Path(__file__).parent / "fixtures" / "plans"
REGO = PROJECT / "policies" / "spacelift" / "plan-safety.rego"
CASES = sorted(PLANS.glob("*.json"))


def rego(query: str, data: dict | None = None) -> object:
    interpreter = Interpreter()
    interpreter.add_module("plan-safety", REGO.read_text())
    interpreter.set_input_term(json.dumps(data or {}))
    # Serialise the Output itself: a node taken from a temporary Output outlives it and crashes regopy.
    output = interpreter.query(query)
    return json.loads(str(output))["expressions"][0]


def python_denials(case: dict) -> list[str]:
    report = check_plan(case["plan"], case["allow"])
    return sorted(f.message for f in report.findings if f.status is Status.FAILED)


def rego_denials(case: dict) -> list[str]:
    spacelift_input = {"terraform": {"resource_changes": case["plan"]["resource_changes"]},
                       "third_party_metadata": {"custom": {"decommission": {"allow": case["allow"]}}}}
    return sorted(rego("data.spacelift.deny", spacelift_input))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_python_gate_matches_fixture(path: Path) -> None:
    case = json.loads(path.read_text())
    assert python_denials(case) == case["expected"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_rego_policy_matches_fixture(path: Path) -> None:
    case = json.loads(path.read_text())
    assert rego_denials(case) == case["expected"]


def test_fixtures_cover_the_issue_cases() -> None:
    assert {p.stem for p in CASES} >= {"account-removed", "kms-key-replaced", "vpc-cidr-changed", "bucket-deleted",
                                       "harmless-change", "bootstrap-removed"}
    assert all(json.loads(p.read_text())["expected"] for p in CASES if p.stem != "harmless-change"
               and p.stem != "account-decommissioned")


def test_both_protect_the_same_types() -> None:
    assert rego("data.spacelift.protected") == PROTECTED
    assert rego("data.spacelift.protected_addresses") == PROTECTED_ADDRESSES


def test_allowed_change_is_reported_not_failed() -> None:
    case = json.loads((PLANS / "account-decommissioned.json").read_text())
    [finding] = check_plan(case["plan"], case["allow"]).findings
    assert (finding.status, finding.note) == (Status.ALLOWED,
                                              "decommission marker aws_organizations_account.account_dev")


def test_plan_check_command(project: Path, tmp_path: Path, capsys) -> None:
    case = json.loads((PLANS / "account-removed.json").read_text())
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(case["plan"]))
    assert main(["plan-check", str(plan), "--stack", "org", "--root", str(project)]) == 1
    assert "aws_organizations_account.account_dev (an AWS account) would be deleted" in capsys.readouterr().out
    dev = project / "accounts" / "dev.yaml"
    dev.write_text(dev.read_text() + "decommission:\n  reason: dev moves to the sandbox organization\n"
                   "  account: true\n")
    assert main(["plan-check", str(plan), "--stack", "org", "--root", str(project)]) == 0
