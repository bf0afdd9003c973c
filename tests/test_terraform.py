"""The real Terraform CLI and hashicorp/aws 5.100.0 from the offline mirror accept what we synthesize."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PROJECT
from landingzone.config import load_landing_zone
from landingzone.gates.terraform import validate_stack
from landingzone.gates.terraform_batch import validate_each
from test_org_constructs import add_variable_scp

pytestmark = [pytest.mark.synth, pytest.mark.terraform]


def test_every_example_stack_validates(example_synth: Path, example, terraform, tmp_path: Path) -> None:
    from landingzone.stacks import stack_specs

    # entra and admin are left out: their providers (azuread, spacelift) are not in the offline mirror
    # (test_identity_stack and test_admin_stack check their JSON's structure instead)
    unchecked = {spec.name for spec in stack_specs(example) if not spec.validate}
    assert unchecked == {"entra", "admin"}
    stacks = sorted(s for s in (example_synth / "stacks").iterdir() if s.name not in unchecked)
    assert [s.name for s in stacks] == [*(f"baseline-{a}" for a in (
        "dev", "log-archive", "management", "prod", "security", "shared-services", "staging")), "bootstrap", "identity",
        "meeting-recorder-prod", "meeting-recorder-staging", "network", "org", "security"]
    # in batches against one provider process, as the gate runs them (test_gate_batches: as strict as one by one)
    reports = validate_each({stack.name: stack for stack in stacks}, tmp_path)
    assert {name: [f.message for f in report.findings] for name, report in reports.items()} == {
        stack.name: [] for stack in stacks}


def test_adopted_account_stack_validates(project: Path, synth_stack, terraform, tmp_path: Path) -> None:
    manifest = project / "accounts" / "staging.yaml"
    manifest.write_text(manifest.read_text() + 'id: "210987654321"\n')
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "cdk.tf.json").write_text(json.dumps(synth_stack(project)))
    assert validate_stack(terraform, tmp_path / "org") == []


def test_org_stack_with_every_policy_option_validates(policy_variant, terraform, tmp_path: Path) -> None:
    """A declarative EC2 policy, RCPs on an OU and an account, an adopted organization's ID written out."""
    _, stack = policy_variant
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "cdk.tf.json").write_text(json.dumps(stack))
    assert validate_stack(terraform, tmp_path / "org") == []


def test_policy_variables_reach_aws_unchanged(project: Path, synth_stack, terraform, tmp_path: Path) -> None:
    """Terraform itself evaluates the synthesized string; it must equal the document we meant to send."""
    add_variable_scp(project)
    expected = next(s.content for s in load_landing_zone(project).scps if s.name == "team-boundary")
    content = synth_stack(project)["resource"]["aws_organizations_policy"]["scp_team-boundary"]["content"]
    (tmp_path / "main.tf.json").write_text(json.dumps({"output": {"content": {"value": content}}}))
    for args in (("init", "-input=false"), ("apply", "-auto-approve", "-input=false")):
        result = terraform.run(tmp_path, *args)
        assert result.returncode == 0, result.stderr
    shown = terraform.run(tmp_path, "output", "-raw", "content").stdout
    assert shown == expected
    assert "${aws:PrincipalTag/team}" in shown and "${aws:username}" in shown and "%{literal}" in shown


def test_taggable_list_matches_the_provider_schema(terraform, tmp_path: Path) -> None:
    """CKV_LZ_1 reads taggable types from a file; it must be exactly those with `tags` in hashicorp/aws 5.100.0."""
    (tmp_path / "main.tf.json").write_text(json.dumps(
        {"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}}}))
    assert terraform.run(tmp_path, "init", "-input=false").returncode == 0
    schema = json.loads(terraform.run(tmp_path, "providers", "schema", "-json").stdout)
    resources = schema["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["resource_schemas"]
    taggable = sorted(name for name, spec in resources.items() if "tags" in spec["block"].get("attributes", {}))
    shipped = (PROJECT / "policies" / "checkov" / "checks" / "taggable_resources.txt").read_text().split()
    assert shipped == taggable


def test_identity_stack_with_known_ids_and_customer_policies_validates(project: Path, synth_stack, terraform,
                                                                       tmp_path: Path) -> None:
    manifest = project / "accounts" / "prod.yaml"  # the management manifest already has its id
    manifest.write_text(manifest.read_text() + 'id: "210987654321"\n')
    config = project / "config" / "identity.yaml"
    config.write_text(config.read_text().replace(
        "    permissions_boundary:\n      managed_policy: AWSLambda_FullAccess\n",
        "    customer_managed_policies:\n      - name: lambda-logs\n"
        "    permissions_boundary:\n      customer_managed_policy: {name: developer-boundary, path: /team/}\n"))
    (tmp_path / "identity").mkdir()
    (tmp_path / "identity" / "cdk.tf.json").write_text(json.dumps(synth_stack(project, "identity")))
    assert validate_stack(terraform, tmp_path / "identity") == []


def test_local_endpoints_are_every_service_of_the_provider_schema(terraform, tmp_path: Path) -> None:
    """Local mode must aim every service at loopback: one the list missed would be sent to real AWS."""
    from landingzone.local.endpoints import ENDPOINT_ALIASES, PROVIDER_ENDPOINTS

    (tmp_path / "main.tf.json").write_text(json.dumps(
        {"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}}}))
    assert terraform.run(tmp_path, "init", "-input=false").returncode == 0
    schema = json.loads(terraform.run(tmp_path, "providers", "schema", "-json").stdout)
    provider = schema["provider_schemas"]["registry.terraform.io/hashicorp/aws"]["provider"]["block"]
    endpoints = provider["block_types"]["endpoints"]["block"]["attributes"]
    assert sorted([*PROVIDER_ENDPOINTS, *ENDPOINT_ALIASES]) == sorted(endpoints)

