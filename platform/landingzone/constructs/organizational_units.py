"""The OU tree below the organization's root."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_aws.organizations_organizational_unit import OrganizationsOrganizationalUnit
from constructs import Construct

from landingzone.constructs.naming import literal, literal_tags, pin
from landingzone.constructs.part import Part


class OrganizationalUnits(Part):
    """One OU per path (`Workloads/Prod`), parents before children, each addressed by its path.

    `tags` add to the provider's default tags.
    """

    def __init__(self, scope: Construct, id_: str, *, root_id: str, paths: Sequence[str],
                 tags: Mapping[str, str] | None = None) -> None:
        super().__init__(scope, id_)
        self._ids: dict[str, str] = {}
        for path in sorted(paths, key=lambda p: (p.count("/"), p)):
            parent, _, name = path.rpartition("/")
            ou = pin(OrganizationsOrganizationalUnit(
                self, path,
                name=literal(name),
                parent_id=self._ids[parent] if parent else root_id,
                tags=literal_tags(dict(tags)) if tags else None,
                lifecycle={"prevent_destroy": True},
            ), "ou", path)
            self._ids[path] = ou.id

    def id_of(self, path: str) -> str:
        return self._ids[path]
