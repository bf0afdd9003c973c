"""Checks of `config/network.yaml` against itself, the organisation and every account's `network:` block."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from landingzone.config.account import AccountManifest
from landingzone.config.checks_accounts import known
from landingzone.config.model import LandingZone
from landingzone.config.network import ASN_RANGES, NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.regions import AZ_IDS
from landingzone.config.subnets import misfit
from landingzone.config.uniqueness import unique
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

NETWORK_FILE = "config/network.yaml"
VPC_PREFIXES = (16, 28)  # what AWS accepts for a VPC's primary CIDR
ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True)
class _Range:
    network: ipaddress.IPv4Network
    owner: str  # "account 'prod'", "the central endpoints VPC", "reserved range 'on-premises'"
    src: Source
    loc: tuple[str | int, ...]
    is_vpc: bool = True

    @property
    def place(self) -> str:
        return f"{self.src.file}:{self.src.line(self.loc)}"


def check_network(net: NetworkConfig | None, src: Source | None, org: OrganizationConfig,
                  manifests: Sequence[tuple[AccountManifest, Source]]) -> list[Problem]:
    spokes = [(m, s) for m, s in manifests if m.network is not None and not m.decommissioned]
    if net is None or src is None:  # no network.yaml (each spoke is an error), or one already reported broken
        return [] if src is not None else [
            s.problem(("network",), f"asks for a VPC but {NETWORK_FILE} does not exist; add it with the Transit "
                      "Gateway, segments and central endpoints") for _, s in spokes]
    problems = _check_hub(net, src, org) + _check_segments(net, src) + _check_lists(net, src, spokes)
    az_limit = len(availability_zones(net))
    segments = [s.name for s in net.segments]
    ranges: list[_Range] = []
    endpoints = net.central_endpoints
    problems += _vpc_range(endpoints.vpc_cidr, endpoints.az_count, az_limit, net, src,
                           ("central_endpoints",), "the central endpoints VPC", ranges)
    if endpoints.segment not in segments:
        problems.append(src.problem(("central_endpoints", "segment"), _unknown_segment(segments, endpoints.segment)))
    for index, reserved in enumerate(net.reserved_ranges):
        network, problem = _parse(reserved.cidr, src, ("reserved_ranges", index, "cidr"))
        if problem:
            problems.append(problem)
        elif network:
            ranges.append(_Range(network, f"reserved range '{reserved.name}'", src, ("reserved_ranges", index, "cidr"),
                                 is_vpc=False))
    for manifest, msrc in spokes:
        assert manifest.network is not None
        if manifest.name == org.core_accounts.shared_services:
            problems.append(msrc.problem(("network",), "the shared-services account holds the hub and the "
                                         "endpoints VPC in the network stack; give its workloads their own account"))
            continue
        spoke = manifest.network
        problems += _vpc_range(spoke.vpc_cidr, spoke.az_count, az_limit, net, msrc, ("network",),
                               f"account '{manifest.name}'", ranges)
        if spoke.segment not in segments:
            problems.append(msrc.problem(("network", "segment"), _unknown_segment(segments, spoke.segment)))
    return problems + _overlaps(ranges) + _outside_hub_routes(net, src, ranges)


def availability_zones(net: NetworkConfig) -> tuple[str, ...]:
    return net.transit_gateway.availability_zone_ids or AZ_IDS.get(net.transit_gateway.region, ())


def reachable_segments(net: NetworkConfig, segment: str) -> tuple[str, ...]:
    """Segments whose VPCs `segment`'s VPCs can reach through the hub, itself included unless isolated."""
    linked = {segment}
    for seg in net.segments:
        if seg.name == segment:
            linked |= set(seg.reaches)
        elif segment in seg.reaches:
            linked.add(seg.name)
    if any(s.name == segment and s.isolate_attachments for s in net.segments):
        linked.discard(segment)
    return tuple(s.name for s in net.segments if s.name in linked)


def endpoint_clients(lz: LandingZone) -> dict[str, str]:
    """Spoke account → VPC CIDR, for every spoke whose segment reaches the endpoints' segment."""
    assert lz.network is not None
    segment = lz.network.central_endpoints.segment
    return {a.name: a.manifest.network.vpc_cidr for a in lz.spokes()
            if a.manifest.network and segment in reachable_segments(lz.network, a.manifest.network.segment)}


def _check_hub(net: NetworkConfig, src: Source, org: OrganizationConfig) -> list[Problem]:
    problems = []
    hub = net.transit_gateway
    if hub.region not in org.organization.allowed_regions:
        problems.append(src.problem(("transit_gateway", "region"), f"'{hub.region}' is not in organization."
                                    f"allowed_regions ({', '.join(org.organization.allowed_regions)})"))
    if not any(low <= hub.amazon_side_asn <= high for low, high in ASN_RANGES):
        problems.append(src.problem(("transit_gateway", "amazon_side_asn"), f"{hub.amazon_side_asn} is not a "
                                    "private ASN (allowed 64512-65534 or 4200000000-4294967294)"))
    if "ram.amazonaws.com" not in org.organization.service_access_principals:
        problems.append(src.problem(("transit_gateway",), "the hub is shared with the organization through RAM, "
                                    "but organization.service_access_principals leaves out ram.amazonaws.com"))
    if not availability_zones(net):
        problems.append(src.problem(("transit_gateway", "region"), f"landingzone does not know the AZ IDs of "
                                    f"'{hub.region}'; list them in transit_gateway.availability_zone_ids"))
    return problems


def _check_lists(net: NetworkConfig, src: Source, spokes: Sequence[tuple[AccountManifest, Source]]) -> list[Problem]:
    problems = unique(src, ("central_endpoints", "services"), net.central_endpoints.services, "endpoint service")
    problems += unique(src, ("hub_routes",), net.hub_routes, "hub route")
    problems += unique(src, ("transit_gateway", "availability_zone_ids"),
                       net.transit_gateway.availability_zone_ids or (), "zone ID")
    egress = [m.name for m, _ in spokes if m.network and m.network.egress]
    if ANYWHERE in net.hub_routes and egress:
        problems.append(src.problem(("hub_routes", net.hub_routes.index(ANYWHERE)), f"{ANYWHERE} would clash with "
                                    f"the NAT default route of {', '.join(egress)} (egress: true); route egress "
                                    "through the hub or through NAT, not both"))
    return problems


def _check_segments(net: NetworkConfig, src: Source) -> list[Problem]:
    names = [s.name for s in net.segments]
    problems = unique(src, ("segments",), names, "segment", item_key="name")
    for index, seg in enumerate(net.segments):
        for key in ("reaches", "isolated_from"):
            for pos, other in enumerate(getattr(seg, key)):
                if other not in names:
                    problems.append(src.problem(("segments", index, key, pos), _unknown_segment(names, other)))
                elif other == seg.name:
                    problems.append(src.problem(("segments", index, key, pos), f"segment '{seg.name}' names "
                                                "itself; use isolate_attachments to keep its VPCs apart"))
        for pos, other in enumerate(seg.isolated_from):
            if other != seg.name and other in reachable_segments(net, seg.name):
                problems.append(src.problem(("segments", index, "isolated_from", pos), f"'{seg.name}' must not "
                                            f"reach '{other}', but {_why_linked(net, seg.name, other)}"))
    return problems


def _why_linked(net: NetworkConfig, a: str, b: str) -> str:
    owner = next(s for s in net.segments if s.name in (a, b) and ({a, b} - {s.name}) <= set(s.reaches))
    return f"segment '{owner.name}' lists '{({a, b} - {owner.name}).pop()}' in reaches"


def _unknown_segment(names: Sequence[str], wanted: str) -> str:
    return f"'{wanted}' is not a segment in {NETWORK_FILE} {known(names, wanted)}"


def _parse(cidr: str, src: Source, loc: tuple[str | int, ...]) -> tuple[ipaddress.IPv4Network | None,
                                                                         Problem | None]:
    try:
        return ipaddress.IPv4Network(cidr), None
    except ValueError as exc:
        if "has host bits set" in str(exc):
            fixed = ipaddress.IPv4Network(cidr, strict=False)
            return None, src.problem(loc, f"{cidr} has host bits set; the network is {fixed}")
        return None, src.problem(loc, f"'{cidr}' is not a valid IPv4 CIDR ({exc})")


def _vpc_range(cidr: str, az_count: int, az_limit: int, net: NetworkConfig, src: Source,
               base: tuple[str | int, ...], owner: str, ranges: list[_Range]) -> list[Problem]:
    loc = (*base, "vpc_cidr")
    network, problem = _parse(cidr, src, loc)
    if problem or network is None:
        return [problem] if problem else []
    low, high = VPC_PREFIXES
    if not low <= network.prefixlen <= high:
        return [src.problem(loc, f"{cidr} is a /{network.prefixlen}; a VPC's prefix is /{low} to /{high}")]
    problems = []
    misfit_reason = misfit(network.prefixlen)
    if misfit_reason:
        problems.append(src.problem(loc, f"{cidr} is too small: {misfit_reason}"))
    if az_limit and az_count > az_limit:
        problems.append(src.problem((*base, "az_count"), f"{az_count} AZs, but {net.transit_gateway.region} "
                                    f"offers {az_limit}"))
    ranges.append(_Range(network, owner, src, loc))
    return problems


def _outside_hub_routes(net: NetworkConfig, src: Source, ranges: list[_Range]) -> list[Problem]:
    summaries = []
    problems = []
    for index, cidr in enumerate(net.hub_routes):
        network, problem = _parse(cidr, src, ("hub_routes", index))
        problems += [problem] if problem else []
        summaries += [network] if network else []
    if problems:
        return problems
    return [vpc.src.problem(vpc.loc, f"{vpc.network} of {vpc.owner} is outside every hub route "
                            f"({', '.join(net.hub_routes)}), so no VPC would route to it through the hub; "
                            f"widen hub_routes in {NETWORK_FILE}")
            for vpc in ranges if vpc.is_vpc and not any(vpc.network.subnet_of(summary) for summary in summaries)]


def _overlaps(ranges: list[_Range]) -> list[Problem]:
    """Pairs of overlapping ranges, by a sweep in address order: CIDRs are nested or disjoint, so only the
    chain of ranges still open at a start can overlap it. The later one in config order carries the error."""
    order = {id(r): i for i, r in enumerate(ranges)}
    problems = []
    active: list[_Range] = []
    for current in sorted(ranges, key=lambda r: (r.network.network_address, r.network.prefixlen, order[id(r)])):
        active = [r for r in active if r.network.broadcast_address >= current.network.network_address]
        for other in active:
            first, second = sorted((other, current), key=lambda r: order[id(r)])
            problems.append(second.src.problem(second.loc, f"{second.network} of {second.owner} overlaps "
                                               f"{first.network} of {first.owner} ({first.place})"))
        active.append(current)
    return problems
