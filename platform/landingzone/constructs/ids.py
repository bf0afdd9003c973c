"""Terraform logical IDs from names. Free of cdktf, so stack topology can name addresses without loading it."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def logical_id(*parts: str) -> str:
    """`("ou", "Workloads/Prod")` → `ou_Workloads_Prod`. Names exclude `_`, so distinct inputs stay distinct."""
    return "_".join(_UNSAFE.sub("_", part) for part in parts)


def hub_name(organization: str) -> str:
    """The hub's Name tag, by which spoke stacks look it up (the ID is not known until it exists)."""
    return f"{organization}-hub"


def segment_table_name(organization: str, segment: str) -> str:
    return f"{organization}-segment-{segment}"
