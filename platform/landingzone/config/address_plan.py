"""Free address space in the network plan: where a new spoke VPC can go without touching anything that exists."""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass

from landingzone.config.model import LandingZone
from landingzone.config.subnets import largest_prefix

IPv4Network = ipaddress.IPv4Network
DEFAULT_PREFIX = 16


@dataclass(frozen=True)
class Taken:
    network: IPv4Network
    owner: str  # "account 'prod'", "reserved range 'on-premises'", "the central endpoints VPC"


def taken_ranges(lz: LandingZone) -> list[Taken]:
    """Every range a new VPC must not overlap: each manifest's VPC (decommissioned accounts' too: their VPC may
    still exist until its stack is destroyed), the central endpoints VPC (the hub's own), and the reserved ranges."""
    taken = [Taken(IPv4Network(a.manifest.network.vpc_cidr), f"account '{a.name}'")
             for a in lz.accounts if a.manifest.network is not None]
    if lz.network is not None:
        taken.append(Taken(IPv4Network(lz.network.central_endpoints.vpc_cidr), "the central endpoints VPC"))
        taken += [Taken(IPv4Network(r.cidr), f"reserved range '{r.name}'") for r in lz.network.reserved_ranges]
    return sorted(taken, key=lambda t: (t.network.network_address, t.network.prefixlen))


def usual_prefix(lz: LandingZone, segment: str) -> int:
    """The VPC size most spokes of `segment` have (of all spokes when it has none), else /16."""
    sizes = Counter(IPv4Network(a.manifest.network.vpc_cidr).prefixlen for a in lz.spokes()
                    if a.manifest.network and a.manifest.network.segment == segment)
    sizes = sizes or Counter(IPv4Network(a.manifest.network.vpc_cidr).prefixlen for a in lz.spokes()
                             if a.manifest.network)
    return min(sizes.most_common(), key=lambda item: (-item[1], item[0]))[0] if sizes else DEFAULT_PREFIX


def free_cidr(lz: LandingZone, prefix: int) -> tuple[IPv4Network | None, str]:
    """The lowest /`prefix` inside a hub route that overlaps nothing taken, and the hub route it lies in; None and
    the reason when there is none."""
    if lz.network is None:
        return None, "there is no config/network.yaml to take addresses from"
    if not 16 <= prefix <= largest_prefix():
        return None, f"a /{prefix} cannot hold a spoke VPC (/16 to /{largest_prefix()})"
    taken = [t.network for t in taken_ranges(lz)]
    for route in lz.network.hub_routes:
        summary = IPv4Network(route)
        if prefix < summary.prefixlen:
            continue
        found = _first_gap(summary, prefix, taken)
        if found is not None:
            return found, route
    return None, f"every /{prefix} inside the hub routes ({', '.join(lz.network.hub_routes)}) overlaps a VPC or a " \
                 "reserved range; widen hub_routes or pick a smaller VPC with --prefix"


def _first_gap(summary: IPv4Network, prefix: int, taken: list[IPv4Network]) -> IPv4Network | None:
    """Walk the summary in address order, jumping past each taken range that overlaps the candidate (sorted
    ranges, so this is one pass however many accounts there are)."""
    size = 2 ** (32 - prefix)
    address = int(summary.network_address)
    end = int(summary.broadcast_address)
    while address + size - 1 <= end:
        candidate = IPv4Network((address, prefix))
        blocking = [t for t in taken if t.overlaps(candidate)]
        if not blocking:
            return candidate
        past = max(int(t.broadcast_address) for t in blocking) + 1
        address = -(-past // size) * size  # the next aligned block after what blocks this one
    return None
