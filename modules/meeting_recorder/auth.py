"""Sign-in: the desktop app trades a Firebase ID token for short-lived credentials of the app role, through a
Lambda behind a Function URL (API Gateway added a service and a cost for one endpoint)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.lambda_function_url import LambdaFunctionUrl
from cdktf_cdktf_provider_aws.lambda_permission import LambdaPermission
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.lambda_function import FunctionSpec, PythonFunction
from landingzone.constructs.naming import literal, pin
from landingzone.constructs.workload_role import WorkloadRole
from meeting_recorder.key import s3_through_key
from meeting_recorder.names import WORKLOAD

HANDLERS = Path(__file__).parent / "handlers"


def issuer(project: str) -> str:
    return f"securetoken.google.com/{project}"


def user_variable(project: str) -> str:
    """The policy variable AWS fills with the signed-in user's Firebase UID: the `sub` of the token STS verified.

    Not `${aws:username}`, which the review (and its issue) name: AWS sets that key only for IAM users, never
    for role sessions, so a grant on `users/${aws:username}/*` would match nothing and the app could not reach
    even its own user's recordings. It reaches AWS literally (`$${...}` in the Terraform JSON).
    """
    return f"${{{issuer(project)}:sub}}"


def app_statements(project: str, bucket_arn: str, table_arn: str, key_arn: str,
                   region: str) -> list[dict[str, object]]:
    """The app's reach: its own user's prefix and catalogue items, nothing else."""
    user = user_variable(project)
    own = literal(f"users/{user}/*")
    return [
        {"Sid": "OwnRecordings", "Effect": "Allow", "Resource": f"{bucket_arn}/{own}",
         "Action": ["s3:PutObject", "s3:PutObjectTagging", "s3:GetObject", "s3:AbortMultipartUpload"]},
        {"Sid": "ListOwnPrefix", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket_arn,
         "Condition": {"StringLike": {"s3:prefix": own}}},
        {"Sid": "OwnCatalogueItems", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
         "Resource": [table_arn, f"{table_arn}/index/*"],
         "Condition": {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [literal(f"USER#{user}")]}}},
        s3_through_key(key_arn, region),
    ]


class SignIn(Construct):
    def __init__(self, scope: Construct, id_: str, *, project: str, account_id: str, region: str, bucket_arn: str,
                 table_arn: str, key_arn: str, session_seconds: int, retention_days: int,
                 subnet_ids: Sequence[str], security_group_id: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        oidc = pin(IamOpenidConnectProvider(self, "firebase", url=f"https://{issuer(project)}",
                                            client_id_list=[project], provider=provider),
                   "oidc_provider", WORKLOAD, "firebase")
        # The session name must be the token's own subject: without this, anyone holding a valid token could
        # call STS directly, name the session after another user, and read that user's recordings.
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Federated": oidc.arn}, "Action": "sts:AssumeRoleWithWebIdentity",
             "Condition": {"StringEquals": {f"{issuer(project)}:aud": project,
                                            "sts:RoleSessionName": literal(user_variable(project))}}}]}
        self.app_role = WorkloadRole(self, "app-role", workload=WORKLOAD, name="app", account_id=account_id,
                                     trust=trust,
                                     statements=app_statements(project, bucket_arn, table_arn, key_arn, region),
                                     max_session_seconds=max(session_seconds, 3600), provider=provider,
                                     description="The desktop app's signed-in user: their own prefix only.")
        self.function = PythonFunction(
            self, "exchange", workload=WORKLOAD, account_id=account_id, region=region, kms_key_arn=key_arn,
            retention_days=retention_days, provider=provider, spec=FunctionSpec(
                name="auth-exchange", handler_file=HANDLERS / "auth_exchange.py", timeout=10, memory_mib=256,
                description="Exchanges a Firebase ID token for the app role's credentials.",
                subnet_ids=subnet_ids, security_group_ids=[security_group_id],
                # In the VPC, STS is the hub's central endpoint, whose policy admits web-identity sign-ins to
                # this organization's roles only; the regional name is the one its private zone answers.
                environment={"APP_ROLE_ARN": self.app_role.arn, "FIREBASE_PROJECT_ID": project,
                             "SESSION_SECONDS": str(session_seconds), "AWS_STS_REGIONAL_ENDPOINTS": "regional"}))
        # The token is the credential: the caller has no AWS identity yet, so the URL cannot use AWS_IAM auth,
        # and the function's resource policy must admit anyone through the URL (and only through it).
        name = self.function.function.function_name
        self.url = pin(LambdaFunctionUrl(self, "url", function_name=name, authorization_type="NONE",
                                         provider=provider), "lambda_function_url", WORKLOAD, "auth_exchange")
        pin(LambdaPermission(self, "public-url", statement_id="FunctionUrlAllowPublicAccess", function_name=name,
                             action="lambda:InvokeFunctionUrl", principal="*", function_url_auth_type="NONE",
                             provider=provider), "lambda_permission", WORKLOAD, "auth_exchange_url")
