"""A VPC on the hub: its attachment, the one segment table it is associated with, the tables it propagates
into, and the VPC routes that send the hub's summaries to it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.ec2_transit_gateway_route_table_association import (
    Ec2TransitGatewayRouteTableAssociation,
)
from cdktf_cdktf_provider_aws.ec2_transit_gateway_route_table_propagation import (
    Ec2TransitGatewayRouteTablePropagation,
)
from cdktf_cdktf_provider_aws.ec2_transit_gateway_vpc_attachment import Ec2TransitGatewayVpcAttachment
from cdktf_cdktf_provider_aws.ec2_transit_gateway_vpc_attachment_accepter import (
    Ec2TransitGatewayVpcAttachmentAccepter,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.route import Route
from constructs import Construct

from landingzone.constructs.naming import pin, pinned_name, ref
from landingzone.constructs.part import Part
from landingzone.constructs.vpc import Vpc


class HubAttachment(Part):
    """`hub_provider` set means the VPC is in another account than the hub: the hub's account accepts the
    attachment and owns its association and propagations, as AWS requires of the Transit Gateway owner."""

    def __init__(self, scope: Construct, id_: str, *, vpc: Vpc, segment: str, gateway_id: str,
                 tables: Mapping[str, str], propagate_to: Sequence[str], destinations: Sequence[str],
                 hub_provider: AwsProvider | None = None, vpc_provider: AwsProvider | None = None) -> None:
        """`tables` maps segment names to route table IDs; `destinations` are the CIDRs to route to the hub."""
        super().__init__(scope, id_)
        name = vpc.name
        # The default-route-table flags belong to the hub's owner: on a RAM-shared hub the attaching account
        # may not set them (the provider cannot even read them back), so there the accepter sets them.
        owner_flags = {} if hub_provider is not None else {
            "transit_gateway_default_route_table_association": False,
            "transit_gateway_default_route_table_propagation": False}
        self.attachment = pin(Ec2TransitGatewayVpcAttachment(
            self, "attachment", transit_gateway_id=gateway_id, vpc_id=ref(vpc.vpc, "id"),
            subnet_ids=vpc.subnet_ids["transit"], dns_support="enable",
            tags={"Name": name, "Segment": segment}, provider=vpc_provider, **owner_flags), "tgw_attachment", name)
        attachment_id: str = ref(self.attachment, "id")
        ready: ITerraformDependable = self.attachment
        if hub_provider is not None:
            accepter = pin(Ec2TransitGatewayVpcAttachmentAccepter(
                self, "accepter", transit_gateway_attachment_id=ref(self.attachment, "id"),
                transit_gateway_default_route_table_association=False,
                transit_gateway_default_route_table_propagation=False,
                tags={"Name": name, "Segment": segment}, provider=hub_provider), "tgw_accepter", name)
            attachment_id, ready = ref(accepter, "transit_gateway_attachment_id"), accepter
        pin(Ec2TransitGatewayRouteTableAssociation(
            self, "association", transit_gateway_attachment_id=attachment_id,
            transit_gateway_route_table_id=tables[segment], provider=hub_provider), "tgw_association", name)
        for target in propagate_to:
            pin(Ec2TransitGatewayRouteTablePropagation(
                self, f"propagation-{target}", transit_gateway_attachment_id=attachment_id,
                transit_gateway_route_table_id=tables[target], provider=hub_provider),
                "tgw_propagation", name, target)
        for table in vpc.tables("private"):
            table_name = pinned_name(table).removeprefix("rt_")
            for cidr in destinations:
                pin(Route(self, f"route-{table_name}-{cidr.replace('/', '_')}", route_table_id=ref(table, "id"),
                          destination_cidr_block=cidr, transit_gateway_id=gateway_id, depends_on=[ready],
                          provider=vpc_provider), "route", table_name, "to", cidr)
