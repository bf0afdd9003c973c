"""A VPC cut into tiers by the deterministic subnet plan, with per-tier route tables and no default rules."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc as AwsVpc
from constructs import Construct

from landingzone.config.subnets import Subnet as PlannedSubnet
from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part
from landingzone.constructs.subnet_acl import SubnetAcl

ANYWHERE = "0.0.0.0/0"


class Vpc(Part):
    """Route tables: one per AZ for `private` (each AZ egresses through its own NAT), one for every other tier.

    Isolated subnets get a route table of their own that only ever holds the local route and gateway
    endpoints, so nothing added for the other tiers can give them a path out. The default security group and
    network ACL keep no rule: every subnet uses the VPC's own network ACL (SubnetAcl), which admits `peer_cidrs`.
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, cidr: str, subnets: Sequence[PlannedSubnet],
                 az_ids: Sequence[str], egress: bool, peer_cidrs: Sequence[str],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.name = name
        self.vpc = pin(AwsVpc(self, "vpc", cidr_block=cidr, enable_dns_support=True, enable_dns_hostnames=True,
                              tags={"Name": name}, provider=provider), "vpc", name)
        # AWS creates a default security group that allows all traffic inside the VPC; with no rules
        # declared, Terraform strips them, so nothing lands in it by accident.
        pin(DefaultSecurityGroup(self, "default-sg", vpc_id=ref(self.vpc, "id"), tags={"Name": f"{name}-default"},
                                 provider=provider), "default_sg", name)
        self.route_tables: dict[str, list[RouteTable]] = {}
        self.subnet_ids: dict[str, list[str]] = {}
        for tier in dict.fromkeys(s.tier for s in subnets):
            tiered = [s for s in subnets if s.tier == tier]
            per_az = tier == "private"
            self.route_tables[tier] = [
                pin(RouteTable(self, f"rt-{tier}-{az}" if per_az else f"rt-{tier}", vpc_id=ref(self.vpc, "id"),
                               tags={"Name": f"{name}-{tier}-{az_ids[az]}" if per_az else f"{name}-{tier}"},
                               provider=provider), "rt", name, tier, *([az_ids[az]] if per_az else []))
                for az in (range(len(tiered)) if per_az else [0])]
            self.subnet_ids[tier] = []
            for planned in tiered:
                az = az_ids[planned.az_index]
                subnet = pin(Subnet(self, f"subnet-{tier}-{az}", vpc_id=ref(self.vpc, "id"), cidr_block=planned.cidr,
                                    availability_zone_id=az, map_public_ip_on_launch=False,
                                    tags={"Name": f"{name}-{tier}-{az}", "Tier": tier}, provider=provider),
                             "subnet", name, tier, az)
                table = self.route_tables[tier][planned.az_index if per_az else 0]
                pin(RouteTableAssociation(self, f"rta-{tier}-{az}", subnet_id=ref(subnet, "id"),
                                          route_table_id=ref(table, "id"), provider=provider), "rta", name, tier, az)
                self.subnet_ids[tier].append(ref(subnet, "id"))
        self.acl = SubnetAcl(self, "subnet-acl", name=name, vpc_id=ref(self.vpc, "id"), vpc_cidr=cidr,
                             default_acl_id=ref(self.vpc, "default_network_acl_id"), peer_cidrs=peer_cidrs,
                             subnet_ids=[i for ids in self.subnet_ids.values() for i in ids], provider=provider)
        if egress:
            self._egress(name, az_ids, provider)

    def _egress(self, name: str, az_ids: Sequence[str], provider: AwsProvider | None) -> None:
        igw = pin(InternetGateway(self, "igw", vpc_id=ref(self.vpc, "id"), tags={"Name": name}, provider=provider),
                  "igw", name)
        pin(Route(self, "route-public-internet", route_table_id=ref(self.route_tables["public"][0], "id"),
                  destination_cidr_block=ANYWHERE, gateway_id=ref(igw, "id"), provider=provider),
            "route", name, "public", "internet")
        for index, table in enumerate(self.route_tables["private"]):
            az = az_ids[index]
            eip = pin(Eip(self, f"nat-eip-{az}", domain="vpc", tags={"Name": f"{name}-nat-{az}"},
                          depends_on=[igw], provider=provider), "nat_eip", name, az)
            nat = pin(NatGateway(self, f"nat-{az}", allocation_id=ref(eip, "id"),
                                 subnet_id=self.subnet_ids["public"][index], tags={"Name": f"{name}-nat-{az}"},
                                 provider=provider), "nat", name, az)
            pin(Route(self, f"route-private-internet-{az}", route_table_id=ref(table, "id"),
                      destination_cidr_block=ANYWHERE, nat_gateway_id=ref(nat, "id"), provider=provider),
                "route", name, "private", az, "internet")

    def tables(self, *tiers: str) -> list[RouteTable]:
        return [table for tier in tiers for table in self.route_tables.get(tier, [])]
