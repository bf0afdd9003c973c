"""The deployer role every stack's provider assumes: in the management account as an IAM role, and in every member
account (those created later included) through a service-managed StackSet with automatic deployment.

Service-managed StackSets never deploy to the management account, which is why it gets its role directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.cloudformation_stack_set import (
    CloudformationStackSet,
    CloudformationStackSetAutoDeployment,
    CloudformationStackSetManagedExecution,
    CloudformationStackSetOperationPreferences,
)
from cdktf_cdktf_provider_aws.cloudformation_stack_set_instance import (
    CloudformationStackSetInstance,
    CloudformationStackSetInstanceDeploymentTargets,
    CloudformationStackSetInstanceOperationPreferences,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import literal, pin
from landingzone.constructs.part import Part

ROLE_ADDRESS = "deployer"  # aws_iam_role.deployer: plan safety protects it by this address
DESCRIPTION = "landingzone deployer: every stack's provider assumes this role in its own account"
# A change reaches up to a quarter of the accounts at once; one failing account in ten stops it. Soft tolerance:
# concurrency is not held to the failure tolerance, so small organisations are not deployed one account at a time.
FAILURE_TOLERANCE_PERCENT, MAX_CONCURRENT_PERCENT = 10, 25


@dataclass(frozen=True)
class Boundary:
    """A permissions boundary: an AWS managed policy's ARN, or a customer managed policy by path and name that
    exists in every account."""

    managed_arn: str | None = None
    customer_policy: str | None = None  # "/path/name"


@dataclass(frozen=True)
class SpaceliftTrust:
    """Spacelift's AWS integrations assume the role straight from Spacelift's AWS account, with an external ID
    `<spacelift account>@<integration>@<stack>@<read|write>`; only the configured Spacelift account's pass."""

    aws_account: str
    spacelift_account: str

    @property
    def external_id(self) -> str:
        return f"{self.spacelift_account}@*"


@dataclass(frozen=True)
class DeployerRoleSpec:
    name: str
    trusted_principals: Sequence[str]
    max_session_seconds: int
    managed_policies: Mapping[str, str]  # address part -> policy ARN
    boundary: Boundary | None = None
    spacelift: SpaceliftTrust | None = None


def trust_policy(spec: DeployerRoleSpec, arn: Callable[[str], object]) -> dict[str, object]:
    """Only the configured runner principals may assume the role; with Spacelift, also Spacelift's integration
    with the configured account's external IDs, and the role's own sessions (what the integration hands a run),
    because every stack's provider assumes the role again. `arn("root")` names this account's root."""
    statements: list[dict[str, object]] = []
    if spec.trusted_principals:
        statements.append({"Sid": "TrustedRunners", "Effect": "Allow",
                           "Principal": {"AWS": sorted(spec.trusted_principals)}, "Action": "sts:AssumeRole"})
    if spec.spacelift:
        statements += [
            {"Sid": "SpaceliftIntegration", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{spec.spacelift.aws_account}:root"}, "Action": "sts:AssumeRole",
             "Condition": {"StringLike": {"sts:ExternalId": spec.spacelift.external_id}}},
            # The role cannot name itself as a principal before it exists, so its own account's root, narrowed to
            # its own sessions.
            {"Sid": "ProvidersInSpaceliftRuns", "Effect": "Allow", "Principal": {"AWS": arn("root")},
             "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:PrincipalArn": arn(f"role/{spec.name}")}}}]
    return {"Version": "2012-10-17", "Statement": statements}


def role_template(spec: DeployerRoleSpec) -> str:
    """The StackSet's CloudFormation template: the same role as the management account's, in each account.

    A customer managed boundary is named in the account the stack runs in (`${AWS::AccountId}`), written
    `$${...}` so Terraform hands it to CloudFormation unchanged.
    """
    properties: dict[str, object] = {
        "RoleName": spec.name, "Description": DESCRIPTION, "MaxSessionDuration": spec.max_session_seconds,
        "AssumeRolePolicyDocument": trust_policy(spec, _in_each_account),
        "ManagedPolicyArns": sorted(spec.managed_policies.values())}
    if spec.boundary and spec.boundary.managed_arn:
        properties["PermissionsBoundary"] = spec.boundary.managed_arn
    elif spec.boundary and spec.boundary.customer_policy:
        properties["PermissionsBoundary"] = {
            "Fn::Sub": f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy{spec.boundary.customer_policy}"}
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Description": DESCRIPTION,
                "Resources": {"DeployerRole": {"Type": "AWS::IAM::Role", "Properties": properties}},
                "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["DeployerRole", "Arn"]}}}}
    return literal(json.dumps(template, sort_keys=True, separators=(",", ":")))


def _in_each_account(resource: str) -> object:
    """An IAM ARN in the account the StackSet's stack runs in, written `$${...}` so Terraform leaves it alone."""
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:{resource}"}


class DeployerRole(Part):
    """The role in the account the construct's provider works in (the management account)."""

    def __init__(self, scope: Construct, id_: str, *, spec: DeployerRoleSpec, account_id: str,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        boundary = None
        if spec.boundary:
            boundary = spec.boundary.managed_arn or f"arn:aws:iam::{account_id}:policy{spec.boundary.customer_policy}"
        self.role = pin(IamRole(self, "role", name=spec.name, description=DESCRIPTION,
                                assume_role_policy=json.dumps(trust_policy(
                                    spec, lambda resource: f"arn:aws:iam::{account_id}:{resource}")),
                                max_session_duration=spec.max_session_seconds, permissions_boundary=boundary,
                                lifecycle={"prevent_destroy": True}, provider=provider), "iam_role", ROLE_ADDRESS)
        for key, arn in sorted(spec.managed_policies.items()):
            pin(IamRolePolicyAttachment(self, f"policy-{key}", role=self.role.name, policy_arn=arn, provider=provider),
                "iam_role_policy_attachment", ROLE_ADDRESS, key)


class DeployerRoleStackSet(Part):
    """The role in every account under `root_id`, by a service-managed StackSet that deploys automatically to
    accounts joining the organization, and keeps the roles if its instance is ever removed."""

    def __init__(self, scope: Construct, id_: str, *, spec: DeployerRoleSpec, name: str, root_id: str, region: str,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.stack_set = pin(CloudformationStackSet(
            self, "stack-set", name=name, description=DESCRIPTION, permission_model="SERVICE_MANAGED",
            auto_deployment=CloudformationStackSetAutoDeployment(enabled=True, retain_stacks_on_account_removal=False),
            capabilities=["CAPABILITY_NAMED_IAM"], template_body=role_template(spec),
            managed_execution=CloudformationStackSetManagedExecution(active=True),
            operation_preferences=CloudformationStackSetOperationPreferences(
                failure_tolerance_percentage=FAILURE_TOLERANCE_PERCENT,
                max_concurrent_percentage=MAX_CONCURRENT_PERCENT, region_concurrency_type="PARALLEL"),
            # hashicorp/aws 5.100.0 reads back the service-linked administration role AWS fills in for
            # service-managed StackSets and would plan to remove it on every run (provider issue 23464).
            lifecycle={"prevent_destroy": True, "ignore_changes": ["administration_role_arn"]},
            provider=provider), "cloudformation_stack_set", ROLE_ADDRESS)
        self.instance = pin(CloudformationStackSetInstance(
            self, "instance", stack_set_name=self.stack_set.name, region=region, retain_stack=True,
            deployment_targets=CloudformationStackSetInstanceDeploymentTargets(organizational_unit_ids=[root_id]),
            operation_preferences=CloudformationStackSetInstanceOperationPreferences(
                concurrency_mode="SOFT_FAILURE_TOLERANCE", failure_tolerance_percentage=FAILURE_TOLERANCE_PERCENT,
                max_concurrent_percentage=MAX_CONCURRENT_PERCENT, region_concurrency_type="PARALLEL"),
            lifecycle={"prevent_destroy": True}, provider=provider), "cloudformation_stack_set_instance",
            ROLE_ADDRESS)
