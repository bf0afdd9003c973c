"""The AWS organization itself."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.organizations_organization import OrganizationsOrganization
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class Organization(Part):
    """An organization with all features, the given policy types and trusted services; never destroyed.

    `adopt_id` (`o-…`) brings an existing organization under management with an import block.
    """

    def __init__(self, scope: Construct, id_: str, *, policy_types: Sequence[str],
                 service_access_principals: Sequence[str], adopt_id: str | None = None) -> None:
        super().__init__(scope, id_)
        self.resource = pin(OrganizationsOrganization(
            self, "organization",
            feature_set="ALL",
            enabled_policy_types=sorted(policy_types),
            aws_service_access_principals=sorted(service_access_principals),
            lifecycle={"prevent_destroy": True},
        ), "organization")
        if adopt_id:
            # A management account usually has its organization already; creating another would fail.
            self.resource.import_from(adopt_id)

    @property
    def root_id(self) -> str:
        return self.resource.roots.get(0).id
