"""The network stack and the spoke networking in baseline stacks, read from the synthesized example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_subset, resources
from network_routing import can_reach, hub_wiring, table_names

pytestmark = pytest.mark.synth

SPOKES = {"prod": "10.20.0.0/16", "staging": "10.30.0.0/16", "dev": "10.31.0.0/16"}
NONPROD = ("staging", "dev")
SERVICES = ("bedrock-runtime", "bedrock", "sts", "logs", "kms", "secretsmanager", "ssm")


@pytest.fixture(scope="module")
def stacks(example_synth: Path) -> dict[str, dict[str, Any]]:
    return {p.name: json.loads((p / "cdk.tf.json").read_text()) for p in (example_synth / "stacks").iterdir()
            if p.name == "network" or p.name.startswith("baseline-")}


@pytest.fixture(scope="module")
def network(stacks: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return stacks["network"]


def test_only_spoke_baselines_hold_networking(stacks) -> None:
    with_vpc = sorted(name for name, stack in stacks.items() if resources(stack, "aws_vpc"))
    assert with_vpc == ["baseline-dev", "baseline-prod", "baseline-staging", "network"]


def test_every_baseline_blocks_public_buckets_and_encrypts_ebs(stacks) -> None:
    baselines = {name: stack for name, stack in stacks.items() if name.startswith("baseline-")}
    assert len(baselines) == 7
    for name, stack in baselines.items():
        [block] = resources(stack, "aws_s3_account_public_access_block").values()
        assert all(block[key] is True for key in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                                  "restrict_public_buckets")), name
        [ebs] = resources(stack, "aws_ebs_encryption_by_default").values()
        assert ebs["enabled"] is True, name


def test_hub_accepts_and_routes_nothing_by_default(network) -> None:
    assert_subset(resources(network, "aws_ec2_transit_gateway")["tgw_hub"], {
        "amazon_side_asn": 64512, "auto_accept_shared_attachments": "disable",
        "default_route_table_association": "disable", "default_route_table_propagation": "disable"})
    assert table_names(network) == {"acme-segment-shared", "acme-segment-prod", "acme-segment-nonprod"}


def test_hub_is_shared_with_the_organization_only(network) -> None:
    assert resources(network, "aws_ram_resource_share")["ram_share_tgw"]["allow_external_principals"] is False
    assert resources(network, "aws_ram_resource_association")["ram_resource_tgw"]["resource_arn"] == \
        "${aws_ec2_transit_gateway.tgw_hub.arn}"
    principal = resources(network, "aws_ram_principal_association")["ram_principal_organization"]
    # the ARN from the management account's and organization's IDs in config: nothing is read through management
    assert principal["principal"] == "arn:aws:organizations::123456789012:organization/o-a1b2c3d4e5"


def test_every_segment_lookup_names_a_table_the_network_stack_creates(stacks, network) -> None:
    created = table_names(network)
    wiring = hub_wiring(stacks)
    assert set(wiring) == {"endpoints", *SPOKES}
    for vpc, entry in wiring.items():
        assert entry.associated in created, vpc
        assert entry.propagates_to <= created, vpc


def test_prod_and_nonprod_cannot_reach_each_other_through_the_hub(stacks) -> None:
    wiring = hub_wiring(stacks)
    for other in NONPROD:
        assert not can_reach(wiring, "prod", other)
        assert not can_reach(wiring, other, "prod")
        assert "acme-segment-prod" not in wiring[other].propagates_to
        assert "acme-segment-nonprod" not in wiring["prod"].propagates_to
    assert can_reach(wiring, "staging", "dev")


def test_every_spoke_reaches_the_endpoints_vpc(stacks) -> None:
    wiring = hub_wiring(stacks)
    assert all(can_reach(wiring, spoke, "endpoints") for spoke in SPOKES)


def test_private_subnets_send_the_hub_summary_to_the_hub_and_nothing_more(stacks) -> None:
    """Segmentation lives in the hub's tables; the VPC routes are one summary, so a new account changes
    no other account's stack."""
    for spoke in SPOKES:
        routes = resources(stacks[f"baseline-{spoke}"], "aws_route").values()
        to_hub = [r for r in routes if "transit_gateway_id" in r]
        assert {r["destination_cidr_block"] for r in to_hub} == {"10.0.0.0/8"}
        assert sorted(r["route_table_id"] for r in to_hub) == sorted(
            f"${{aws_route_table.{name}.id}}" for name in resources(stacks[f"baseline-{spoke}"], "aws_route_table")
            if "_private_" in name)


def test_isolated_subnets_have_no_route_out(stacks) -> None:
    for spoke in SPOKES:
        stack = stacks[f"baseline-{spoke}"]
        isolated = f"${{aws_route_table.rt_{spoke}_isolated.id}}"
        assert not [r for r in resources(stack, "aws_route").values() if r["route_table_id"] == isolated]
        associated = {a["subnet_id"] for a in resources(stack, "aws_route_table_association").values()
                      if a["route_table_id"] == isolated}
        assert len(associated) == {"prod": 3}.get(spoke, 2)


def test_nat_gateways_per_az_only_where_the_manifest_asks_for_egress(stacks) -> None:
    assert len(resources(stacks["baseline-prod"], "aws_nat_gateway")) == 3
    assert len(resources(stacks["baseline-staging"], "aws_nat_gateway")) == 2
    assert not resources(stacks["baseline-dev"], "aws_nat_gateway")
    assert not resources(stacks["baseline-dev"], "aws_internet_gateway")
    nat_routes = [r for r in resources(stacks["baseline-prod"], "aws_route").values() if "nat_gateway_id" in r]
    assert {r["route_table_id"] for r in nat_routes} == {
        f"${{aws_route_table.rt_prod_private_{az}.id}}" for az in ("use1-az1", "use1-az2", "use1-az4")}


def test_subnets_follow_the_plan_in_three_tiers_and_attachment_subnets(stacks) -> None:
    subnets = resources(stacks["baseline-prod"], "aws_subnet")
    by_tier: dict[str, list[str]] = {}
    for subnet in subnets.values():
        by_tier.setdefault(subnet["tags"]["Tier"], []).append(subnet["cidr_block"])
        assert subnet["map_public_ip_on_launch"] is False
    assert sorted(by_tier["private"]) == ["10.20.0.0/18", "10.20.128.0/18", "10.20.64.0/18"]
    assert sorted(by_tier) == ["isolated", "private", "public", "transit"]
    attachment = resources(stacks["baseline-prod"], "aws_ec2_transit_gateway_vpc_attachment")["tgw_attachment_prod"]
    assert len(attachment["subnet_ids"]) == 3 and all("subnet_prod_transit_" in s for s in attachment["subnet_ids"])


def test_spokes_are_accepted_associated_and_propagated_by_the_hub_account(stacks) -> None:
    stack = stacks["baseline-prod"]
    hub = "aws.shared-services_us-east-1"
    assert resources(stack, "aws_ec2_transit_gateway_vpc_attachment_accepter")["tgw_accepter_prod"]["provider"] == hub
    for kind in ("aws_ec2_transit_gateway_route_table_association", "aws_ec2_transit_gateway_route_table_propagation"):
        assert {r["provider"] for r in resources(stack, kind).values()} == {hub}
    assert stack["data"]["aws_ec2_transit_gateway"]["tgw_hub"]["provider"] == hub
    flags = ("transit_gateway_default_route_table_association", "transit_gateway_default_route_table_propagation")
    attachment = resources(stack, "aws_ec2_transit_gateway_vpc_attachment")["tgw_attachment_prod"]
    accepter = resources(stack, "aws_ec2_transit_gateway_vpc_attachment_accepter")["tgw_accepter_prod"]
    assert not any(flag in attachment for flag in flags)  # the spoke may not set them on a shared hub
    assert all(accepter[flag] is False for flag in flags)


def test_endpoints_attachment_stays_out_of_default_route_tables(network) -> None:
    attachment = resources(network, "aws_ec2_transit_gateway_vpc_attachment")["tgw_attachment_endpoints"]
    assert attachment["transit_gateway_default_route_table_association"] is False
    assert attachment["transit_gateway_default_route_table_propagation"] is False
    assert not resources(network, "aws_ec2_transit_gateway_vpc_attachment_accepter")


def test_default_security_group_has_no_rules_and_flow_logs_are_on(stacks) -> None:
    for spoke in SPOKES:
        stack = stacks[f"baseline-{spoke}"]
        default = resources(stack, "aws_default_security_group")[f"default_sg_{spoke}"]
        assert "ingress" not in default and "egress" not in default
        assert_subset(resources(stack, "aws_flow_log")[f"flow_log_{spoke}"], {
            "traffic_type": "ALL", "vpc_id": f"${{aws_vpc.vpc_{spoke}.id}}",
            "log_destination": f"${{aws_cloudwatch_log_group.log_group_flow_logs_{spoke}.arn}}"})
        group = resources(stack, "aws_cloudwatch_log_group")[f"log_group_flow_logs_{spoke}"]
        assert group["retention_in_days"] == 365 and group["kms_key_id"].startswith("${aws_kms_key.")


def test_gateway_endpoints_serve_private_and_isolated_subnets(stacks) -> None:
    endpoints = resources(stacks["baseline-dev"], "aws_vpc_endpoint")
    assert sorted(e["service_name"] for e in endpoints.values()) == [
        "com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]
    for endpoint in endpoints.values():
        assert endpoint["vpc_endpoint_type"] == "Gateway"
        assert sorted(endpoint["route_table_ids"]) == sorted(
            f"${{aws_route_table.rt_dev_{t}.id}}" for t in ("isolated", "private_use1-az1", "private_use1-az2"))


def test_central_endpoints_sit_in_the_endpoints_vpc_without_private_dns(network) -> None:
    endpoints = resources(network, "aws_vpc_endpoint")
    assert sorted(endpoints) == sorted(f"vpc_endpoint_{s}" for s in SERVICES)
    for service in SERVICES:
        endpoint = endpoints[f"vpc_endpoint_{service}"]
        assert_subset(endpoint, {"vpc_id": "${aws_vpc.vpc_endpoints.id}", "private_dns_enabled": False,
                                 "service_name": f"com.amazonaws.us-east-1.{service}",
                                 "vpc_endpoint_type": "Interface",
                                 "security_group_ids": ["${aws_security_group.security_group_endpoints.id}"]})
        assert all("subnet_endpoints_private_" in s for s in endpoint["subnet_ids"])


ORG_ID = "o-a1b2c3d4e5"


def test_endpoint_policies_admit_only_the_organizations_principals(network) -> None:
    for service in SERVICES:
        policy = json.loads(resources(network, "aws_vpc_endpoint")[f"vpc_endpoint_{service}"]["policy"])
        signed = policy["Statement"][0]
        assert signed["Effect"] == "Allow"
        assert signed["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ORG_ID}}
        assert len(policy["Statement"]) == (2 if service == "sts" else 1), service


def test_sts_endpoint_admits_federated_sign_in_to_the_organizations_roles(network) -> None:
    """SAML and web-identity sign-ins are unsigned, so they carry no aws:PrincipalOrgID to match."""
    policy = json.loads(resources(network, "aws_vpc_endpoint")["vpc_endpoint_sts"]["policy"])
    federated = policy["Statement"][1]
    assert federated["Action"] == ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]
    assert federated["Condition"] == {"StringEquals": {"aws:ResourceOrgID": ORG_ID}}


def test_endpoint_security_group_allows_443_from_spoke_cidrs_only(network) -> None:
    rules = resources(network, "aws_vpc_security_group_ingress_rule").values()
    assert sorted(r["cidr_ipv4"] for r in rules) == sorted(SPOKES.values())
    assert all((r["ip_protocol"], r["from_port"], r["to_port"]) == ("tcp", 443, 443) for r in rules)
    assert not resources(network, "aws_vpc_security_group_egress_rule")
    assert "egress" not in resources(network, "aws_security_group")["security_group_endpoints"]


def test_each_service_zone_answers_with_its_central_endpoint(network) -> None:
    zones = resources(network, "aws_route53_zone")
    records = resources(network, "aws_route53_record")
    for service in SERVICES:
        zone = zones[f"zone_{service}"]
        assert zone["name"] == f"{service}.us-east-1.amazonaws.com"
        assert zone["vpc"] == [{"vpc_id": "${aws_vpc.vpc_endpoints.id}", "vpc_region": "us-east-1"}]
        alias = records[f"zone_alias_{service}"]
        assert alias["zone_id"] == f"${{aws_route53_zone.zone_{service}.zone_id}}"
        assert alias["alias"]["name"] == f"${{aws_vpc_endpoint.vpc_endpoint_{service}.dns_entry[0].dns_name}}"


def test_every_spoke_is_associated_with_every_endpoint_zone(stacks, network) -> None:
    zone_names = {z["name"] for z in resources(network, "aws_route53_zone").values()}
    for spoke in SPOKES:
        stack = stacks[f"baseline-{spoke}"]
        looked_up = {d["name"] for d in stack["data"]["aws_route53_zone"].values()}
        assert looked_up == zone_names
        associations = resources(stack, "aws_route53_zone_association")
        authorizations = resources(stack, "aws_route53_vpc_association_authorization")
        assert len(associations) == len(authorizations) == len(SERVICES)
        for service in SERVICES:
            assert associations[f"zone_association_{spoke}_{service}"]["vpc_id"] == \
                f"${{aws_route53_vpc_association_authorization.zone_authorization_{spoke}_{service}.vpc_id}}"
            assert authorizations[f"zone_authorization_{spoke}_{service}"]["provider"] == \
                "aws.shared-services_us-east-1"


def test_endpoints_vpc_routes_the_hub_summary_back(network) -> None:
    routes = [r for r in resources(network, "aws_route").values() if "transit_gateway_id" in r]
    assert [r["destination_cidr_block"] for r in routes] == ["10.0.0.0/8"] * 2  # one per AZ's private table


def test_network_diagram_shows_accounts_cidrs_segments_and_the_bedrock_path(example_synth: Path) -> None:
    text = (example_synth / "network.md").read_text()
    assert "```mermaid" in text
    for spoke, cidr in SPOKES.items():
        assert f"vpc_{spoke}[\"{spoke}<br/>{cidr}" in text
        assert f"vpc_{spoke} -. private DNS, via TGW .-> ep_bedrock_runtime" in text
    assert "ep_bedrock_runtime == PrivateLink ==> bedrock" in text
    assert "seg_prod <-. routes .-> seg_nonprod" not in text and "seg_nonprod <-. routes .-> seg_prod" not in text


def test_isolation_check_catches_a_segment_that_lets_nonprod_into_prod(project: Path, synth_stack) -> None:
    """The reachability reading above is not vacuous: wire nonprod to prod and it says so."""
    path = project / "config" / "network.yaml"
    text = path.read_text().replace("    isolated_from: [nonprod]\n", "").replace(
        "    reaches: [shared]\n    isolated_from: [prod]", "    reaches: [shared, prod]")
    path.write_text(text)
    stacks = {name: synth_stack(project, name) for name in ("network", "baseline-prod", "baseline-dev")}
    assert can_reach(hub_wiring(stacks), "prod", "dev")


def test_a_segment_that_does_not_reach_the_endpoints_gets_no_dns_or_endpoint_access(project: Path,
                                                                                     synth_stack) -> None:
    path = project / "config" / "network.yaml"
    path.write_text(path.read_text().replace("segments:\n", "segments:\n  - name: quarantine\n"))
    manifest = project / "accounts" / "dev.yaml"
    manifest.write_text(manifest.read_text().replace("segment: nonprod", "segment: quarantine"))
    dev, network = synth_stack(project, "baseline-dev"), synth_stack(project, "network")
    assert not resources(dev, "aws_route53_zone_association")
    assert "aws_route53_zone" not in dev.get("data", {})
    rules = resources(network, "aws_vpc_security_group_ingress_rule").values()
    assert SPOKES["dev"] not in {r["cidr_ipv4"] for r in rules}
    assert set(hub_wiring({"network": network, "baseline-dev": dev})["dev"].propagates_to) == {
        "acme-segment-quarantine"}
