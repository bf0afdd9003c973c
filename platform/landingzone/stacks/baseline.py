"""The `baseline-<account>` stack: what every account carries (guardrails, roles, its environment's key,
budget, Config recording, backup vault) and, for a spoke, its VPC on the hub."""

from __future__ import annotations

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.data_aws_ec2_transit_gateway import (
    DataAwsEc2TransitGateway,
    DataAwsEc2TransitGatewayFilter,
)
from cdktf_cdktf_provider_aws.data_aws_ec2_transit_gateway_route_table import (
    DataAwsEc2TransitGatewayRouteTable,
    DataAwsEc2TransitGatewayRouteTableFilter,
)
from cdktf_cdktf_provider_aws.iam_service_linked_role import IamServiceLinkedRole
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.baseline import account_contacts, neutralizes_default_vpcs
from landingzone.config.checks_accounts import ORG_FILE
from landingzone.config.checks_network import availability_zones, reachable_segments
from landingzone.config.checks_security import archive_bucket_patterns, log_bucket_name
from landingzone.config.model import Account
from landingzone.config.network import NetworkConfig
from landingzone.config.security import RoleTrust
from landingzone.config.subnets import subnet_plan
from landingzone.constructs.access_analyzer import AccountAccessAnalyzer
from landingzone.constructs.account_guardrails import AccountGuardrails
from landingzone.constructs.account_hygiene import AccountHygiene, ContactDetails
from landingzone.constructs.account_roles import AccountRoles
from landingzone.constructs.audit_roles import AuditRoles
from landingzone.constructs.backup_vault import BackupRole, BackupVault
from landingzone.constructs.config_recorder import ConfigRecorder
from landingzone.constructs.cost_controls import CostControls
from landingzone.constructs.environment_key import EnvironmentKey
from landingzone.constructs.flow_logs import FlowLogs
from landingzone.constructs.gateway_endpoints import GatewayEndpoints
from landingzone.constructs.hub_attachment import HubAttachment
from landingzone.constructs.ids import hub_name, segment_table_name
from landingzone.constructs.naming import pin, ref
from landingzone.constructs.permissions_boundary import PermissionsBoundary
from landingzone.constructs.regional_guardrails import RegionalGuardrails
from landingzone.constructs.sources import SourceMap
from landingzone.constructs.vpc import Vpc
from landingzone.constructs.zone_associations import ZoneAssociations
from landingzone.stacks.base import AccountProviders, account_stack
from landingzone.topology import StackSpec


def build_baseline_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    account = lz.account(spec.account)
    home = lz.organization.organization.home_region
    stack, providers = account_stack(scope, lz, spec.name, account, home)
    sources.record(AccountGuardrails(stack, "guardrails", account=account.name), account.file)
    _account_settings(stack, lz, account, providers, sources)
    sources.record(AccountAccessAnalyzer(stack, "access-analyzer", account=account.name), account.file)
    _identity_and_keys(stack, lz, account, providers, sources)
    sources.record(CostControls(stack, "cost", account=account.name, budget=account.manifest.budget), account.file)
    security = lz.organization.security
    if security is not None and security.enabled("config"):
        _config_recording(stack, lz, account, providers, sources)
    if lz.network is not None and account.manifest.network is not None:
        _spoke(stack, lz, lz.network, account, providers, sources)
    return stack


def _account_settings(stack: TerraformStack, lz: LandingZone, account: Account, providers: AccountProviders,
                      sources: SourceMap) -> None:
    """EBS encryption and the default VPC in every allowed region; password policy and alternate contacts."""
    baseline, own = lz.organization.baseline, account.manifest.baseline
    home = lz.organization.organization.home_region
    neutralize = neutralizes_default_vpcs(baseline, own)
    for region in lz.organization.organization.allowed_regions:
        sources.record(RegionalGuardrails(stack, f"guardrails-{region}", account=account.name, region=region,
                                          home=region == home, neutralize_default_vpc=neutralize,
                                          provider=providers.get(account, region)),
                       account.file if own.default_vpcs else ORG_FILE)
    contacts = {kind: ContactDetails(c.name, c.title, c.email, c.phone)
                for kind, c in account_contacts(baseline, own).items()}
    sources.record(AccountHygiene(stack, "hygiene", account=account.name, contacts=contacts), ORG_FILE)


def _identity_and_keys(stack: TerraformStack, lz: LandingZone, account: Account, providers: AccountProviders,
                       sources: SourceMap) -> None:
    account_id = providers.account_id(account)
    trust = lz.organization.security.role_trust if lz.organization.security else RoleTrust()
    boundary = sources.record(PermissionsBoundary(stack, "boundary", account_id=account_id,
                                                  archive_buckets=archive_bucket_patterns(lz.organization)), ORG_FILE)
    boundary_arn = ref(boundary.policy, "arn")
    roles = sources.record(AccountRoles(stack, "roles", account_id=account_id,
                                        region=lz.organization.organization.home_region,
                                        boundary_arn=boundary_arn, admin=trust.admin,
                                        power_user=trust.power_user, read_only=trust.read_only), ORG_FILE)
    security = lz.organization.security
    audit = lz.account(security.delegated_administrator if security else lz.organization.core_accounts.audit)
    sources.record(AuditRoles(stack, "audit-roles", account_id=account_id, audit_account_id=providers.account_id(
        audit), boundary_arn=boundary_arn, security_audit=trust.security_audit, support=trust.support),
        ORG_FILE)
    users = roles.users()
    if lz.organization.backup_policy is not None:
        backup = sources.record(BackupRole(stack, "backup-role", account_id=account_id), ORG_FILE)
        users.append(ref(backup.role, "arn"))
    key = sources.record(EnvironmentKey(stack, "environment-key", environment=account.manifest.environment,
                                        account_id=account_id, users=users), account.file)
    if lz.organization.backup_policy is not None:
        sources.record(BackupVault(stack, "backup-vault", kms_key_arn=ref(key.key, "arn")), ORG_FILE)


def _config_recording(stack: TerraformStack, lz: LandingZone, account: Account, providers: AccountProviders,
                      sources: SourceMap) -> None:
    settings = lz.organization.organization
    log_archive = lz.account(lz.organization.core_accounts.log_archive)
    bucket = log_bucket_name(settings.name, "config", providers.account_id(log_archive))
    role_arn = ref(pin(IamServiceLinkedRole(stack, "config-role", aws_service_name="config.amazonaws.com"),
                       "service_linked_role", "config"), "arn")
    for region in settings.allowed_regions:
        sources.record(ConfigRecorder(stack, f"config-{region}", region=region, home=region == settings.home_region,
                                      role_arn=role_arn, bucket=bucket, provider=providers.get(account, region)),
                       ORG_FILE)


def _spoke(stack: TerraformStack, lz: LandingZone, net: NetworkConfig, account: Account,
           providers: AccountProviders, sources: SourceMap) -> None:
    spoke = account.manifest.network
    assert spoke is not None
    region = net.transit_gateway.region
    own = providers.get(account, region)
    hub_provider = providers.get(lz.account(lz.organization.core_accounts.shared_services), region)
    reachable = reachable_segments(net, spoke.segment)
    gateway_id, tables = _hub_lookup(stack, lz, {spoke.segment, *reachable}, hub_provider)
    vpc = sources.record(Vpc(stack, "vpc", name=account.name, cidr=spoke.vpc_cidr,
                             subnets=subnet_plan(spoke.vpc_cidr, spoke.az_count), az_ids=availability_zones(net),
                             egress=spoke.egress, peer_cidrs=net.hub_routes, provider=own), account.file)
    vpc_id = ref(vpc.vpc, "id")
    sources.record(FlowLogs(stack, "flow-logs", name=account.name, vpc_id=vpc_id, region=region,
                            retention_days=net.flow_logs.retention_days, provider=own), account.file)
    private_tables = [ref(t, "id") for t in vpc.tables("private", "isolated")]
    sources.record(GatewayEndpoints(stack, "gateway-endpoints", vpc_name=account.name, vpc_id=vpc_id,
                                    region=region, route_table_ids=private_tables,
                                    organization_id=providers.inputs.organization_id(), provider=own), account.file)
    sources.record(HubAttachment(stack, "hub", vpc=vpc, segment=spoke.segment, gateway_id=gateway_id, tables=tables,
                                 propagate_to=reachable, destinations=net.hub_routes,
                                 hub_provider=hub_provider, vpc_provider=own), account.file)
    if net.central_endpoints.segment in reachable:
        sources.record(ZoneAssociations(stack, "endpoint-zones", vpc_name=account.name, vpc_id=vpc_id,
                                        region=region, services=net.central_endpoints.services,
                                        hub_provider=hub_provider, vpc_provider=own), account.file)


def _hub_lookup(stack: TerraformStack, lz: LandingZone, segments: set[str],
                provider: AwsProvider) -> tuple[str, dict[str, str]]:
    """The hub and its segment tables, found by the Name tags the network stack gives them: no copied IDs,
    and this stack can be planned alone. Read in the hub's account, since RAM does not share tags."""
    organization = lz.organization.organization.name
    gateway = pin(DataAwsEc2TransitGateway(stack, "hub-lookup", provider=provider, filter=[
        DataAwsEc2TransitGatewayFilter(name="tag:Name", values=[hub_name(organization)]),
        DataAwsEc2TransitGatewayFilter(name="state", values=["available"])]), "tgw", "hub")
    tables = {
        segment: pin(DataAwsEc2TransitGatewayRouteTable(stack, f"segment-lookup-{segment}", provider=provider, filter=[
            DataAwsEc2TransitGatewayRouteTableFilter(name="transit-gateway-id", values=[ref(gateway, "id")]),
            DataAwsEc2TransitGatewayRouteTableFilter(name="tag:Name",
                                                     values=[segment_table_name(organization, segment)])]),
            "tgw_rt", segment)
        for segment in sorted(segments)}
    return ref(gateway, "id"), {segment: ref(table, "id") for segment, table in tables.items()}
