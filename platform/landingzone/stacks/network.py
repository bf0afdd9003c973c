"""The `network` stack: the Transit Gateway hub, segment route tables, and the central endpoints VPC with
Bedrock and the other interface endpoints behind private hosted zones, in the shared-services account."""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.checks_network import NETWORK_FILE, availability_zones, endpoint_clients, reachable_segments
from landingzone.config.subnets import ENDPOINT_TIERS, subnet_plan
from landingzone.constructs.central_endpoints import CentralEndpoints
from landingzone.constructs.flow_logs import FlowLogs
from landingzone.constructs.hub_attachment import HubAttachment
from landingzone.constructs.private_zones import EndpointZones
from landingzone.constructs.sources import SourceMap
from landingzone.constructs.transit_gateway import TransitGatewayHub
from landingzone.constructs.vpc import Vpc
from landingzone.stacks.base import account_stack
from landingzone.topology import StackSpec

ENDPOINTS_VPC = "endpoints"


def build_network_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    net = lz.network
    assert net is not None, "topology only lists the network stack when config/network.yaml exists"
    region = net.transit_gateway.region
    stack, providers = account_stack(scope, lz, spec.name, lz.account(spec.account), region)
    inputs = providers.inputs
    hub = sources.record(TransitGatewayHub(
        stack, "hub", organization=lz.organization.organization.name, asn=net.transit_gateway.amazon_side_asn,
        segments=[s.name for s in net.segments], organization_arn=inputs.organization_arn()), NETWORK_FILE)
    endpoints = net.central_endpoints
    az_ids = availability_zones(net)
    vpc = sources.record(Vpc(stack, "endpoints-vpc", name=ENDPOINTS_VPC, cidr=endpoints.vpc_cidr,
                             subnets=subnet_plan(endpoints.vpc_cidr, endpoints.az_count, ENDPOINT_TIERS),
                             az_ids=az_ids, egress=False), NETWORK_FILE)
    sources.record(FlowLogs(stack, "endpoints-flow-logs", name=ENDPOINTS_VPC, vpc_id=vpc.vpc.id, region=region,
                            retention_days=net.flow_logs.retention_days), NETWORK_FILE)
    clients = endpoint_clients(lz)
    sources.record(HubAttachment(
        stack, "endpoints-attachment", vpc=vpc, segment=endpoints.segment, gateway_id=hub.gateway.id,
        tables={name: table.id for name, table in hub.route_tables.items()},
        propagate_to=reachable_segments(net, endpoints.segment), destinations=net.hub_routes), NETWORK_FILE)
    central = sources.record(CentralEndpoints(
        stack, "central-endpoints", name=ENDPOINTS_VPC, region=region, vpc_id=vpc.vpc.id,
        subnet_ids=vpc.subnet_ids["private"], services=endpoints.services, clients=clients,
        organization_id=inputs.organization_id()), NETWORK_FILE)
    sources.record(EndpointZones(stack, "zones", region=region, vpc_id=vpc.vpc.id, endpoints=central.endpoints),
                   NETWORK_FILE)
    return stack
