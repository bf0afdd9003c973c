"""The deterministic subnet plan of a VPC: which CIDR each tier gets in each AZ.

Layout, for a VPC of prefix /p: the first three quarters (/p+2 each) are the private subnets of AZ 0, 1
and 2; the last quarter is cut into sixteen /p+6 blocks, of which blocks 0-2 are public, 4-6 isolated and
8-10 transit (Transit Gateway attachments). Slots are reserved for three AZs whatever the AZ count, so
going from two AZs to three adds subnets and never renumbers, and so never replaces, an existing one.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

MAX_AZS = 3
SMALLEST_SUBNET = 28  # AWS refuses subnets smaller than /28
SPOKE_TIERS = ("public", "private", "isolated", "transit")
ENDPOINT_TIERS = ("private", "transit")
_SMALL_BLOCK = {"public": 0, "isolated": 4, "transit": 8}


@dataclass(frozen=True)
class Subnet:
    tier: str
    az_index: int
    cidr: str


def largest_prefix() -> int:
    """The longest VPC prefix the plan fits in: its smallest subnets are /prefix+6."""
    return SMALLEST_SUBNET - 6


def misfit(prefixlen: int) -> str | None:
    """Why a VPC of this prefix cannot hold the plan, or None."""
    if prefixlen <= largest_prefix():
        return None
    return (f"the subnet plan needs /{prefixlen + 6} subnets, smaller than the /{SMALLEST_SUBNET} AWS allows; "
            f"use a /{largest_prefix()} or larger VPC")


def subnet_plan(vpc_cidr: str, az_count: int, tiers: tuple[str, ...] = SPOKE_TIERS) -> tuple[Subnet, ...]:
    """Every subnet, tier by tier and AZ by AZ; raises ValueError when the VPC is too small for the plan."""
    vpc = ipaddress.IPv4Network(vpc_cidr)
    problem = misfit(vpc.prefixlen)
    if problem:
        raise ValueError(problem)
    quarters = list(vpc.subnets(prefixlen_diff=2))
    small = list(quarters[3].subnets(prefixlen_diff=4))
    subnets = []
    for tier in tiers:
        for az in range(az_count):
            block = quarters[az] if tier == "private" else small[_SMALL_BLOCK[tier] + az]
            subnets.append(Subnet(tier, az, str(block)))
    return tuple(subnets)
