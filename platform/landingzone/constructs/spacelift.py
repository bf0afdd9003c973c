"""Spacelift's Terraform provider (spacelift-io/spacelift) through CDKTF's escape hatch.

There are no prebuilt bindings for it, and it is not in the offline mirror, so Terraform cannot validate what is
written here: `tests/fixtures/spacelift_schema.json` holds each resource's arguments from the provider's
documentation, and the tests hold every emitted block to it. Blocks are collected per stack and written into it
by `write_blocks` once the stack is complete.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdktf import TerraformProvider, TerraformProviderGeneratorMetadata, TerraformStack

from landingzone.constructs.part import path_of

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


def resource(stack: TerraformStack, type_: str, name: str, arguments: Mapping[str, object]) -> str:
    """A `type_.name` resource with `arguments` (None values left out); returns a reference to its ID."""
    _collect(stack, "resource", type_, name, f"{type_}.{name}", arguments)
    return f"${{{type_}.{name}.id}}"


def data_source(stack: TerraformStack, type_: str, name: str, arguments: Mapping[str, object]) -> str:
    """A `data.type_.name` lookup; returns a reference to its ID."""
    _collect(stack, "data", type_, name, f"data.{type_}.{name}", arguments)
    return f"${{data.{type_}.{name}.id}}"


def adopt(stack: TerraformStack, type_: str, name: str, import_id: str) -> None:
    """Adopt an existing object: an `import` block for `type_.name`, a no-op once it is in state."""
    _blocks(stack).imports.append({"id": import_id, "to": f"{type_}.{name}"})


def write_blocks(stack: TerraformStack) -> None:
    """Every block collected for `stack` written into it, one override per block type.

    A construct per block costs three round trips to Node or more (create, logical ID, arguments); the admin
    stack of 1,000 accounts holds about 15,000 blocks. Each block carries the construct path a construct would
    have given it (`//`), by which the source map names config/delivery.yaml for it.
    """
    blocks = _blocks(stack)
    for kind in ("data", "resource"):
        for type_, items in sorted(blocks.kinds[kind].items()):
            stack.add_override(f"{kind}.{type_}", items)
    if blocks.imports:
        stack.add_override("import", blocks.imports)


class _Collected:
    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, dict[str, object]]] = {"data": {}, "resource": {}}
        self.imports: list[dict[str, str]] = []


def _blocks(stack: TerraformStack) -> _Collected:
    if not hasattr(stack, "lz_spacelift"):
        stack.lz_spacelift = _Collected()  # type: ignore[attr-defined]
    return stack.lz_spacelift  # type: ignore[attr-defined]


def _collect(stack: TerraformStack, kind: str, type_: str, name: str, address: str,
             arguments: Mapping[str, object]) -> None:
    items = _blocks(stack).kinds[kind].setdefault(type_, {})
    if name in items:
        raise ValueError(f"{address} is written twice in stack {path_of(stack)}")
    items[name] = {"//": {"metadata": {"path": f"{path_of(stack)}/{address}", "uniqueId": name}},
                   **{key: value for key, value in arguments.items() if value is not None}}
