"""Organization policies (SCPs, RCPs, tag, backup, AI services opt-out and declarative EC2 policies) and their
attachments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.organizations_policy import OrganizationsPolicy
from cdktf_cdktf_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from constructs import Construct

from landingzone.constructs.naming import literal, literal_tags, pin
from landingzone.constructs.part import Part

# Addresses are `<prefix>_<name>` and `<prefix>_<name>_to_<target>`; plan safety recognises the perimeter and the
# opt-out by these prefixes (gates/plan_safety.py, policies/spacelift/plan-safety.rego).
ADDRESS_PREFIX = {"SERVICE_CONTROL_POLICY": "scp", "RESOURCE_CONTROL_POLICY": "rcp", "TAG_POLICY": "tag_policy",
                  "BACKUP_POLICY": "backup_policy", "AISERVICES_OPT_OUT_POLICY": "ai_opt_out",
                  "DECLARATIVE_POLICY_EC2": "declarative_ec2"}


@dataclass(frozen=True)
class PolicyTarget:
    """Where a policy attaches: `key` names it in addresses (`root`, `ou_Workloads`, `account_prod`)."""

    key: str
    target_id: str


class OrganizationPolicy(Part):
    """One organization policy document and an attachment per target, each addressed by policy and target."""

    def __init__(self, scope: Construct, id_: str, *, name: str, policy_type: str, content: str,
                 description: str, targets: Sequence[PolicyTarget], tags: Mapping[str, str] | None = None,
                 depends_on: Sequence[ITerraformDependable] = (), references: Mapping[str, str] | None = None) -> None:
        """`references` replace text of the content with Terraform expressions after it is escaped: the
        organization's ID for its `{{ organization_id }}` token, say."""
        super().__init__(scope, id_)
        prefix = ADDRESS_PREFIX.get(policy_type, policy_type.lower())
        escaped = literal(content)
        for text, expression in (references or {}).items():
            escaped = escaped.replace(text, expression)
        self.resource = pin(OrganizationsPolicy(
            self, "policy",
            name=literal(name),
            type=policy_type,
            content=escaped,
            description=literal(description),
            tags=literal_tags(dict(tags)) if tags else None,
            depends_on=list(depends_on) or None,
        ), prefix, name)
        for target in targets:
            pin(OrganizationsPolicyAttachment(
                self, f"to-{target.key}",
                policy_id=self.resource.id,
                target_id=target.target_id,
            ), prefix, name, "to", target.key)
