"""What moto 5.2.5 (server mode) does where landingzone/local/capabilities.py says the local AWS differs from AWS,
measured here against a real server: when a moto upgrade changes one, its test fails and the entry is revisited.

The deployer roles: AWS deploys a service-managed StackSet to every account under its targets except the
management account, and automatically to accounts that join later. moto deploys to the management account too,
and to nobody who joins later.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from landingzone.local.capabilities import POLICY_WORKAROUNDS, WORKAROUNDS, unsupported
from moto_server import moto_fixtures

moto_endpoint, aws = moto_fixtures()

ROLE = "LandingZoneDeployer"
TEMPLATE = json.dumps({"Resources": {"DeployerRole": {"Type": "AWS::IAM::Role", "Properties": {
    "RoleName": ROLE, "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}}}}})


def _organization() -> tuple[str, str]:
    """A new organization with one member account: (root ID, member account ID)."""
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    return root, _member(org)


def _member(org) -> str:  # noqa: ANN001 - a boto3 client
    count = len(org.list_accounts()["Accounts"])
    return org.create_account(Email=f"member{count}@example.com", AccountName=f"m{count}")["CreateAccountStatus"][
        "AccountId"]


def _roles(account: str) -> list[str]:
    creds = boto3.client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                            RoleSessionName="measure")["Credentials"]
    iam = boto3.client("iam", aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                       aws_session_token=creds["SessionToken"])
    return [role["RoleName"] for role in iam.list_roles()["Roles"]]


def _stack_set(root: str) -> None:
    cfn = boto3.client("cloudformation")
    cfn.create_stack_set(StackSetName="deployer", TemplateBody=TEMPLATE, PermissionModel="SERVICE_MANAGED",
                         AutoDeployment={"Enabled": True, "RetainStacksOnAccountRemoval": False},
                         Capabilities=["CAPABILITY_NAMED_IAM"])
    cfn.create_stack_instances(StackSetName="deployer", DeploymentTargets={"OrganizationalUnitIds": [root]},
                               Regions=["us-east-1"])


def test_a_service_managed_stack_set_reaches_the_management_account_and_no_later_account(aws: str) -> None:
    root, member = _organization()
    _stack_set(root)
    assert ROLE in _roles(member)
    assert ROLE in [r["RoleName"] for r in boto3.client("iam").list_roles()["Roles"]]  # AWS never deploys here
    later = _member(boto3.client("organizations"))
    assert ROLE not in _roles(later)  # no automatic deployment


def test_the_stack_set_instance_cannot_coexist_with_the_management_accounts_own_role(aws: str) -> None:
    """Why capabilities.py leaves the instance out locally: bootstrap creates the management account's role."""
    root, _ = _organization()
    boto3.client("iam").create_role(RoleName=ROLE, AssumeRolePolicyDocument="{}")
    with pytest.raises(ClientError, match=f"EntityAlreadyExists.*{ROLE} already exists"):
        _stack_set(root)
    entry = unsupported("aws_cloudformation_stack_set_instance", {})
    assert entry is not None and "EntityAlreadyExists" in entry.reason


def test_a_stack_set_reads_back_without_its_auto_deployment_or_capabilities(aws: str) -> None:
    root, _ = _organization()
    _stack_set(root)
    described = boto3.client("cloudformation").describe_stack_set(StackSetName="deployer")["StackSet"]
    assert "AutoDeployment" not in described and not described.get("Capabilities")
    [workaround] = [w for w in WORKAROUNDS if w.resource_type == "aws_cloudformation_stack_set"]
    assert {"auto_deployment", "capabilities"} <= set(workaround.ignore_changes)


@pytest.mark.parametrize("statement", [
    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
      "Resource": ["arn:aws:s3:::state-bucket", "arn:aws:s3:::state-bucket/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    {"Sid": "RunnersNeverWriteBootstrapState", "Effect": "Deny",
      "Principal": {"AWS": ["arn:aws:iam::999999999999:role/someone-else"]}, "Action": ["s3:PutObject"],
      "Resource": ["arn:aws:s3:::state-bucket/k*"]},
], ids=["tls-only-over-loopback-http", "deny-for-another-principal"])
def test_bucket_policy_denies_refuse_the_local_caller(aws: str, statement: dict) -> None:
    """moto refuses both: plain HTTP fails aws:SecureTransport, and a Deny applies whatever its Principal."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="state-bucket")
    s3.put_object(Bucket="state-bucket", Key="k", Body=b"state")
    s3.put_bucket_policy(Bucket="state-bucket", Policy=json.dumps({"Version": "2012-10-17",
                                                                    "Statement": [statement]}))
    with pytest.raises(ClientError, match="403|Forbidden|AccessDenied"):
        s3.put_object(Bucket="state-bucket", Key="k", Body=b"newer state")
    assert statement["Sid"] in {w.sid for w in POLICY_WORKAROUNDS}


def test_conditional_writes_hold_s3_native_locks(aws: str) -> None:
    """`use_lockfile` needs PutObject with If-None-Match to refuse an existing lock object; moto does."""
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket="state-bucket")
    s3.put_object(Bucket="state-bucket", Key="k.tflock", Body=b"{}", IfNoneMatch="*")
    with pytest.raises(ClientError, match="PreconditionFailed"):
        s3.put_object(Bucket="state-bucket", Key="k.tflock", Body=b"{}", IfNoneMatch="*")
