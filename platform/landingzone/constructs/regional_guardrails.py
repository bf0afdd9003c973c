"""What every account sets in each allowed region: EBS default encryption and ECR's registry scanning are
per-region settings, and so is the default VPC AWS creates in each."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.ebs_encryption_by_default import EbsEncryptionByDefault
from cdktf_cdktf_provider_aws.ecr_registry_scanning_configuration import (
    EcrRegistryScanningConfiguration,
    EcrRegistryScanningConfigurationRule,
    EcrRegistryScanningConfigurationRuleRepositoryFilter,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.default_vpc import DefaultVpcLockdown
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class RegionalGuardrails(Part):
    """Every new EBS volume (and snapshot copy) in the region is encrypted; every image pushed to any of the
    region's ECR repositories, those a team creates by hand included, is scanned for known CVEs (basic scanning:
    free; enhanced scanning is Amazon Inspector's, billed per image); with `neutralize_default_vpc`, the region's
    default VPC can carry no traffic (see DefaultVpcLockdown)."""

    def __init__(self, scope: Construct, id_: str, *, account: str, region: str, home: bool,
                 neutralize_default_vpc: bool, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        # The home region keeps the address it had when only the home region was covered.
        pin(EbsEncryptionByDefault(self, "ebs-encryption", enabled=True, provider=provider),
            "ebs_encryption_by_default", account, *(() if home else (region,)))
        pin(EcrRegistryScanningConfiguration(
            self, "ecr-scanning", scan_type="BASIC", provider=provider,
            rule=[EcrRegistryScanningConfigurationRule(scan_frequency="SCAN_ON_PUSH", repository_filter=[
                EcrRegistryScanningConfigurationRuleRepositoryFilter(filter="*", filter_type="WILDCARD")])]),
            "ecr_registry_scanning_configuration", account, region)
        if neutralize_default_vpc:
            DefaultVpcLockdown(self, "default-vpc", region=region, provider=provider)
