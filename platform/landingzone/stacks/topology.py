"""Which stacks a landing zone has, in which account, after which others; cheap to compute.

Builders are named by import path and loaded only for the stacks being synthesized, so a run for one
stack of a 500-account organisation neither imports nor constructs the other stacks.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from landingzone.config import LandingZone


@dataclass(frozen=True)
class StackSpec:
    """A stack before it is built: its name is a public contract (Spacelift stacks and state keys use it)."""

    name: str
    account: str
    builder: str  # "module:function" taking (scope, landing_zone, spec, sources) and returning the stack
    depends_on: tuple[str, ...] = ()

    def load_builder(self) -> Callable[..., object]:
        module, _, function = self.builder.partition(":")
        return getattr(importlib.import_module(module), function)


def stack_specs(lz: LandingZone) -> tuple[StackSpec, ...]:
    """Every stack of the landing zone, in deployment order."""
    management = lz.organization.core_accounts.management
    return (StackSpec("org", management, "landingzone.stacks.org:build_org_stack"),)
