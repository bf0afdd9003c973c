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
        "enabled_policy_types": ["BACKUP_POLICY", "SERVICE_CONTROL_POLICY", "TAG_POLICY"],
        "lifecycle": {"prevent_destroy": True},
    })
    principals = resources(org_stack, "aws_organizations_organization")["organization"]["aws_service_access_principals"]
    assert {"sso.amazonaws.com", "cloudtrail.amazonaws.com", "ram.amazonaws.com"} <= set(principals)
    # the bootstrap stack's StackSet needs CloudFormation's trusted access; the organization owns the whole list
    assert "member.org.stacksets.cloudformation.amazonaws.com" in principals
    # the organization exists before the bootstrap stack, so the org stack adopts it
    assert {"id": "o-a1b2c3d4e5", "to": "aws_organizations_organization.organization"} in org_stack["import"]


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
    assert set(attachments) - {"tag_policy_required-tags_to_root", "backup_policy_daily-backups_to_root"} == expected
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


def test_org_runs_as_the_deployer_in_the_management_account_pinned_to_it(org_stack) -> None:
    provider = org_stack["provider"]["aws"][0]
    assert provider["allowed_account_ids"] == ["123456789012"]
    assert provider["assume_role"] == [{"role_arn": "arn:aws:iam::123456789012:role/LandingZoneDeployer",
                                        "session_name": "org@${var.spacelift_run_id}", "duration": "1h"}]
    assert org_stack["variable"]["spacelift_run_id"]["default"] == "manual"


def test_org_outputs_every_id_the_other_stacks_take(org_stack, example) -> None:
    outputs = org_stack["output"]
    accounts = {f"account_id_{a.name.replace('-', '_')}" for a in example.accounts if not a.decommissioned}
    assert set(outputs) == accounts | {"organization_id", "organization_root_id"}
    assert outputs["account_id_prod"]["value"] == "${aws_organizations_account.account_prod.id}"
    assert outputs["account_id_management"]["value"] == "123456789012"  # the manifest's id, as written
    assert outputs["organization_root_id"]["value"] == "${aws_organizations_organization.organization.roots[0].id}"


def test_organisation_resources_carry_platform_tags(org_stack) -> None:
    platform = {"Environment": "shared", "Owner": "platform-team", "CostCenter": "CC-1000", "Project": "landingzone"}
    assert resources(org_stack, "aws_organizations_organizational_unit")["ou_Security"]["tags"] == platform
    assert resources(org_stack, "aws_organizations_policy")["scp_deny-root-user"]["tags"] == platform


def test_without_delivery_config_state_is_local_and_an_unknown_management_account_is_the_runner(
        project: Path, synth_stack) -> None:
    (project / "config" / "delivery.yaml").unlink()
    manifest = project / "accounts" / "management.yaml"
    manifest.write_text(manifest.read_text().replace('id: "123456789012"\n', ""))
    config = project / "config" / "organization.yaml"
    config.write_text(config.read_text().replace("  id: o-a1b2c3d4e5", "  # no id"))
    stack = synth_stack(project)
    # a relative path: cdktf's implicit local backend records an absolute one, which differs per checkout
    assert stack["terraform"]["backend"] == {"local": {"path": "terraform.org.tfstate"}}
    assert "required_version" not in stack["terraform"]
    assert "assume_role" not in stack["provider"]["aws"][0] and "allowed_account_ids" not in stack["provider"]["aws"][0]
    assert "import" not in stack  # the org stack creates the organization
    assert stack["output"]["account_id_management"]["value"] == (
        "${aws_organizations_organization.organization.master_account_id}")
    principals = resources(stack, "aws_organizations_organization")["organization"]["aws_service_access_principals"]
    assert "member.org.stacksets.cloudformation.amazonaws.com" not in principals


def test_backend_is_s3_locked_by_its_lockfile_with_the_configured_terraform(org_stack) -> None:
    assert org_stack["terraform"]["backend"] == {"s3": {
        "bucket": "acme-landingzone-terraform-state", "key": "landingzone/org.tfstate", "region": "us-east-1",
        "encrypt": True, "kms_key_id": "arn:aws:kms:us-east-1:123456789012:alias/landingzone/terraform-state",
        "use_lockfile": True}}
    assert org_stack["terraform"]["required_version"] == "~> 1.11.4"


def test_account_with_id_is_adopted_by_import(project: Path, synth_stack) -> None:
    manifest = project / "accounts" / "prod.yaml"
    manifest.write_text(manifest.read_text() + 'id: "210987654321"\n')
    stack = synth_stack(project)
    assert {"id": "210987654321", "to": "aws_organizations_account.account_prod"} in stack["import"]


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
