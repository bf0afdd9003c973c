"""AWS Config's organization aggregator in the delegated administrator account: one view of every account's
recorded configuration and rule compliance, in every region."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.config_configuration_aggregator import (
    ConfigConfigurationAggregator,
    ConfigConfigurationAggregatorOrganizationAggregationSource,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.delegation import delegate
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

ORGANIZATIONS_POLICY = "arn:aws:iam::aws:policy/service-role/AWSConfigRoleForOrganizations"


class ConfigAggregator(Part):
    def __init__(self, scope: Construct, id_: str, *, name: str, admin_account_id: str,
                 admin_provider: AwsProvider, management_provider: AwsProvider) -> None:
        super().__init__(scope, id_)
        delegated = delegate(self, service="config.amazonaws.com", address="config", account_id=admin_account_id,
                             management_provider=management_provider)
        role = pin(IamRole(self, "role", name="lz-config-aggregator", provider=admin_provider,
                           assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"aws:SourceAccount": admin_account_id}}}]})),
                   "iam_role", "config_aggregator")
        attachment = pin(IamRolePolicyAttachment(self, "policy", role=role.name, policy_arn=ORGANIZATIONS_POLICY,
                                                 provider=admin_provider), "iam_role_policy", "config_aggregator")
        pin(ConfigConfigurationAggregator(
            self, "aggregator", name=name, provider=admin_provider, depends_on=[delegated, attachment],
            organization_aggregation_source=ConfigConfigurationAggregatorOrganizationAggregationSource(
                all_regions=True, role_arn=role.arn)), "config_aggregator", "organization")
