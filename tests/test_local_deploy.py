"""End to end: the shipped example deployed with `landingzone up --local` to the local AWS, then read back with
boto3 here, in the test, from what the configuration says (never from the product's own report).

One deployment serves the module (it takes minutes); every test only reads what it left, so they pass in any
order. Whatever changes something works on a copy.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import copy_example
from landingzone.cli import main
from landingzone.config import LandingZone, load_landing_zone
from landingzone.config.baseline import account_contacts
from landingzone.config.checks_network import reachable_segments
from landingzone.config.management_policies import management_policies
from landingzone.config.model import ROOT, target_keys
from landingzone.config.scp import ORGANIZATION_ID_TOKEN
from landingzone.constructs.ids import hub_name, segment_table_name
from landingzone.delivery import spacelift_config
from landingzone.gates.plan_policies import plan_policies
from landingzone.gates.plan_safety import check_plan
from landingzone.gates.terraform import TerraformUnavailable
from landingzone.local import server
from landingzone.local.capabilities import UNSUPPORTED
from landingzone.local.clients import LocalClients
from landingzone.local.processes import Children
from landingzone.local.request_log import read_log
from landingzone.local.spacelift_runs import HOOKS_LOG, RUNS, SpaceliftRuns
from landingzone.local.stack_terraform import StackTerraform
from landingzone.local.workspace import Workspace, write_local_stacks
from landingzone.stacks import decommission_allowlist, stack_specs
from landingzone.stacks.synth import synthesize

# A statement whose condition holds policy variables: they must reach AWS as written, not as Terraform references.
VARIABLES_STATEMENT = {
    "Sid": "DenySessionTagsForOthers", "Effect": "Deny", "Action": "sts:TagSession", "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:RequestTag/owner": ["${aws:username}", "${aws:PrincipalTag/team}"]}},
}


@dataclass(frozen=True)
class Deployed:
    root: Path
    code: int
    out: str
    lz: LandingZone
    clients: LocalClients

    @property
    def workspace(self) -> Workspace:
        return Workspace.of(self.root)


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    if shutil.which("terraform") is None:
        pytest.fail(str(TerraformUnavailable("terraform is not on PATH")), pytrace=False)
    root = copy_example(tmp_path_factory.mktemp("local") / "project")
    scp = root / "policies" / "scp" / "deny-leave-organization.json"
    document = json.loads(scp.read_text())
    document["Statement"].append(VARIABLES_STATEMENT)
    scp.write_text(json.dumps(document, indent=2) + "\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(["up", "--local", "--root", str(root)])
    try:
        local = server.running(Workspace.of(root).root)
        assert local is not None, out.getvalue()
        lz = load_landing_zone(root)
        yield Deployed(root, code, out.getvalue(), lz, LocalClients(lz, local.endpoint))
    finally:
        server.stop(Workspace.of(root).root)  # whatever the tests did, no server outlives them


def test_up_succeeds(deployed: Deployed) -> None:
    assert deployed.code == 0, deployed.out


def test_every_account_is_in_its_ou(deployed: Deployed) -> None:
    org = deployed.clients.management("organizations")
    paths = _ou_paths(org)
    by_email = {a["Email"].lower(): a["Id"] for page in org.get_paginator("list_accounts").paginate()
                for a in page["Accounts"]}
    members = [a for a in deployed.lz.accounts if a.name != deployed.lz.management.name]
    placed = {a.name: paths[org.list_parents(ChildId=by_email[a.manifest.email.lower()])["Parents"][0]["Id"]]
              for a in members}
    assert placed == {a.name: a.ou for a in members}


def test_scps_are_attached_exactly_where_the_config_says(deployed: Deployed) -> None:
    org = deployed.clients.management("organizations")
    for scp in deployed.lz.scps:
        targets, content = _deployed_policy(org, "SERVICE_CONTROL_POLICY", scp.name)
        assert targets == set(target_keys(scp.attach_to)), scp.name
        assert content == scp.content, scp.name


def test_rcps_are_attached_exactly_where_the_config_says_with_the_organizations_id(deployed: Deployed) -> None:
    org = deployed.clients.management("organizations")
    organization_id = org.describe_organization()["Organization"]["Id"]
    assert deployed.lz.rcps
    for rcp in deployed.lz.rcps:
        targets, content = _deployed_policy(org, "RESOURCE_CONTROL_POLICY", rcp.name)
        assert targets == set(target_keys(rcp.attach_to)), rcp.name
        configured = deployed.lz.organization.organization.id or ORGANIZATION_ID_TOKEN  # moto gives out its own
        assert content == rcp.content.replace(ORGANIZATION_ID_TOKEN, organization_id).replace(
            configured, organization_id), rcp.name


def test_ai_services_opt_out_is_attached_where_the_config_says(deployed: Deployed) -> None:
    org = deployed.clients.management("organizations")
    [opt_out] = [p for p in management_policies(deployed.lz.organization) if p.type == "AISERVICES_OPT_OUT_POLICY"]
    targets, content = _deployed_policy(org, "AISERVICES_OPT_OUT_POLICY", opt_out.name)
    assert targets == set(target_keys(opt_out.attach_to))
    assert json.loads(content) == json.loads(opt_out.content)
    enabled = {t["Type"] for t in org.list_roots()["Roots"][0]["PolicyTypes"] if t["Status"] == "ENABLED"}
    assert {"RESOURCE_CONTROL_POLICY", "AISERVICES_OPT_OUT_POLICY"} <= enabled


def test_scp_policy_variables_reach_aws_literally(deployed: Deployed) -> None:
    org = deployed.clients.management("organizations")
    policies = {p["Name"]: p["Id"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]}
    content = org.describe_policy(PolicyId=policies["deny-leave-organization"])["Policy"]["Content"]
    assert '"${aws:username}","${aws:PrincipalTag/team}"' in content


def test_each_segment_has_its_table_and_the_hub_attachment_routes_to_what_its_segment_reaches(
        deployed: Deployed) -> None:
    net, name = deployed.lz.network, deployed.lz.organization.organization.name
    assert net is not None
    ec2 = deployed.clients.account(deployed.lz.organization.core_accounts.shared_services, "ec2",
                                   net.transit_gateway.region)
    hubs = [t for t in ec2.describe_transit_gateways()["TransitGateways"] if _tag(t, "Name") == hub_name(name)]
    assert len(hubs) == 1
    options = hubs[0]["Options"]
    assert options["DefaultRouteTableAssociation"] == options["DefaultRouteTablePropagation"] == "disable"
    tables = {_tag(t, "Name"): t["TransitGatewayRouteTableId"] for t in ec2.describe_transit_gateway_route_tables(
        Filters=[{"Name": "transit-gateway-id", "Values": [hubs[0]["TransitGatewayId"]]}])["TransitGatewayRouteTables"]}
    segment_of = {tables[segment_table_name(name, s.name)]: s.name for s in net.segments}
    assert len(segment_of) == len(net.segments)
    vpc_of = {a["TransitGatewayAttachmentId"]: a["ResourceId"] for a in ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [hubs[0]["TransitGatewayId"]]}])["TransitGatewayAttachments"]}
    associated: dict[str, set[str]] = {}
    propagated: dict[str, set[str]] = {}
    for table, segment in segment_of.items():
        for found in ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)["Associations"]:
            associated.setdefault(found["TransitGatewayAttachmentId"], set()).add(segment)
        for found in ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)[
                "TransitGatewayRouteTablePropagations"]:
            propagated.setdefault(found["TransitGatewayAttachmentId"], set()).add(segment)
    # Locally only the hub account's own VPC attaches (spokes need the RAM share moto cannot hold).
    hub_segment = net.central_endpoints.segment
    assert list(vpc_of) and all(associated.get(a) == {hub_segment} for a in vpc_of)
    assert all(propagated.get(a) == set(reachable_segments(net, hub_segment)) for a in vpc_of)


def test_every_account_has_the_deployer_role_trusted_by_exactly_the_configured_principals(deployed: Deployed) -> None:
    """The runner principals unconditioned; Spacelift's AWS account only for the configured Spacelift account's
    external IDs; the account's own root only for the role's own sessions (the providers of a run assume it again)."""
    lz = deployed.lz
    assert lz.delivery is not None and lz.delivery.spacelift is not None
    spacelift = lz.delivery.spacelift
    ids = deployed.clients.account_ids()
    for account in lz.accounts:
        role = deployed.clients.account(account.name, "iam").get_role(RoleName=lz.deployer_role)["Role"]
        own = f"arn:aws:iam::{ids[account.name]}"
        trusted = {(p, json.dumps(s.get("Condition"), sort_keys=True))
                   for s in role["AssumeRolePolicyDocument"]["Statement"] if s["Effect"] == "Allow"
                   for p in _list(s["Principal"]["AWS"])}
        assert trusted == {
            *((p, "null") for p in lz.delivery.deployer.trusted_principals),
            (f"arn:aws:iam::{spacelift.aws_integration.spacelift_aws_account}:root",
             json.dumps({"StringLike": {"sts:ExternalId": f"{spacelift.account}@*"}})),
            (f"{own}:root", json.dumps({"ArnEquals": {"aws:PrincipalArn": f"{own}:role/{lz.deployer_role}"}})),
        }, account.name
        assert role["MaxSessionDuration"] == lz.delivery.deployer.max_session_hours * 3600, account.name


def test_member_stacks_assume_the_deployer_role_in_their_own_account_only(deployed: Deployed) -> None:
    """From the local AWS's request log: every AssumeRole names the role and the `<stack>@<run>` session."""
    lz = deployed.lz
    ids = deployed.clients.account_ids()
    name_of = {account_id: name for name, account_id in ids.items()}
    entries = list(read_log((deployed.workspace.root / "server.log").read_text().splitlines()))
    assumed: dict[str, set[str]] = {}
    for entry in entries:
        if entry.action == "AssumeRole" and "@" in entry.assumes:
            role, _, session = entry.assumes.partition(" as ")
            assumed.setdefault(session.partition("@")[0], set()).add(name_of.get(role.split(":")[4], role))
    shared = lz.organization.core_accounts.shared_services
    for spec in stack_specs(lz):
        if not spec.validate or spec.account == lz.management.name or spec.name in ("bootstrap", "org", "security"):
            continue
        # a spoke's baseline and its workloads also act in the hub account (attachment, zone associations)
        assert assumed.get(spec.name, set()) <= {spec.account, shared}, spec.name
        assert spec.account in assumed.get(spec.name, set()), spec.name
        assert lz.management.name not in assumed[spec.name], spec.name


def test_every_stack_keeps_its_state_in_the_bucket_under_a_lock(deployed: Deployed) -> None:
    lz = deployed.lz
    assert lz.delivery is not None
    backend = lz.delivery.backend
    s3 = deployed.clients.management("s3", backend.region or lz.organization.organization.home_region)
    keys = {o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=backend.bucket)
            for o in page.get("Contents", [])}
    stacks = {spec.name for spec in stack_specs(lz) if spec.validate}
    assert {f"{backend.key_prefix}/{name}.tfstate" for name in stacks} <= keys
    assert not [key for key in keys if key.endswith(".tflock")]  # every lock released
    entries = list(read_log((deployed.workspace.root / "server.log").read_text().splitlines()))
    locked = {e.path.rpartition("/")[2].removesuffix(".tfstate.tflock") for e in entries
              if e.method == "PUT" and e.path.endswith(".tfstate.tflock")}
    assert stacks <= locked


def test_the_log_archive_refuses_insecure_transport_and_admits_cloudtrail_and_config(deployed: Deployed) -> None:
    """The trail's archive and AWS Config's bucket (its own: Config cannot write under default Object Lock
    retention) each refuse plain HTTP to anyone and admit exactly their service as a writer."""
    lz = deployed.lz
    s3 = deployed.clients.account(lz.organization.core_accounts.log_archive, "s3")
    names = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    for kind, writer in (("audit", "cloudtrail.amazonaws.com"), ("config", "config.amazonaws.com")):
        bucket = next(n for n in names if n.startswith(f"{lz.organization.organization.name}-{kind}-logs-"))
        statements = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
        insecure = [s for s in statements if s["Effect"] == "Deny" and s.get("Condition", {}).get("Bool", {}).get(
            "aws:SecureTransport") == "false"]
        assert insecure and all(s["Principal"] in ("*", {"AWS": "*"}) and "s3:*" in _list(s["Action"])
                                for s in insecure), bucket
        writers = {p for s in statements if s["Effect"] == "Allow" and "s3:PutObject" in _list(s["Action"])
                   for p in _list(s["Principal"].get("Service", []))}
        assert writers == {writer}, bucket
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
        assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())


def test_every_account_and_region_is_hardened(deployed: Deployed) -> None:
    """EBS default encryption, scan on push for every ECR repository and default security groups and network ACLs
    without a rule (the default VPC's and our own VPCs'), in every account and allowed region; the password
    policy, the alternate contacts and the audit roles in every account; AWS Backup's role trusted only for its
    own account."""
    lz = deployed.lz
    ids = deployed.clients.account_ids()
    for account in lz.accounts:
        for region in lz.organization.organization.allowed_regions:
            ec2 = deployed.clients.account(account.name, "ec2", region)
            assert ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"], (account.name, region)
            groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["default"]}])
            assert groups["SecurityGroups"] and [
                g for g in groups["SecurityGroups"] if g["IpPermissions"] or g["IpPermissionsEgress"]] == []
            acls = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}])["NetworkAcls"]
            assert acls and [e for a in acls for e in a["Entries"] if e["RuleAction"] == "allow"] == []
            rules = deployed.clients.account(account.name, "ecr", region).get_registry_scanning_configuration()
            assert rules["scanningConfiguration"] == {"scanType": "BASIC", "rules": [{
                "scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]}
        iam = deployed.clients.account(account.name, "iam")
        [configured] = _resources(deployed, f"baseline-{account.name}", "aws_iam_account_password_policy")
        policy = iam.get_account_password_policy()["PasswordPolicy"]
        assert (policy["MinimumPasswordLength"], policy["PasswordReusePrevention"], policy["MaxPasswordAge"],
                policy["RequireSymbols"]) == (configured["minimum_password_length"], configured[
                    "password_reuse_prevention"], configured["max_password_age"], configured["require_symbols"])
        assert {"SecurityAuditRole", "SupportRole"} <= {r["RoleName"] for r in iam.list_roles()["Roles"]}
        trust = iam.get_role(RoleName="LandingZoneBackup")["Role"]["AssumeRolePolicyDocument"]
        assert [s["Condition"] for s in trust["Statement"]] == [
            {"StringEquals": {"aws:SourceAccount": ids[account.name]}}], account.name
        contacts = deployed.clients.account(account.name, "account")
        for kind, contact in account_contacts(lz.organization.baseline, account.manifest.baseline).items():
            found = contacts.get_alternate_contact(AlternateContactType=kind.upper())["AlternateContact"]
            assert (found["EmailAddress"], found["PhoneNumber"]) == (contact.email, contact.phone), (account, kind)


def test_the_trail_is_locked_alarmed_and_records_data_events(deployed: Deployed) -> None:
    """The archive's Object Lock, the trail's selectors and Insights, and the CIS filters, alarms and subscribers,
    each as the security stack applied them."""
    lz = deployed.lz
    stack = json.loads((deployed.workspace.stacks_dir / "security" / "cdk.tf.json").read_text())["resource"]
    ids = deployed.clients.account_ids()

    def resolved(text: str) -> str:  # ${var.account_id_log_archive} -> the local AWS's ID of log-archive
        return re.sub(r"\$\{var\.account_id_(\w+)\}", lambda m: ids[m[1].replace("_", "-")], text)

    s3 = deployed.clients.account(lz.organization.core_accounts.log_archive, "s3")
    for lock in stack.get("aws_s3_bucket_object_lock_configuration", {}).values():
        bucket = resolved(stack["aws_s3_bucket"][lock["bucket"].split(".")[1]]["bucket"])
        found = s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
        assert (found["Mode"], found["Days"]) == (lock["rule"]["default_retention"]["mode"],
                                                  lock["rule"]["default_retention"]["days"]), bucket
    [trail_config] = stack["aws_cloudtrail"].values()
    trail = deployed.clients.management("cloudtrail")
    insights = trail.get_insight_selectors(TrailName=trail_config["name"]).get("InsightSelectors", [])
    assert sorted(s["InsightType"] for s in insights) == sorted(
        s["insight_type"] for s in trail_config.get("insight_selector", []))
    deployed_selectors = {s["Name"]: sorted((f["Field"], op, tuple(v)) for f in s["FieldSelectors"]
                                            for op, v in f.items() if op != "Field")
                          for s in trail.get_event_selectors(TrailName=trail_config["name"])["AdvancedEventSelectors"]}
    assert deployed_selectors == {s["name"]: sorted(
        (f["field"], "".join(w.capitalize() for w in op.split("_")), tuple(resolved(x) for x in v))
        for f in s["field_selector"] for op, v in f.items() if op != "field")
        for s in trail_config["advanced_event_selector"]}
    [group] = [g["name"] for g in stack["aws_cloudwatch_log_group"].values() if "cloudtrail" in g["name"]]
    filters = deployed.clients.management("logs").describe_metric_filters(logGroupName=group)["metricFilters"]
    assert {f["filterName"]: f["filterPattern"] for f in filters} == {
        f["name"]: f["pattern"] for f in stack["aws_cloudwatch_log_metric_filter"].values()}
    alarms = deployed.clients.management("cloudwatch").describe_alarms(AlarmNamePrefix="cis-")["MetricAlarms"]
    assert sorted(a["AlarmName"] for a in alarms) == sorted(a["alarm_name"] for a in stack[
        "aws_cloudwatch_metric_alarm"].values() if a["alarm_name"].startswith("cis-"))
    [topic] = {arn for alarm in alarms for arn in alarm["AlarmActions"]}
    assert topic.rsplit(":", 1)[1] == "landingzone-security-alarms"
    subscribed = deployed.clients.management("sns").list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sorted(s["Endpoint"] for s in subscribed) == sorted(lz.organization.security.alarm_emails)


def test_gateway_endpoints_admit_only_the_organization(deployed: Deployed) -> None:
    """A private subnet reaches the organization's buckets and tables through its gateway endpoints, and of
    anybody else's only reads of the AWS-owned buckets that package managers and ECR layers need: each account's
    endpoints as its baseline applied them."""
    organization_id = deployed.clients.management("organizations").describe_organization()["Organization"]["Id"]
    perimeter = {"StringEquals": {"aws:PrincipalOrgID": organization_id, "aws:ResourceOrgID": organization_id}}
    seen = set()
    for account in deployed.lz.accounts:
        stack = json.loads((deployed.workspace.stacks_dir / f"baseline-{account.name}" / "cdk.tf.json").read_text())
        synthesized = {e["service_name"]: json.loads(e["policy"]) for e in stack["resource"].get(
            "aws_vpc_endpoint", {}).values() if e.get("vpc_endpoint_type") == "Gateway"}
        ec2 = deployed.clients.account(account.name, "ec2", deployed.lz.organization.organization.home_region)
        found = {e["ServiceName"]: json.loads(e["PolicyDocument"]) for e in ec2.describe_vpc_endpoints(
            Filters=[{"Name": "vpc-endpoint-type", "Values": ["Gateway"]}])["VpcEndpoints"]}
        assert found == synthesized, account.name
        for service, policy in found.items():
            seen.add((account.name, service.rsplit(".", 1)[-1]))
            for statement in policy["Statement"]:
                assert statement["Effect"] == "Allow"
                assert statement.get("Condition") == perimeter or (
                    statement["Action"] == "s3:GetObject" and all(
                        r.startswith("arn:aws:s3:::") and "*" not in r.removesuffix("/*")
                        for r in _list(statement["Resource"]))), (account.name, service)
    spokes = {name for name, _ in seen}
    assert spokes and seen == {(name, service) for name in spokes for service in ("s3", "dynamodb")}


def test_the_meeting_recorders_images_are_scanned_and_expired_and_its_model_calls_logged(deployed: Deployed) -> None:
    accounts = [a.name for a in deployed.lz.accounts if "meeting-recorder" in a.manifest.workloads]
    assert accounts
    for account in accounts:
        stack = json.loads((deployed.workspace.stacks_dir / f"meeting-recorder-{account}" / "cdk.tf.json").read_text())
        [lifecycle] = stack["resource"]["aws_ecr_lifecycle_policy"].values()
        [logging] = stack["resource"]["aws_bedrock_model_invocation_logging_configuration"].values()
        ecr = deployed.clients.account(account, "ecr")
        [repository] = ecr.describe_repositories()["repositories"]
        assert repository["imageScanningConfiguration"] == {"scanOnPush": True}
        deployed_rules = ecr.get_lifecycle_policy(repositoryName=repository["repositoryName"])["lifecyclePolicyText"]
        assert json.loads(deployed_rules) == json.loads(lifecycle["policy"])
        found = deployed.clients.account(account, "bedrock").get_model_invocation_logging_configuration()
        group = logging["logging_config"]["cloudwatch_config"]["log_group_name"]  # ${aws_cloudwatch_log_group.X.name}
        group_name = stack["resource"]["aws_cloudwatch_log_group"][group.split(".")[1]]["name"]
        assert found["loggingConfig"]["cloudWatchConfig"]["logGroupName"] == group_name
        assert found["loggingConfig"]["textDataDeliveryEnabled"] == logging["logging_config"][
            "text_data_delivery_enabled"]


def test_the_stacks_plan_no_changes_when_terraform_asks_again(deployed: Deployed) -> None:
    stacks = StackTerraform(Children(deployed.workspace.terraform()), deployed.workspace.stacks_dir)
    for name in ("org", "baseline-prod"):
        replanned = stacks.plan(name)
        assert replanned.status == "ok", (name, replanned.detail)


def test_each_service_endpoint_is_set_once(deployed: Deployed) -> None:
    """An alias beside its primary name (cloudwatchlogs and logs) draws a provider warning on every run."""
    logs = sorted(deployed.workspace.stacks_dir.glob("*/apply.log"))
    assert len(logs) == sum(1 for spec in stack_specs(deployed.lz) if spec.validate)
    for log in logs:
        assert "Apply complete" in log.read_text(), log
        assert "Only one of the following attributes should be set" not in log.read_text(), log


def test_what_is_left_out_is_listed_with_the_capability_table_reasons(deployed: Deployed) -> None:
    lines = deployed.out[deployed.out.index("left out locally"):].splitlines()[2:]
    shown = lines[:next(i for i, line in enumerate(lines) if not line.startswith("  "))]
    reasons = {entry.reason for entry in UNSUPPORTED}
    met = {entry.reason for entry in UNSUPPORTED if not entry.met_by}  # the others need an option the example omits
    assert {reason for reason in reasons if any(reason in line for line in shown)} == met
    for line in shown:
        assert any(reason in line for reason in reasons) or "refers to" in line or "(whole stack)" in line, line


def test_the_users_cdktf_out_is_untouched(deployed: Deployed) -> None:
    assert not (deployed.root / "cdktf.out").exists()
    synthesized = json.loads((deployed.workspace.synth_dir / "stacks" / "org" / "cdk.tf.json").read_text())
    assert all("endpoints" not in p for p in synthesized["provider"]["aws"])


def test_removing_an_account_is_refused_by_the_plan_gate_and_prevent_destroy(deployed: Deployed,
                                                                             tmp_path: Path) -> None:
    """Planned in a copy of the deployed org stack (its state included), so the deployment stays as it was."""
    copy = Workspace(tmp_path / "copy")
    shutil.copytree(deployed.workspace.stacks_dir / "org", copy.stacks_dir / "org", symlinks=True)
    changed = copy_example(tmp_path / "changed")
    (changed / "accounts" / "dev.yaml").unlink()
    lz = load_landing_zone(changed)
    synthesize(lz, [s for s in stack_specs(lz) if s.name == "org"], tmp_path / "out")
    local = server.running(deployed.workspace.root)
    assert local is not None
    write_local_stacks(lz, copy, ["org"], local.endpoint, synthesized=tmp_path / "out")
    stacks = StackTerraform(Children(copy.terraform()), copy.stacks_dir)

    planned = stacks.plan("org")
    assert "delete aws_organizations_account.account_dev" in planned.detail.splitlines()
    report = check_plan(stacks.show_plan("org"), decommission_allowlist(lz, "org"), "org")
    assert [f.address for f in report.failed] == ["aws_organizations_account.account_dev"]

    # prevent_destroy guards the accounts still in the config: Terraform refuses to plan their destruction.
    refused = stacks.plan("org", "-destroy")
    assert refused.status == "failed" and "Instance cannot be destroyed" in refused.detail
    assert "aws_organizations_account.account_prod" in refused.detail


def test_every_stack_ran_through_the_committed_hooks_and_passed_every_plan_policy(deployed: Deployed) -> None:
    runs = deployed.workspace.root / RUNS
    hooks = spacelift_config.read_stack_settings(deployed.root, "org")["before_init"]
    policies = sorted(str(p.relative_to(deployed.root)) for p in plan_policies(deployed.root))
    for spec in stack_specs(deployed.lz):
        if not spec.validate:
            continue
        log = (runs / spec.name / HOOKS_LOG).read_text()
        assert [line[2:] for line in log.splitlines() if line.startswith("$ ")] == hooks, spec.name
        assert log.count("(exit 0)") == len(hooks) - 1, spec.name  # all but the install (see spacelift_runs.py)
        verdicts = (runs / spec.name / "policies.log").read_text().splitlines()
        assert [line for line in verdicts if not line.startswith("  ")] == [f"{p}: pass" for p in policies]


def test_a_plan_policy_stops_a_destructive_change_before_anything_is_applied(deployed: Deployed,
                                                                            tmp_path: Path) -> None:
    """dev's VPC CIDR changes, which replaces the VPC: the stack's Spacelift run (its hooks on the changed project,
    then the plan) is denied by plan-safety.rego and applies nothing. Run on a copy of the deployed stack (its
    state stays in the local AWS's bucket), so the deployment stays as it was for the other tests."""
    copy = Workspace(tmp_path / "copy")
    shutil.copytree(deployed.workspace.stacks_dir / "baseline-dev", copy.stacks_dir / "baseline-dev", symlinks=True)
    changed = copy_example(tmp_path / "changed")
    manifest = changed / "accounts" / "dev.yaml"
    manifest.write_text(manifest.read_text().replace("vpc_cidr: 10.31.0.0/16", "vpc_cidr: 10.32.0.0/16"))
    lz = load_landing_zone(changed)
    synthesize(lz, [s for s in stack_specs(lz) if s.name == "baseline-dev"], tmp_path / "out")
    local = server.running(deployed.workspace.root)
    assert local is not None
    write_local_stacks(lz, copy, ["baseline-dev"], local.endpoint, synthesized=tmp_path / "out")
    children = Children(copy.terraform())
    state_before = StackTerraform(children, copy.stacks_dir).state("baseline-dev")

    run = SpaceliftRuns(children, copy.stacks_dir, project=changed, runs_dir=copy.root / RUNS,
                        synthesized=tmp_path / "out", run_id="local-test").apply("baseline-dev")
    assert run.status == "failed", run.detail
    lines = run.detail.splitlines()
    assert lines[0] == "plan policy denied the run, nothing was applied:"
    assert ("policies/spacelift/plan-safety.rego: aws_vpc.vpc_dev (a VPC) would be replaced; protected resources "
            "are deleted or replaced only with a decommission marker in the manifest") in lines[1:]
    assert all(line.startswith("policies/spacelift/plan-safety.rego: ") for line in lines[1:])
    ec2 = deployed.clients.account("dev", "ec2")
    cidrs = {v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"] if _tag(v, "Name") == "dev"}
    assert cidrs == {"10.31.0.0/16"}
    assert StackTerraform(children, copy.stacks_dir).state("baseline-dev") == state_before


def test_down_stops_a_local_aws_and_forgets_its_state(tmp_path: Path) -> None:
    """On a local AWS of its own: the module's deployment stays for the other tests."""
    workspace = Workspace.of(tmp_path)
    local = server.start(workspace.root)
    (workspace.stacks_dir / "org").mkdir(parents=True)
    (workspace.stacks_dir / "org" / "terraform.org.tfstate").write_text(json.dumps(
        {"resources": [{"mode": "managed", "instances": [{}, {}]}]}))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["down", "--local", "--root", str(tmp_path)]) == 0
    assert f"stopped the local AWS at {local.endpoint}; it held 2 resources in 1 stacks" in out.getvalue()
    assert not local.exists() and server.recorded(workspace.root) is None
    assert not workspace.stacks_dir.exists()
    with contextlib.redirect_stdout(out):
        assert main(["down", "--local", "--root", str(tmp_path)]) == 0
    assert "no local AWS is running" in out.getvalue()


_KIND = {"ROOT": "root", "ORGANIZATIONAL_UNIT": "ou", "ACCOUNT": "account"}


def _ou_paths(org: Any) -> dict[str, str]:
    root = org.list_roots()["Roots"][0]["Id"]
    paths, pending = {root: ROOT}, [(root, "")]
    while pending:
        parent, prefix = pending.pop()
        for page in org.get_paginator("list_organizational_units_for_parent").paginate(ParentId=parent):
            for ou in page["OrganizationalUnits"]:
                paths[ou["Id"]] = prefix + ou["Name"]
                pending.append((ou["Id"], f"{prefix}{ou['Name']}/"))
    return paths


def _deployed_policy(org: Any, policy_type: str, name: str) -> tuple[set[tuple[str, str]], str]:
    """Where the named policy of the type is attached, as (kind, name) like target_keys gives, and its content."""
    paths = _ou_paths(org)
    policies = {p["Name"]: p["Id"] for page in org.get_paginator("list_policies").paginate(Filter=policy_type)
                for p in page["Policies"]}
    targets = {(_KIND[t["Type"]], t["Name"] if t["Type"] == "ACCOUNT" else paths[t["TargetId"]])
               for page in org.get_paginator("list_targets_for_policy").paginate(PolicyId=policies[name])
               for t in page["Targets"]}
    return targets, org.describe_policy(PolicyId=policies[name])["Policy"]["Content"]


def _resources(deployed: Deployed, stack: str, type_: str) -> list[dict[str, Any]]:
    """The resources of a type in the stack as applied to the local AWS."""
    applied = json.loads((deployed.workspace.stacks_dir / stack / "cdk.tf.json").read_text())
    return list(applied["resource"].get(type_, {}).values())


def _tag(item: dict[str, Any], key: str) -> str:
    return next((t["Value"] for t in item.get("Tags", []) if t["Key"] == key), "")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
