"""Moved to `landingzone.topology`; kept so `landingzone.local` imports keep working until they name it there."""

from landingzone.topology import StackSpec, decommission_allowlist, stack_specs

__all__ = ["StackSpec", "decommission_allowlist", "stack_specs"]
