"""The subnet plan and segment reachability: pure functions of config, no synthesis."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

import pytest

from landingzone import load_landing_zone
from landingzone.config.checks_network import reachable_segments
from landingzone.config.subnets import subnet_plan


@pytest.mark.parametrize("cidr", ["10.20.0.0/16", "10.0.0.0/22", "172.31.0.0/19"])
def test_subnet_plan_fits_the_vpc_without_overlaps(cidr: str) -> None:
    vpc = ipaddress.IPv4Network(cidr)
    subnets = [ipaddress.IPv4Network(s.cidr) for s in subnet_plan(cidr, 3)]
    assert len(subnets) == 12
    assert all(s.subnet_of(vpc) and s.prefixlen <= 28 for s in subnets)
    assert not [(a, b) for i, a in enumerate(subnets) for b in subnets[i + 1:] if a.overlaps(b)]


def test_adding_an_az_adds_subnets_and_moves_none() -> None:
    two = set(subnet_plan("10.20.0.0/16", 2))
    three = set(subnet_plan("10.20.0.0/16", 3))
    assert two < three and len(three - two) == 4


def test_plan_refuses_a_vpc_too_small_for_its_subnets() -> None:
    with pytest.raises(ValueError, match="use a /22 or larger VPC"):
        subnet_plan("10.0.0.0/23", 2)


def test_reachability_is_symmetric_and_keeps_isolated_segments_apart(example) -> None:
    net = example.network
    assert reachable_segments(net, "prod") == ("shared", "prod")
    assert reachable_segments(net, "nonprod") == ("shared", "nonprod")
    assert reachable_segments(net, "shared") == ("shared", "prod", "nonprod")


def test_isolated_attachments_do_not_reach_their_own_segment(project: Path) -> None:
    path = project / "config" / "network.yaml"
    path.write_text(path.read_text().replace("    reaches: [shared]\n    isolated_from: [prod]",
                                              "    reaches: [shared]\n    isolated_from: [prod]\n"
                                              "    isolate_attachments: true"))
    assert reachable_segments(load_landing_zone(project).network, "nonprod") == ("shared",)


def test_an_organization_without_network_yaml_has_no_network_stacks(project: Path) -> None:
    from landingzone.stacks import stack_specs

    (project / "config" / "network.yaml").unlink()
    for manifest in (project / "accounts").glob("*.yaml"):
        text = re.sub(r"(?m)^network:\n(?:  .*\n)*", "", manifest.read_text())
        manifest.write_text(re.sub(r"(?m)^workloads:\n(?:  .*\n)*", "", text))  # they need a VPC
    specs = stack_specs(load_landing_zone(project))
    assert "network" not in [s.name for s in specs]
    assert all(s.depends_on == ("org", "security") for s in specs if s.name.startswith("baseline-"))


def test_example_stack_order_puts_network_before_baselines(example) -> None:
    from landingzone.stacks import stack_specs

    specs = stack_specs(example)
    assert [s.name for s in specs] == ["bootstrap", "org", "identity", "entra", "security", "network"] + [
        f"baseline-{a.name}" for a in example.accounts] + ["meeting-recorder-prod", "meeting-recorder-staging", "admin"]
    assert {s.name: s.account for s in specs}["network"] == "shared-services"
    # Every baseline records AWS Config into the security stack's archive; spokes also need the hub.
    assert {s.name: s.depends_on for s in specs if s.depends_on != ("org", "security")} == {
        "bootstrap": (), "org": ("bootstrap",), "identity": ("org",), "entra": ("org",), "security": ("org",),
        "network": ("org",), "admin": ("org",),
        **{f"baseline-{a}": ("org", "security", "network") for a in ("dev", "prod", "staging")},
        **{f"meeting-recorder-{a}": (f"baseline-{a}", "network") for a in ("prod", "staging")}}
