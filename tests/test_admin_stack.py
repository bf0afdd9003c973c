"""The admin stack: every Spacelift resource it writes against the provider's documented schema, and what it must
hold for the example organisation (spacelift-io/spacelift is not in the offline mirror, so Terraform cannot check it
here; see StackSpec.validate)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT
from landingzone.topology import stack_specs
from landingzone.topology.order import dependencies

pytestmark = pytest.mark.synth

SCHEMA = json.loads((Path(__file__).parent / "fixtures" / "spacelift_schema.json").read_text())
META = {"//", "count", "depends_on", "for_each", "lifecycle", "provider"}


@pytest.fixture(scope="module")
def admin(example_synth: Path) -> dict[str, Any]:
    return json.loads((example_synth / "stacks" / "admin" / "cdk.tf.json").read_text())


def schema_problems(kind: str, type_: str, body: dict[str, Any]) -> list[str]:
    schema = SCHEMA[kind].get(type_)
    if schema is None:
        return [f"{type_} is not in the schema"]
    keys = set(body) - META
    known = set(schema["required"]) | set(schema["optional"])
    problems = [f"{type_}: unknown argument {k}" for k in sorted(keys - known)]
    problems += [f"{type_}: missing {k}" for k in schema["required"] if k not in body]
    problems += [f"{type_}: deprecated {k}" for k in SCHEMA["deprecated"].get(type_, []) if k in body]
    for key, allowed in SCHEMA["values"].items():
        owner, _, argument = key.partition(".")
        if owner == type_ and argument in body and body[argument] not in allowed:
            problems.append(f"{type_}.{argument}: {body[argument]!r} not in {allowed}")
    return problems


def test_every_resource_matches_the_provider_schema(admin) -> None:
    problems = [p for type_, blocks in admin["resource"].items() for body in blocks.values()
                for p in schema_problems("resource", type_, body)]
    problems += [p for type_, blocks in admin["data"].items() for body in blocks.values()
                 for p in schema_problems("data", type_, body)]
    assert problems == []
    assert admin["terraform"]["required_providers"]["spacelift"]["source"] == "spacelift-io/spacelift"


def test_schema_check_fails_on_what_the_provider_would_refuse() -> None:
    assert schema_problems("resource", "spacelift_policy", {"name": "x", "body": "", "type": "PLANS",
                                                            "engine": "REGO_V1"}) == [
        "spacelift_policy: unknown argument engine", "spacelift_policy.type: 'PLANS' not in "
        f"{SCHEMA['values']['spacelift_policy.type']}"]
    assert schema_problems("resource", "spacelift_stack", {"name": "x", "administrative": True}) == [
        "spacelift_stack: missing branch", "spacelift_stack: missing repository",
        "spacelift_stack: deprecated administrative"]


def test_one_spacelift_stack_per_stack_whose_slug_is_its_name(admin, example) -> None:
    stacks = admin["resource"]["spacelift_stack"]
    assert sorted(stacks) == sorted(s.name for s in stack_specs(example))
    for name, body in stacks.items():
        assert (body["name"], body["slug"]) == (name, name)  # TF_VAR_spacelift_stack_id = config.yml's key
        assert body["project_root"] == ".spacelift/workdir" and body["manage_state"] is False
        assert body["terraform_workflow_tool"] == "TERRAFORM_FOSS" and body["terraform_version"] == "1.11.4"
        assert {"landingzone", "team:platform"} <= set(body["labels"])
        assert body["protect_from_deletion"] is (name in {"bootstrap", "org", "security"})
    assert admin["import"] == [{"id": "admin", "to": "spacelift_stack.admin"}]


def test_a_dependency_per_edge_and_a_reference_per_org_output_a_stack_declares(admin, example,
                                                                                example_synth: Path) -> None:
    edges = {(b["stack_id"], b["depends_on_stack_id"]): name
             for name, b in admin["resource"]["spacelift_stack_dependency"].items()}
    ref = "${{spacelift_stack.{}.id}}".format
    graph = dependencies(stack_specs(example))
    for stack, after in graph.items():
        assert all((ref(stack), ref(dep)) in edges for dep in after), stack
    org_outputs = set(json.loads((example_synth / "stacks" / "org" / "cdk.tf.json").read_text())["output"])
    references = admin["resource"]["spacelift_stack_dependency_reference"].values()
    for stack in graph:
        declared = set(json.loads((example_synth / "stacks" / stack / "cdk.tf.json").read_text()).get("variable", {}))
        to_org = edges.get((ref(stack), ref("org")))
        found = {r["output_name"] for r in references
                 if r["stack_dependency_id"] == f"${{spacelift_stack_dependency.{to_org}.id}}"}
        assert found == declared & org_outputs, stack
        assert all(r["input_name"] == f"TF_VAR_{r['output_name']}" for r in references)
    # meeting-recorder-prod reaches org only through its baseline: an edge to org carries its references
    assert (ref("meeting-recorder-prod"), ref("org")) in edges


def test_an_integration_per_account_assuming_its_deployer_role_attached_to_its_stacks(admin, example) -> None:
    integrations = admin["resource"]["spacelift_aws_integration"]
    assert sorted(integrations) == [a.name for a in example.accounts]
    assert integrations["management"]["role_arn"] == "arn:aws:iam::123456789012:role/LandingZoneDeployer"
    assert integrations["prod"]["role_arn"] == "arn:aws:iam::${var.account_id_prod}:role/LandingZoneDeployer"
    assert {i["duration_seconds"] for i in integrations.values()} == {3600}
    attachments = admin["resource"]["spacelift_aws_integration_attachment"]
    for spec in stack_specs(example):
        if spec.account == "entra-tenant":
            assert spec.name not in attachments  # an Entra tenant, not an AWS account
            continue
        body = attachments[spec.name]
        assert body["integration_id"] == f"${{spacelift_aws_integration.{spec.account}.id}}"
        assert body["stack_id"] == f"${{spacelift_stack.{spec.name}.id}}"
        assert (body["read"], body["write"]) == (True, spec.name != "bootstrap")  # bootstrap is applied by hand


def test_plan_policies_from_the_policy_folder_attached_to_every_stack(admin, example) -> None:
    policies = admin["resource"]["spacelift_policy"]
    files = sorted(p for p in (PROJECT / "policies" / "spacelift").glob("*.rego") if not p.stem.endswith("_test"))
    assert sorted(policies) == [f"policy_{p.stem}" for p in files] and "policy_checkov" in policies
    for path in files:
        body = policies[f"policy_{path.stem}"]
        assert (body["type"], body["engine_type"]) == ("PLAN", "REGO_V1")
        assert body["body"] == path.read_text()  # nothing in them for Terraform to interpolate
    attached = {(b["policy_id"], b["stack_id"]) for b in admin["resource"]["spacelift_policy_attachment"].values()}
    assert attached == {(f"${{spacelift_policy.{p}.id}}", f"${{spacelift_stack.{s.name}.id}}")
                        for p in policies for s in stack_specs(example)}


def test_admin_is_space_admin_by_role_and_drift_never_reconciles_protected_stacks(admin, example) -> None:
    (attachment,) = admin["resource"]["spacelift_role_attachment"].values()
    assert attachment == {**attachment, "stack_id": "${spacelift_stack.admin.id}", "space_id": "root",
                          "role_id": "${data.spacelift_role.space_admin.id}"}
    assert admin["data"]["spacelift_role"]["space_admin"]["slug"] == "space-admin"
    assert "administrative" not in admin["resource"]["spacelift_stack"]["admin"]
    drift = admin["resource"]["spacelift_drift_detection"]
    assert sorted(drift) == sorted(s.name for s in stack_specs(example))
    assert {d["reconcile"] for d in drift.values()} == {False}
    assert {tuple(d["schedule"]) for d in drift.values()} == {("0 4 * * *",)}


def test_reconcile_is_kept_from_protected_stacks_only(project: Path, synth_stack) -> None:
    delivery = project / "config" / "delivery.yaml"
    delivery.write_text(delivery.read_text().replace("    timezone: UTC\n", "    timezone: UTC\n    reconcile: true\n"))
    drift = synth_stack(project, "admin")["resource"]["spacelift_drift_detection"]
    assert {n for n, d in drift.items() if not d["reconcile"]} == {"bootstrap", "org", "security"}


def test_deployer_roles_trust_spacelift_and_their_own_sessions_and_reach_the_state(example_synth: Path) -> None:
    bootstrap = json.loads((example_synth / "stacks" / "bootstrap" / "cdk.tf.json").read_text())
    trust = json.loads(bootstrap["resource"]["aws_iam_role"]["iam_role_deployer"]["assume_role_policy"])
    by_sid = {s["Sid"]: s for s in trust["Statement"]}
    assert by_sid["SpaceliftIntegration"]["Principal"] == {"AWS": "arn:aws:iam::324880187172:root"}
    assert by_sid["SpaceliftIntegration"]["Condition"] == {"StringLike": {"sts:ExternalId": "acme@*"}}
    assert by_sid["ProvidersInSpaceliftRuns"]["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/LandingZoneDeployer"}}
    stack_set = bootstrap["resource"]["aws_cloudformation_stack_set"]["cloudformation_stack_set_deployer"]
    template = stack_set["template_body"]
    assert "SpaceliftIntegration" in template and "$${AWS::AccountId}:role/LandingZoneDeployer" in template
    policy = json.loads(bootstrap["resource"]["aws_s3_bucket_policy"]["s3_policy_state"]["policy"])
    deployers = {s["Sid"]: s for s in policy["Statement"] if s["Sid"].endswith("FromDeployerRoles")}
    assert sorted(deployers) == ["RunnersListStateFromDeployerRoles",
                                 "RunnersNeverWriteBootstrapStateFromDeployerRoles",
                                 "RunnersReadAndWriteStateFromDeployerRoles"]
    assert deployers["RunnersReadAndWriteStateFromDeployerRoles"]["Condition"] == {
        "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"},
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/LandingZoneDeployer"}}


def test_admin_takes_the_variables_other_workers_report_and_builds_none_of_their_stacks(example, tmp_path) -> None:
    """A parallel synth's admin worker is told the other stacks' variables (`declare_elsewhere`) instead of
    building them aside: with every other builder replaced by one that fails, the inputs are the reported ones."""
    import dataclasses

    from cdktf import App, TerraformStack

    from landingzone.delivery.admin import declare_elsewhere, org_inputs
    from landingzone.topology import ADMIN

    specs = [s if s.name == ADMIN else dataclasses.replace(s, builder="tests.no_such_module:build")
             for s in stack_specs(example)]
    app = App(outdir=str(tmp_path), stack_traces=False)
    reported = {s.name: ["account_id_dev", "organization_id", "not_an_org_output"] for s in specs if s.name != ADMIN}
    declare_elsewhere(app, reported)
    found = org_inputs(example, app, specs, TerraformStack(app, ADMIN))
    assert found == {**{name: ["account_id_dev", "organization_id"] for name in reported}, ADMIN: []}
