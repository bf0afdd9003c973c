"""GuardDuty for the whole organization in one region, administered from the delegated administrator."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector
from cdktf_cdktf_provider_aws.guardduty_organization_admin_account import GuarddutyOrganizationAdminAccount
from cdktf_cdktf_provider_aws.guardduty_organization_configuration import GuarddutyOrganizationConfiguration
from cdktf_cdktf_provider_aws.guardduty_organization_configuration_feature import (
    GuarddutyOrganizationConfigurationFeature,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin

# Protection plans turned on for every member; each is billed separately, and these two watch the data
# (S3 object access) and the hosts (EBS malware scans) of the landing zone's own workloads.
FEATURES = ("S3_DATA_EVENTS", "EBS_MALWARE_PROTECTION")


class GuardDutyOrganization(Construct):
    """The administrator's detector first (designation expects it), then the designation from the management
    account, then `ALL`: existing members are enabled too, not only accounts that join later."""

    def __init__(self, scope: Construct, id_: str, *, region: str, admin_account_id: str,
                 admin_provider: AwsProvider, management_provider: AwsProvider) -> None:
        super().__init__(scope, id_)
        detector = pin(GuarddutyDetector(self, "detector", enable=True, finding_publishing_frequency="FIFTEEN_MINUTES",
                                         provider=admin_provider), "guardduty_detector", region)
        admin = pin(GuarddutyOrganizationAdminAccount(self, "admin", admin_account_id=admin_account_id,
                                                      depends_on=[detector], provider=management_provider),
                    "guardduty_admin", region)
        configuration = pin(GuarddutyOrganizationConfiguration(
            self, "organization", detector_id=detector.id, auto_enable_organization_members="ALL",
            depends_on=[admin], provider=admin_provider), "guardduty_organization", region)
        for feature in FEATURES:
            pin(GuarddutyOrganizationConfigurationFeature(
                self, f"feature-{feature}", detector_id=detector.id, name=feature, auto_enable="ALL",
                depends_on=[configuration], provider=admin_provider), "guardduty_feature", region, feature.lower())
