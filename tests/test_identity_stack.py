"""Assertions on the synthesized `identity` and `entra` stacks, and the identity runbook."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import PROJECT
from helpers import assert_subset, resources
from landingzone.config import load_landing_zone
from landingzone.config.identity import address, expand_assignments
from landingzone.documents.identity_runbook import RUNBOOK, build_identity_runbook

pytestmark = pytest.mark.synth

INSTANCE_ARN = "${tolist(data.aws_ssoadmin_instances.identity_center.arns)[0]}"


@pytest.fixture(scope="session")
def identity_stack(example_synth: Path) -> dict[str, Any]:
    return json.loads((example_synth / "stacks" / "identity" / "cdk.tf.json").read_text())


@pytest.fixture(scope="session")
def entra_stack(example_synth: Path) -> dict[str, Any]:
    return json.loads((example_synth / "stacks" / "entra" / "cdk.tf.json").read_text())


def test_permission_sets_carry_their_settings(identity_stack) -> None:
    sets = resources(identity_stack, "aws_ssoadmin_permission_set")
    assert set(sets) == {"AdminAccess", "PowerUserAccess", "ReadOnlyAccess", "LambdaDeveloper"}
    assert_subset(sets["ReadOnlyAccess"], {"name": "ReadOnlyAccess", "session_duration": "PT8H",
                                           "instance_arn": INSTANCE_ARN})
    assert_subset(resources(identity_stack, "aws_ssoadmin_managed_policy_attachment")[
        "AdminAccess__AdministratorAccess"], {
        "managed_policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess",
        "permission_set_arn": "${aws_ssoadmin_permission_set.AdminAccess.arn}"})
    assert sets["AdminAccess"]["tags"]["Owner"] == "platform-team"


def test_inline_policy_and_boundary(identity_stack) -> None:
    inline = resources(identity_stack, "aws_ssoadmin_permission_set_inline_policy")["LambdaDeveloper"]
    document = json.loads((PROJECT / "policies" / "identity" / "lambda-developer.json").read_text())
    assert json.loads(inline["inline_policy"]) == document
    assert inline["inline_policy"] == json.dumps(document, separators=(",", ":"))
    boundary = resources(identity_stack, "aws_ssoadmin_permissions_boundary_attachment")["LambdaDeveloper"]
    assert boundary["permissions_boundary"] == {"managed_policy_arn": "arn:aws:iam::aws:policy/AWSLambda_FullAccess"}


def test_customer_managed_policies_attach_by_name_and_path(project: Path, synth_stack) -> None:
    config = project / "config" / "identity.yaml"
    config.write_text(config.read_text().replace(
        "    permissions_boundary:\n      managed_policy: AWSLambda_FullAccess\n",
        "    customer_managed_policies:\n      - name: lambda-logs\n        path: /team/\n"
        "    permissions_boundary:\n      customer_managed_policy: {name: developer-boundary}\n"))
    stack = synth_stack(project, "identity")
    assert_subset(resources(stack, "aws_ssoadmin_customer_managed_policy_attachment")[
        "LambdaDeveloper__team_lambda-logs"], {
        "customer_managed_policy_reference": {"name": "lambda-logs", "path": "/team/"}})
    assert resources(stack, "aws_ssoadmin_permissions_boundary_attachment")["LambdaDeveloper"][
        "permissions_boundary"] == {"customer_managed_policy_reference": {"name": "developer-boundary", "path": "/"}}


def test_one_assignment_per_group_permission_set_and_account(identity_stack, example) -> None:
    assignments = resources(identity_stack, "aws_ssoadmin_account_assignment")
    active = [a for a in example.accounts if not a.decommissioned]
    assert set(assignments) == {address(*t) for t in expand_assignments(example.identity, active)}
    assert len(assignments) == 20
    assert_subset(assignments["aws-developers__PowerUserAccess__staging"], {
        "instance_arn": INSTANCE_ARN,
        "permission_set_arn": "${aws_ssoadmin_permission_set.PowerUserAccess.arn}",
        "principal_type": "GROUP",
        "principal_id": "${data.aws_identitystore_group.aws-developers.group_id}",
        "target_type": "AWS_ACCOUNT",
        "target_id": '${var.account_id_staging}',
        "depends_on": ["aws_ssoadmin_managed_policy_attachment.PowerUserAccess__PowerUserAccess"],
    })
    assert assignments["aws-lambda-team__LambdaDeveloper__prod"]["depends_on"] == [
        "aws_ssoadmin_permission_set_inline_policy.LambdaDeveloper",
        "aws_ssoadmin_permissions_boundary_attachment.LambdaDeveloper"]


def test_groups_are_looked_up_never_created(identity_stack) -> None:
    assert not any(kind.startswith("aws_identitystore") for kind in identity_stack["resource"])
    groups = identity_stack["data"]["aws_identitystore_group"]
    assert set(groups) == {"aws-admins", "aws-developers", "aws-readonly", "aws-lambda-team"}
    assert groups["aws-readonly"]["alternate_identifier"] == {
        "unique_attribute": {"attribute_path": "DisplayName", "attribute_value": "aws-readonly"}}
    assert "aws_ssoadmin_instances" in identity_stack["data"]


def test_account_ids_are_inputs_the_org_stack_fills_never_a_lookup(identity_stack, example) -> None:
    """Every account assigned to but without a manifest `id` is a variable named as the org stack's output."""
    assert "aws_organizations_organization" not in identity_stack.get("data", {})
    assert "locals" not in identity_stack
    unknown = {f"account_id_{a.name.replace('-', '_')}" for a in example.accounts if not a.manifest.id}
    assert set(identity_stack["variable"]) == unknown | {"spacelift_run_id"}


def test_manifest_id_is_used_as_given(project: Path, synth_stack) -> None:
    manifest = project / "accounts" / "dev.yaml"
    manifest.write_text(manifest.read_text() + 'id: "210987654321"\n')
    assignments = resources(synth_stack(project, "identity"), "aws_ssoadmin_account_assignment")
    assert assignments["aws-readonly__ReadOnlyAccess__dev"]["target_id"] == "210987654321"


def _assignments_after(project: Path, synth_stack) -> dict[str, Any]:
    return resources(synth_stack(project, "identity"), "aws_ssoadmin_account_assignment")


def test_moving_an_account_out_of_an_ou_changes_only_its_assignments(project: Path, synth_stack,
                                                                     identity_stack) -> None:
    before = resources(identity_stack, "aws_ssoadmin_account_assignment")
    staging = project / "accounts" / "staging.yaml"
    staging.write_text(staging.read_text().replace("ou: Workloads/NonProd", "ou: Infrastructure"))
    after = _assignments_after(project, synth_stack)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"aws-developers__PowerUserAccess__staging", "aws-lambda-team__LambdaDeveloper__staging"}
    assert changed.isdisjoint(after)  # removed, not replaced by something else under the same address


def test_adding_an_account_to_an_ou_only_adds_assignments(project: Path, synth_stack, identity_stack) -> None:
    before = resources(identity_stack, "aws_ssoadmin_account_assignment")
    (project / "accounts" / "qa.yaml").write_text(
        "name: qa\nemail: aws-qa@acme-corp.example\nou: Workloads/NonProd\nenvironment: staging\n"
        "owner: meeting-recorder-team\ncost_center: CC-2000\ntags:\n  Project: meeting-recorder\n"
        "budget: {monthly_limit_usd: 300, alert_emails: [qa@acme-corp.example]}\n")
    after = _assignments_after(project, synth_stack)
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {f"{g}__qa" for g in (
        "aws-admins__AdminAccess", "aws-developers__PowerUserAccess", "aws-lambda-team__LambdaDeveloper",
        "aws-readonly__ReadOnlyAccess")}


def test_saml_federation_builds_provider_and_roles_in_the_account(identity_stack) -> None:
    provider = resources(identity_stack, "aws_iam_saml_provider")["prod__EntraID"]
    metadata = (PROJECT / "config" / "entra-federation-metadata.xml").read_text()
    assert_subset(provider, {"name": "EntraID", "saml_metadata_document": metadata, "provider": "aws.prod_us-east-1"})
    aliased = next(p for p in identity_stack["provider"]["aws"] if p.get("alias") == "prod_us-east-1")
    assert aliased["assume_role"][0]["role_arn"] == (
        'arn:aws:iam::${var.account_id_prod}:role/LandingZoneDeployer')
    assert aliased["allowed_account_ids"] == ["${var.account_id_prod}"]
    assert aliased["default_tags"][0]["tags"]["Environment"] == "prod"


def test_federated_role_trust_requires_saml_audience(identity_stack) -> None:
    role = resources(identity_stack, "aws_iam_role")["prod__meeting-recorder-api-readonly"]
    assert role["provider"] == "aws.prod_us-east-1"
    trust = json.loads(role["assume_role_policy"])
    [statement] = trust["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithSAML"
    assert statement["Principal"] == {"Federated": "${aws_iam_saml_provider.prod__EntraID.arn}"}
    assert statement["Condition"] == {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
    assert_subset(resources(identity_stack, "aws_iam_role_policy_attachment")[
        "prod__meeting-recorder-api-readonly__ReadOnlyAccess"], {
        "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess", "provider": "aws.prod_us-east-1"})


def test_sources_point_back_to_config(example_synth: Path) -> None:
    sources = json.loads((example_synth / "stacks" / "identity" / "sources.json").read_text())
    assert sources["aws_ssoadmin_account_assignment.aws-admins__AdminAccess__dev"] == "config/identity.yaml"
    assert sources["aws_iam_role.prod__meeting-recorder-api-readonly"] == "accounts/prod.yaml"


def test_entra_stack_structure(entra_stack) -> None:
    """The azuread provider is not in the offline mirror, so Terraform cannot validate this stack here."""
    assert entra_stack["provider"]["azuread"] == [{"tenant_id": "11111111-2222-3333-4444-555555555555"}]
    assert entra_stack["terraform"]["required_providers"]["azuread"] == {
        "source": "hashicorp/azuread", "version": "3.7.0"}
    assert entra_stack["data"]["azuread_application_template"]["template"]["display_name"] == (
        "AWS IAM Identity Center (successor to AWS Single Sign-On)")
    app = resources(entra_stack, "azuread_application")["application"]
    assert_subset(app, {
        "template_id": "${data.azuread_application_template.template.template_id}",
        "identifier_uris": ["https://us-east-1.signin.aws.amazon.com/platform/saml/d-9067c2a1b4"],
        "web": {"redirect_uris": [
            "https://us-east-1.signin.aws.amazon.com/platform/saml/acs/6f0e3b6c-2a7d-4e51-9c1a-8d2b5e4f7a90"]}})
    assert_subset(resources(entra_stack, "azuread_service_principal")["service_principal"], {
        "client_id": "${azuread_application.application.client_id}", "use_existing": True,
        "preferred_single_sign_on_mode": "saml", "app_role_assignment_required": True})
    certificate = resources(entra_stack, "azuread_service_principal_token_signing_certificate")["signing_certificate"]
    assert certificate["service_principal_id"] == "${azuread_service_principal.service_principal.id}"
    assert certificate["display_name"].startswith("CN=")
    assignments = resources(entra_stack, "azuread_app_role_assignment")
    assert set(assignments) == {"aws-admins", "aws-developers", "aws-readonly", "aws-lambda-team"}
    assert assignments["aws-readonly"] == {**assignments["aws-readonly"], **{
        "principal_object_id": "${data.azuread_group.aws-readonly.object_id}",
        "resource_object_id": "${azuread_service_principal.service_principal.object_id}",
        "app_role_id": "00000000-0000-0000-0000-000000000000"}}  # Entra's default access role
    assert set(entra_stack["data"]["azuread_group"]) == set(assignments)
    assert not any(kind in entra_stack["resource"] for kind in ("azuread_group", "azuread_group_member"))


def test_entra_stack_is_opt_in(project: Path) -> None:
    from landingzone.stacks import stack_specs

    config = project / "config" / "identity.yaml"
    config.write_text(config.read_text().replace("  stack: true ", "  stack: false "))
    specs = {s.name: s for s in stack_specs(load_landing_zone(project))}
    assert "entra" not in specs and "identity" in specs
    assert specs["identity"].depends_on == ("org",)


def test_runbook_is_written_with_values_and_renewal_date(example_synth: Path) -> None:
    text = (example_synth / RUNBOOK).read_text()
    assert "https://us-east-1.signin.aws.amazon.com/platform/saml/acs/6f0e3b6c-2a7d-4e51-9c1a-8d2b5e4f7a90" in text
    assert "Change identity source" in text and "SCIM endpoint" in text
    assert "issued on **2025-09-15**: renew it before **2026-09-15**" in text


def test_runbook_asks_to_record_the_token_date_when_unknown(project: Path) -> None:
    config = project / "config" / "identity.yaml"
    config.write_text(config.read_text().replace("scim_token_issued: 2025-09-15\n", ""))
    runbook = build_identity_runbook(load_landing_zone(project), project)[RUNBOOK]
    assert "**Record the date**" in runbook and "renew it before" not in runbook
