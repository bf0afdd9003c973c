"""The RCP self-blocking check, table-driven: for each protected resource kind, statements that cut an AWS service
or the pipeline off it (with the whole message) and statements that do not."""

from __future__ import annotations

import dataclasses
import json

import pytest

from landingzone.config import LandingZone
from landingzone.config.checks_rcps import estate_of
from landingzone.config.protected_resources import Estate, narrowed, protected_resources
from landingzone.config.rcp_blocking import blocking_message, find_blocking
from landingzone.config.types import Targets

ORG = "{{ organization_id }}"
AUDIT = "the log archive bucket acme-audit-logs-<log-archive's account ID>"
CONFIG_BUCKET = "the AWS Config bucket acme-config-logs-<log-archive's account ID>"
KEY = "the log archive's KMS key alias/landingzone/audit-logs"
ACCESS = "the access-log bucket acme-access-logs-<log-archive's account ID>"
TRAIL = "CloudTrail (cloudtrail.amazonaws.com)"
CONFIG = "AWS Config (config.amazonaws.com)"
FOR_TRAIL = "so the organization trail could no longer deliver its logs"
FOR_CONFIG = "so AWS Config could no longer deliver configuration history"
NO_ORG = ("StringNotEqualsIfExists aws:PrincipalOrgID matches when the key is absent, and AWS service principals "
          "belong to no organization")
SERVICE_FIX = ('(exempt AWS services with "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}, and hold them to '
               'your organization in a statement of their own with aws:SourceOrgID "{{ organization_id }}")')
PIPELINE = "the pipeline (with the management account's credentials)"
PIPELINE_FIX = ('(exempt the pipeline: a condition on aws:PrincipalArn naming its principal, or on aws:PrincipalOrgID '
                '"{{ organization_id }}" while it calls with the organization\'s credentials)')
STATE = "acme-landingzone-terraform-state"
SPACELIFT = "arn:aws:iam::324880187172:role/spacelift"
RUNNER = "arn:aws:iam::123456789012:role/spacelift-landingzone"  # the principal config/delivery.yaml trusts


def deny(action: object, resource: object = "*", **condition: dict) -> dict:
    statement = {"Effect": "Deny", "Principal": "*", "Action": action, "Resource": resource}
    return {**statement, "Condition": condition} if condition else statement


IDENTITY_PERIMETER = {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG}}
SERVICES_EXEMPT = {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": ORG},
                   "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}
CONFUSED_DEPUTY = {"Null": {"aws:SourceAccount": "false"}, "Bool": {"aws:PrincipalIsAWSService": "true"}}
NETWORK = {"NotIpAddressIfExists": {"aws:SourceIp": ["198.51.100.0/24"]},
           "StringNotEqualsIfExists": {"aws:SourceVpce": "vpce-0a1b2c3d"}}
AUDIT_ARNS = ["arn:aws:s3:::acme-audit-logs-*", "arn:aws:s3:::acme-audit-logs-*/*"]
CONFIG_ARNS = ["arn:aws:s3:::acme-config-logs-*", "arn:aws:s3:::acme-config-logs-*/*"]


@pytest.fixture(scope="module")
def estates(example: LandingZone) -> dict[str, Estate]:
    """The example, and variants of what the check knows: a state bucket in a member account or in the management
    account, a pipeline principal outside the organization, the organization's ID."""
    base = estate_of(example.organization, [a.manifest for a in example.accounts])
    delivered = estate_of(example.organization, [a.manifest for a in example.accounts], example.delivery)
    with_ids = tuple(dataclasses.replace(a, id=f"2000000000{i:02d}") for i, a in enumerate(base.accounts))
    settings = example.organization.organization.model_copy(update={"id": "o-a1b2c3d4e5"})
    return {
        "example": base,
        "state bucket in shared-services": dataclasses.replace(base, state_bucket=STATE,
                                                               state_bucket_account="shared-services"),
        "state bucket in management": dataclasses.replace(base, state_bucket=STATE),
        "pipeline outside the organization": dataclasses.replace(base, accounts=with_ids,
                                                                 pipeline_principals=(SPACELIFT,)),
        "pipeline in the management account": dataclasses.replace(
            base, accounts=with_ids, pipeline_principals=(f"arn:aws:iam::{with_ids[2].id}:role/ci",)),
        "known organization ID": dataclasses.replace(
            base, org=example.organization.model_copy(update={"organization": settings})),
        "with delivery.yaml": delivered,
        "delivery.yaml's bucket in shared-services, under states/": dataclasses.replace(
            delivered, state_bucket_account="shared-services", state_key_prefix="states"),
    }


ROOT = Targets(root=True)


def judged(statement: dict, estate: Estate, targets: Targets = ROOT) -> list[str]:
    resources = narrowed(protected_resources(estate), targets, estate.accounts, estate.org.core_accounts.management)
    return [blocking_message(found) for found in find_blocking(statement, resources)]


REFUSED = {
    "log archive bucket: a network perimeter that forgets AWS services": (
        deny("s3:*", AUDIT_ARNS, **NETWORK), "example", [
            f"denies {TRAIL} s3:GetBucketAcl and s3:PutObject on {AUDIT}, {FOR_TRAIL}: NotIpAddressIfExists "
            "aws:SourceIp matches every AWS service principal's request (aws:SourceIp is always an address of the AWS "
            "service); StringNotEqualsIfExists aws:SourceVpce matches when the key is absent, and AWS services do not "
            f"call through your VPC endpoints {SERVICE_FIX}"]),
    "config bucket: a network perimeter that forgets AWS services": (
        deny("s3:*", CONFIG_ARNS, **NETWORK), "example", [
            f"denies {CONFIG} s3:GetBucketAcl, s3:ListBucket and s3:PutObject on {CONFIG_BUCKET}, {FOR_CONFIG}: "
            "NotIpAddressIfExists aws:SourceIp matches every AWS service principal's request (aws:SourceIp is always "
            "an address of the AWS service); StringNotEqualsIfExists aws:SourceVpce matches when the key is absent, "
            f"and AWS services do not call through your VPC endpoints {SERVICE_FIX}"]),
    "access-log bucket (and the archive's other buckets): an identity perimeter on writes": (
        deny(["s3:PutObject"], StringNotEquals={"aws:PrincipalOrgID": ORG}), "example", [
            f"denies {TRAIL} s3:PutObject on {AUDIT}, {FOR_TRAIL}: StringNotEquals aws:PrincipalOrgID matches when "
            f"the key is absent, and AWS service principals belong to no organization {SERVICE_FIX}",
            f"denies {CONFIG} s3:PutObject on {CONFIG_BUCKET}, {FOR_CONFIG}: StringNotEquals aws:PrincipalOrgID "
            f"matches when the key is absent, and AWS service principals belong to no organization {SERVICE_FIX}",
            f"denies S3 server access logging (logging.s3.amazonaws.com) s3:PutObject on {ACCESS}, so the log archive "
            "buckets' access logs would stop: StringNotEquals aws:PrincipalOrgID matches when the key is absent, and "
            f"AWS service principals belong to no organization {SERVICE_FIX}"]),
    "log archive key: an identity perimeter on KMS": (
        deny("kms:*", **IDENTITY_PERIMETER), "example", [
            f"denies {TRAIL} kms:GenerateDataKey and kms:DescribeKey on {KEY}, {FOR_TRAIL}: {NO_ORG} {SERVICE_FIX}",
            f"denies {CONFIG} kms:GenerateDataKey and kms:Decrypt on {KEY}, {FOR_CONFIG}: {NO_ORG} {SERVICE_FIX}"]),
    "log archive bucket and key: aws:SourceOrgID of another organization": (
        deny(["s3:*", "kms:*"], StringNotEqualsIfExists={"aws:SourceOrgID": "o-zzzzzzzzzz"}, **CONFUSED_DEPUTY),
        "known organization ID", [
            f"denies {TRAIL} s3:GetBucketAcl and s3:PutObject on {AUDIT}, and kms:GenerateDataKey and kms:DescribeKey "
            f"on {KEY}, {FOR_TRAIL}: StringNotEqualsIfExists aws:SourceOrgID matches every AWS service principal's "
            "request (aws:SourceOrgID is always o-a1b2c3d4e5, your organization's ID); Null aws:SourceAccount "
            "matches, and AWS service principals' requests always carry it; Bool aws:PrincipalIsAWSService matches "
            "every AWS service principal's request (aws:PrincipalIsAWSService is always 'true') (aws:SourceOrgID is "
            'your organization\'s ID in their requests: compare it with "{{ organization_id }}", which landingzone '
            "fills in)",
            f"denies {CONFIG} s3:GetBucketAcl, s3:ListBucket and s3:PutObject on {CONFIG_BUCKET}, and "
            f"kms:GenerateDataKey and kms:Decrypt on {KEY}, {FOR_CONFIG}: StringNotEqualsIfExists aws:SourceOrgID "
            "matches every AWS service principal's request (aws:SourceOrgID is always o-a1b2c3d4e5, your "
            "organization's ID); Null aws:SourceAccount matches, and AWS service principals' requests always carry "
            "it; Bool aws:PrincipalIsAWSService matches every AWS service principal's request "
            "(aws:PrincipalIsAWSService is always 'true') (aws:SourceOrgID is your organization's ID in their "
            'requests: compare it with "{{ organization_id }}", which landingzone fills in)']),
    "service roles: an identity perimeter on sts:AssumeRole": (
        deny("sts:AssumeRole", **IDENTITY_PERIMETER), "example", [
            "denies AWS Lambda (lambda.amazonaws.com) sts:AssumeRole on the service role LambdaExecutionRole in 6 "
            f"accounts, so no function could run as it: {NO_ORG} {SERVICE_FIX}",
            "denies API Gateway (apigateway.amazonaws.com) sts:AssumeRole on the service role APIGatewayRole in 6 "
            f"accounts, so API Gateway could no longer write its logs: {NO_ORG} {SERVICE_FIX}",
            "denies AWS Backup (backup.amazonaws.com) sts:AssumeRole on the service role LandingZoneBackup in 6 "
            f"accounts, so the organization backup policy could no longer back anything up: {NO_ORG} {SERVICE_FIX}",
            "denies VPC Flow Logs (vpc-flow-logs.amazonaws.com) sts:AssumeRole on the service role "
            f"lz-flow-logs-<account> in dev, prod and staging, so the VPC flow logs would stop: {NO_ORG} "
            f"{SERVICE_FIX}"]),
    "deployer role: MFA required to assume it": (
        deny("sts:AssumeRole", "arn:aws:iam::*:role/LandingZoneDeployer",
             BoolIfExists={"aws:MultiFactorAuthPresent": "false"}), "example", [
            f"denies {PIPELINE} sts:AssumeRole on the deployer role LandingZoneDeployer in 6 accounts, so no stack "
            "could reach the accounts it covers: BoolIfExists aws:MultiFactorAuthPresent matches every role session "
            "created without MFA, where the key is false (the deployer's, CI's and automation's) "
            f"{PIPELINE_FIX}"]),
    "deployer role: an identity perimeter, with the pipeline's role outside the organization": (
        deny("sts:AssumeRole", **SERVICES_EXEMPT), "pipeline outside the organization", [
            f"denies the pipeline ({SPACELIFT}) sts:AssumeRole on the deployer role LandingZoneDeployer in 6 "
            "accounts, so no stack could reach the accounts it covers: StringNotEqualsIfExists aws:PrincipalOrgID "
            "matches every request of the pipeline (aws:PrincipalOrgID is always another organization's ID); "
            "BoolIfExists aws:PrincipalIsAWSService matches every request of the pipeline "
            f"(aws:PrincipalIsAWSService is always 'false') {PIPELINE_FIX}"]),
    "deployer role: in the accounts of one OU": (
        deny("sts:AssumeRole", "arn:aws:iam::*:role/LandingZoneDeployer",
             BoolIfExists={"aws:MultiFactorAuthPresent": "false"}), "example", [
            f"denies {PIPELINE} sts:AssumeRole on the deployer role LandingZoneDeployer in dev and staging, so no "
            "stack could reach the accounts it covers: BoolIfExists aws:MultiFactorAuthPresent matches every role "
            "session created without MFA, where the key is false (the deployer's, CI's and automation's) "
            f"{PIPELINE_FIX}"]),
    "state bucket in a member account: state objects never deleted (S3 locking deletes its lock file)": (
        deny("s3:DeleteObject", f"arn:aws:s3:::{STATE}/*"), "state bucket in shared-services", [
            f"denies {PIPELINE} s3:DeleteObject on the state bucket {STATE}, so no stack could read, lock or write "
            f"its state: it has no condition {PIPELINE_FIX}"]),
    "state bucket of delivery.yaml, in a member account: its key prefix denied to the runner it trusts": (
        deny("s3:PutObject", f"arn:aws:s3:::{STATE}/states/*"),
        "delivery.yaml's bucket in shared-services, under states/", [
            f"denies the pipeline ({RUNNER}) s3:PutObject on the state bucket {STATE}, so no stack could read, lock "
            f"or write its state: it has no condition {PIPELINE_FIX}"]),
    "deployer role: delivery.yaml's runner without MFA": (
        deny("sts:AssumeRole", "arn:aws:iam::*:role/LandingZoneDeployer",
             BoolIfExists={"aws:MultiFactorAuthPresent": "false"}), "with delivery.yaml", [
            f"denies the pipeline ({RUNNER}) sts:AssumeRole on the deployer role LandingZoneDeployer in 6 accounts, "
            "so no stack could reach the accounts it covers: BoolIfExists aws:MultiFactorAuthPresent matches every "
            "role session created without MFA, where the key is false (the deployer's, CI's and automation's) "
            f"{PIPELINE_FIX}"]),
}
TARGETS = {"deployer role: in the accounts of one OU": Targets(ous=("Workloads/NonProd",))}

ACCEPTED = {
    "log archive bucket: AWS services exempt": (deny("s3:*", **SERVICES_EXEMPT), "example"),
    "log archive bucket: the network perimeter exempts AWS services": (
        deny("s3:*", AUDIT_ARNS, **NETWORK, BoolIfExists={"aws:PrincipalIsAWSService": "false"}), "example"),
    "log archive bucket: left out with NotResource": (
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "NotResource": AUDIT_ARNS + CONFIG_ARNS + [
            "arn:aws:s3:::acme-access-logs-*", "arn:aws:s3:::acme-access-logs-*/*"], "Condition": IDENTITY_PERIMETER},
        "example"),
    "config bucket: AWS services exempt": (deny("s3:*", CONFIG_ARNS, **SERVICES_EXEMPT), "example"),
    "log archive bucket: only another bucket": (
        deny("s3:*", ["arn:aws:s3:::acme-exports", "arn:aws:s3:::acme-exports/*"], **IDENTITY_PERIMETER), "example"),
    "log archive key: TLS only": (deny("kms:*", BoolIfExists={"aws:SecureTransport": "false"}), "example"),
    "log archive key: confused-deputy protection with the organization's ID": (
        deny(["s3:*", "kms:*"], StringNotEqualsIfExists={"aws:SourceOrgID": ORG}, **CONFUSED_DEPUTY), "example"),
    "log archive key: the organization's ID written out": (
        deny(["s3:*", "kms:*"], StringNotEqualsIfExists={"aws:SourceOrgID": "o-a1b2c3d4e5"}, **CONFUSED_DEPUTY),
        "known organization ID"),
    "log archive key: an ID the check cannot compare (organization.id not set)": (
        deny(["s3:*", "kms:*"], StringNotEqualsIfExists={"aws:SourceOrgID": "o-a1b2c3d4e5"}, **CONFUSED_DEPUTY),
        "example"),
    "service roles: AWS services exempt": (deny("sts:AssumeRole", **SERVICES_EXEMPT), "example"),
    "service roles: only principals tagged into the network perimeter": (
        deny("sts:AssumeRole", **NETWORK, StringEquals={"aws:PrincipalTag/dp:include:network": "true"}), "example"),
    "service roles: a deny on a tag the services do not have": (
        deny("sts:AssumeRole", StringEquals={"aws:PrincipalTag/quarantined": "true"}), "example"),
    "access-log bucket: only what resources tagged out say": (
        deny("s3:PutObject", StringEquals={"aws:ResourceTag/dp:exclude": "false"}), "example"),
    "deployer role: the pipeline inside the organization": (deny("sts:AssumeRole", **SERVICES_EXEMPT), "example"),
    "deployer role: a pipeline role of the management account": (
        deny("sts:AssumeRole", **SERVICES_EXEMPT), "pipeline in the management account"),
    "deployer role: the outside pipeline exempt by account": (
        deny("sts:AssumeRole", StringNotEqualsIfExists={"aws:PrincipalOrgID": ORG,
                                                        "aws:PrincipalAccount": ["324880187172"]},
             BoolIfExists={"aws:PrincipalIsAWSService": "false"}), "pipeline outside the organization"),
    "deployer role: the pipeline's source address is not known here": (
        deny("sts:AssumeRole", NotIpAddressIfExists={"aws:SourceIp": ["198.51.100.0/24"]},
             BoolIfExists={"aws:PrincipalIsAWSService": "false"}), "example"),
    "deployer role: another role": (
        deny("sts:AssumeRole", "arn:aws:iam::*:role/ReadOnlyRole",
             BoolIfExists={"aws:MultiFactorAuthPresent": "false"}), "example"),
    "state bucket in the management account, where RCPs never apply": (
        deny("s3:DeleteObject", f"arn:aws:s3:::{STATE}/*"), "state bucket in management"),
    "state bucket in a member account: only the bootstrap state protected": (
        deny("s3:DeleteObject", f"arn:aws:s3:::{STATE}/bootstrap/*"), "state bucket in shared-services"),
    "state bucket of delivery.yaml, in the management account where the bootstrap stack puts it": (
        deny("s3:*", [f"arn:aws:s3:::{STATE}", f"arn:aws:s3:::{STATE}/*"]), "with delivery.yaml"),
    "state bucket of delivery.yaml, in a member account: another key prefix denied": (
        deny("s3:PutObject", f"arn:aws:s3:::{STATE}/landingzone/*"),
        "delivery.yaml's bucket in shared-services, under states/"),
    "deployer role: delivery.yaml's runner exempt by ARN": (
        deny("sts:AssumeRole", "arn:aws:iam::*:role/LandingZoneDeployer",
             StringNotEquals={"aws:PrincipalArn": RUNNER}), "with delivery.yaml"),
    "an Allow is not judged": ({**deny("*"), "Effect": "Allow"}, "example"),
}


def test_the_estate_takes_the_state_bucket_runners_and_role_from_delivery_yaml(example: LandingZone) -> None:
    estate = estate_of(example.organization, [a.manifest for a in example.accounts], example.delivery)
    assert (estate.state_bucket, estate.state_key_prefix, estate.pipeline_principals, estate.deployer_role) == (
        STATE, "landingzone", (RUNNER,), "LandingZoneDeployer")
    assert estate_of(example.organization, [a.manifest for a in example.accounts]).state_bucket is None


@pytest.mark.parametrize("name", REFUSED, ids=list(REFUSED))
def test_refuses_with_the_whole_message(name: str, estates: dict[str, Estate]) -> None:
    statement, estate, expected = REFUSED[name]
    assert judged(statement, estates[estate], TARGETS.get(name, ROOT)) == expected


@pytest.mark.parametrize("name", ACCEPTED, ids=list(ACCEPTED))
def test_accepts(name: str, estates: dict[str, Estate]) -> None:
    statement, estate = ACCEPTED[name]
    assert judged(statement, estates[estate]) == []


def test_every_protected_kind_has_a_refusal_and_an_acceptance() -> None:
    kinds = ("log archive bucket", "config bucket", "log archive key", "access-log bucket", "service roles",
             "deployer role", "state bucket")
    for kind in kinds:
        assert any(name.startswith(kind) for name in REFUSED), kind
        assert any(name.startswith(kind) for name in ACCEPTED), kind


def test_the_shipped_data_perimeter_cuts_nothing_off(example: LandingZone, estates: dict[str, Estate]) -> None:
    [perimeter] = example.rcps
    statements = json.loads(perimeter.content)["Statement"]
    for name, estate in estates.items():
        if name != "pipeline outside the organization":
            assert [judged(statement, estate) for statement in statements] == [[]] * len(statements), name
    # A pipeline in another organization (a Spacelift integration role in Spacelift's account) is outside the
    # identity perimeter: it would need an exemption by aws:PrincipalAccount or aws:PrincipalArn.
    outside = [m for s in statements for m in judged(s, estates["pipeline outside the organization"])]
    assert outside == [m for m in outside if m.startswith(f"denies the pipeline ({SPACELIFT}) sts:AssumeRole")]
    assert len(outside) == 1


def test_an_rcp_on_one_ou_protects_only_what_lives_there(estates: dict[str, Estate]) -> None:
    """The log archive sits in the Security OU: an RCP on Workloads cannot reach it, nor the management account."""
    everything = deny("*", **IDENTITY_PERIMETER)
    assert not any("log archive" in m for m in judged(everything, estates["example"], Targets(ous=("Workloads",))))
    assert judged(everything, estates["example"], Targets(accounts=("management",))) == []
    assert any(AUDIT in m for m in judged(everything, estates["example"], Targets(ous=("Security",))))
