"""Run an action over the stacks in dependency order: each stack as soon as the ones it needs are done, the
independent ones in parallel, and nothing after a stack that did not succeed."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

OK, FAILED, NOT_ATTEMPTED, UNCHANGED, CHANGED = "ok", "failed", "not attempted", "unchanged", "changed"


@dataclass(frozen=True)
class StackRun:
    """What one Terraform action did to one stack."""

    name: str
    # ok; failed; not attempted (a stack it needs did not succeed, or the run was interrupted); unchanged (applied
    # before from the same input, so not applied again); changed (a plan that proposes changes)
    status: str
    resources: int = 0  # managed resources in the state afterwards
    seconds: float = 0.0
    detail: str = ""  # Terraform's error, or the changes a plan found, or why it was not attempted

    @property
    def ok(self) -> bool:
        return self.status in (OK, UNCHANGED)


class StackGraphError(ValueError):
    """The stack graph names a stack it does not hold, or has a cycle: a bug in whoever built it."""


Action = Callable[[str], StackRun]
Progress = Callable[[str, str], None]  # (stack, "start" | StackRun.status)


def ordered(graph: Mapping[str, Sequence[str]]) -> TopologicalSorter[str]:
    """A prepared sorter over `graph` (stack → the stacks it depends on); unknown names and cycles are refused."""
    unknown = sorted({f"{name} -> {dep}" for name, deps in graph.items() for dep in deps if dep not in graph})
    if unknown:
        raise StackGraphError(f"stacks depend on stacks that do not exist: {', '.join(unknown)}")
    sorter = TopologicalSorter({name: tuple(deps) for name, deps in graph.items()})
    try:
        sorter.prepare()
    except CycleError as exc:
        raise StackGraphError(f"the stacks depend on each other in a cycle: {' -> '.join(exc.args[1])}") from None
    return sorter


def run_in_order(graph: Mapping[str, Sequence[str]], action: Action, *, workers: int,
                 progress: Progress | None = None, stop: Callable[[], bool] = lambda: False) -> dict[str, StackRun]:
    """Run `action` on every stack of `graph` after its dependencies; returns the runs by stack name.

    A stack whose dependencies did not all succeed is not attempted, and neither is anything once `stop()` is true.
    """
    sorter = ordered(graph)
    results: dict[str, StackRun] = {}
    running: dict[Future[StackRun], str] = {}
    report = progress or (lambda *_: None)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while sorter.is_active():
            for name in sorted(sorter.get_ready()):
                if (why := _blocked(name, graph[name], results, stop())) is not None:
                    results[name] = StackRun(name, NOT_ATTEMPTED, detail=why)
                    report(name, NOT_ATTEMPTED)
                    sorter.done(name)
                else:
                    running[pool.submit(_started, report, action, name)] = name
            if not running:
                continue  # stacks marked not attempted may have readied others
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=running.__getitem__):
                name = running.pop(future)
                results[name] = future.result()
                report(name, results[name].status)
                sorter.done(name)
    return results


def _blocked(name: str, deps: Sequence[str], results: Mapping[str, StackRun], stopping: bool) -> str | None:
    if stopping:
        return "the run was interrupted before it started"
    failed = sorted(dep for dep in deps if not results[dep].ok)
    return f"needs {', '.join(failed)}, which did not succeed" if failed else None


def _started(report: Progress, action: Action, name: str) -> StackRun:
    report(name, "start")  # here, not at submission: a queued stack has not started
    return action(name)


def default_workers() -> int:
    # A stack spends much of its apply in the provider's propagation waits (KMS keys, lifecycle rules), which
    # use no core, so two per core.
    return 2 * (os.cpu_count() or 1)
