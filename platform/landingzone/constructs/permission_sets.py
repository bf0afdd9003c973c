"""IAM Identity Center permission sets and what they attach: managed, inline, customer managed, boundary."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.ssoadmin_customer_managed_policy_attachment import (
    SsoadminCustomerManagedPolicyAttachment,
    SsoadminCustomerManagedPolicyAttachmentCustomerManagedPolicyReference,
)
from cdktf_cdktf_provider_aws.ssoadmin_managed_policy_attachment import SsoadminManagedPolicyAttachment
from cdktf_cdktf_provider_aws.ssoadmin_permission_set import SsoadminPermissionSet
from cdktf_cdktf_provider_aws.ssoadmin_permission_set_inline_policy import SsoadminPermissionSetInlinePolicy
from cdktf_cdktf_provider_aws.ssoadmin_permissions_boundary_attachment import (
    SsoadminPermissionsBoundaryAttachment,
    SsoadminPermissionsBoundaryAttachmentPermissionsBoundary,
    SsoadminPermissionsBoundaryAttachmentPermissionsBoundaryCustomerManagedPolicyReference,
)
from constructs import Construct

from landingzone.constructs.naming import literal, literal_tags, pin, ref
from landingzone.constructs.part import Part


@dataclass(frozen=True)
class PolicyReference:
    """A customer managed policy by name and path; `key` names it in addresses."""

    key: str
    name: str
    path: str = "/"


@dataclass(frozen=True)
class PermissionSetSpec:
    """`key` is the permission set's address (`aws_ssoadmin_permission_set.<key>`); other keys append to it."""

    key: str
    name: str
    session_duration: str
    description: str | None = None
    managed_policies: Mapping[str, str] = field(default_factory=dict)  # key -> policy ARN
    inline_policy: str | None = None
    customer_managed_policies: Sequence[PolicyReference] = ()
    boundary_policy_arn: str | None = None
    boundary_reference: PolicyReference | None = None
    tags: Mapping[str, str] = field(default_factory=dict)


class PermissionSet(Part):
    """One permission set; `attachments` are what an assignment must wait for (AWS provisions them per account)."""

    def __init__(self, scope: Construct, id_: str, *, instance_arn: str, spec: PermissionSetSpec) -> None:
        super().__init__(scope, id_)
        key = spec.key
        self.resource = pin(SsoadminPermissionSet(
            self, "permission-set",
            instance_arn=instance_arn,
            name=literal(spec.name),
            description=literal(spec.description) if spec.description else None,
            session_duration=spec.session_duration,
            tags=literal_tags(dict(spec.tags)) if spec.tags else None,
        ), key)
        common = {"instance_arn": instance_arn, "permission_set_arn": self.arn}
        self.attachments: list[TerraformResource] = []
        for policy_key, arn in sorted(spec.managed_policies.items()):
            self.attachments.append(pin(SsoadminManagedPolicyAttachment(
                self, f"managed-{policy_key}", managed_policy_arn=arn, **common), f"{key}__{policy_key}"))
        if spec.inline_policy is not None:
            self.attachments.append(pin(SsoadminPermissionSetInlinePolicy(
                self, "inline", inline_policy=literal(spec.inline_policy), **common), key))
        for policy in sorted(spec.customer_managed_policies, key=lambda r: r.key):
            self.attachments.append(pin(SsoadminCustomerManagedPolicyAttachment(
                self, f"customer-{policy.key}", customer_managed_policy_reference=(
                    SsoadminCustomerManagedPolicyAttachmentCustomerManagedPolicyReference(
                        name=literal(policy.name), path=policy.path)), **common), f"{key}__{policy.key}"))
        if spec.boundary_policy_arn or spec.boundary_reference:
            reference = spec.boundary_reference
            boundary = SsoadminPermissionsBoundaryAttachmentPermissionsBoundary(
                managed_policy_arn=spec.boundary_policy_arn,
                customer_managed_policy_reference=(
                    SsoadminPermissionsBoundaryAttachmentPermissionsBoundaryCustomerManagedPolicyReference(
                        name=literal(reference.name), path=reference.path) if reference else None))
            self.attachments.append(pin(SsoadminPermissionsBoundaryAttachment(
                self, "boundary", permissions_boundary=boundary, **common), key))

    @property
    def arn(self) -> str:
        return ref(self.resource, "arn")
