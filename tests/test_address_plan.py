"""Free address space for a new spoke: never over a spoke (decommissioned ones too), the central endpoints VPC or a
reserved range; the lowest aligned block inside a hub route; a clear reason when there is none."""

from __future__ import annotations

import ipaddress
from dataclasses import replace

from landingzone.config import LandingZone
from landingzone.config.address_plan import free_cidr, taken_ranges, usual_prefix
from landingzone.config.model import Account
from landingzone.config.network import AccountNetwork, ReservedRange


def with_spokes(lz: LandingZone, cidrs: dict[str, str], *, decommissioned: tuple[str, ...] = ()) -> LandingZone:
    base = lz.account("dev")
    extra = []
    for name, cidr in cidrs.items():
        update = {"name": name, "network": AccountNetwork(vpc_cidr=cidr, segment="nonprod")}
        if name in decommissioned:
            update["decommission"] = {"reason": "moved to another organisation", "account": True}
        manifest = base.manifest.model_validate({**base.manifest.model_dump(), **update})
        extra.append(Account(manifest, f"accounts/{name}.yaml", base.tags))
    return replace(lz, accounts=(*lz.accounts, *extra))


def test_the_lowest_free_block_of_the_hub_route(example: LandingZone) -> None:
    assert free_cidr(example, 16) == (ipaddress.ip_network("10.1.0.0/16"), "10.0.0.0/8")
    assert free_cidr(example, 22) == (ipaddress.ip_network("10.0.4.0/22"), "10.0.0.0/8")  # past the endpoints /22


def test_blocks_are_aligned_and_skip_every_taken_range(example: LandingZone) -> None:
    lz = with_spokes(example, {"a": "10.1.128.0/24", "b": "10.2.0.0/16", "c": "10.3.0.0/17"})
    assert free_cidr(lz, 16)[0] == ipaddress.ip_network("10.4.0.0/16")
    assert free_cidr(lz, 17)[0] == ipaddress.ip_network("10.0.128.0/17")
    assert free_cidr(lz, 18)[0] == ipaddress.ip_network("10.0.64.0/18")


def test_decommissioned_accounts_and_reserved_ranges_keep_their_space(example: LandingZone) -> None:
    lz = with_spokes(example, {"gone": "10.1.0.0/16"}, decommissioned=("gone",))
    assert lz.account("gone").decommissioned
    assert free_cidr(lz, 16)[0] == ipaddress.ip_network("10.2.0.0/16")
    assert example.network is not None
    reserved = replace(lz, network=example.network.model_copy(update={"reserved_ranges": (
        *example.network.reserved_ranges, ReservedRange(name="lab", cidr="10.2.0.0/15"))}))
    assert free_cidr(reserved, 16)[0] == ipaddress.ip_network("10.4.0.0/16")
    assert [t.owner for t in taken_ranges(reserved)][:3] == ["the central endpoints VPC", "account 'gone'",
                                                             "reserved range 'lab'"]


def test_no_room_and_no_plan_are_reasons_not_guesses(example: LandingZone) -> None:
    assert example.network is not None
    small = replace(example, network=example.network.model_copy(update={"hub_routes": ("10.20.0.0/16",)}))
    assert free_cidr(small, 16) == (None, "every /16 inside the hub routes (10.20.0.0/16) overlaps a VPC or a "
                                          "reserved range; widen hub_routes or pick a smaller VPC with --prefix")
    assert free_cidr(example, 24) == (None, "a /24 cannot hold a spoke VPC (/16 to /22)")
    assert free_cidr(replace(example, network=None), 16) == (None, "there is no config/network.yaml to take "
                                                                   "addresses from")


def test_a_thousand_spokes_pack_without_overlap(example: LandingZone) -> None:
    cidrs = {f"w{i:04d}": f"10.{1 + i // 16}.{(i % 16) * 16}.0/20" for i in range(1000)}
    lz = with_spokes(example, cidrs)
    found = free_cidr(lz, 20)[0]
    assert found is not None
    assert not any(found.overlaps(t.network) for t in taken_ranges(lz))
    assert found == ipaddress.ip_network("10.0.16.0/20")  # the endpoints' /22 leaves the rest of 10.0.0.0/20 out
    assert free_cidr(lz, 16)[0] == ipaddress.ip_network("10.64.0.0/16")


def test_the_usual_size_is_the_segments(example: LandingZone) -> None:
    assert usual_prefix(example, "nonprod") == 16
    lz = with_spokes(example, {"a": "10.40.0.0/20", "b": "10.40.16.0/20", "c": "10.40.32.0/20",
                               "d": "10.40.48.0/20"})
    assert usual_prefix(lz, "nonprod") == 20
    assert usual_prefix(lz, "shared") == 20  # no spoke there: the most common size overall
