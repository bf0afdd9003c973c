"""GuardDuty for the whole organization in one region, administered from the delegated administrator."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.guardduty_detector import GuarddutyDetector
from cdktf_cdktf_provider_aws.guardduty_detector_feature import (
    GuarddutyDetectorFeature,
    GuarddutyDetectorFeatureAdditionalConfiguration,
)
from cdktf_cdktf_provider_aws.guardduty_organization_admin_account import GuarddutyOrganizationAdminAccount
from cdktf_cdktf_provider_aws.guardduty_organization_configuration import GuarddutyOrganizationConfiguration
from cdktf_cdktf_provider_aws.guardduty_organization_configuration_feature import (
    GuarddutyOrganizationConfigurationFeature,
    GuarddutyOrganizationConfigurationFeatureAdditionalConfiguration,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

# Protection plans by the names config uses, each as GuardDuty's feature and the agent management it needs:
# runtime monitoring of the workloads' Fargate tasks (Batch runs on ECS), with the agent deployed by GuardDuty.
PROTECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "s3": ("S3_DATA_EVENTS", ()),
    "ebs-malware": ("EBS_MALWARE_PROTECTION", ()),
    "lambda": ("LAMBDA_NETWORK_LOGS", ()),
    "runtime": ("RUNTIME_MONITORING", ("ECS_FARGATE_AGENT_MANAGEMENT",)),
}


class GuardDutyOrganization(Part):
    """The administrator's detector first (designation expects it), then the designation from the management
    account, then `ALL`: existing members are enabled too, not only accounts that join later. Each protection
    is auto-enabled for the members and enabled on the administrator's own detector, which auto-enable skips."""

    def __init__(self, scope: Construct, id_: str, *, region: str, admin_account_id: str, protections: Sequence[str],
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
        for protection in protections:
            feature, agents = PROTECTIONS[protection]
            pin(GuarddutyOrganizationConfigurationFeature(
                self, f"feature-{feature}", detector_id=detector.id, name=feature, auto_enable="ALL",
                additional_configuration=[GuarddutyOrganizationConfigurationFeatureAdditionalConfiguration(
                    name=agent, auto_enable="ALL") for agent in agents] or None,
                depends_on=[configuration], provider=admin_provider), "guardduty_feature", region, feature.lower())
            pin(GuarddutyDetectorFeature(
                self, f"own-{feature}", detector_id=detector.id, name=feature, status="ENABLED",
                additional_configuration=[GuarddutyDetectorFeatureAdditionalConfiguration(
                    name=agent, status="ENABLED") for agent in agents] or None,
                provider=admin_provider), "guardduty_detector_feature", region, feature.lower())
