"""The `identity` stack, in the management account: IAM Identity Center permission sets, the Entra groups they
are assigned to, one assignment per group × permission set × account, and the accounts' direct SAML federation.

Account IDs. Member accounts are created by the `org` stack, so their IDs are usually unknown at synth. A manifest
`id` is used as given; otherwise the ID is the variable `account_id_<name>`, which the org stack's output of the
same name fills (a Spacelift stack-dependency reference). A cdktf cross-stack reference would instead tie this
stack to the org stack's state backend and rename with it; a variable ties it to a name only, and each
assignment's inputs stay the account's own, so adding an account adds assignments without touching the others.

SAML federation lives in the member account but is built here, through a provider per account that assumes the
deployer role in it: it is identity, reviewed with the permission sets, and its metadata rotates with the Entra
application rather than with the account's baseline.
"""

from __future__ import annotations

import json

from cdktf import TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_ssoadmin_instances import DataAwsSsoadminInstances
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.config import Account, LandingZone
from landingzone.config.checks_identity import IDENTITY_FILE
from landingzone.config.identity import (
    PermissionSet as PermissionSetConfig,
)
from landingzone.config.identity import (
    SamlFederation as SamlFederationConfig,
)
from landingzone.config.identity import (
    address,
    address_part,
    expand_assignments,
    managed_policy_arn,
)
from landingzone.config.scp import minify
from landingzone.constructs.account_assignments import AccountAssignments, AssignmentSpec, SyncedGroups
from landingzone.constructs.permission_sets import PermissionSet, PermissionSetSpec, PolicyReference
from landingzone.constructs.saml_federation import FederatedRoleSpec, SamlFederation
from landingzone.constructs.sources import SourceMap
from landingzone.stacks.base import account_stack
from landingzone.topology import StackSpec

INSTANCES = "identity_center"


def build_identity_stack(scope: Construct, lz: LandingZone, spec: StackSpec, sources: SourceMap) -> TerraformStack:
    identity = lz.identity
    assert identity is not None, "stack_specs lists the identity stack only when config/identity.yaml exists"
    settings = lz.organization.organization
    region = identity.identity_center.region or settings.home_region
    management = lz.management
    stack, providers = account_stack(scope, lz, spec.name, management, region)
    platform_tags = dict(management.tags)

    instances = DataAwsSsoadminInstances(stack, INSTANCES)
    instances.override_logical_id(INSTANCES)
    instance_arn = f"${{tolist(data.aws_ssoadmin_instances.{INSTANCES}.arns)[0]}}"
    store_id = f"${{tolist(data.aws_ssoadmin_instances.{INSTANCES}.identity_store_ids)[0]}}"
    active = [a for a in lz.accounts if not a.decommissioned]
    account_id = providers.account_id

    permission_sets = {
        ps.name: sources.record(PermissionSet(stack, f"permission-set-{ps.name}", instance_arn=instance_arn,
                                              spec=permission_set_spec(lz, ps, platform_tags)), IDENTITY_FILE)
        for ps in identity.permission_sets
    }
    used_groups = sorted({group for group, _, _ in expand_assignments(identity, active)})
    groups = SyncedGroups(stack, "groups", identity_store_id=store_id,
                          groups={address_part(name): name for name in used_groups})
    sources.record(AccountAssignments(stack, "assignments", instance_arn=instance_arn, assignments=[
        AssignmentSpec(key=address(group, ps, account), group_id=groups.id_of(group),
                       permission_set_arn=permission_sets[ps].arn, account_id=account_id(lz.account(account)),
                       after=permission_sets[ps].attachments)
        for group, ps, account in expand_assignments(identity, active)]), IDENTITY_FILE)

    for account in active:
        if account.manifest.saml_federation is not None:
            _saml_federation(stack, lz, account, account.manifest.saml_federation,
                             providers.get(account, settings.home_region), sources)
    _outputs(stack, instance_arn, store_id)
    return stack


def permission_set_spec(lz: LandingZone, ps: PermissionSetConfig, tags: dict[str, str]) -> PermissionSetSpec:
    boundary = ps.permissions_boundary
    boundary_ref = boundary.customer_managed_policy if boundary else None
    return PermissionSetSpec(
        key=address_part(ps.name), name=ps.name, description=ps.description, session_duration=ps.session_duration,
        managed_policies={address_part(name): managed_policy_arn(name) for name in ps.managed_policies},
        inline_policy=_minified(lz, ps.inline_policy) if ps.inline_policy else None,
        # keyed by address, so a reference listed twice is attached once rather than clashing
        customer_managed_policies=list({address_part(ref.path + ref.name): PolicyReference(
            address_part(ref.path + ref.name), ref.name, ref.path) for ref in ps.customer_managed_policies}.values()),
        boundary_policy_arn=managed_policy_arn(boundary.managed_policy) if boundary and boundary.managed_policy
        else None,
        boundary_reference=PolicyReference("boundary", boundary_ref.name, boundary_ref.path) if boundary_ref
        else None,
        tags=tags,
    )


def _minified(lz: LandingZone, file: str) -> str:
    return minify(json.loads((lz.root / file).read_text(encoding="utf-8")))


def _saml_federation(stack: TerraformStack, lz: LandingZone, account: Account, federation: SamlFederationConfig,
                     provider: AwsProvider, sources: SourceMap) -> None:
    roles = [FederatedRoleSpec(
        key=address_part(role.name), name=role.name, description=role.description,
        max_session_seconds=role.max_session_hours * 3600,
        managed_policies={address_part(name): managed_policy_arn(name) for name in role.managed_policies},
        inline_policy=_minified(lz, role.inline_policy) if role.inline_policy else None,
    ) for role in federation.roles]
    sources.record(SamlFederation(
        stack, f"saml-{account.name}", key=account.name, provider=provider, provider_name=federation.provider_name,
        metadata=(lz.root / federation.metadata).read_text(), audience=federation.audience, roles=roles,
    ), account.file)


def _outputs(stack: TerraformStack, instance_arn: str, store_id: str) -> None:
    TerraformOutput(stack, "instance_arn", value=instance_arn)
    TerraformOutput(stack, "identity_store_id", value=store_id)
    TerraformOutput(stack, "access_portal_url", value=f"https://{store_id}.awsapps.com/start",
                    description="The AWS access portal; Entra's app shows it as the sign-on URL")
