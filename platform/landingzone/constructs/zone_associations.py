"""A spoke VPC joins the central endpoint zones: the zones' account authorizes it, the spoke associates."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.data_aws_route53_zone import DataAwsRoute53Zone
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.route53_vpc_association_authorization import Route53VpcAssociationAuthorization
from cdktf_cdktf_provider_aws.route53_zone_association import Route53ZoneAssociation
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part
from landingzone.constructs.private_zones import service_zone_name


class ZoneAssociations(Part):
    def __init__(self, scope: Construct, id_: str, *, vpc_name: str, vpc_id: str, region: str,
                 services: Sequence[str], hub_provider: AwsProvider, vpc_provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        for service in services:
            zone = pin(DataAwsRoute53Zone(self, f"zone-{service}", name=service_zone_name(service, region),
                                          private_zone=True, provider=hub_provider), "zone", service)
            authorization = pin(Route53VpcAssociationAuthorization(
                self, f"authorization-{service}", zone_id=ref(zone, "zone_id"), vpc_id=vpc_id, vpc_region=region,
                provider=hub_provider), "zone_authorization", vpc_name, service)
            pin(Route53ZoneAssociation(self, f"association-{service}", zone_id=ref(authorization, "zone_id"),
                                       vpc_id=ref(authorization, "vpc_id"), vpc_region=region, provider=vpc_provider),
                "zone_association", vpc_name, service)
