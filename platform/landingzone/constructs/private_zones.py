"""One private hosted zone per endpoint service, answering the service's public name with the central
endpoint, so a spoke's SDK resolves `bedrock-runtime.<region>.amazonaws.com` into PrivateLink."""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_cdktf_provider_aws.route53_record import Route53Record, Route53RecordAlias
from cdktf_cdktf_provider_aws.route53_zone import Route53Zone, Route53ZoneVpc
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


def service_zone_name(service: str, region: str) -> str:
    return f"{service}.{region}.amazonaws.com"


class EndpointZones(Part):
    def __init__(self, scope: Construct, id_: str, *, region: str, vpc_id: str,
                 endpoints: Mapping[str, VpcEndpoint]) -> None:
        super().__init__(scope, id_)
        self.zones: dict[str, Route53Zone] = {}
        for service, endpoint in endpoints.items():
            zone = pin(Route53Zone(
                self, f"zone-{service}", name=service_zone_name(service, region),
                comment=f"{service} through the central interface endpoint",
                vpc=[Route53ZoneVpc(vpc_id=vpc_id, vpc_region=region)],
                # Spoke VPCs join through aws_route53_zone_association in their own stacks; without this,
                # every plan here would try to remove them again.
                lifecycle={"ignore_changes": ["vpc"]}), "zone", service)
            entry = endpoint.dns_entry.get(0)
            pin(Route53Record(self, f"alias-{service}", zone_id=zone.zone_id, name=zone.name, type="A",
                              alias=Route53RecordAlias(name=entry.dns_name, zone_id=entry.hosted_zone_id,
                                                       evaluate_target_health=False)), "zone_alias", service)
            self.zones[service] = zone
