"""Each stack runs with its own account's credentials only: every provider assumes the deployer role in the account
it is pinned to, no stack looks anything up through the management account, and the IDs a stack needs are inputs
the org stack's outputs fill."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from landingzone.topology import stack_specs

pytestmark = pytest.mark.synth

MANAGEMENT_ID = "123456789012"
# Stacks of other accounts that act in the management account too, and why (the README's credentials table).
MANAGEMENT_SIDE = {"security": "the organization trail and the delegated-administrator registrations"}


@pytest.fixture(scope="module")
def stacks(example_synth: Path) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads((p / "cdk.tf.json").read_text()) for p in (example_synth / "stacks").iterdir()}


def test_every_provider_assumes_the_deployer_role_in_the_account_it_is_pinned_to(stacks) -> None:
    for name, stack in stacks.items():
        if name in ("bootstrap", "entra", "admin"):  # the operator's credentials; the Entra tenant; Spacelift only
            continue
        for provider in stack["provider"]["aws"]:
            [assumed] = provider["assume_role"]
            account = re.fullmatch(r"arn:aws:iam::(.+):role/LandingZoneDeployer", assumed["role_arn"])
            assert account, (name, assumed)
            assert provider["allowed_account_ids"] == [account.group(1)], name
            assert assumed["duration"] == "1h" and assumed["session_name"].endswith("@${var.spacelift_run_id}")


def test_a_stack_runs_by_default_in_its_own_account(stacks, example) -> None:
    ids = {a.name: a.manifest.id or f"${{var.account_id_{a.name.replace('-', '_')}}}" for a in example.accounts}
    for spec in stack_specs(example):
        if spec.name in ("entra", "admin"):  # no AWS provider: the Entra tenant; Spacelift's API
            continue
        default = next(p for p in stacks[spec.name]["provider"]["aws"] if "alias" not in p)
        assert default["allowed_account_ids"] == [ids[spec.account]], spec.name


def test_nothing_is_read_through_the_management_account(stacks, example) -> None:
    for name, stack in stacks.items():
        if name != "bootstrap":  # the management account's own stack reads the organization's root for its StackSet
            assert "aws_organizations_organization" not in stack.get("data", {}), name
        assert "account_ids" not in stack.get("locals", {}), name
    members = {spec.name for spec in stack_specs(example) if spec.account != "management"} - {"entra"}
    for name in members - set(MANAGEMENT_SIDE):
        pinned = {i for p in stacks[name]["provider"]["aws"] for i in p["allowed_account_ids"]}
        assert MANAGEMENT_ID not in pinned, name


def test_every_input_a_stack_declares_is_an_output_of_the_org_stack(stacks) -> None:
    outputs = set(stacks["org"]["output"])
    for name, stack in stacks.items():
        declared = set(stack.get("variable", {})) - {"spacelift_run_id"}
        assert declared <= outputs, (name, declared - outputs)
        for variable in stack.get("variable", {}).values():
            assert variable["type"] == "string" and variable["validation"], name
    # account_id_security: SecurityAuditRole trusts the security account's sessions
    assert set(stacks["baseline-prod"]["variable"]) == {"account_id_prod", "account_id_log_archive",
                                                        "account_id_shared_services", "account_id_security",
                                                        "spacelift_run_id"}


def test_every_stack_keeps_its_state_in_the_bucket_under_its_own_key_and_requires_the_terraform(stacks) -> None:
    for name, stack in stacks.items():
        backend = stack["terraform"]["backend"]["s3"]
        assert (backend["bucket"], backend["key"], backend["use_lockfile"], backend["encrypt"]) == (
            "acme-landingzone-terraform-state", f"landingzone/{name}.tfstate", True, True)
        assert stack["terraform"]["required_version"] == "~> 1.11.4"
