"""The stack graph: which stacks a landing zone has, in which account, after which others. Free of cdktf, so
the CLI lists and orders stacks without loading the bindings; `delivery` and `stacks` both build on it."""

from landingzone.topology.order import deployment_order, waves
from landingzone.topology.specs import ADMIN, BOOTSTRAP, StackSpec, decommission_allowlist, stack_specs

__all__ = ["ADMIN", "BOOTSTRAP", "StackSpec", "decommission_allowlist", "deployment_order", "stack_specs", "waves"]
