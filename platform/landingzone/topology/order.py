"""The stacks in deployment order: waves of stacks that may run at once, each after every stack it depends on."""

from __future__ import annotations

from collections.abc import Sequence
from graphlib import TopologicalSorter

from landingzone.topology.specs import StackSpec


def dependencies(specs: Sequence[StackSpec]) -> dict[str, tuple[str, ...]]:
    """Each stack's dependencies among `specs` (a workload may read a stack this landing zone does not have)."""
    names = {spec.name for spec in specs}
    return {spec.name: tuple(dep for dep in spec.depends_on if dep in names) for spec in specs}


def waves(specs: Sequence[StackSpec]) -> list[list[StackSpec]]:
    """Stacks grouped by when they can run: every stack of a wave only after all stacks of earlier waves it
    depends on. Names sort within a wave, so the order is the same run to run."""
    by_name = {spec.name: spec for spec in specs}
    sorter = TopologicalSorter(dependencies(specs))
    sorter.prepare()  # raises graphlib.CycleError: stack_specs never builds one, so a cycle is a bug here
    result = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        result.append([by_name[name] for name in ready])
        sorter.done(*ready)
    return result


def deployment_order(specs: Sequence[StackSpec]) -> list[StackSpec]:
    """Every stack after the stacks it depends on."""
    return [spec for wave in waves(specs) for spec in wave]
