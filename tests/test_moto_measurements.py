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
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.parsers import ResponseParserError

from landingzone.local.capabilities import LIST_WORKAROUNDS, POLICY_WORKAROUNDS, WORKAROUNDS, unsupported
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


def test_the_organization_cannot_trust_iam_for_centralized_root_access(aws: str) -> None:
    """Why the local organization leaves iam.amazonaws.com out of its trusted services (LIST_WORKAROUNDS); the
    others the example trusts are accepted."""
    org = boto3.client("organizations")
    org.create_organization(FeatureSet="ALL")
    with pytest.raises(ClientError, match="InvalidInputException.*unrecognized service principal"):
        org.enable_aws_service_access(ServicePrincipal="iam.amazonaws.com")
    for principal in ("cloudtrail.amazonaws.com", "member.org.stacksets.cloudformation.amazonaws.com"):
        org.enable_aws_service_access(ServicePrincipal=principal)
    [dropped] = [w for w in LIST_WORKAROUNDS if w.resource_type == "aws_organizations_organization"]
    assert (dropped.attribute, dropped.value) == ("aws_service_access_principals", "iam.amazonaws.com")


def test_centralized_root_access_is_not_implemented(aws: str) -> None:
    """aws_iam_organizations_features calls EnableOrganizationsRootCredentialsManagement: HTTP 500 from moto."""
    boto3.client("organizations").create_organization(FeatureSet="ALL")
    iam = boto3.client("iam", config=Config(retries={"max_attempts": 1}))
    with pytest.raises(ResponseParserError, match="500 Internal Server Error"):
        iam.enable_organizations_root_credentials_management()
    entry = unsupported("aws_iam_organizations_features", {})
    assert entry is not None and "HTTP 500" in entry.reason


def test_each_detector_update_replaces_every_feature_it_does_not_name(aws: str) -> None:
    """Why aws_guardduty_detector_feature is left out: one resource per feature, each an UpdateDetector naming
    only its own feature; AWS keeps the others, moto keeps the last call's list only."""
    guardduty = boto3.client("guardduty")
    detector = guardduty.create_detector(Enable=True)["DetectorId"]
    for name in ("S3_DATA_EVENTS", "RUNTIME_MONITORING"):
        guardduty.update_detector(DetectorId=detector, Features=[{"Name": name, "Status": "ENABLED"}])
    assert [f["Name"] for f in guardduty.get_detector(DetectorId=detector)["Features"]] == ["RUNTIME_MONITORING"]
    entry = unsupported("aws_guardduty_detector_feature", {})
    assert entry is not None and "replaces the detector's whole feature list" in entry.reason


def test_a_subnet_created_by_zone_id_is_taken_for_a_default_subnet(aws: str) -> None:
    """Why the default-subnet lookup (data.aws_subnets with default-for-az) is left out: moto marks the first subnet
    created with AvailabilityZoneId DefaultForAz, in a VPC that is not the default one."""
    ec2 = boto3.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    first = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.1.0/24", AvailabilityZoneId="use1-az1")["Subnet"]
    found = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert first["SubnetId"] in {s["SubnetId"] for s in found}
    assert not ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["IsDefault"]
    by_name = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.2.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    assert by_name["DefaultForAz"] is False  # by AZ name, moto sees the default subnet already there
    entry = unsupported("data.aws_subnets", {"filter": [{"name": "default-for-az", "values": ["true"]}]})
    assert entry is not None and "DefaultForAz" in entry.reason
    assert unsupported("data.aws_subnets", {"filter": [{"name": "vpc-id", "values": [vpc]}]}) is None


def test_network_acl_entries_read_back_without_their_icmp_type_and_code(aws: str) -> None:
    """Why local copies ignore changes to a network ACL's ingress: the ICMP rule's type and code are not returned."""
    ec2 = boto3.client("ec2")
    acl = ec2.create_network_acl(VpcId=ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"])["NetworkAcl"][
        "NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=310, Protocol="1", RuleAction="allow", Egress=False,
                                 CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": 3, "Code": 4})
    [entry] = [e for e in ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0]["Entries"]
               if e["RuleNumber"] == 310]
    assert entry["Protocol"] == "1" and "IcmpTypeCode" not in entry
    [workaround] = [w for w in WORKAROUNDS if w.resource_type == "aws_network_acl"]
    assert workaround.ignore_changes == ("ingress",)


def test_a_metric_filter_put_again_under_its_name_is_added_beside_the_first(aws: str) -> None:
    """Why a changed CIS filter pattern re-plans as a change on a second `up --local` (never on a first): AWS's
    PutMetricFilter updates the filter of that name, moto adds another, and the provider reads the first back."""
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName="trail")
    for pattern in ("{ $.eventName = A }", "{ $.eventName = B }"):
        logs.put_metric_filter(logGroupName="trail", filterName="cis-x", filterPattern=pattern,
                               metricTransformations=[{"metricName": "X", "metricNamespace": "N", "metricValue": "1"}])
    found = logs.describe_metric_filters(logGroupName="trail", filterNamePrefix="cis-x")["metricFilters"]
    assert [f["filterPattern"] for f in found] == ["{ $.eventName = A }", "{ $.eventName = B }"]
