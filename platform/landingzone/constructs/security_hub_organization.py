"""Security Hub for the whole organization through central configuration, from the home region."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.securityhub_account import SecurityhubAccount
from cdktf_cdktf_provider_aws.securityhub_configuration_policy import (
    SecurityhubConfigurationPolicy,
    SecurityhubConfigurationPolicyConfigurationPolicy,
    SecurityhubConfigurationPolicyConfigurationPolicySecurityControlsConfiguration,
)
from cdktf_cdktf_provider_aws.securityhub_configuration_policy_association import (
    SecurityhubConfigurationPolicyAssociation,
)
from cdktf_cdktf_provider_aws.securityhub_finding_aggregator import SecurityhubFindingAggregator
from cdktf_cdktf_provider_aws.securityhub_organization_admin_account import SecurityhubOrganizationAdminAccount
from cdktf_cdktf_provider_aws.securityhub_organization_configuration import (
    SecurityhubOrganizationConfiguration,
    SecurityhubOrganizationConfigurationOrganizationConfiguration,
)
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

STANDARDS = ("aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.4.0")


class SecurityHubOrganization(Part):
    """Central configuration, not `auto_enable`: auto-enable reaches only accounts that join later, while a
    configuration policy associated with the root covers every account, existing ones included, in every
    linked region. Central configuration needs the finding aggregator in the home region."""

    def __init__(self, scope: Construct, id_: str, *, region: str, linked_regions: Sequence[str], root_id: str,
                 admin_account_id: str, admin_provider: AwsProvider, management_provider: AwsProvider) -> None:
        super().__init__(scope, id_)
        hub = pin(SecurityhubAccount(self, "hub", enable_default_standards=False,
                                     control_finding_generator="SECURITY_CONTROL", auto_enable_controls=True,
                                     provider=admin_provider), "securityhub_account", "administrator")
        admin = pin(SecurityhubOrganizationAdminAccount(self, "admin", admin_account_id=admin_account_id,
                                                        depends_on=[hub], provider=management_provider),
                    "securityhub_admin", "organization")
        aggregator = pin(SecurityhubFindingAggregator(
            self, "aggregator", linking_mode="SPECIFIED_REGIONS" if linked_regions else "NO_REGIONS",
            specified_regions=list(linked_regions) or None, depends_on=[admin], provider=admin_provider),
            "securityhub_aggregator", region)
        configuration = pin(SecurityhubOrganizationConfiguration(
            self, "organization", auto_enable=False, auto_enable_standards="NONE",
            organization_configuration=SecurityhubOrganizationConfigurationOrganizationConfiguration(
                configuration_type="CENTRAL"), depends_on=[aggregator], provider=admin_provider),
            "securityhub_organization", "central")
        policy = pin(SecurityhubConfigurationPolicy(
            self, "policy", name="landingzone", description="Security Hub with the AWS foundational and CIS "
            "standards, every control on, in every account.",
            configuration_policy=SecurityhubConfigurationPolicyConfigurationPolicy(
                service_enabled=True,
                enabled_standard_arns=[f"arn:aws:securityhub:{region}::standards/{s}" for s in STANDARDS],
                security_controls_configuration=SecurityhubConfigurationPolicyConfigurationPolicySecurityControlsConfiguration(
                    disabled_control_identifiers=[])),
            depends_on=[configuration], provider=admin_provider), "securityhub_policy", "landingzone")
        pin(SecurityhubConfigurationPolicyAssociation(self, "to-root", target_id=root_id, policy_id=policy.id,
                                                      provider=admin_provider), "securityhub_policy", "to", "root")
