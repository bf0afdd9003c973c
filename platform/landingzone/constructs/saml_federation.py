"""Direct SAML federation of one account with an IdP: the IAM SAML provider and roles API clients assume."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.iam_saml_provider import IamSamlProvider
from constructs import Construct

from landingzone.constructs.naming import literal, literal_tags, pin
from landingzone.constructs.part import Part


@dataclass(frozen=True)
class FederatedRoleSpec:
    key: str  # address part of the role's name
    name: str
    max_session_seconds: int
    description: str | None = None
    managed_policies: Mapping[str, str] = field(default_factory=dict)  # key -> policy ARN
    inline_policy: str | None = None


def saml_trust_policy(provider_arn: str, audience: str) -> str:
    """Only AssumeRoleWithSAML through this provider, and only for assertions addressed to `audience`."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AssumeWithSamlFromEntra",
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithSAML",
        "Condition": {"StringEquals": {"SAML:aud": audience}},
    }]}, separators=(",", ":"))


class SamlFederation(Part):
    """An `aws_iam_saml_provider` from IdP metadata and roles whose trust requires `SAML:aud`.

    Every resource uses `provider`, the one for the account the federation is in; `key` prefixes addresses.
    """

    def __init__(self, scope: Construct, id_: str, *, key: str, provider: TerraformProvider, provider_name: str,
                 metadata: str, audience: str, roles: Sequence[FederatedRoleSpec],
                 tags: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id_)
        self.saml_provider = pin(IamSamlProvider(
            self, "saml-provider", provider=provider, name=provider_name,
            saml_metadata_document=literal(metadata),
            tags=literal_tags(dict(tags)) if tags else None,
        ), f"{key}__{provider_name}")
        for role in sorted(roles, key=lambda r: r.key):
            role_key = f"{key}__{role.key}"
            iam_role = pin(IamRole(
                self, f"role-{role.key}", provider=provider, name=role.name,
                description=literal(role.description) if role.description else None,
                assume_role_policy=saml_trust_policy(self.saml_provider.arn, literal(audience)),
                max_session_duration=role.max_session_seconds,
                tags=literal_tags(dict(tags)) if tags else None,
            ), role_key)
            for policy_key, arn in sorted(role.managed_policies.items()):
                pin(IamRolePolicyAttachment(self, f"{role.key}-{policy_key}", provider=provider,
                                            role=iam_role.name, policy_arn=arn), f"{role_key}__{policy_key}")
            if role.inline_policy is not None:
                pin(IamRolePolicy(self, f"{role.key}-inline", provider=provider, name=role.name, role=iam_role.id,
                                  policy=literal(role.inline_policy)), role_key)
