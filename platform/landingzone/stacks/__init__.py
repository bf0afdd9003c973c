"""Stacks composed from the model. `topology` lists them without importing cdktf; builders load on demand."""

from landingzone.stacks.topology import StackSpec, decommission_allowlist, stack_specs

__all__ = ["StackSpec", "decommission_allowlist", "stack_specs"]
