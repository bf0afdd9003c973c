"""The reference role set of every account, each bounded and trusted only by who must assume it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part
from landingzone.constructs.trust import service_trust

MANAGED = "arn:aws:iam::aws:policy/"


def human_trust(account_id: str, permission_sets: Sequence[str]) -> str:
    """Identity Center sessions of the named permission sets in `account_id`, and no one else: without the
    names, any Identity Center session that may call sts:AssumeRole (PowerUser) could become AdminRole."""
    patterns = [f"arn:aws:iam::{account_id}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_{name}_*"
                for name in permission_sets]
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "sts:AssumeRole",
         "Condition": {"ArnLike": {"aws:PrincipalArn": patterns}}}]})


def _service_trust(service: str, account_id: str) -> str:
    return json.dumps(service_trust(service, account_id))


class AccountRoles(Part):
    """ReadOnlyRole (view only: metadata, no data), PowerUserRole and AdminRole for people; LambdaExecutionRole
    and APIGatewayRole for those services, writing only their own logs."""

    def __init__(self, scope: Construct, id_: str, *, account_id: str, region: str, boundary_arn: str,
                 admin: Sequence[str], power_user: Sequence[str], read_only: Sequence[str],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self._boundary, self._provider = boundary_arn, provider
        logs = f"arn:aws:logs:{region}:{account_id}:log-group"
        self.read_only = self._role("ReadOnlyRole", human_trust(account_id, read_only),
                                    managed=["job-function/ViewOnlyAccess"])
        self.power_user = self._role("PowerUserRole", human_trust(account_id, power_user),
                                     managed=["PowerUserAccess"])
        self.admin = self._role("AdminRole", human_trust(account_id, admin), managed=["AdministratorAccess"])
        self.lambda_execution = self._role(
            "LambdaExecutionRole", _service_trust("lambda.amazonaws.com", account_id), inline=[
                {"Sid": "OwnLogs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": f"{logs}:/aws/lambda/*:log-stream:*"},
                # X-Ray's trace APIs have no resource-level permissions
                {"Sid": "Traces", "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                 "Resource": "*"}])
        self.api_gateway = self._role(
            "APIGatewayRole", _service_trust("apigateway.amazonaws.com", account_id), inline=[
                {"Sid": "OwnLogGroups", "Effect": "Allow",
                 "Action": ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DescribeLogStreams"],
                 "Resource": [f"{logs}:API-Gateway-Execution-Logs_*", f"{logs}:/aws/apigateway/*"]},
                {"Sid": "OwnLogStreams", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": [f"{logs}:API-Gateway-Execution-Logs_*:log-stream:*",
                              f"{logs}:/aws/apigateway/*:log-stream:*"]},
                {"Sid": "FindLogGroups", "Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"}])

    def users(self) -> list[str]:
        """ARNs of the roles that encrypt and decrypt with the environment's key."""
        return [ref(self.power_user, "arn"), ref(self.admin, "arn"), ref(self.lambda_execution, "arn")]

    def _role(self, name: str, trust: str, managed: Sequence[str] = (),
              inline: Sequence[dict[str, object]] = ()) -> IamRole:
        return bounded_role(self, name, trust=trust, boundary_arn=self._boundary, managed=managed, inline=inline,
                            provider=self._provider)


def bounded_role(scope: Construct, name: str, *, trust: str, boundary_arn: str, managed: Sequence[str] = (),
                 inline: Sequence[dict[str, object]] = (), provider: AwsProvider | None = None) -> IamRole:
    """A baseline role under `/landingzone/`, under the boundary, with AWS managed policies (by name after
    `arn:aws:iam::aws:policy/`) and an inline policy of its own."""
    role = pin(IamRole(scope, name, name=name, path="/landingzone/", assume_role_policy=trust,
                       permissions_boundary=boundary_arn, max_session_duration=3600, provider=provider),
               "iam_role", name)
    for policy in managed:
        pin(IamRolePolicyAttachment(scope, f"{name}-{policy}", role=ref(role, "name"), policy_arn=MANAGED + policy,
                                    provider=provider), "managed_policy", name, policy.split("/")[-1])
    if inline:
        pin(IamRolePolicy(scope, f"{name}-inline", role=ref(role, "id"), name=name, provider=provider,
                          policy=json.dumps({"Version": "2012-10-17", "Statement": list(inline)})),
            "iam_role_policy", name)
    return role
