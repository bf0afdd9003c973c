"""Assertions on the synthesized `org` stack of the example organisation and variants of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import addresses, assert_subset, resources

pytestmark = pytest.mark.synth


def test_organization_enables_all_features_and_is_protected(org_stack) -> None:
    assert_subset(resources(org_stack, "aws_organizations_organization")["organization"], {
        "feature_set": "ALL",
        "enabled_policy_types": ["SERVICE_CONTROL_POLICY", "TAG_POLICY"],
        "lifecycle": {"prevent_destroy": True},
    })
    principals = resources(org_stack, "aws_organizations_organization")["organization"]["aws_service_access_principals"]
    assert {"sso.amazonaws.com", "cloudtrail.amazonaws.com", "ram.amazonaws.com"} <= set(principals)


def test_ou_tree_nests_by_path(org_stack) -> None:
    ous = resources(org_stack, "aws_organizations_organizational_unit")
    assert set(ous) == {"ou_Security", "ou_Infrastructure", "ou_Workloads", "ou_Workloads_Prod",
                        "ou_Workloads_NonProd"}
    assert_subset(ous["ou_Workloads_Prod"], {
        "name": "Prod", "parent_id": "${aws_organizations_organizational_unit.ou_Workloads.id}"})
    assert ous["ou_Security"]["parent_id"] == "${aws_organizations_organization.organization.roots[0].id}"


def test_accounts_never_close_and_are_protected(org_stack) -> None:
    accounts = resources(org_stack, "aws_organizations_account")
    assert set(accounts) == {f"account_{n}" for n in
                             ("dev", "log-archive", "prod", "security", "shared-services", "staging")}
    for name, account in accounts.items():
        assert_subset(account, {"close_on_deletion": False, "lifecycle": {"prevent_destroy": True}}, name)
        assert "role_name" in account["lifecycle"]["ignore_changes"]


def test_accounts_sit_in_their_ou_with_their_tags(org_stack) -> None:
    assert_subset(resources(org_stack, "aws_organizations_account")["account_prod"], {
        "email": "aws-prod@acme-corp.example",
        "parent_id": "${aws_organizations_organizational_unit.ou_Workloads_Prod.id}",
        "tags": {"Environment": "prod", "Owner": "meeting-recorder-team", "Project": "meeting-recorder",
                 "CostCenter": "CC-2000"},
    })


def test_management_account_is_not_created(org_stack) -> None:
    names = [a["name"] for a in resources(org_stack, "aws_organizations_account").values()]
    assert "management" not in names


def test_scp_attachments_match_config(org_stack, example) -> None:
    attachments = resources(org_stack, "aws_organizations_policy_attachment")
    expected = set()
    for scp in example.scps:
        targets = (["root"] if scp.attach_to.root else []) + [f"ou_{p.replace('/', '_')}" for p in scp.attach_to.ous]
        expected |= {f"scp_{scp.name}_to_{t}" for t in targets}
    assert set(attachments) - {"tag_policy_required-tags_to_root"} == expected
    assert_subset(attachments["scp_deny-unapproved-regions_to_ou_Workloads"], {
        "policy_id": "${aws_organizations_policy.scp_deny-unapproved-regions.id}",
        "target_id": "${aws_organizations_organizational_unit.ou_Workloads.id}"})


def test_scp_content_is_the_rendered_document(org_stack, example) -> None:
    policies = resources(org_stack, "aws_organizations_policy")
    for scp in example.scps:
        assert_subset(policies[f"scp_{scp.name}"], {"type": "SERVICE_CONTROL_POLICY", "content": scp.content})
    regions = json.loads(policies["scp_deny-unapproved-regions"]["content"])["Statement"][0]["Condition"]
    assert regions["StringNotEquals"]["aws:RequestedRegion"] == ["us-east-1", "us-west-2"]


def test_tag_policy_requires_tags_with_values(org_stack) -> None:
    policy = resources(org_stack, "aws_organizations_policy")["tag_policy_required-tags"]
    assert policy["type"] == "TAG_POLICY"
    assert json.loads(policy["content"])["tags"] == {
        "environment": {"tag_key": {"@@assign": "Environment"},
                        "tag_value": {"@@assign": ["prod", "staging", "dev", "shared"]}},
        "project": {"tag_key": {"@@assign": "Project"}},
        "owner": {"tag_key": {"@@assign": "Owner"}},
    }


def test_provider_tags_every_resource(org_stack) -> None:
    assert_subset(org_stack["provider"]["aws"][0], {"region": "us-east-1", "default_tags": [{"tags": {
        "Environment": "shared", "Project": "landingzone", "Owner": "platform-team", "CostCenter": "CC-1000",
        "ManagedBy": "landingzone"}}]})


def test_backend_path_is_relative(org_stack) -> None:
    assert org_stack["terraform"]["backend"] == {"local": {"path": "terraform.org.tfstate"}}


def test_account_with_id_is_adopted_by_import(project: Path, synth_stack) -> None:
    manifest = project / "accounts" / "prod.yaml"
    manifest.write_text(manifest.read_text() + 'id: "123456789012"\n')
    stack = synth_stack(project)
    assert stack["import"] == [{"id": "123456789012", "to": "aws_organizations_account.account_prod"}]


def test_policy_variables_are_escaped_for_terraform(project: Path, synth_stack) -> None:
    add_variable_scp(project)
    content = resources(synth_stack(project), "aws_organizations_policy")["scp_team-boundary"]["content"]
    assert "$${aws:PrincipalTag/team}" in content and "$${aws:username}" in content and "%%{" in content
    assert "${aws" not in content.replace("$${aws", "")


def test_addresses_come_from_names_not_positions(project: Path, synth_stack, org_stack) -> None:
    (project / "accounts" / "dev.yaml").unlink()
    without_dev = addresses(synth_stack(project))
    assert without_dev == addresses(org_stack) - {"aws_organizations_account.account_dev"}


VARIABLE_SCP = {
    "Version": "2012-10-17",
    "Statement": [{
        "Sid": "OwnTeamOnly", "Effect": "Deny", "Action": ["s3:DeleteObject"],
        "Resource": "arn:aws:s3:::team-data/${aws:username}/*",
        "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"},
                      "StringLike": {"s3:prefix": "%{literal}"}},
    }],
}


def add_variable_scp(project: Path) -> None:
    (project / "policies" / "scp" / "team-boundary.json").write_text(json.dumps(VARIABLE_SCP, indent=2))
    config = project / "config" / "organization.yaml"
    config.write_text(config.read_text() + "  - name: team-boundary\n    file: policies/scp/team-boundary.json\n"
                      "    description: Policy variables must reach AWS unchanged.\n    attach_to:\n"
                      "      accounts: [dev]\n")
