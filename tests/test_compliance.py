"""compliance.json: every criterion the reference names, the addresses that implement it, gaps shown."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from landingzone.documents.compliance import build_compliance

SOC2 = ["CC1", "CC2", "CC3", "CC4", "CC5", "CC6", "CC7", "CC8"]
ISO = ["A.9.2", "A.9.4", "A.10.1", "A.12.4", "A.12.6", "A.13.1", "A.14.2", "A.17.2"]


def _report(example_synth: Path) -> dict:
    return json.loads((example_synth / "compliance.json").read_text())


def test_lists_every_criterion_of_the_reference(example_synth: Path) -> None:
    report = _report(example_synth)
    assert [c["id"] for c in report["controls"]] == SOC2 + ISO
    assert (example_synth / "compliance.md").read_text().count("| implemented |") == report["summary"]["implemented"]


def test_every_address_exists_in_its_stack(example_synth: Path) -> None:
    for control in _report(example_synth)["controls"]:
        for resource in control["resources"]:
            stack = json.loads((example_synth / "stacks" / resource["stack"] / "cdk.tf.json").read_text())
            kind, name = resource["address"].split(".", 1)
            assert name in stack["resource"][kind], f"{control['id']}: {resource} is not in the stack"


def test_security_controls_map_to_the_security_stack(example_synth: Path) -> None:
    controls = {c["id"]: c for c in _report(example_synth)["controls"]}

    def addresses(cid: str) -> set[str]:
        return {f"{r['stack']}:{r['address']}" for r in controls[cid]["resources"]}

    assert "security:aws_cloudtrail.cloudtrail_organization" in addresses("CC2")
    assert "security:aws_cloudtrail.cloudtrail_organization" in addresses("A.12.4")
    assert {"security:aws_guardduty_detector.guardduty_detector_us-east-1",
            "security:aws_securityhub_configuration_policy.securityhub_policy_landingzone"} <= addresses("A.12.6")
    assert "baseline-prod:aws_kms_key.kms_key_environment" in addresses("A.10.1")
    assert "org:aws_organizations_policy.backup_policy_daily-backups" in addresses("A.17.2")
    assert "org:aws_organizations_policy.scp_deny-root-user" in addresses("A.9.4")
    assert "org:aws_organizations_policy.backup_policy_daily-backups" not in addresses("A.9.4")
    assert "baseline-prod:aws_budgets_budget.budget_prod" in addresses("CC4")


def test_a_control_without_resources_is_a_gap_not_hidden(example_synth: Path) -> None:
    report = _report(example_synth)
    gaps = [c for c in report["controls"] if c["status"] == "gap"]
    assert [c["id"] for c in gaps] == report["summary"]["gaps"] == ["CC8", "A.14.2"]
    assert all(c["notes"] and not c["resources"] for c in gaps)


def test_removing_the_security_stack_turns_its_controls_into_gaps(example, example_synth: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for stack in (example_synth / "stacks").iterdir():
        if stack.name != "security":
            (out / "stacks" / stack.name).mkdir(parents=True)
            (out / "stacks" / stack.name / "cdk.tf.json").write_text((stack / "cdk.tf.json").read_text())
    report = json.loads(build_compliance(example, out)["compliance.json"])
    controls = {c["id"]: c for c in report["controls"]}
    assert controls["CC3"]["status"] == "gap"
    # what is left of vulnerability management is image scanning: the workloads' repositories, every registry's
    assert {r["address"].split(".")[0] for r in controls["A.12.6"]["resources"]} == {
        "aws_ecr_repository", "aws_ecr_lifecycle_policy", "aws_ecr_registry_scanning_configuration"}
    assert "security" not in report["stacks"]


def test_the_security_baseline_hardening_maps_to_its_controls(example_synth: Path) -> None:
    controls = {c["id"]: c for c in _report(example_synth)["controls"]}

    def addresses(cid: str) -> set[str]:
        return {f"{r['stack']}:{r['address']}" for r in controls[cid]["resources"]}

    assert {"baseline-prod:aws_iam_account_password_policy.password_policy_prod",
            "org:aws_iam_organizations_features.iam_organizations_features_root_access",
            "baseline-prod:aws_vpc_endpoint.vpc_endpoint_prod_s3"} <= addresses("CC6")
    assert {"security:aws_cloudwatch_metric_alarm.cloudwatch_alarm_cis_root-usage",
            "security:aws_guardduty_detector_feature.guardduty_detector_feature_us-west-2_runtime_monitoring",
            "meeting-recorder-prod:aws_bedrock_model_invocation_logging_configuration."
            "bedrock_invocation_logging_meeting-recorder"} <= addresses("CC7")
    assert {"security:aws_s3_bucket_object_lock_configuration.s3_object_lock_audit_logs",
            "security:aws_cloudwatch_log_metric_filter.log_metric_filter_unauthorized-api-calls"} <= addresses("A.12.4")
    assert {"baseline-prod:aws_network_acl.network_acl_prod",
            "baseline-prod:aws_default_network_acl.default_network_acl_prod",
            "baseline-dev:aws_default_subnet.default_subnet_us-west-2"} <= addresses("A.13.1")
    assert "meeting-recorder-prod:aws_ecr_lifecycle_policy.ecr_lifecycle_meeting-recorder_ffmpeg" in addresses("A.12.6")


def test_the_perimeter_and_the_ai_opt_out_map_to_cc6_and_a13_1(example_synth: Path) -> None:
    controls = {c["id"]: {f"{r['stack']}:{r['address']}" for r in c["resources"]}
                for c in _report(example_synth)["controls"]}
    for cid in ("CC6", "A.13.1"):
        assert {"org:aws_organizations_policy.rcp_data-perimeter",
                "org:aws_organizations_policy.ai_opt_out_ai-services-opt-out"} <= controls[cid], cid
    assert "org:aws_organizations_policy.rcp_data-perimeter" not in controls["A.17.2"]


def test_the_meeting_recorders_transcribe_use_names_the_opt_out_policy(example_synth: Path) -> None:
    uses = _report(example_synth)["ai_services"]
    policy = [{"stack": "org", "address": "aws_organizations_policy.ai_opt_out_ai-services-opt-out"}]
    assert [u for u in uses if u["service"] == "Amazon Transcribe"] == [
        {"workload": "meeting-recorder", "account": account, "service": "Amazon Transcribe", "content": "meeting audio",
         "status": "opted out", "children_may_override": False, "policy": policy} for account in ("prod", "staging")]
    bedrock = [u for u in uses if u["service"] == "Amazon Bedrock"]
    assert [u["account"] for u in bedrock] == ["prod", "staging"]
    assert all(u["status"] == "no opt-out applies" and "train" in u["note"] for u in bedrock)
    markdown = (example_synth / "compliance.md").read_text()
    assert ("| meeting-recorder | prod | Amazon Transcribe | meeting audio | opted out | "
            "org:aws_organizations_policy.ai_opt_out_ai-services-opt-out |") in markdown


def test_without_the_opt_out_the_evidence_says_so(example, example_synth: Path) -> None:
    off = example.organization.model_copy(update={"ai_services_opt_out": example.organization.ai_services_opt_out
                                                  .model_copy(update={"enabled": False})})
    lz = dataclasses.replace(example, organization=off)
    uses = json.loads(build_compliance(lz, example_synth)["compliance.json"])["ai_services"]
    assert {u["status"] for u in uses if u["service"] == "Amazon Transcribe"} == {
        "not opted out (no opt-out policy covers the account)"}
