"""Terraform addresses built from names, and literal strings protected from Terraform interpolation."""

from __future__ import annotations

from typing import TypeVar

from cdktf import TerraformElement

from landingzone.constructs.ids import logical_id

E = TypeVar("E", bound=TerraformElement)


def pin(resource: E, *parts: str) -> E:
    """Give a resource the address its name implies, whatever construct it sits in.

    Addresses are a public contract: Terraform replaces a resource whose address changes, so they come
    from config names and never from construct nesting or list positions.
    """
    resource.override_logical_id(logical_id(*parts))
    return resource


def literal(text: str) -> str:
    """Escape a user's string so Terraform passes `${aws:username}` or `%{` through to AWS unchanged."""
    return text.replace("${", "$${").replace("%{", "%%{")


def literal_tags(tags: dict[str, str]) -> dict[str, str]:
    return {literal(key): literal(value) for key, value in tags.items()}
