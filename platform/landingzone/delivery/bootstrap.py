"""The `bootstrap` stack, in the management account: what every other stack needs before it can run.

- the state bucket (and its KMS key, and the lock table with DynamoDB locking);
- the deployer role in the management account, directly;
- the deployer role in every member account, new ones included, through a service-managed StackSet with
  automatic deployment to the organization's root (see docs/delivery.md for why a StackSet).

It runs with the operator's own management-account credentials, by hand, never through the runner whose trust
it defines; the first apply keeps local state, then `terraform init -migrate-state` moves it into its own bucket.
"""

from __future__ import annotations

import json

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_organizations_organization import DataAwsOrganizationsOrganization
from constructs import Construct

from landingzone.config import LandingZone
from landingzone.config.delivery import DELIVERY_FILE, DeliveryConfig
from landingzone.config.identity import managed_policy_arn
from landingzone.constructs.deployer_role import (
    Boundary,
    DeployerRole,
    DeployerRoleSpec,
    DeployerRoleStackSet,
    SpaceliftTrust,
)
from landingzone.constructs.ids import logical_id
from landingzone.constructs.naming import pin
from landingzone.constructs.sources import SourceMap
from landingzone.constructs.state_backend import LockTable, Runners, StateBucket, StateKey
from landingzone.delivery.backends import STATE_KEY_ALIAS, backend_region, configure, state_key, state_key_arn
from landingzone.delivery.providers import Credentials, aws_provider
from landingzone.topology import BOOTSTRAP, StackSpec


def build_bootstrap_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    delivery = lz.delivery
    management_id = lz.management.manifest.id
    assert delivery is not None and management_id is not None, "validation requires both with delivery.yaml"
    stack = TerraformStack(scope, spec.name)
    configure(stack, lz, spec.name)
    home = lz.organization.organization.home_region
    # The operator's own credentials (the deployer role is what this stack creates), pinned to the account.
    tags = {**lz.organization.default_tags, **lz.management.tags}
    own = Credentials(account_id=management_id)
    aws_provider(stack, region=home, tags=tags, credentials=own)
    region = backend_region(lz)
    state_provider = None if region == home else aws_provider(stack, region=region, tags=tags, credentials=own,
                                                              alias=logical_id("state", region))
    runners = state_runners(lz)
    backend = delivery.backend
    # The key's own ARN where this stack creates it, so the bucket and table wait for it.
    key_arn = backend.kms_key or sources.record(StateKey(
        stack, "state-key", alias=STATE_KEY_ALIAS, account_id=management_id, region=region, runners=runners,
        provider=state_provider), DELIVERY_FILE).key.arn
    bucket = sources.record(StateBucket(stack, "state", name=backend.bucket, log_bucket=backend.log_bucket(),
                                        account_id=management_id, key_prefix=backend.key_prefix,
                                        kms_key_arn=key_arn, runners=runners,
                                        protected_keys=[state_key(backend, BOOTSTRAP)], provider=state_provider),
                            DELIVERY_FILE)
    table = backend.table()
    if table is not None:
        sources.record(LockTable(stack, "lock", name=table, kms_key_arn=key_arn, runners=runners,
                                 provider=state_provider), DELIVERY_FILE)
    role = deployer_spec(lz, delivery)
    sources.record(DeployerRole(stack, "deployer", spec=role, account_id=management_id), DELIVERY_FILE)
    organization = pin(DataAwsOrganizationsOrganization(stack, "organization"), "organization")
    sources.record(DeployerRoleStackSet(stack, "deployer-roles", spec=role, name=f"{lz.organization.organization.name}"
                                        f"-landingzone-deployer", root_id=organization.roots.get(0).id, region=home),
                   DELIVERY_FILE)
    _outputs(stack, lz, bucket.bucket.name, table)
    return stack


def state_runners(lz: LandingZone) -> Runners:
    """The trusted principals; with Spacelift also the deployer role in every account, whose sessions are a
    Spacelift run's own credentials (its AWS integration assumes the deployer role of the stack's account)."""
    assert lz.delivery is not None and lz.organization.organization.id is not None, "validation requires both"
    organization = (lz.organization.organization.id, lz.deployer_role) if lz.delivery.spacelift else None
    return Runners(lz.delivery.deployer.trusted_principals, organization)


def deployer_spec(lz: LandingZone, delivery: DeliveryConfig) -> DeployerRoleSpec:
    deployer = delivery.deployer
    boundary = deployer.permissions_boundary
    ref = None
    if boundary is not None and boundary.managed_policy:
        ref = Boundary(managed_arn=managed_policy_arn(boundary.managed_policy))
    elif boundary is not None and boundary.customer_managed_policy:
        policy = boundary.customer_managed_policy
        ref = Boundary(customer_policy=f"{policy.path}{policy.name}")
    spacelift = None
    if delivery.spacelift is not None:
        spacelift = SpaceliftTrust(aws_account=delivery.spacelift.aws_integration.spacelift_aws_account,
                                   spacelift_account=delivery.spacelift.account)
    return DeployerRoleSpec(name=lz.deployer_role, trusted_principals=deployer.trusted_principals,
                            max_session_seconds=deployer.max_session_hours * 3600, boundary=ref, spacelift=spacelift,
                            managed_policies={logical_id(name): managed_policy_arn(name)
                                              for name in deployer.managed_policies})


def runner_policy(lz: LandingZone, bucket: str, table: str | None) -> dict[str, object]:
    """What the runner principals' own identity policy must allow, for their administrators to attach: assuming
    the deployer role anywhere, and the state (a bucket policy alone grants nothing across accounts)."""
    assert lz.delivery is not None
    backend = lz.delivery.backend
    region = backend_region(lz)
    statements: list[dict[str, object]] = [
        {"Sid": "AssumeDeployerRoles", "Effect": "Allow", "Action": "sts:AssumeRole",
         "Resource": f"arn:aws:iam::*:role/{lz.deployer_role}"},
        {"Sid": "ListState", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"},
        {"Sid": "ReadAndWriteState", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
         "Resource": f"arn:aws:s3:::{bucket}/{backend.key_prefix}/*"},
        {"Sid": "UseStateKey", "Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey",
                                                              "kms:DescribeKey"], "Resource": state_key_arn(lz)}]
    if table is not None:
        statements.append({"Sid": "LockState", "Effect": "Allow", "Action": [
            "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
            "Resource": f"arn:aws:dynamodb:{region}:{lz.management.manifest.id}:table/{table}"})
    return {"Version": "2012-10-17", "Statement": statements}


def _outputs(stack: TerraformStack, lz: LandingZone, bucket: str, table: str | None) -> None:
    TerraformOutput(stack, "state_bucket", value=bucket, description="Every stack's state, one object each")
    TerraformOutput(stack, "state_kms_key", value=state_key_arn(lz), description="The key the state is "
                    "encrypted with")
    if table is not None:
        TerraformOutput(stack, "lock_table", value=table, description="The DynamoDB table that locks the state")
    TerraformOutput(stack, "deployer_role", value=lz.deployer_role, description="The role every stack assumes in "
                    "its own account")
    TerraformOutput(stack, "runner_policy", value=json.dumps(runner_policy(lz, bucket, table), indent=2),
                    description="An identity policy the runner principals need: attach it to their roles")
