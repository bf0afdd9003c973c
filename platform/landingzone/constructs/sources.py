"""Which config file each resource came from, so a gate finding can name the file a user edits."""

from __future__ import annotations

from typing import TypeVar

from cdktf import TerraformResource
from constructs import Construct

C = TypeVar("C", bound=Construct)


class SourceMap:
    """Recorded while a stack is built; the most specific record wins for resources nested in several."""

    def __init__(self) -> None:
        self._records: list[tuple[Construct, str]] = []

    def record(self, construct: C, file: str) -> C:
        self._records.append((construct, file))
        return construct

    def addresses(self) -> dict[str, str]:
        found: dict[str, tuple[int, str]] = {}
        for construct, file in self._records:
            depth = len(construct.node.scopes)
            for node in construct.node.find_all():
                if isinstance(node, TerraformResource):
                    address = f"{node.terraform_resource_type}.{node.friendly_unique_id}"
                    if address not in found or found[address][0] < depth:
                        found[address] = (depth, file)
        return {address: file for address, (_, file) in sorted(found.items())}
