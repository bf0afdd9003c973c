"""Stacks composed from the model. The stack graph lives in `landingzone.topology`; builders load on demand."""

from landingzone.topology import StackSpec, decommission_allowlist, stack_specs

__all__ = ["StackSpec", "decommission_allowlist", "stack_specs"]
