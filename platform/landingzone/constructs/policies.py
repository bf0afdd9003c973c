"""Organization policies (SCPs, tag policies) and their attachments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.organizations_policy import OrganizationsPolicy
from cdktf_cdktf_provider_aws.organizations_policy_attachment import OrganizationsPolicyAttachment
from constructs import Construct

from landingzone.constructs.naming import literal, literal_tags, pin


@dataclass(frozen=True)
class PolicyTarget:
    """Where a policy attaches: `key` names it in addresses (`root`, `ou_Workloads`, `account_prod`)."""

    key: str
    target_id: str


class OrganizationPolicy(Construct):
    """One organization policy document and an attachment per target, each addressed by policy and target."""

    def __init__(self, scope: Construct, id_: str, *, name: str, policy_type: str, content: str,
                 description: str, targets: Sequence[PolicyTarget], tags: Mapping[str, str] | None = None,
                 depends_on: Sequence[ITerraformDependable] = ()) -> None:
        super().__init__(scope, id_)
        prefix = {"SERVICE_CONTROL_POLICY": "scp", "TAG_POLICY": "tag_policy",
                  "BACKUP_POLICY": "backup_policy"}.get(policy_type, policy_type.lower())
        self.resource = pin(OrganizationsPolicy(
            self, "policy",
            name=literal(name),
            type=policy_type,
            content=literal(content),
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
