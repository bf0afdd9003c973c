"""The Transit Gateway hub: one route table per segment, shared with the organization through RAM."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.ec2_transit_gateway import Ec2TransitGateway
from cdktf_cdktf_provider_aws.ec2_transit_gateway_route_table import Ec2TransitGatewayRouteTable
from cdktf_cdktf_provider_aws.ram_principal_association import RamPrincipalAssociation
from cdktf_cdktf_provider_aws.ram_resource_association import RamResourceAssociation
from cdktf_cdktf_provider_aws.ram_resource_share import RamResourceShare
from constructs import Construct

from landingzone.constructs.ids import hub_name, segment_table_name
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class TransitGatewayHub(Part):
    """Nothing attaches or routes by default: every attachment is accepted, associated and propagated by
    code that follows the segment rules, so a new VPC cannot land in a route table it was not meant for."""

    def __init__(self, scope: Construct, id_: str, *, organization: str, asn: int, segments: Sequence[str],
                 organization_arn: str) -> None:
        super().__init__(scope, id_)
        self.gateway = pin(Ec2TransitGateway(
            self, "tgw", description=f"{organization} landing zone hub", amazon_side_asn=asn,
            auto_accept_shared_attachments="disable", default_route_table_association="disable",
            default_route_table_propagation="disable", dns_support="enable", vpn_ecmp_support="enable",
            tags={"Name": hub_name(organization)}), "tgw", "hub")
        self.route_tables = {
            segment: pin(Ec2TransitGatewayRouteTable(self, f"rt-{segment}", transit_gateway_id=self.gateway.id,
                                                     tags={"Name": segment_table_name(organization, segment),
                                                           "Segment": segment}), "tgw_rt", segment)
            for segment in segments}
        share = pin(RamResourceShare(self, "share", name=f"{organization}-transit-gateway",
                                     allow_external_principals=False), "ram_share", "tgw")
        pin(RamResourceAssociation(self, "share-tgw", resource_share_arn=share.arn,
                                   resource_arn=self.gateway.arn), "ram_resource", "tgw")
        pin(RamPrincipalAssociation(self, "share-org", resource_share_arn=share.arn,
                                    principal=organization_arn), "ram_principal", "organization")
