"""The model of `config/network.yaml` and of the `network:` block in account manifests."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from landingzone.config.types import NAME_PATTERN, LogRetentionDays, Region, Strict

SegmentName = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]


def _short_service(value: str) -> str:
    """`com.amazonaws.us-east-1.sts` and `sts.us-east-1.amazonaws.com` name the service the short way round."""
    full = re.fullmatch(r"com\.amazonaws\.(?:vpce\.)?[a-z]{2}(?:-gov)?-[a-z]+-\d\.(.+)", value)
    dns = re.fullmatch(r"(.+)\.[a-z]{2}(?:-gov)?-[a-z]+-\d\.amazonaws\.com", value)
    if full or dns:
        short = (full or dns).group(1)
        raise ValueError(f"is the service's full name; write the short name '{short}' (landingzone adds "
                         "com.amazonaws.<region>. itself, and the full name would be doubled)")
    return value


# Interface endpoint services are named after the API's DNS label: `bedrock-runtime`, `secretsmanager`.
EndpointService = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9.-]{0,62}$"),
                            AfterValidator(_short_service)]
Cidr = Annotated[str, StringConstraints(pattern=r"^\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}$")]
AzId = Annotated[str, StringConstraints(pattern=r"^[a-z]+\d+-az\d+$")]  # use1-az1: a zone ID, not a zone name

# Private ASNs AWS accepts for a Transit Gateway's Amazon side (16-bit and 32-bit private ranges).
ASN_RANGES = ((64512, 65534), (4200000000, 4294967294))


class TransitGateway(Strict):
    region: Region = Field(description="The hub's region; every spoke VPC is built there.")
    amazon_side_asn: int = Field(default=64512, description="Private ASN: 64512-65534 or 4200000000-4294967294.")
    availability_zone_ids: tuple[AzId, ...] | None = Field(
        default=None, description="The region's AZ IDs (use1-az1, ...); needed only where landingzone has no list.")


class Segment(Strict):
    """A routing domain: one Transit Gateway route table.

    Reachability is symmetric (traffic needs a route both ways): `reaches: [shared]` on `prod` also puts
    prod's routes into shared's table. `isolated_from` states an intent the config must never contradict.
    """

    name: SegmentName
    reaches: tuple[SegmentName, ...] = ()
    isolated_from: tuple[SegmentName, ...] = ()
    isolate_attachments: bool = Field(default=False, description="VPCs in this segment do not reach each other.")


class ReservedRange(Strict):
    name: str = Field(min_length=1, description="What holds the range, e.g. on-premises.")
    cidr: Cidr


class CentralEndpoints(Strict):
    """Interface endpoints in the shared-services account that every reaching spoke resolves through DNS."""

    vpc_cidr: Cidr
    az_count: int = Field(default=2, ge=2, le=3)
    segment: SegmentName = Field(description="The segment the endpoints VPC is attached to.")
    services: tuple[EndpointService, ...] = Field(min_length=1)


class FlowLogs(Strict):
    retention_days: LogRetentionDays = Field(
        default=365, description="CloudWatch Logs retention of VPC flow logs.")


class NetworkConfig(Strict):
    """`config/network.yaml`.

    ```yaml
    transit_gateway: {region: us-east-1, amazon_side_asn: 64512}
    segments:
      - name: shared
      - {name: prod, reaches: [shared], isolated_from: [nonprod]}
      - {name: nonprod, reaches: [shared]}
    reserved_ranges: [{name: on-premises, cidr: 192.168.0.0/16}]
    hub_routes: [10.0.0.0/8]
    central_endpoints:
      vpc_cidr: 10.0.0.0/22
      segment: shared
      services: [bedrock-runtime, bedrock, sts]
    ```
    """

    transit_gateway: TransitGateway
    segments: tuple[Segment, ...] = Field(min_length=1)
    reserved_ranges: tuple[ReservedRange, ...] = ()
    hub_routes: tuple[Cidr, ...] = Field(
        min_length=1, description="Summaries every VPC sends to the hub; each VPC must lie inside one. The "
        "Transit Gateway's segment tables, not these routes, decide what is reachable, so adding an account "
        "changes no other account's stack.")
    central_endpoints: CentralEndpoints
    flow_logs: FlowLogs = FlowLogs()


class AccountNetwork(Strict):
    """An account manifest's `network:` block: the account gets a spoke VPC attached to the hub.

    ```yaml
    network: {vpc_cidr: 10.20.0.0/16, segment: prod, az_count: 3, egress: true}
    ```
    """

    vpc_cidr: Cidr
    segment: SegmentName
    az_count: int = Field(default=2, ge=2, le=3)
    egress: bool = Field(default=False, description="Internet egress through one NAT gateway per AZ.")
