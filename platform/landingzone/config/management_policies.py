"""The organization policies landingzone writes from sections of `config/organization.yaml` rather than from
policy files: the AI services opt-out policy and the declarative EC2 policy."""

from __future__ import annotations

from dataclasses import dataclass

from landingzone.config import ai_opt_out, declarative_ec2
from landingzone.config.organization import OrganizationConfig
from landingzone.config.types import Targets


@dataclass(frozen=True)
class WrittenPolicy:
    """A policy document landingzone writes: `content` is what AWS stores."""

    name: str
    type: str
    content: str
    description: str
    attach_to: Targets


def management_policies(org: OrganizationConfig) -> list[WrittenPolicy]:
    found = []
    opt_out = org.ai_services_opt_out
    if opt_out.enabled:
        lock = "children may override" if opt_out.children_may_override else "no OU or account may override"
        found.append(WrittenPolicy(ai_opt_out.POLICY_NAME, "AISERVICES_OPT_OUT_POLICY",
                                   ai_opt_out.opt_out_document(opt_out),
                                   f"AWS AI services default to {opt_out.default.replace('_', ' ')}; {lock}.",
                                   opt_out.attach_to))
    declarative = org.declarative_ec2
    if declarative is not None:
        found.append(WrittenPolicy(declarative_ec2.POLICY_NAME, "DECLARATIVE_POLICY_EC2",
                                   declarative_ec2.declarative_ec2_document(declarative),
                                   f"EC2 settings every {org.organization.name} account keeps.", declarative.attach_to))
    return found
