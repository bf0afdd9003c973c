"""The bootstrap stack: the state bucket, its key, logs and lock, and the deployer role in the management account
directly and in every member account through a service-managed StackSet; read from the example, then variants."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers import assert_subset, resources
from landingzone.gates.plan_safety import PROTECTED, PROTECTED_ADDRESSES, check_plan
from landingzone.gates.terraform import validate_stack

pytestmark = pytest.mark.synth

BUCKET = "acme-landingzone-terraform-state"
RUNNER = "arn:aws:iam::123456789012:role/spacelift-landingzone"
# With spacelift in the example, Spacelift's integration and the role's own sessions are trusted too
# (test_admin_stack checks those statements).
TRUSTED_RUNNERS = {"Sid": "TrustedRunners", "Effect": "Allow", "Principal": {"AWS": [RUNNER]},
                   "Action": "sts:AssumeRole"}


@pytest.fixture(scope="module")
def bootstrap(example_synth: Path) -> dict[str, Any]:
    return json.loads((example_synth / "stacks" / "bootstrap" / "cdk.tf.json").read_text())


def _statements(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in json.loads(resource["policy"])["Statement"]}


def test_runs_with_the_operators_own_credentials_pinned_to_the_management_account(bootstrap) -> None:
    [provider] = bootstrap["provider"]["aws"]
    assert provider["allowed_account_ids"] == ["123456789012"]
    assert "assume_role" not in provider  # the deployer role is what this stack creates
    # its own state goes to the bucket it creates, once moved there with terraform init -migrate-state
    assert bootstrap["terraform"]["backend"]["s3"]["key"] == "landingzone/bootstrap.tfstate"


def test_state_bucket_is_versioned_encrypted_private_tls_only_logged_and_kept(bootstrap) -> None:
    assert_subset(resources(bootstrap, "aws_s3_bucket")["s3_state"], {
        "bucket": BUCKET, "lifecycle": {"prevent_destroy": True}})
    assert resources(bootstrap, "aws_s3_bucket_versioning")["s3_versioning_state"][
        "versioning_configuration"] == {"status": "Enabled"}
    [rule] = resources(bootstrap, "aws_s3_bucket_server_side_encryption_configuration")["s3_encryption_state"]["rule"]
    assert rule == {"bucket_key_enabled": True, "apply_server_side_encryption_by_default": {
        "sse_algorithm": "aws:kms", "kms_master_key_id": "${aws_kms_key.kms_key_state.arn}"}}
    assert_subset(resources(bootstrap, "aws_s3_bucket_public_access_block")["s3_public_access_state"], {
        "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
        "restrict_public_buckets": True})
    assert resources(bootstrap, "aws_s3_bucket_logging")["s3_logging_state"]["target_bucket"] == (
        "${aws_s3_bucket.s3_state_access_logs.id}")
    assert resources(bootstrap, "aws_s3_bucket")["s3_state_access_logs"]["bucket"] == f"{BUCKET}-access-logs"
    statements = _statements(resources(bootstrap, "aws_s3_bucket_policy")["s3_policy_state"])
    assert statements["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_runners_read_and_write_state_but_never_the_bootstrap_stacks_own(bootstrap) -> None:
    statements = _statements(resources(bootstrap, "aws_s3_bucket_policy")["s3_policy_state"])
    assert_subset(statements["RunnersReadAndWriteState"], {
        "Effect": "Allow", "Principal": {"AWS": [RUNNER]}, "Resource": f"arn:aws:s3:::{BUCKET}/landingzone/*",
        "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]})
    assert_subset(statements["RunnersNeverWriteBootstrapState"], {
        "Effect": "Deny", "Principal": {"AWS": [RUNNER]}, "Action": ["s3:PutObject", "s3:DeleteObject"],
        "Resource": [f"arn:aws:s3:::{BUCKET}/landingzone/bootstrap.tfstate*"]})
    key = _statements(resources(bootstrap, "aws_kms_key")["kms_key_state"])
    assert key["RunnersUseThroughStateServices"]["Condition"] == {"StringEquals": {"kms:ViaService": [
        "s3.us-east-1.amazonaws.com", "dynamodb.us-east-1.amazonaws.com"]}}
    assert_subset(resources(bootstrap, "aws_kms_key")["kms_key_state"], {
        "enable_key_rotation": True, "lifecycle": {"prevent_destroy": True}})
    assert resources(bootstrap, "aws_kms_alias")["kms_alias_state"]["name"] == "alias/landingzone/terraform-state"
    policy = json.loads(bootstrap["output"]["runner_policy"]["value"])
    assert {s["Sid"]: s["Resource"] for s in policy["Statement"]}["AssumeDeployerRoles"] == (
        "arn:aws:iam::*:role/LandingZoneDeployer")


def test_deployer_role_in_management_trusts_only_the_runners(bootstrap) -> None:
    role = resources(bootstrap, "aws_iam_role")["iam_role_deployer"]
    assert_subset(role, {"name": "LandingZoneDeployer", "max_session_duration": 3600,
                         "lifecycle": {"prevent_destroy": True}})
    assert json.loads(role["assume_role_policy"])["Statement"][0] == TRUSTED_RUNNERS
    assert "permissions_boundary" not in role
    assert [a["policy_arn"] for a in resources(bootstrap, "aws_iam_role_policy_attachment").values()] == [
        "arn:aws:iam::aws:policy/AdministratorAccess"]


def test_stack_set_deploys_the_same_role_to_every_account_under_the_root_automatically(bootstrap) -> None:
    stack_set = resources(bootstrap, "aws_cloudformation_stack_set")["cloudformation_stack_set_deployer"]
    assert_subset(stack_set, {"permission_model": "SERVICE_MANAGED", "capabilities": ["CAPABILITY_NAMED_IAM"],
                              "auto_deployment": {"enabled": True, "retain_stacks_on_account_removal": False},
                              "managed_execution": {"active": True},
                              "lifecycle": {"prevent_destroy": True, "ignore_changes": ["administration_role_arn"]}})
    template = json.loads(stack_set["template_body"])
    properties = template["Resources"]["DeployerRole"]["Properties"]
    role = resources(bootstrap, "aws_iam_role")["iam_role_deployer"]
    # The same trust as the management account's role, except where it names the role's own account (a Spacelift
    # run's providers assume the role again from its own session): each member account's copy names itself.
    trust = json.loads(role["assume_role_policy"])
    sub = "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:"
    own = {f"arn:aws:iam::123456789012:{name}": {"Fn::Sub": sub + name}
           for name in ("root", "role/LandingZoneDeployer")}
    [providers] = [s for s in trust["Statement"] if s["Sid"] == "ProvidersInSpaceliftRuns"]
    providers["Principal"]["AWS"] = own[providers["Principal"]["AWS"]]
    condition = providers["Condition"]["ArnEquals"]
    condition["aws:PrincipalArn"] = own[condition["aws:PrincipalArn"]]
    assert properties["AssumeRolePolicyDocument"] == trust
    assert (properties["RoleName"], properties["MaxSessionDuration"]) == (role["name"], role["max_session_duration"])
    assert properties["ManagedPolicyArns"] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    [instance] = resources(bootstrap, "aws_cloudformation_stack_set_instance").values()
    assert_subset(instance, {"region": "us-east-1", "retain_stack": True, "deployment_targets": {
        "organizational_unit_ids": ["${data.aws_organizations_organization.organization.roots[0].id}"]},
        "stack_set_name": "${aws_cloudformation_stack_set.cloudformation_stack_set_deployer.name}"})


def test_plan_safety_protects_the_bucket_key_stack_set_and_role(bootstrap) -> None:
    """A plan deleting every resource of the stack is refused for exactly what holds state or identity."""
    plan = {"resource_changes": [{"address": f"{kind}.{name}", "type": kind, "mode": "managed",
                                  "change": {"actions": ["delete"]}}
                                 for kind, items in bootstrap["resource"].items() for name in items]}
    refused = {f.address for f in check_plan(plan, ()).failed}
    assert refused == {
        "aws_s3_bucket.s3_state", "aws_s3_bucket.s3_state_access_logs", "aws_kms_key.kms_key_state",
        "aws_iam_role.iam_role_deployer", "aws_cloudformation_stack_set.cloudformation_stack_set_deployer",
        "aws_cloudformation_stack_set_instance.cloudformation_stack_set_instance_deployer"}
    assert {"aws_s3_bucket", "aws_kms_key", "aws_dynamodb_table"} <= set(PROTECTED)
    assert set(PROTECTED_ADDRESSES) == {"aws_iam_role.iam_role_deployer"}


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory, synth_stack) -> dict[str, dict[str, Any]]:
    """DynamoDB locking, the state in the other allowed region under an existing key, a boundary, 4-hour sessions."""
    from conftest import copy_example

    project = copy_example(tmp_path_factory.mktemp("variant") / "project")
    (project / "config" / "delivery.yaml").write_text("""
backend:
  bucket: acme-state
  region: us-west-2
  kms_key: arn:aws:kms:us-west-2:123456789012:key/0b9a3c3e-5c52-4a8e-9a25-8d1c1e7a2f11
  locking: dynamodb
workflow: {version: 1.11.0}
deployer:
  role_name: PipelineDeployer
  trusted_principals: [arn:aws:iam::210987654321:role/ci, arn:aws:iam::123456789012:role/spacelift]
  max_session_hours: 4
  permissions_boundary:
    customer_managed_policy: {name: deployer-boundary, path: /landingzone/}
""")
    return {name: synth_stack(project, name) for name in ("bootstrap", "baseline-dev")}


def test_dynamodb_locking_gets_a_protected_lock_table_the_runners_may_use(variant) -> None:
    table = resources(variant["bootstrap"], "aws_dynamodb_table")["dynamodb_table_lock"]
    assert_subset(table, {"name": "acme-state-lock", "hash_key": "LockID", "billing_mode": "PAY_PER_REQUEST",
                          "attribute": [{"name": "LockID", "type": "S"}], "deletion_protection_enabled": True,
                          "point_in_time_recovery": {"enabled": True}, "lifecycle": {"prevent_destroy": True},
                          "server_side_encryption": {"enabled": True, "kms_key_arn": (
                              "arn:aws:kms:us-west-2:123456789012:key/0b9a3c3e-5c52-4a8e-9a25-8d1c1e7a2f11")}})
    [statement] = json.loads(resources(variant["bootstrap"], "aws_dynamodb_resource_policy")[
        "dynamodb_resource_policy_lock"]["policy"])["Statement"]
    assert statement["Principal"] == {"AWS": ["arn:aws:iam::123456789012:role/spacelift",
                                              "arn:aws:iam::210987654321:role/ci"]}
    backend = variant["baseline-dev"]["terraform"]["backend"]["s3"]
    assert (backend["dynamodb_table"], backend["region"], "use_lockfile" in backend) == (
        "acme-state-lock", "us-west-2", False)
    assert variant["baseline-dev"]["terraform"]["required_version"] == "~> 1.11.0"


def test_an_existing_key_is_used_and_none_created_and_the_state_lives_in_its_region(variant) -> None:
    stack = variant["bootstrap"]
    assert "aws_kms_key" not in stack["resource"]
    state_provider = {p.get("alias"): p for p in stack["provider"]["aws"]}["state_us-west-2"]
    assert (state_provider["region"], state_provider["allowed_account_ids"]) == ("us-west-2", ["123456789012"])
    assert resources(stack, "aws_s3_bucket")["s3_state"]["provider"] == "aws.state_us-west-2"


def test_boundary_role_name_and_session_reach_the_role_the_stack_set_and_the_providers(variant) -> None:
    stack = variant["bootstrap"]
    role = resources(stack, "aws_iam_role")["iam_role_deployer"]
    assert (role["name"], role["max_session_duration"]) == ("PipelineDeployer", 14400)
    assert role["permissions_boundary"] == "arn:aws:iam::123456789012:policy/landingzone/deployer-boundary"
    body = resources(stack, "aws_cloudformation_stack_set")["cloudformation_stack_set_deployer"]["template_body"]
    # CloudFormation's own substitution, escaped so Terraform passes it through
    assert "arn:$${AWS::Partition}:iam::$${AWS::AccountId}:policy/landingzone/deployer-boundary" in body
    properties = json.loads(body.replace("$${", "${"))["Resources"]["DeployerRole"]["Properties"]
    assert properties["PermissionsBoundary"] == {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/landingzone/deployer-boundary"}
    [assumed] = variant["baseline-dev"]["provider"]["aws"][0]["assume_role"]
    assert (assumed["role_arn"], assumed["duration"]) == ("arn:aws:iam::${var.account_id_dev}:role/PipelineDeployer",
                                                          "4h")
    assert re.fullmatch(r"baseline-dev@\$\{var\.spacelift_run_id\}", assumed["session_name"])


@pytest.mark.terraform
def test_the_variant_bootstrap_stack_validates(variant, terraform, tmp_path: Path) -> None:
    (tmp_path / "cdk.tf.json").write_text(json.dumps(variant["bootstrap"]))
    assert validate_stack(terraform, tmp_path) == []
