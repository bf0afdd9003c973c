"""The org stack's RCPs, AI services opt-out and declarative EC2 policies: the example's synthesized JSON, and a
variant with the options the example leaves off (one shared synthesis each)."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_subset, resources
from landingzone.config import load_landing_zone
from landingzone.config.checks_rcps import estate_of
from landingzone.config.protected_resources import protected_resources

pytestmark = pytest.mark.synth

ORG_ID = "${aws_organizations_organization.organization.id}"
EXAMPLE_ORG_ID = "o-a1b2c3d4e5"  # config/organization.yaml's organization.id
ROOT_ID = "${aws_organizations_organization.organization.roots[0].id}"
LOCKED = {"@@operators_allowed_for_child_policies": ["@@none"]}


def test_the_data_perimeter_is_attached_at_root_with_the_organizations_id(org_stack, example) -> None:
    [perimeter] = example.rcps
    policy = resources(org_stack, "aws_organizations_policy")["rcp_data-perimeter"]
    assert_subset(policy, {"name": "data-perimeter", "type": "RESOURCE_CONTROL_POLICY",
                           "depends_on": ["aws_organizations_organization.organization"]})
    # organization.id is known, so the document carries it as written; the rest is the file
    assert policy["content"] == perimeter.content and "organization_id" not in policy["content"]
    statements = {s["Sid"]: s for s in json.loads(policy["content"])["Statement"]}
    assert statements["EnforceOrgIdentities"]["Condition"]["StringNotEqualsIfExists"]["aws:PrincipalOrgID"] == \
        EXAMPLE_ORG_ID
    assert statements["EnforceNetworkPerimeterVpceOrgID"]["Condition"]["NotIpAddressIfExists"] == {
        "aws:SourceIp": ["198.51.100.0/24"]}
    assert {svc.split(":")[0] for s in statements.values() for svc in s["Action"]} == {
        "s3", "sts", "kms", "sqs", "secretsmanager"}
    assert_subset(resources(org_stack, "aws_organizations_policy_attachment")["rcp_data-perimeter_to_root"], {
        "policy_id": "${aws_organizations_policy.rcp_data-perimeter.id}", "target_id": ROOT_ID})


def test_ai_services_are_opted_out_at_root_and_no_child_may_opt_in(org_stack) -> None:
    policy = resources(org_stack, "aws_organizations_policy")["ai_opt_out_ai-services-opt-out"]
    assert policy["type"] == "AISERVICES_OPT_OUT_POLICY"
    assert json.loads(policy["content"]) == {"services": {
        **LOCKED, "default": {**LOCKED, "opt_out_policy": {**LOCKED, "@@assign": "optOut"}}}}
    assert_subset(resources(org_stack, "aws_organizations_policy_attachment")["ai_opt_out_ai-services-opt-out_to_root"],
                  {"target_id": ROOT_ID})


def test_no_declarative_policy_unless_configured(org_stack) -> None:
    types = {p["type"] for p in resources(org_stack, "aws_organizations_policy").values()}
    assert "DECLARATIVE_POLICY_EC2" not in types
    assert "DECLARATIVE_POLICY_EC2" not in resources(org_stack, "aws_organizations_organization")["organization"][
        "enabled_policy_types"]


def test_every_policy_type_the_variant_uses_is_enabled(policy_variant) -> None:
    _, stack = policy_variant
    enabled = resources(stack, "aws_organizations_organization")["organization"]["enabled_policy_types"]
    used = {p["type"] for p in resources(stack, "aws_organizations_policy").values()}
    assert used == {"SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY",
                    "AISERVICES_OPT_OUT_POLICY", "DECLARATIVE_POLICY_EC2"}
    assert sorted(used) == enabled


def test_declarative_ec2_policy_holds_each_option_with_its_default(policy_variant) -> None:
    _, stack = policy_variant
    policy = resources(stack, "aws_organizations_policy")["declarative_ec2_ec2-baseline"]
    assert json.loads(policy["content"]) == {"ec2_attributes": {
        "exception_message": {"@@assign": "Changed by landingzone only; see the platform wiki."},
        "vpc_block_public_access": {"internet_gateway_block": {"mode": {"@@assign": "block_bidirectional"},
                                                               "exclusions_allowed": {"@@assign": "disabled"}}},
        "serial_console_access": {"status": {"@@assign": "disabled"}},
        "image_block_public_access": {"state": {"@@assign": "block_new_sharing"}},
        "instance_metadata_defaults": {"http_tokens": {"@@assign": "required"},
                                       "http_put_response_hop_limit": {"@@assign": "-1"},
                                       "http_endpoint": {"@@assign": "no_preference"},
                                       "instance_metadata_tags": {"@@assign": "no_preference"}},
        "snapshot_block_public_access": {"state": {"@@assign": "block_all_sharing"}},
    }}
    attachments = resources(stack, "aws_organizations_policy_attachment")
    assert attachments["declarative_ec2_ec2-baseline_to_root"]["target_id"] == ROOT_ID


def test_rcps_attach_to_ous_and_accounts_by_name(policy_variant) -> None:
    _, stack = policy_variant
    attachments = {name: body["target_id"] for name, body in
                   resources(stack, "aws_organizations_policy_attachment").items() if name.startswith("rcp_tls-only")}
    assert attachments == {
        "rcp_tls-only_to_ou_Workloads_Prod": "${aws_organizations_organizational_unit.ou_Workloads_Prod.id}",
        "rcp_tls-only_to_account_dev": "${aws_organizations_account.account_dev.id}"}


def test_an_unknown_organization_id_is_the_org_stacks_reference(policy_variant) -> None:
    """Without organization.id the organization does not exist before the org stack runs: its ID is a reference."""
    _, stack = policy_variant
    content = resources(stack, "aws_organizations_policy")["rcp_data-perimeter"]["content"]
    assert f'"aws:PrincipalOrgID":"{ORG_ID}"' in content and "organization_id" not in content
    assert EXAMPLE_ORG_ID not in content


def test_an_opt_out_exception_is_locked_like_the_default(policy_variant) -> None:
    _, stack = policy_variant
    services = json.loads(resources(stack, "aws_organizations_policy")["ai_opt_out_ai-services-opt-out"]["content"])[
        "services"]
    assert services["rekognition"] == {**LOCKED, "opt_out_policy": {**LOCKED, "@@assign": "optIn"}}
    assert services["default"]["opt_out_policy"]["@@assign"] == "optOut"


def test_what_the_check_protects_is_what_the_security_stack_grants(example, example_synth: Path) -> None:
    """The self-blocking check's model of who writes the log archive must agree with the bucket and key policies
    the security stack writes: each service need is an action the service is allowed there."""
    security = json.loads((example_synth / "stacks" / "security" / "cdk.tf.json").read_text())["resource"]
    granted = {"log archive bucket": security["aws_s3_bucket_policy"]["s3_policy_audit_logs"]["policy"],
               "config bucket": security["aws_s3_bucket_policy"]["s3_policy_config_logs"]["policy"],
               "access-log bucket": security["aws_s3_bucket_policy"]["s3_policy_access_logs"]["policy"],
               "log archive key": security["aws_kms_key"]["kms_key_audit_logs"]["policy"]}
    estate = estate_of(example.organization, [a.manifest for a in example.accounts])
    checked = 0
    for resource in protected_resources(estate):
        if resource.kind not in granted:
            continue
        allows = [s for s in json.loads(granted[resource.kind])["Statement"] if s["Effect"] == "Allow"]
        for need in resource.needs:
            service = need.caller.label.split("(")[1].rstrip(")")
            assert any(service in _list(s["Principal"].get("Service", [])) and
                       any(fnmatchcase(need.action, a) for a in _list(s["Action"])) for s in allows), (
                resource.kind, service, need.action)
            checked += 1
    assert checked == 10  # CloudTrail 2 + Config 3 on the bucket, 2 + 2 on the key, S3 logging 1


def test_an_rcp_on_the_management_account_is_a_warning(project: Path) -> None:
    config = project / "config" / "organization.yaml"
    config.write_text(config.read_text().replace(
        "    attach_to:\n      root: true\n\n# AWS AI services", "    attach_to:\n      root: true\n      "
        "accounts: [management]\n\n# AWS AI services", 1))
    [warning] = load_landing_zone(project).warnings
    assert warning.message == (
        "warning: 'management' is the management account, where RCPs never apply (they restrict the resources of "
        "member accounts only), so this attachment protects nothing; keep data out of the management account")


def test_listed_policy_types_are_enabled_as_listed(example) -> None:
    settings = example.organization.organization.model_copy(update={"enabled_policy_types": (
        "SERVICE_CONTROL_POLICY", "TAG_POLICY")})
    assert example.organization.model_copy(update={"organization": settings}).policy_types() == (
        "SERVICE_CONTROL_POLICY", "TAG_POLICY")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
