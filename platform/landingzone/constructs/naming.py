"""Terraform addresses built from names, and literal strings protected from Terraform interpolation."""

from __future__ import annotations

import re

from cdktf import TerraformResource

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def logical_id(*parts: str) -> str:
    """`("ou", "Workloads/Prod")` → `ou_Workloads_Prod`. Names exclude `_`, so distinct inputs stay distinct."""
    return "_".join(_UNSAFE.sub("_", part) for part in parts)


def pin(resource: TerraformResource, *parts: str) -> TerraformResource:
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
