"""The `security` stack: organization-wide detection, run from the delegated administrator account, with the
organization trail (management account) and its archive (log-archive account)."""

from __future__ import annotations

from cdktf import TerraformStack
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.checks_accounts import ORG_FILE
from landingzone.config.checks_security import log_bucket_name
from landingzone.config.security import SecurityConfig
from landingzone.constructs.access_analyzer import OrganizationAccessAnalyzer
from landingzone.constructs.config_aggregator import ConfigAggregator
from landingzone.constructs.guardduty_organization import GuardDutyOrganization
from landingzone.constructs.log_archive import ArchiveAccounts, LogArchive
from landingzone.constructs.organization_trail import OrganizationTrail, trail_arn
from landingzone.constructs.security_hub_organization import SecurityHubOrganization
from landingzone.constructs.sources import SourceMap
from landingzone.stacks.base import AccountProviders, account_stack
from landingzone.topology import StackSpec


def trail_name(lz: LandingZone) -> str:
    return f"{lz.organization.organization.name}-organization-trail"


def build_security_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    security = lz.organization.security
    assert security is not None
    settings = lz.organization.organization
    home = settings.home_region
    admin = lz.account(security.delegated_administrator)
    stack, providers = account_stack(scope, lz, spec.name, admin, home)
    admin_id = providers.account_id(admin)
    management = lz.management
    if security.enabled("cloudtrail") or security.enabled("config"):
        _archive_and_trail(stack, lz, security, providers, sources)
    if security.enabled("guardduty"):
        for region in settings.allowed_regions:
            sources.record(GuardDutyOrganization(
                stack, f"guardduty-{region}", region=region, admin_account_id=admin_id,
                admin_provider=providers.get(admin, region), management_provider=providers.get(management, region)),
                ORG_FILE)
    mgmt = providers.get(management, home)
    if security.enabled("security-hub"):
        sources.record(SecurityHubOrganization(
            stack, "security-hub", region=home, linked_regions=[r for r in settings.allowed_regions if r != home],
            root_id=providers.inputs.root_id(), admin_account_id=admin_id,
            admin_provider=providers.get(admin, home), management_provider=mgmt), ORG_FILE)
    if security.enabled("config"):
        sources.record(ConfigAggregator(stack, "config-aggregator", name=f"{settings.name}-organization",
                                        admin_account_id=admin_id, admin_provider=providers.get(admin, home),
                                        management_provider=mgmt), ORG_FILE)
    if security.enabled("access-analyzer"):
        sources.record(OrganizationAccessAnalyzer(stack, "access-analyzer", name=f"{settings.name}-organization",
                                                  admin_account_id=admin_id, admin_provider=providers.get(admin, home),
                                                  management_provider=mgmt), ORG_FILE)
    return stack


def _archive_and_trail(stack: TerraformStack, lz: LandingZone, security: SecurityConfig,
                       providers: AccountProviders, sources: SourceMap) -> None:
    home = lz.organization.organization.home_region
    core = lz.organization.core_accounts
    management_id = providers.account_id(lz.management)
    accounts = ArchiveAccounts(log_archive=providers.account_id(lz.account(core.log_archive)),
                               management=management_id,
                               audit=providers.account_id(lz.account(security.delegated_administrator)),
                               organization_id=providers.inputs.organization_id())
    name = trail_name(lz)
    organization = lz.organization.organization.name
    archive = sources.record(LogArchive(stack, "log-archive", organization=organization, accounts=accounts,
                                        bucket_name=log_bucket_name(organization, "audit", accounts.log_archive),
                                        access_log_bucket_name=log_bucket_name(organization, "access",
                                                                               accounts.log_archive),
                         region=home, trail_arn=trail_arn(home, management_id, name),
                         archive_days=security.log_retention.archive_days,
                         provider=providers.get(lz.account(core.log_archive), home)), ORG_FILE)
    if security.enabled("cloudtrail"):
        sources.record(OrganizationTrail(stack, "trail", name=name, management_id=management_id, region=home,
                          bucket=archive.bucket.bucket.id, key_arn=archive.key.arn,
                          cloudwatch_days=security.log_retention.cloudwatch_days, after=[archive.bucket.policy],
                          provider=providers.get(lz.management, home)), ORG_FILE)
