"""What the organization trail records besides management events, the CIS alarms on it, GuardDuty's protection
plans and centralized root access, read from the synthesized example; then what `security:` switches off."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import resources
from test_security_stack import account_expressions, account_of, edit_organization, load_stack, policy, provider_of

pytestmark = pytest.mark.synth

REGIONS = ("us-east-1", "us-west-2")
PROTECTIONS = {"S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION", "LAMBDA_NETWORK_LOGS", "RUNTIME_MONITORING"}
# CIS AWS Foundations v3.0 section 4: a few of the events each alarm must catch, from the benchmark's text.
CIS_EVENTS = {
    "unauthorized-api-calls": ["*UnauthorizedOperation", "AccessDenied*"],
    "console-sign-in-without-mfa": ["ConsoleLogin", "MFAUsed"],
    "root-usage": ['"Root"', "invokedBy NOT EXISTS"],
    "iam-policy-changes": ["PutRolePolicy", "AttachRolePolicy", "CreatePolicyVersion", "DetachGroupPolicy"],
    "cloudtrail-changes": ["StopLogging", "DeleteTrail", "UpdateTrail"],
    "console-authentication-failures": ["ConsoleLogin", "Failed authentication"],
    "kms-key-disabled-or-deleted": ["DisableKey", "ScheduleKeyDeletion"],
    "s3-bucket-policy-changes": ["PutBucketPolicy", "DeleteBucketPolicy", "PutBucketAcl", "PutBucketLifecycle"],
    "config-changes": ["StopConfigurationRecorder", "DeleteDeliveryChannel"],
    "security-group-changes": ["AuthorizeSecurityGroupIngress", "RevokeSecurityGroupEgress"],
    "network-acl-changes": ["CreateNetworkAclEntry", "ReplaceNetworkAclAssociation"],
    "network-gateway-changes": ["AttachInternetGateway", "CreateCustomerGateway"],
    "route-table-changes": ["CreateRoute", "DisassociateRouteTable"],
    "vpc-changes": ["CreateVpc", "CreateVpcPeeringConnection", "ModifyVpcAttribute"],
    # every event of the benchmark's list (and CreateOrganization, which Prowler's pattern adds): one left out is a
    # change nobody is told of
    "organizations-changes": ["organizations.amazonaws.com", *(f"($.eventName = {name})" for name in (
        "AcceptHandshake", "AttachPolicy", "CancelHandshake", "CreateAccount", "CreateOrganization",
        "CreateOrganizationalUnit", "CreatePolicy", "DeclineHandshake", "DeleteOrganization",
        "DeleteOrganizationalUnit", "DeletePolicy", "EnableAllFeatures", "EnablePolicyType",
        "InviteAccountToOrganization", "LeaveOrganization", "DetachPolicy", "DisablePolicyType", "MoveAccount",
        "RemoveAccountFromOrganization", "UpdateOrganizationalUnit", "UpdatePolicy"))],
}


@pytest.fixture(scope="module")
def security(example_synth: Path) -> dict[str, Any]:
    return load_stack(example_synth, "security")


@pytest.fixture(scope="module")
def emails(example) -> dict[str, str]:
    return account_expressions(example)


def selectors(stack: dict[str, Any]) -> dict[str, dict[str, dict[str, list[str]]]]:
    """{selector name: {field: its matchers}} of the organization trail."""
    trail = resources(stack, "aws_cloudtrail")["cloudtrail_organization"]
    return {s["name"]: {f["field"]: {k: v for k, v in f.items() if k != "field"} for f in s["field_selector"]}
            for s in trail["advanced_event_selector"]}


def test_the_trail_records_management_events_and_the_data_events_config_asks_for(security, example_synth) -> None:
    found = selectors(security)
    assert found["Management events selector"] == {"eventCategory": {"equals": ["Management"]}}
    archive = ["arn:aws:s3:::acme-audit-logs-${var.account_id_log_archive}/",
               "arn:aws:s3:::acme-config-logs-${var.account_id_log_archive}/"]
    reads = found["Log archive reads"]
    assert reads["readOnly"] == {"equals": ["true"]} and reads["resources.ARN"] == {"starts_with": archive}
    # the archive's own writes are left out: the trail writing its files would record itself in a loop
    tampering = found["Log archive deletes and lock changes"]
    assert "readOnly" not in tampering and set(tampering["eventName"]["equals"]) >= {"DeleteObject",
                                                                                   "PutObjectRetention"}
    assert found["Lambda invocations"]["resources.type"] == {"equals": ["AWS::Lambda::Function"]}
    # one prefix per workload, whatever the number of accounts (a trail holds at most 500 selector values)
    prefixes = found["Workload data"]["resources.ARN"]["starts_with"]
    assert prefixes == ["arn:aws:s3:::acme-recordings-"]
    for account in ("prod", "staging"):
        workload = load_stack(example_synth, f"meeting-recorder-{account}")
        names = {b["bucket"] for b in resources(workload, "aws_s3_bucket").values()}
        assert names and all(f"arn:aws:s3:::{n}/key".startswith(prefixes[0]) for n in names), account


def test_the_trail_runs_both_insight_types(security) -> None:
    trail = resources(security, "aws_cloudtrail")["cloudtrail_organization"]
    assert trail["insight_selector"] == [{"insight_type": "ApiCallRateInsight"},
                                         {"insight_type": "ApiErrorRateInsight"}]


def test_every_cis_alarm_watches_the_trails_log_group_and_tells_the_configured_people(security, emails) -> None:
    filters = resources(security, "aws_cloudwatch_log_metric_filter")
    alarms = {a["alarm_name"]: a for a in resources(security, "aws_cloudwatch_metric_alarm").values()}
    assert sorted(f["name"] for f in filters.values()) == sorted(f"cis-{name}" for name in CIS_EVENTS)
    [topic_ref] = resources(security, "aws_sns_topic")
    for metric_filter in filters.values():
        name = metric_filter["name"]
        assert metric_filter["log_group_name"] == "${aws_cloudwatch_log_group.log_group_trail.name}"
        for event in CIS_EVENTS[name.removeprefix("cis-")]:
            assert event in metric_filter["pattern"], (name, event)
        transformation = metric_filter["metric_transformation"]
        alarm = alarms[name]
        assert (alarm["namespace"], alarm["metric_name"]) == (transformation["namespace"], transformation["name"])
        assert alarm["threshold"] == 1 and alarm["comparison_operator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["alarm_actions"] == [f"${{aws_sns_topic.{topic_ref}.arn}}"]
        assert account_of(security, alarm, emails) == account_of(security, metric_filter, emails) == "management"
    topic = resources(security, "aws_sns_topic")[topic_ref]
    key = resources(security, "aws_kms_key")[re.fullmatch(r"\$\{aws_kms_key\.(.+)\.arn\}",
                                                          topic["kms_master_key_id"]).group(1)]
    assert any(s["Principal"] == {"Service": "cloudwatch.amazonaws.com"} for s in policy(key)["Statement"])
    assert [s["endpoint"] for s in resources(security, "aws_sns_topic_subscription").values()] == [
        "security-oncall@acme-corp.example"]


def test_guardduty_protections_cover_members_and_the_administrators_own_detector(security, emails) -> None:
    for region in REGIONS:
        members = {f["name"]: f for f in resources(security, "aws_guardduty_organization_configuration_feature")
                   .values() if provider_of(security, f)["region"] == region}
        own = {f["name"]: f for f in resources(security, "aws_guardduty_detector_feature").values()
               if provider_of(security, f)["region"] == region}
        assert set(members) == set(own) == PROTECTIONS, region
        assert all(f["auto_enable"] == "ALL" for f in members.values())
        assert all(f["status"] == "ENABLED" and account_of(security, f, emails) == "security" for f in own.values())
        assert members["RUNTIME_MONITORING"]["additional_configuration"] == [
            {"name": "ECS_FARGATE_AGENT_MANAGEMENT", "auto_enable": "ALL"}]
        assert own["RUNTIME_MONITORING"]["additional_configuration"] == [
            {"name": "ECS_FARGATE_AGENT_MANAGEMENT", "status": "ENABLED"}]


def test_member_accounts_have_centralized_root_access(org_stack) -> None:
    [features] = resources(org_stack, "aws_iam_organizations_features").values()
    assert sorted(features["enabled_features"]) == ["RootCredentialsManagement", "RootSessions"]
    organization = resources(org_stack, "aws_organizations_organization")["organization"]
    assert "iam.amazonaws.com" in organization["aws_service_access_principals"]


def test_data_events_insights_and_subscribers_are_each_optional(project: Path,
                                                                synth_stack: Callable[..., dict[str, Any]]) -> None:
    def edit(config: dict[str, Any]) -> None:
        config["security"].update(trail={"data_events": [], "insights": []}, guardduty_protections=["s3"])
        config["security"].pop("alarm_emails")

    edit_organization(project, edit)
    stack = synth_stack(project, "security")
    assert list(selectors(stack)) == ["Management events selector"]
    assert "insight_selector" not in resources(stack, "aws_cloudtrail")["cloudtrail_organization"]
    assert len(resources(stack, "aws_cloudwatch_metric_alarm")) == len(CIS_EVENTS)  # the alarms stay
    assert not resources(stack, "aws_sns_topic_subscription")
    assert {f["name"] for f in resources(stack, "aws_guardduty_detector_feature").values()} == {"S3_DATA_EVENTS"}
