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
        # the types the example uses, each enabled before its policies are created
        "enabled_policy_types": ["AISERVICES_OPT_OUT_POLICY", "BACKUP_POLICY", "RESOURCE_CONTROL_POLICY",
                                 "SERVICE_CONTROL_POLICY", "TAG_POLICY"],
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


def test_scp_attaches_to_accounts_by_name(project: Path, synth_stack) -> None:
    config = project / "config" / "organization.yaml"
    config.write_text(config.read_text().replace("      ous: [Security, Infrastructure, Workloads]\n",
                                                "      ous: [Security, Infrastructure]\n      accounts: [prod, dev]\n"))
    attachments = resources(synth_stack(project), "aws_organizations_policy_attachment")
    assert_subset(attachments["scp_deny-unapproved-regions_to_account_prod"], {
        "target_id": "${aws_organizations_account.account_prod.id}"})
    assert "scp_deny-unapproved-regions_to_account_dev" in attachments
    assert "scp_deny-unapproved-regions_to_ou_Workloads" not in attachments


def test_decommissioned_account_leaves_the_org_stack(project: Path, synth_stack) -> None:
    dev = project / "accounts" / "dev.yaml"
    dev.write_text(dev.read_text() + "decommission:\n  reason: moves to the sandbox organization\n  account: true\n")
    assert "account_dev" not in resources(synth_stack(project), "aws_organizations_account")


def test_account_names_cannot_collide_with_other_constructs(project: Path, synth_stack) -> None:
    for name in ("organization", "aws", "ous"):
        (project / "accounts" / f"{name}.yaml").write_text(
            f"name: {name}\nemail: aws-{name}@acme-corp.example\nou: Workloads/NonProd\nenvironment: dev\n"
            "owner: team\ncost_center: CC-1\nbudget: {monthly_limit_usd: 10, alert_emails: [team@acme-corp.example]}\n")
    accounts = resources(synth_stack(project), "aws_organizations_account")
    assert {"account_organization", "account_aws", "account_ous"} <= set(accounts)


def test_scp_attachments_match_config(org_stack, example) -> None:
    attachments = resources(org_stack, "aws_organizations_policy_attachment")
    expected = set()
    for scp in example.scps:
        targets = (["root"] if scp.attach_to.root else []) + [f"ou_{p.replace('/', '_')}" for p in scp.attach_to.ous]
        expected |= {f"scp_{scp.name}_to_{t}" for t in targets}
    others = {"tag_policy_required-tags_to_root", "backup_policy_daily-backups_to_root", "rcp_data-perimeter_to_root",
              "ai_opt_out_ai-services-opt-out_to_root"}
    assert set(attachments) - others == expected
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
        "costcenter": {"tag_key": {"@@assign": "CostCenter"}},
        "managedby": {"tag_key": {"@@assign": "ManagedBy"}, "tag_value": {"@@assign": ["landingzone"]}},
        # the backup policy selects on Backup=daily, so another value would silently never be backed up
        "backup": {"tag_key": {"@@assign": "Backup"}, "tag_value": {"@@assign": ["daily"]}},
    }


def test_provider_default_tags_are_organisation_wide_only(org_stack) -> None:
    """Member accounts must not inherit the management account's Owner or CostCenter through tags_all."""
    provider = org_stack["provider"]["aws"][0]
    assert provider["default_tags"] == [{"tags": {"Project": "landingzone", "ManagedBy": "landingzone"}}]
    assert provider["region"] == "us-east-1"
    assert "assume_role" not in provider  # the management account's ID is not in its manifest


def test_organisation_resources_carry_platform_tags(org_stack) -> None:
    platform = {"Environment": "shared", "Owner": "platform-team", "CostCenter": "CC-1000", "Project": "landingzone"}
    assert resources(org_stack, "aws_organizations_organizational_unit")["ou_Security"]["tags"] == platform
    assert resources(org_stack, "aws_organizations_policy")["scp_deny-root-user"]["tags"] == platform


def test_known_management_account_pins_provider_and_assumes_deployer(project: Path, synth_stack) -> None:
    manifest = project / "accounts" / "management.yaml"
    manifest.write_text(manifest.read_text() + 'id: "111122223333"\n')
    config = project / "config" / "organization.yaml"
    config.write_text(config.read_text().replace("  name: acme\n", "  name: acme\n  id: o-abcd123456\n"))
    stack = synth_stack(project)
    assert_subset(stack["provider"]["aws"][0], {"allowed_account_ids": ["111122223333"], "assume_role": [
        {"role_arn": "arn:aws:iam::111122223333:role/LandingZoneDeployer", "session_name": "landingzone-org"}]})
    assert {"id": "o-abcd123456", "to": "aws_organizations_organization.organization"} in stack["import"]


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
