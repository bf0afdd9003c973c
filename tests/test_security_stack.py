"""The security stack, the security baseline of every account and the org stack's tag and backup policies, read
from the synthesized example; then what the `security:` section switches on and off."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import assert_subset, resources
from landingzone.config import LandingZone, load_landing_zone
from landingzone.stacks import stack_specs

pytestmark = pytest.mark.synth

REGIONS = ("us-east-1", "us-west-2")  # allowed_regions; the first is home
HOME = REGIONS[0]
ROLE_SET = ("ReadOnlyRole", "PowerUserRole", "AdminRole", "LambdaExecutionRole", "APIGatewayRole")
MANDATORY_TAGS = ("Environment", "Project", "Owner", "CostCenter", "ManagedBy")
ORG_ID = "o-a1b2c3d4e5"  # organization.id, written as it is
ROOT_ID = "${var.organization_root_id}"  # filled from the org stack's output of the same name
PROD_ID = "${var.account_id_prod}"
MANAGEMENT_ID = "123456789012"  # the management manifest's id


def load_stack(out: Path, name: str) -> dict[str, Any]:
    """A stack's Terraform JSON from a synthesis output folder."""
    return json.loads((out / "stacks" / name / "cdk.tf.json").read_text())


def policy(resource: dict[str, Any], key: str = "policy") -> dict[str, Any]:
    return json.loads(resource[key])


def actions(statement: dict[str, Any]) -> list[str]:
    action = statement.get("Action", [])
    return [action] if isinstance(action, str) else action


def provider_of(stack: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """The provider block a resource runs with (`aws` is the one without an alias)."""
    alias = resource.get("provider", "aws").partition(".")[2] or None
    [block] = [p for p in stack["provider"]["aws"] if p.get("alias") == alias]
    return block


def account_behind(stack: dict[str, Any], expression: str, ids: dict[str, str]) -> str:
    """The account an account-ID expression names: a manifest's literal `id`, or the variable `account_id_<name>`
    the stack declares for the org stack's output of that name."""
    variable = re.fullmatch(r"\$\{var\.(account_id_\w+)\}", expression)
    if variable:
        assert variable.group(1) in stack["variable"], expression
    return ids[expression]


def account_of(stack: dict[str, Any], resource: dict[str, Any], ids: dict[str, str]) -> str:
    """The account whose deployer role the resource's provider assumes, and to which it is pinned."""
    block = provider_of(stack, resource)
    arn = block["assume_role"][0]["role_arn"]
    role = re.fullmatch(r"arn:aws:iam::(.+):role/LandingZoneDeployer", arn)
    assert role, arn
    assert block["allowed_account_ids"] == [role.group(1)]
    return account_behind(stack, role.group(1), ids)


def by_name(stack: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in resources(stack, kind).values()}


def referenced(stack: dict[str, Any], expression: str) -> dict[str, Any]:
    """The resource a `${kind.name.attribute}` expression points at."""
    match = re.fullmatch(r"\$\{(\w+)\.([\w-]+)\.\w+\}", expression)
    assert match, expression
    return resources(stack, match.group(1))[match.group(2)]


@pytest.fixture(scope="module")
def emails(example: LandingZone) -> dict[str, str]:
    return account_expressions(example)


def account_expressions(lz: LandingZone) -> dict[str, str]:
    """Account-ID expressions → account names: a manifest's literal `id`, or the org stack's output variable."""
    return {a.manifest.id or f"${{var.account_id_{a.name.replace('-', '_')}}}": a.name for a in lz.accounts}


@pytest.fixture(scope="module")
def security(example_synth: Path) -> dict[str, Any]:
    return load_stack(example_synth, "security")


@pytest.fixture(scope="module")
def prod(example_synth: Path) -> dict[str, Any]:
    return load_stack(example_synth, "baseline-prod")


@pytest.fixture(scope="module")
def baselines(example_synth: Path) -> dict[str, dict[str, Any]]:
    return {p.name: load_stack(example_synth, p.name) for p in (example_synth / "stacks").iterdir()
            if p.name.startswith("baseline-")}


# --- security stack ---------------------------------------------------------------------------------------------


def test_organization_trail_covers_every_account_and_region_into_the_archive(security, example) -> None:
    [trail] = resources(security, "aws_cloudtrail").values()
    assert_subset(trail, {"is_organization_trail": True, "is_multi_region_trail": True,
                          "include_global_service_events": True, "enable_log_file_validation": True,
                          "kms_key_id": "${aws_kms_key.kms_key_audit_logs.arn}",
                          "s3_bucket_name": "${aws_s3_bucket.s3_audit_logs.id}"})
    group_ref = trail["cloud_watch_logs_group_arn"].removesuffix(":*")
    group = referenced(security, group_ref)
    assert group["retention_in_days"] == example.organization.security.log_retention.cloudwatch_days == 365
    assert referenced(security, group["kms_key_id"])["enable_key_rotation"] is True


@pytest.mark.parametrize(("name", "writer"), [("audit_logs", "cloudtrail.amazonaws.com"),
                                            ("config_logs", "config.amazonaws.com")])
def test_archive_buckets_are_private_encrypted_kept_and_written_only_by_their_service(security, name: str,
                                                                                     writer: str) -> None:
    bucket = resources(security, "aws_s3_bucket")[f"s3_{name}"]
    assert bucket["lifecycle"] == {"prevent_destroy": True}
    assert resources(security, "aws_kms_key")["kms_key_audit_logs"]["lifecycle"] == {"prevent_destroy": True}
    assert resources(security, "aws_s3_bucket_versioning")[f"s3_versioning_{name}"]["versioning_configuration"] == {
        "status": "Enabled"}
    block = resources(security, "aws_s3_bucket_public_access_block")[f"s3_public_access_{name}"]
    assert all(block[k] is True for k in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                          "restrict_public_buckets"))
    assert resources(security, "aws_s3_bucket_ownership_controls")[f"s3_ownership_{name}"]["rule"] == {
        "object_ownership": "BucketOwnerEnforced"}
    [sse] = resources(security, "aws_s3_bucket_server_side_encryption_configuration")[f"s3_encryption_{name}"]["rule"]
    assert sse["apply_server_side_encryption_by_default"] == {
        "sse_algorithm": "aws:kms", "kms_master_key_id": "${aws_kms_key.kms_key_audit_logs.arn}"}
    [rule] = resources(security, "aws_s3_bucket_lifecycle_configuration")[f"s3_lifecycle_{name}"]["rule"]
    assert_subset(rule, {"status": "Enabled", "expiration": [{"days": 2557}],
                         "abort_incomplete_multipart_upload": [{"days_after_initiation": 7}]})
    logging = resources(security, "aws_s3_bucket_logging")[f"s3_logging_{name}"]
    assert logging["target_bucket"] == "${aws_s3_bucket.s3_access_logs.id}"

    statements = policy(resources(security, "aws_s3_bucket_policy")[f"s3_policy_{name}"])["Statement"]
    arn = f"arn:aws:s3:::{bucket['bucket']}"
    [tls] = [s for s in statements if s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
    assert (tls["Effect"], tls["Action"], sorted(tls["Resource"])) == ("Deny", "s3:*", [arn, f"{arn}/*"])
    [no_delete] = [s for s in statements if "s3:DeleteObject" in actions(s)]
    assert (no_delete["Effect"], no_delete["Principal"]) == ("Deny", "*")
    assert "s3:DeleteObjectVersion" in actions(no_delete)
    trail_arn = f"arn:aws:cloudtrail:{HOME}:{MANAGEMENT_ID}:trail/acme-organization-trail"
    assert resources(security, "aws_cloudtrail")["cloudtrail_organization"]["name"] == "acme-organization-trail"
    by_service: dict[str, list[dict[str, Any]]] = {}
    for statement in statements:
        if "Service" in statement.get("Principal", {}):
            by_service.setdefault(statement["Principal"]["Service"], []).append(statement)
    assert sorted(by_service) == [writer]
    expected = {"cloudtrail.amazonaws.com": {"StringEquals": {"aws:SourceArn": trail_arn}},
                "config.amazonaws.com": {"StringEquals": {"aws:SourceOrgID": ORG_ID}}}[writer]
    assert by_service[writer] and all(s["Condition"] == expected for s in by_service[writer])


def test_guardduty_is_administered_from_the_security_account_for_all_members_in_every_region(security,
                                                                                             emails) -> None:
    detectors = {provider_of(security, d)["region"]: (ref, d)
                 for ref, d in resources(security, "aws_guardduty_detector").items()}
    assert sorted(detectors) == list(REGIONS)
    admins = {provider_of(security, a)["region"]: a
              for a in resources(security, "aws_guardduty_organization_admin_account").values()}
    configurations = {provider_of(security, c)["region"]: c
                      for c in resources(security, "aws_guardduty_organization_configuration").values()}
    for region in REGIONS:
        ref, detector = detectors[region]
        assert detector["enable"] is True and account_of(security, detector, emails) == "security"
        assert account_of(security, admins[region], emails) == "management"
        assert account_behind(security, admins[region]["admin_account_id"], emails) == "security"
        assert configurations[region]["auto_enable_organization_members"] == "ALL"
        assert configurations[region]["detector_id"] == f"${{aws_guardduty_detector.{ref}.id}}"


def test_security_hub_is_centrally_configured_for_the_root_and_aggregates_the_other_region(security,
                                                                                         emails) -> None:
    [admin] = resources(security, "aws_securityhub_organization_admin_account").values()
    assert account_of(security, admin, emails) == "management"
    assert account_behind(security, admin["admin_account_id"], emails) == "security"
    [configuration] = resources(security, "aws_securityhub_organization_configuration").values()
    assert configuration["organization_configuration"] == {"configuration_type": "CENTRAL"}
    [association] = resources(security, "aws_securityhub_configuration_policy_association").values()
    assert association["target_id"] == ROOT_ID
    assert referenced(security, association["policy_id"])["configuration_policy"]["service_enabled"] is True
    [aggregator] = resources(security, "aws_securityhub_finding_aggregator").values()
    assert (aggregator["linking_mode"], aggregator["specified_regions"]) == ("SPECIFIED_REGIONS", ["us-west-2"])
    assert provider_of(security, aggregator)["region"] == HOME


def test_config_aggregator_and_access_analyzer_cover_the_organization_from_its_delegated_administrator(
        security, emails) -> None:
    [aggregator] = resources(security, "aws_config_configuration_aggregator").values()
    assert aggregator["organization_aggregation_source"]["all_regions"] is True
    delegated = {d["service_principal"]: d for d in resources(security, "aws_organizations_delegated_administrator")
                 .values()}
    assert sorted(delegated) == ["access-analyzer.amazonaws.com", "config.amazonaws.com"]
    [analyzer] = resources(security, "aws_accessanalyzer_analyzer").values()
    assert analyzer["type"] == "ORGANIZATION"
    assert account_of(security, analyzer, emails) == account_of(security, aggregator, emails) == "security"


def test_each_security_resource_is_created_in_its_own_account(security, emails) -> None:
    """The trail in the management account, the archive in log-archive, detection in the delegated administrator,
    and delegations made by the management account to the security account."""
    assert account_of(security, resources(security, "aws_cloudtrail")["cloudtrail_organization"], emails) == \
        "management"
    archive = [r for kind, items in security["resource"].items() if kind.startswith("aws_s3_")
               for r in items.values()] + [resources(security, "aws_kms_key")["kms_key_audit_logs"]]
    assert len(archive) > 10
    assert {account_of(security, r, emails) for r in archive} == {"log-archive"}
    for delegation in resources(security, "aws_organizations_delegated_administrator").values():
        assert account_of(security, delegation, emails) == "management"
        assert account_behind(security, delegation["account_id"], emails) == "security"
    assert account_of(security, {}, emails) == "security"  # the stack's default provider


# --- baseline stacks --------------------------------------------------------------------------------------------


def test_environment_key_rotates_survives_destroy_and_only_the_root_administers_it(prod) -> None:
    key = resources(prod, "aws_kms_key")["kms_key_environment"]
    assert key["enable_key_rotation"] is True and key["lifecycle"] == {"prevent_destroy": True}
    [alias] = [a for a in resources(prod, "aws_kms_alias").values()
               if a["target_key_id"] == "${aws_kms_key.kms_key_environment.key_id}"]
    assert alias["name"] == "alias/landingzone/prod"
    statements = policy(key)["Statement"]
    [admin] = [s for s in statements if {"kms:*", "*"} & set(actions(s))]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{PROD_ID}:root"}
    users = [s for s in statements if s is not admin]
    assert users and all(s["Effect"] == "Allow" and "NotAction" not in s for s in users)
    for statement in users:
        names = {referenced(prod, arn)["name"] for arn in statement["Principal"]["AWS"]}
        assert names == {"PowerUserRole", "AdminRole", "LambdaExecutionRole", "LandingZoneBackup"}


def test_role_set_is_bounded_and_trusted_only_by_who_must_assume_it(prod) -> None:
    roles = by_name(prod, "aws_iam_role")
    assert set(ROLE_SET) <= set(roles)
    for name in ROLE_SET:
        assert referenced(prod, roles[name]["permissions_boundary"])["name"] == "landingzone-boundary", name
    [admin] = policy(roles["AdminRole"], "assume_role_policy")["Statement"]
    assert admin["Principal"] == {"AWS": f"arn:aws:iam::{PROD_ID}:root"}
    assert admin["Condition"] == {"ArnLike": {"aws:PrincipalArn": [
        f"arn:aws:iam::{PROD_ID}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_AdminAccess_*"]}}
    [lambda_] = policy(roles["LambdaExecutionRole"], "assume_role_policy")["Statement"]
    assert lambda_["Principal"] == {"Service": "lambda.amazonaws.com"}
    assert lambda_["Condition"] == {"StringEquals": {"aws:SourceAccount": PROD_ID}}
    boundary = policy(by_name(prod, "aws_iam_policy")["landingzone-boundary"])
    denied = {a for s in boundary["Statement"] if s["Effect"] == "Deny" for a in actions(s)}
    assert {"cloudtrail:StopLogging", "iam:DeleteRolePermissionsBoundary"} <= denied


def test_every_baseline_analyzes_its_account(baselines) -> None:
    # The S3 account public access block and EBS default encryption are pinned in test_network_stack.
    assert len(baselines) == 7
    for name, stack in baselines.items():
        [analyzer] = resources(stack, "aws_accessanalyzer_analyzer").values()
        assert analyzer["type"] == "ACCOUNT", name


def test_budget_and_anomaly_alerts_follow_the_account_manifest(prod, example) -> None:
    manifest = example.account("prod").manifest.budget
    emails = list(manifest.alert_emails)
    [budget] = resources(prod, "aws_budgets_budget").values()
    assert_subset(budget, {"time_unit": "MONTHLY", "limit_unit": "USD", "limit_amount": "5000.00"})
    assert manifest.monthly_limit_usd == 5000
    alerts = sorted((n["notification_type"], n["threshold"]) for n in budget["notification"])
    assert alerts == [("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)]
    assert all(n["subscriber_email_addresses"] == emails and n["threshold_type"] == "PERCENTAGE"
               for n in budget["notification"])
    [monitor] = resources(prod, "aws_ce_anomaly_monitor").values()
    assert (monitor["monitor_type"], monitor["monitor_dimension"]) == ("DIMENSIONAL", "SERVICE")
    [subscription] = resources(prod, "aws_ce_anomaly_subscription").values()
    assert subscription["frequency"] == "DAILY"
    assert subscription["threshold_expression"]["dimension"]["values"] == ["100.00"]
    assert [s["address"] for s in subscription["subscriber"]] == emails


def test_every_baseline_provider_tags_resources_with_the_mandatory_tags(baselines, example) -> None:
    for name, stack in baselines.items():
        for block in stack["provider"]["aws"]:
            [default] = block["default_tags"]
            assert set(MANDATORY_TAGS) <= set(default["tags"]), (name, block.get("alias"))
            assert default["tags"]["ManagedBy"] == "landingzone"
        own = provider_of(stack, {})["default_tags"][0]["tags"]
        assert own["Environment"] == example.account(name.removeprefix("baseline-")).manifest.environment, name


def test_config_records_every_allowed_region_into_its_archive_bucket_and_global_types_once(baselines,
                                                                                           security) -> None:
    audit_bucket = resources(security, "aws_s3_bucket")["s3_config_logs"]["bucket"]
    for name, stack in baselines.items():
        recorders = {provider_of(stack, r)["region"]: r
                     for r in resources(stack, "aws_config_configuration_recorder").values()}
        assert sorted(recorders) == list(REGIONS), name
        for region, recorder in recorders.items():
            assert recorder["recording_group"] == {"all_supported": True,
                                                   "include_global_resource_types": region == HOME}, name
        channels = {provider_of(stack, c)["region"]: c for c in resources(stack, "aws_config_delivery_channel")
                    .values()}
        assert sorted(channels) == list(REGIONS), name
        assert {c["s3_bucket_name"] for c in channels.values()} == {audit_bucket}, name
        statuses = resources(stack, "aws_config_configuration_recorder_status").values()
        assert sorted(provider_of(stack, s)["region"] for s in statuses if s["is_enabled"]) == list(REGIONS), name


def test_backup_vault_uses_the_environment_key_and_the_backup_role_exists(prod) -> None:
    [vault] = resources(prod, "aws_backup_vault").values()
    assert_subset(vault, {"name": "landingzone", "kms_key_arn": "${aws_kms_key.kms_key_environment.arn}",
                          "lifecycle": {"prevent_destroy": True}})
    role = by_name(prod, "aws_iam_role")["LandingZoneBackup"]
    [trust] = policy(role, "assume_role_policy")["Statement"]
    assert trust["Principal"] == {"Service": "backup.amazonaws.com"}
    # confused-deputy protection, like every other service role of the baseline
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": PROD_ID}}


# --- org stack --------------------------------------------------------------------------------------------------


def test_backup_policy_backs_up_tagged_resources_into_the_baseline_vault_with_the_baseline_role(org_stack,
                                                                                                prod) -> None:
    policies = {p["type"]: (ref, p) for ref, p in resources(org_stack, "aws_organizations_policy").items()}
    ref, backup = policies["BACKUP_POLICY"]
    attachments = [a["target_id"] for a in resources(org_stack, "aws_organizations_policy_attachment").values()
                   if a["policy_id"] == f"${{aws_organizations_policy.{ref}.id}}"]
    assert attachments == ["${aws_organizations_organization.organization.roots[0].id}"]
    [plan] = json.loads(backup["content"])["plans"].values()
    [rule] = plan["rules"].values()
    [selection] = plan["selections"]["tags"].values()
    vault = next(iter(resources(prod, "aws_backup_vault").values()))["name"]
    assert_subset(rule, {"schedule_expression": {"@@assign": "cron(0 2 * * ? *)"},
                         "lifecycle": {"delete_after_days": {"@@assign": "30"}},
                         "target_backup_vault_name": {"@@assign": vault}})
    assert vault == "landingzone"
    assert selection == {"iam_role_arn": {"@@assign": "arn:aws:iam::$account:role/LandingZoneBackup"},
                         "tag_key": {"@@assign": "Backup"}, "tag_value": {"@@assign": ["daily"]}}
    assert "LandingZoneBackup" in by_name(prod, "aws_iam_role")
    tags = json.loads(policies["TAG_POLICY"][1]["content"])["tags"]
    assert {"costcenter", "managedby", "backup"} <= set(tags)
    assert tags["backup"]["tag_value"] == {"@@assign": ["daily"]}


# --- what the config switches -----------------------------------------------------------------------------------


def edit_organization(project: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Change the copied project's config/organization.yaml as data (its comments are not needed)."""
    path = project / "config" / "organization.yaml"
    config = yaml.safe_load(path.read_text())
    edit(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False))


def test_without_a_security_section_there_is_no_security_stack_and_no_config_recording(project: Path, synth_stack,
                                                                                        example) -> None:
    assert all("security" in s.depends_on for s in stack_specs(example) if s.name.startswith("baseline-"))
    edit_organization(project, lambda config: config.pop("security"))
    delivery = project / "config" / "delivery.yaml"  # protecting a stack that no longer exists is refused
    delivery.write_text(delivery.read_text().replace("protected_stacks: [bootstrap, org, security]",
                                                     "protected_stacks: [bootstrap, org]"))
    lz = load_landing_zone(project)
    assert lz.organization.security is None
    specs = stack_specs(lz)
    assert "security" not in {s.name for s in specs}
    baselines = [s for s in specs if s.name.startswith("baseline-")]
    assert len(baselines) == 7
    assert all("security" not in s.depends_on and "org" in s.depends_on for s in baselines)
    prod = synth_stack(project, "baseline-prod")
    assert resources(prod, "aws_budgets_budget")  # the baseline is still there
    for kind in ("aws_config_configuration_recorder", "aws_config_delivery_channel", "aws_iam_service_linked_role"):
        assert not resources(prod, kind), kind


def test_cloudtrail_alone_gives_the_trail_and_its_archive_without_organization_detection(project: Path,
                                                                                         synth_stack) -> None:
    def cloudtrail_only(config: dict[str, Any]) -> None:
        config["security"].update(services=["cloudtrail"])
        config["security"].pop("guardduty_protections")  # would have no effect now, which validation refuses

    edit_organization(project, cloudtrail_only)
    lz = load_landing_zone(project)
    assert lz.organization.security.services == ("cloudtrail",)
    assert all("security" not in s.depends_on for s in stack_specs(lz) if s.name.startswith("baseline-"))
    stack = synth_stack(project, "security")
    assert resources(stack, "aws_cloudtrail")["cloudtrail_organization"]["is_organization_trail"] is True
    assert resources(stack, "aws_s3_bucket")["s3_audit_logs"]
    detection = [kind for kind in stack["resource"] if kind.startswith((
        "aws_guardduty_", "aws_securityhub_", "aws_config_", "aws_accessanalyzer_",
        "aws_organizations_delegated_administrator"))]
    assert detection == []
