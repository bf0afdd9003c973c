"""Member accounts: created, or adopted through an import block; never closed by Terraform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.organizations_account import OrganizationsAccount
from constructs import Construct

from landingzone.constructs.naming import literal, literal_tags, pin, ref
from landingzone.constructs.part import Part


@dataclass(frozen=True)
class AccountSpec:
    name: str
    email: str
    parent_id: str
    tags: Mapping[str, str]
    adopt_id: str | None = None


class MemberAccount(Part):
    """An account that survives its removal from code: `close_on_deletion` off and `prevent_destroy` on."""

    def __init__(self, scope: Construct, id_: str, *, spec: AccountSpec) -> None:
        super().__init__(scope, id_)
        self.resource = pin(OrganizationsAccount(
            self, "account",
            name=literal(spec.name),
            email=literal(spec.email),
            parent_id=spec.parent_id,
            close_on_deletion=False,
            tags=literal_tags(dict(spec.tags)),
            # role_name and the billing flag only apply at creation; an adopted account reads back without
            # them, and a diff there would force a replacement of the account.
            lifecycle={"prevent_destroy": True, "ignore_changes": ["role_name", "iam_user_access_to_billing"]},
        ), "account", spec.name)
        if spec.adopt_id:
            self.resource.import_from(spec.adopt_id)

    @property
    def account_id(self) -> str:
        return ref(self.resource, "id")
