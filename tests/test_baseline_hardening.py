"""What every baseline sets for CIS AWS Foundations and AWS Foundational Security Best Practices, read from the
synthesized example: the default VPC in every allowed region, our VPCs' network ACLs, the gateway endpoints'
data perimeter, the password policy, alternate contacts and the audit and support roles. Then what the
`baseline:` section and a manifest's override switch."""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import resources
from policy_eval import allowed, denied
from test_network_stack import region_of
from test_security_stack import account_expressions, by_name, load_stack, policy

pytestmark = pytest.mark.synth

REGIONS = ("us-east-1", "us-west-2")
ACCOUNTS = ("dev", "log-archive", "management", "prod", "security", "shared-services", "staging")
ORG_ID = "o-a1b2c3d4e5"  # the example's organization.id, which the endpoints' policies name
NAME = "default (neutralized by landingzone)"


@pytest.fixture(scope="module")
def baselines(example_synth: Path) -> dict[str, dict[str, Any]]:
    return {account: load_stack(example_synth, f"baseline-{account}") for account in ACCOUNTS}


def by_region(stack: dict[str, Any], kind: str, data: bool = False) -> dict[str, dict[str, Any]]:
    blocks = stack.get("data", {}).get(kind, {}) if data else resources(stack, kind)
    found: dict[str, dict[str, Any]] = {}
    for block in blocks.values():
        assert region_of(stack, block) not in found, kind
        found[region_of(stack, block)] = block
    return found


# --- default VPCs ---------------------------------------------------------------------------------------------


def test_the_default_vpc_of_every_allowed_region_is_found_by_lookup_and_never_created(baselines) -> None:
    for account, stack in baselines.items():
        lookups = by_region(stack, "aws_vpcs", data=True)
        assert sorted(lookups) == list(REGIONS), account
        assert all(v["filter"] == [{"name": "is-default", "values": ["true"]}] for v in lookups.values()), account
        # aws_default_vpc would create a default VPC where an account no longer has one
        assert not resources(stack, "aws_default_vpc"), account


def test_default_vpcs_keep_no_security_group_or_acl_rule_and_give_no_public_ip(baselines) -> None:
    for account, stack in baselines.items():
        vpcs = {region: f"data.aws_vpcs.{ref}" for ref, v in stack["data"]["aws_vpcs"].items()
                for region in [region_of(stack, v)]}
        groups = {region_of(stack, g): g for g in resources(stack, "aws_default_security_group").values()
                  if g.get("tags", {}).get("Name") == NAME}
        acls = {region_of(stack, a): a for a in resources(stack, "aws_default_network_acl").values()
                if a.get("tags", {}).get("Name") == NAME}
        subnets = by_region(stack, "aws_default_subnet")
        assert sorted(groups) == sorted(acls) == sorted(subnets) == list(REGIONS), account
        for region in REGIONS:
            group, acl, subnet = groups[region], acls[region], subnets[region]
            assert group["for_each"] == f"${{toset({vpcs[region]}.ids)}}" and group["vpc_id"] == "${each.value}"
            assert "ingress" not in group and "egress" not in group, (account, region)
            assert "ingress" not in acl and "egress" not in acl, (account, region)
            acl_lookup = acl["for_each"].removeprefix("${").removesuffix("}")
            assert stack["data"]["aws_network_acls"][acl_lookup.split(".")[-1]]["filter"] == [
                {"name": "default", "values": ["true"]}]
            assert subnet["map_public_ip_on_launch"] is False, (account, region)
            assert subnet["availability_zone"] == "${each.value.availability_zone}"


def test_every_image_pushed_in_any_region_is_scanned(baselines) -> None:
    """Registry-wide, so repositories someone creates outside landingzone are scanned too."""
    for account, stack in baselines.items():
        scanning = by_region(stack, "aws_ecr_registry_scanning_configuration")
        assert sorted(scanning) == list(REGIONS), account
        for config in scanning.values():
            assert config["scan_type"] == "BASIC" and config["rule"] == [{
                "scan_frequency": "SCAN_ON_PUSH", "repository_filter": [{"filter": "*", "filter_type": "WILDCARD"}]}]


def test_a_manifest_may_keep_its_default_vpcs_and_give_its_own_billing_contact(
        project: Path, synth_stack: Callable[..., dict[str, Any]]) -> None:
    manifest = project / "accounts" / "dev.yaml"
    data = yaml.safe_load(manifest.read_text())
    billing = {"name": "Dev FinOps", "title": "FinOps", "email": "finops-dev@acme-corp.example",
               "phone": "+1 555 0199"}
    data["baseline"] = {"default_vpcs": "keep", "alternate_contacts": {"billing": billing}}
    manifest.write_text(yaml.safe_dump(data, sort_keys=False))
    stack = synth_stack(project, "baseline-dev")
    assert not stack.get("data", {}).get("aws_vpcs") and not resources(stack, "aws_default_subnet")
    assert sorted(by_region(stack, "aws_ebs_encryption_by_default")) == list(REGIONS)  # still every region
    contacts = {c["alternate_contact_type"]: c for c in resources(stack, "aws_account_alternate_contact").values()}
    assert contacts["BILLING"]["email_address"] == billing["email"]
    assert contacts["SECURITY"]["email_address"] == "security-oncall@acme-corp.example"  # the organization's


# --- our VPCs' network ACLs -----------------------------------------------------------------------------------


def acl_decision(acl: dict[str, Any], protocol: str, port: int, source: str) -> str:
    """The first inbound rule, by number, that the packet matches decides; none matching is a deny."""
    for rule in sorted(acl["ingress"], key=lambda r: r["rule_no"]):
        if ipaddress.ip_address(source) not in ipaddress.ip_network(rule["cidr_block"]):
            continue
        if rule["protocol"] == "-1" or (rule["protocol"] == protocol and rule["from_port"] <= port <= rule["to_port"]):
            return rule["action"]
    return "deny"


@pytest.mark.parametrize(("protocol", "port", "source", "decision"), [
    ("tcp", 22, "10.20.4.7", "allow"),         # inside the VPC
    ("tcp", 5432, "10.30.0.9", "allow"),       # another spoke, inside the hub routes
    ("tcp", 22, "203.0.113.9", "deny"),        # SSH from the internet
    ("tcp", 3389, "203.0.113.9", "deny"),      # RDP from the internet, though inside the reply range
    ("tcp", 443, "203.0.113.9", "deny"),       # no listener faces the internet
    ("tcp", 40000, "52.216.0.10", "allow"),    # a reply: through NAT, or from S3 through the gateway endpoint
    ("udp", 53, "203.0.113.9", "deny"),
])
def test_spoke_subnets_admit_the_vpc_the_hub_and_replies_only(baselines, protocol: str, port: int, source: str,
                                                              decision: str) -> None:
    acl = resources(baselines["prod"], "aws_network_acl")["network_acl_prod"]
    assert acl_decision(acl, protocol, port, source) == decision


def test_every_subnet_of_our_vpcs_uses_their_own_acl_so_the_default_acl_keeps_no_rule(baselines,
                                                                                      example_synth) -> None:
    network = load_stack(example_synth, "network")
    for name, stack in [("prod", baselines["prod"]), ("dev", baselines["dev"]), ("endpoints", network)]:
        subnets = {f"${{aws_subnet.{ref}.id}}" for ref in resources(stack, "aws_subnet")}
        acl = resources(stack, "aws_network_acl")[f"network_acl_{name}"]
        assert set(acl["subnet_ids"]) == subnets and subnets, name
        assert acl["egress"] == [{"action": "allow", "cidr_block": "0.0.0.0/0", "from_port": 0, "icmp_code": None,
                                  "icmp_type": None, "ipv6_cidr_block": None, "protocol": "-1", "rule_no": 100,
                                  "to_port": 0}]
        default = resources(stack, "aws_default_network_acl")[f"default_network_acl_{name}"]
        assert default["default_network_acl_id"] == f"${{aws_vpc.vpc_{name}.default_network_acl_id}}"
        assert "ingress" not in default and "egress" not in default, name
        # stripped only once the subnets have moved, so a running VPC is never cut off
        assert default["depends_on"] == [f"aws_network_acl.network_acl_{name}"]


# --- gateway endpoints ----------------------------------------------------------------------------------------


ORG = {"aws:PrincipalOrgID": "o-acme", "aws:ResourceOrgID": "o-acme"}
FOREIGN_RESOURCE = {"aws:PrincipalOrgID": "o-acme", "aws:ResourceOrgID": "o-someoneelse"}


@pytest.mark.parametrize(("service", "action", "resource", "context", "expected"), [
    ("s3", "s3:PutObject", "arn:aws:s3:::acme-recordings-prod-1/x", ORG, True),
    ("s3", "s3:PutObject", "arn:aws:s3:::exfiltration-bucket/x", FOREIGN_RESOURCE, False),
    ("s3", "s3:GetObject", "arn:aws:s3:::exfiltration-bucket/x", {}, False),
    ("s3", "s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer", {}, True),   # ECR layers
    ("s3", "s3:GetObject", "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/repodata", {}, True),      # packages
    ("s3", "s3:PutObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/layer", {}, False),
    ("dynamodb", "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:1:table/meetings", ORG, True),
    ("dynamodb", "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:2:table/theirs", FOREIGN_RESOURCE, False),
])
def test_gateway_endpoints_reach_the_organizations_data_and_aws_owned_buckets_only(
        baselines, service: str, action: str, resource: str, context: dict[str, str], expected: bool) -> None:
    endpoint = resources(baselines["prod"], "aws_vpc_endpoint")[f"vpc_endpoint_prod_{service}"]
    document = json.loads(endpoint["policy"].replace(ORG_ID, "o-acme"))
    assert allowed(document, action, resource, context) is expected


# --- account hygiene and roles --------------------------------------------------------------------------------


def test_every_account_has_the_cis_password_policy_and_the_configured_alternate_contacts(baselines) -> None:
    for account, stack in baselines.items():
        [password] = resources(stack, "aws_iam_account_password_policy").values()
        assert password["minimum_password_length"] >= 14 and password["password_reuse_prevention"] >= 24, account
        assert all(password[f"require_{kind}"] for kind in ("lowercase_characters", "uppercase_characters",
                                                            "numbers", "symbols")), account
        assert 0 < password["max_password_age"] <= 90, account
        contacts = {c["alternate_contact_type"]: c for c in resources(stack, "aws_account_alternate_contact").values()}
        assert sorted(contacts) == ["BILLING", "OPERATIONS", "SECURITY"], account
        assert all("account_id" not in c for c in contacts.values())  # each account sets its own
        assert contacts["SECURITY"]["email_address"] == "security-oncall@acme-corp.example"


def test_security_audit_role_is_assumed_from_the_security_account_and_support_role_from_its_own(
        baselines, example) -> None:
    ids = {name: expression for expression, name in account_expressions(example).items()}
    for account, stack in baselines.items():
        roles = by_name(stack, "aws_iam_role")
        audit, support = roles["SecurityAuditRole"], roles["SupportRole"]
        [trust] = policy(audit, "assume_role_policy")["Statement"]
        assert trust["Principal"] == {"AWS": f"arn:aws:iam::{ids['security']}:root"}, account
        assert trust["Condition"] == {"ArnLike": {"aws:PrincipalArn": [
            f"arn:aws:iam::{ids['security']}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_AdminAccess_*"]}}
        [trust] = policy(support, "assume_role_policy")["Statement"]
        assert trust["Principal"] == {"AWS": f"arn:aws:iam::{ids[account]}:root"}, account
        attached = {a["policy_arn"] for a in resources(stack, "aws_iam_role_policy_attachment").values()}
        assert {"arn:aws:iam::aws:policy/SecurityAudit", "arn:aws:iam::aws:policy/AWSSupportAccess"} <= attached
        assert audit["permissions_boundary"] == support["permissions_boundary"] == \
            "${aws_iam_policy.iam_policy_boundary.arn}", account


def test_the_boundary_lets_auditors_read_the_organization_but_no_one_change_the_archive(baselines) -> None:
    boundary = policy(by_name(baselines["prod"], "aws_iam_policy")["landingzone-boundary"])
    assert allowed(boundary, "organizations:DescribeOrganization", "*")
    assert allowed(boundary, "account:GetAlternateContact", "*")
    assert not allowed(boundary, "organizations:LeaveOrganization", "*")
    for action, resource in [("s3:PutBucketPolicy", "arn:aws:s3:::acme-audit-logs-111122223333"),
                             ("s3:PutLifecycleConfiguration", "arn:aws:s3:::acme-config-logs-111122223333"),
                             ("s3:DeleteBucketPolicy", "arn:aws:s3:::acme-access-logs-111122223333"),
                             ("s3:PutObjectRetention", "arn:aws:s3:::acme-audit-logs-111122223333/AWSLogs/x")]:
        assert denied(boundary, action, resource), action
    assert not denied(boundary, "s3:PutBucketPolicy", "arn:aws:s3:::acme-recordings-prod-111122223333")
