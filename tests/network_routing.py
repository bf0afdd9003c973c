"""Reads who can reach whom through the Transit Gateway out of synthesized stacks, following the same
names a real deployment follows: baseline stacks find segment tables by Name tag, the network stack owns them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_REF = re.compile(r"^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.")


@dataclass
class Wiring:
    associated: str | None = None  # Name tag of the segment table the VPC's attachment is associated with
    propagates_to: set[str] = field(default_factory=set)


def _table_name(stack: dict[str, Any], reference: str) -> str:
    match = _REF.match(reference)
    assert match, f"{reference} is not a reference"
    is_data, kind, name = match.groups()
    assert kind == "aws_ec2_transit_gateway_route_table", reference
    if is_data:
        filters = {f["name"]: f["values"] for f in stack["data"][kind][name]["filter"]}
        return filters["tag:Name"][0]
    return stack["resource"][kind][name]["tags"]["Name"]


def _vpc_of(address: str) -> str:
    return address.split("_", 2)[2]


def hub_wiring(stacks: dict[str, dict[str, Any]]) -> dict[str, Wiring]:
    """VPC name → its association and propagations, across every stack."""
    wiring: dict[str, Wiring] = {}
    for stack in stacks.values():
        resources = stack.get("resource", {})
        for name, assoc in resources.get("aws_ec2_transit_gateway_route_table_association", {}).items():
            entry = wiring.setdefault(_vpc_of(name), Wiring())
            assert entry.associated is None, f"{name}: a second association"
            entry.associated = _table_name(stack, assoc["transit_gateway_route_table_id"])
        for name, prop in resources.get("aws_ec2_transit_gateway_route_table_propagation", {}).items():
            vpc = name.removeprefix("tgw_propagation_").rsplit("_", 1)[0]
            table = _table_name(stack, prop["transit_gateway_route_table_id"])
            wiring.setdefault(vpc, Wiring()).propagates_to.add(table)
    return wiring


def can_reach(wiring: dict[str, Wiring], source: str, target: str) -> bool:
    """Packets flow both ways only when each side's table has a route to the other."""
    a, b = wiring[source], wiring[target]
    return a.associated in b.propagates_to and b.associated in a.propagates_to


def table_names(network_stack: dict[str, Any]) -> set[str]:
    return {t["tags"]["Name"] for t in network_stack["resource"]["aws_ec2_transit_gateway_route_table"].values()}
