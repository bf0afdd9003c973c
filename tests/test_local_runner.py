"""Stacks run after what they need, independent ones side by side, nothing after a failure or an interrupt; a graph
with a cycle or an unknown stack is refused, naming it."""

from __future__ import annotations

import threading
import time

import pytest

from landingzone.local.runner import NOT_ATTEMPTED, StackGraphError, StackRun, run_in_order
from landingzone.local.stack_terraform import plan_changes

GRAPH = {"org": (), "network": ("org",), "security": ("org",), "baseline-a": ("org", "network", "security"),
         "baseline-b": ("org", "security"), "app-a": ("baseline-a",)}


class Recorder:
    def __init__(self, failing: set[str] = frozenset(), pause: float = 0.0) -> None:
        self.failing, self.pause = failing, pause
        self.started: list[str] = []
        self.finished: list[str] = []
        self.running, self.most_at_once = 0, 0
        self._lock = threading.Lock()

    def __call__(self, name: str) -> StackRun:
        with self._lock:
            self.started.append(name)
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        time.sleep(self.pause)
        with self._lock:
            self.running -= 1
            self.finished.append(name)
        return StackRun(name, "failed" if name in self.failing else "ok", resources=len(name), seconds=self.pause)


def test_each_stack_starts_after_everything_it_depends_on_has_finished() -> None:
    action = Recorder()
    results = run_in_order(GRAPH, action, workers=4)
    assert set(results) == set(GRAPH) and all(r.ok for r in results.values())
    for name, deps in GRAPH.items():
        for dep in deps:
            assert action.finished.index(dep) < action.started.index(name), (dep, name)


def test_independent_stacks_run_at_the_same_time() -> None:
    action = Recorder(pause=0.2)
    run_in_order(GRAPH, action, workers=4)
    assert action.most_at_once >= 2


def test_workers_bound_the_parallelism() -> None:
    action = Recorder(pause=0.05)
    run_in_order({name: () for name in "abcdef"}, action, workers=2)
    assert action.most_at_once == 2


def test_a_failure_skips_exactly_the_stacks_that_need_it() -> None:
    action = Recorder(failing={"network"})
    results = run_in_order(GRAPH, action, workers=2)
    assert results["network"].status == "failed"
    assert results["baseline-a"].status == results["app-a"].status == NOT_ATTEMPTED
    assert results["baseline-a"].detail == "needs network, which did not succeed"
    assert results["app-a"].detail == "needs baseline-a, which did not succeed"
    assert results["baseline-b"].ok and results["security"].ok
    assert "baseline-a" not in action.started and "app-a" not in action.started


def test_progress_reports_every_start_and_outcome() -> None:
    seen: list[tuple[str, str]] = []
    run_in_order(GRAPH, Recorder(failing={"security"}), workers=1, progress=lambda s, e: seen.append((s, e)))
    assert ("security", "start") in seen and ("security", "failed") in seen
    assert ("baseline-a", NOT_ATTEMPTED) in seen and ("baseline-a", "start") not in seen
    assert [s for s, e in seen if e == "start"] == [s for s, e in seen if e == "ok" or e == "failed"]


def test_a_cycle_is_refused_with_the_stacks_that_form_it() -> None:
    graph = {"org": (), "a": ("org", "c"), "b": ("a",), "c": ("b",)}
    with pytest.raises(StackGraphError, match=r"in a cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)$"):
        run_in_order(graph, Recorder(), workers=2)


def test_an_unknown_dependency_is_refused_instead_of_ignored() -> None:
    action = Recorder()
    with pytest.raises(StackGraphError, match=r"do not exist: app -> baseline-gone$"):
        run_in_order({"org": (), "app": ("org", "baseline-gone")}, action, workers=2)
    assert action.started == []


def test_nothing_starts_once_the_run_is_stopped() -> None:
    stopped = threading.Event()

    def action(name: str) -> StackRun:
        stopped.set()  # the first stack to run stops the run, as an interrupt would
        return StackRun(name, "ok")

    results = run_in_order(GRAPH, action, workers=1, stop=stopped.is_set)
    assert [name for name, run in results.items() if run.status == "ok"] == ["org"]
    assert {run.status for name, run in results.items() if name != "org"} == {NOT_ATTEMPTED}
    assert results["network"].detail == "the run was interrupted before it started"


def test_plan_changes_name_each_proposed_change() -> None:
    plan = {"resource_changes": [
        {"address": "aws_s3_bucket.a", "change": {"actions": ["no-op"]}},
        {"address": "data.aws_iam_policy_document.d", "change": {"actions": ["read"]}},
        {"address": "aws_kms_key.k", "change": {"actions": ["update"]}},
        {"address": "aws_organizations_account.x", "change": {"actions": ["delete"]}},
        {"address": "aws_vpc.v", "change": {"actions": ["delete", "create"]}},
    ]}
    assert plan_changes(plan) == ["update aws_kms_key.k", "delete aws_organizations_account.x", "replace aws_vpc.v"]
    assert plan_changes({}) == []
