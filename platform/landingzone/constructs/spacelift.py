"""Spacelift's Terraform provider (spacelift-io/spacelift) through CDKTF's escape hatch.

There are no prebuilt bindings for it, and it is not in the offline mirror, so Terraform cannot validate what is
written here: `tests/fixtures/spacelift_schema.json` holds each resource's arguments from the provider's
documentation, and the tests hold every emitted block to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import (
    TerraformDataSource,
    TerraformProvider,
    TerraformProviderGeneratorMetadata,
    TerraformResource,
    TerraformStack,
)
from constructs import Construct

SOURCE = "spacelift-io/spacelift"
VERSION = "~> 1.53"  # the release whose documentation the schema was written from (1.53.5)
_METADATA = TerraformProviderGeneratorMetadata(provider_name="spacelift")


class _Provider(TerraformProvider):
    """The provider block. It holds nothing: the provider reads its credentials from the run (Spacelift gives an
    admin stack's runs an API token through its role attachment)."""


def use_provider(stack: TerraformStack) -> None:
    _Provider(stack, "spacelift", terraform_resource_type="spacelift", terraform_generator_metadata=_METADATA,
              terraform_provider_source=SOURCE)
    stack.add_override("terraform.required_providers.spacelift", {"source": SOURCE, "version": VERSION})


class _Block(TerraformResource):
    """A resource whose arguments JavaScript asks of Python once, when the stack is synthesized: one round trip
    to Node for the whole block, where an `add_override` per argument took one each (at 1,000 accounts the admin
    stack holds about 8,000 blocks)."""

    def __init__(self, scope: Construct, id_: str, type_: str, arguments: Mapping[str, object]) -> None:
        self._arguments = {key: value for key, value in arguments.items() if value is not None}
        super().__init__(scope, id_, terraform_resource_type=type_, terraform_generator_metadata=_METADATA)

    def _synthesize_attributes(self) -> Mapping[str, object]:
        return self._arguments


class _Lookup(TerraformDataSource):
    """A data source written like `_Block`."""

    def __init__(self, scope: Construct, id_: str, type_: str, arguments: Mapping[str, object]) -> None:
        self._arguments = dict(arguments)
        super().__init__(scope, id_, terraform_resource_type=type_, terraform_generator_metadata=_METADATA)

    def _synthesize_attributes(self) -> Mapping[str, object]:
        return self._arguments


def resource(scope: Construct, type_: str, name: str, arguments: Mapping[str, object]) -> str:
    """A `type_.name` resource with `arguments` (None values left out); returns a reference to its ID."""
    # The construct ID has the type in it: one name (a stack's) addresses resources of several types.
    _Block(scope, f"{type_}.{name}", type_, arguments).override_logical_id(name)
    return f"${{{type_}.{name}.id}}"


def adopt(scope: Construct, type_: str, name: str, import_id: str) -> None:
    """Adopt an existing object: an `import` block for `type_.name`, a no-op once it is in state."""
    block = scope.node.find_child(f"{type_}.{name}")
    assert isinstance(block, TerraformResource)
    block.import_from(import_id)


def data_source(scope: Construct, type_: str, name: str, arguments: Mapping[str, object]) -> str:
    """A `data.type_.name` lookup; returns a reference to its ID."""
    _Lookup(scope, f"data.{type_}.{name}", type_, arguments).override_logical_id(name)
    return f"${{data.{type_}.{name}.id}}"
