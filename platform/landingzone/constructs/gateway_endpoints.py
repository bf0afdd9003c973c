"""S3 and DynamoDB gateway endpoints: free, and they keep that traffic off NAT and the internet."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from landingzone.constructs.naming import pin

GATEWAY_SERVICES = ("s3", "dynamodb")


class GatewayEndpoints(Construct):
    def __init__(self, scope: Construct, id_: str, *, vpc_name: str, vpc_id: str, region: str,
                 route_table_ids: Sequence[str], provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        for service in GATEWAY_SERVICES:
            pin(VpcEndpoint(self, service, vpc_id=vpc_id, service_name=f"com.amazonaws.{region}.{service}",
                            vpc_endpoint_type="Gateway", route_table_ids=list(route_table_ids),
                            tags={"Name": f"{vpc_name}-{service}"}, provider=provider),
                "vpc_endpoint", vpc_name, service)
