"""Entra groups looked up in the Identity Center store, and their permission sets on accounts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import TerraformResource
from cdktf_cdktf_provider_aws.data_aws_identitystore_group import (
    DataAwsIdentitystoreGroup,
    DataAwsIdentitystoreGroupAlternateIdentifier,
    DataAwsIdentitystoreGroupAlternateIdentifierUniqueAttribute,
)
from cdktf_cdktf_provider_aws.ssoadmin_account_assignment import SsoadminAccountAssignment
from constructs import Construct

from landingzone.constructs.naming import literal, pin
from landingzone.constructs.part import Part


class SyncedGroups(Part):
    """Groups that Entra owns and SCIM syncs: read by display name, never created here.

    `groups` maps each group's address key to its display name (`data.aws_identitystore_group.<key>`).
    """

    def __init__(self, scope: Construct, id_: str, *, identity_store_id: str, groups: Mapping[str, str]) -> None:
        super().__init__(scope, id_)
        self._ids: dict[str, str] = {}
        for key, display_name in sorted(groups.items()):
            group = DataAwsIdentitystoreGroup(
                self, key,
                identity_store_id=identity_store_id,
                alternate_identifier=DataAwsIdentitystoreGroupAlternateIdentifier(
                    unique_attribute=DataAwsIdentitystoreGroupAlternateIdentifierUniqueAttribute(
                        attribute_path="DisplayName", attribute_value=literal(display_name))),
            )
            group.override_logical_id(key)
            self._ids[display_name] = group.group_id

    def id_of(self, display_name: str) -> str:
        return self._ids[display_name]


@dataclass(frozen=True)
class AssignmentSpec:
    """One group × permission set × account; `key` (built from the three names) is its address."""

    key: str
    group_id: str
    permission_set_arn: str
    account_id: str
    after: Sequence[TerraformResource] = ()


class AccountAssignments(Part):
    """Account assignments, each addressed by names so adding an account adds resources and replaces none."""

    def __init__(self, scope: Construct, id_: str, *, instance_arn: str, assignments: Sequence[AssignmentSpec]
                 ) -> None:
        super().__init__(scope, id_)
        for spec in sorted(assignments, key=lambda s: s.key):
            pin(SsoadminAccountAssignment(
                self, spec.key,
                instance_arn=instance_arn,
                permission_set_arn=spec.permission_set_arn,
                principal_type="GROUP",
                principal_id=spec.group_id,
                target_type="AWS_ACCOUNT",
                target_id=spec.account_id,
                # Identity Center provisions the permission set into the account on assignment; it must hold its
                # policies by then, and concurrent provisioning of one permission set conflicts.
                depends_on=list(spec.after) or None,
            ), spec.key)
