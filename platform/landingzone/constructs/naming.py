"""Terraform addresses built from names, and literal strings protected from Terraform interpolation."""

from __future__ import annotations

from typing import TypeVar

from cdktf import TerraformDataSource, TerraformElement

from landingzone.constructs.ids import logical_id

E = TypeVar("E", bound=TerraformElement)

_TYPES: dict[type, str] = {}


def pin(resource: E, *parts: str) -> E:
    """Give a resource the address its name implies, whatever construct it sits in.

    Addresses are a public contract: Terraform replaces a resource whose address changes, so they come
    from config names and never from construct nesting or list positions. The address is kept on the Python
    object too, for `ref`.
    """
    name = logical_id(*parts)
    resource.override_logical_id(name)
    resource.lz_name = name  # type: ignore[attr-defined]
    return resource


def ref(resource: TerraformElement, attribute: str) -> str:
    """`${aws_vpc.vpc_dev.id}` for `ref(vpc, "id")`: what the binding's `vpc.id` resolves to, written here.

    Reading an attribute through the binding is a round trip to Node that returns a token; at 1,000 accounts
    the synth makes about 100,000 of them. The resource must be pinned, and in the same stack as the reader
    (a reference across stacks is a token CDKTF turns into an output; terraform validate refuses a literal one).
    """
    return f"${{{_type_of(type(resource))}.{pinned_name(resource)}.{attribute}}}"


def pinned_name(resource: TerraformElement) -> str:
    """The logical ID `pin` gave `resource`, without asking Node for its `friendly_unique_id`."""
    return resource.lz_name  # type: ignore[attr-defined]


def _type_of(cls: type) -> str:
    """`aws_vpc`, or `data.aws_subnets` for a data source; asked of the binding once per class."""
    if cls not in _TYPES:
        kind = cls.TF_RESOURCE_TYPE  # type: ignore[attr-defined]
        _TYPES[cls] = f"data.{kind}" if issubclass(cls, TerraformDataSource) else kind
    return _TYPES[cls]


def literal(text: str) -> str:
    """Escape a user's string so Terraform passes `${aws:username}` or `%{` through to AWS unchanged."""
    return text.replace("${", "$${").replace("%{", "%%{")


def literal_tags(tags: dict[str, str]) -> dict[str, str]:
    return {literal(key): literal(value) for key, value in tags.items()}
