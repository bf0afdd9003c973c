"""Assertion helpers for synthesized Terraform JSON."""

from __future__ import annotations

from typing import Any


def resources(stack: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return stack.get("resource", {}).get(kind, {})


def assert_subset(actual: Any, expected: Any, where: str = "") -> None:
    """Every key and value in `expected` is in `actual` (lists compared whole)."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} is missing"
            assert_subset(actual[key], value, f"{where}.{key}")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def addresses(stack: dict[str, Any]) -> set[str]:
    return {f"{kind}.{name}" for kind, items in stack.get("resource", {}).items() for name in items}
