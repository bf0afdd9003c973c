"""Run Terraform over the local copies of the stacks: each stack as soon as the ones it needs are done, the
independent ones in parallel, and nothing after a stack that failed."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from landingzone.gates.terraform import Terraform


@dataclass(frozen=True)
class StackRun:
    """What one Terraform action did to one stack."""

    name: str
    status: str  # "ok", "failed", or "skipped" (a stack it depends on did not succeed)
    resources: int = 0  # managed resources in the state afterwards
    seconds: float = 0.0
    detail: str = ""  # Terraform's error, or the changes a plan found

    @property
    def ok(self) -> bool:
        return self.status == "ok"


Action = Callable[[str], StackRun]
Progress = Callable[[str, str], None]  # (stack, "start" | StackRun.status)


def run_in_order(graph: Mapping[str, Sequence[str]], action: Action, *, workers: int,
                 progress: Progress | None = None) -> dict[str, StackRun]:
    """Run `action` on every stack of `graph` (stack → the stacks it depends on) after its dependencies.
    Returns the runs by stack name."""
    after = {name: set(deps) & graph.keys() for name, deps in graph.items()}
    results: dict[str, StackRun] = {}
    running: dict[Future[StackRun], str] = {}
    report = progress or (lambda *_: None)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        while len(results) < len(after):
            for name in sorted(after):
                if name in results or name in running.values() or not after[name] <= results.keys():
                    continue
                if all(results[dep].ok for dep in after[name]):
                    running[pool.submit(_started, report, action, name)] = name
                else:
                    failed = sorted(dep for dep in after[name] if not results[dep].ok)
                    results[name] = StackRun(name, "skipped", detail=f"{', '.join(failed)} did not succeed")
                    report(name, "skipped")
            if not running:
                continue
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                run = future.result()
                results[running.pop(future)] = run
                report(run.name, run.status)
    return results


def _started(report: Progress, action: Action, name: str) -> StackRun:
    report(name, "start")  # here, not at submission: a queued stack has not started
    return action(name)


class StackTerraform:
    """Terraform actions on the stack folders under `stacks_dir`, each timed and counted."""

    def __init__(self, terraform: Terraform, stacks_dir: Path) -> None:
        self._terraform, self._stacks = terraform, stacks_dir

    def apply(self, name: str) -> StackRun:
        return self._timed(name, ("apply", "-auto-approve", "-input=false", "-no-color"))

    def plan(self, name: str, *extra: str) -> StackRun:
        """A plan; `ok` only when it proposes no change. `detail` lists each change as `action address`."""
        started = time.perf_counter()
        folder = self._stacks / name
        if (failure := self._init(name, started)) is not None:
            return failure
        result = self._terraform.run(folder, "plan", "-input=false", "-no-color", "-lock=false", "-out=local.plan",
                                     *extra)
        if result.returncode != 0:
            return StackRun(name, "failed", seconds=time.perf_counter() - started, detail=_error(result.stderr))
        changes = plan_changes(self.show_plan(name))
        return StackRun(name, "failed" if changes else "ok", self._count(name), time.perf_counter() - started,
                        "\n".join(changes))

    def show_plan(self, name: str) -> dict[str, object]:
        """The last plan of `name` as `terraform show -json` prints it."""
        return dict(json.loads(self._terraform.run(self._stacks / name, "show", "-json", "local.plan").stdout))

    def state(self, name: str) -> dict[str, object]:
        """The state of `name` as `terraform show -json` prints it."""
        return dict(json.loads(self._terraform.run(self._stacks / name, "show", "-json").stdout))

    def _timed(self, name: str, args: tuple[str, ...]) -> StackRun:
        started = time.perf_counter()
        if (failure := self._init(name, started)) is not None:
            return failure
        result = self._terraform.run(self._stacks / name, *args)
        # Kept beside the state: the report shows only errors, the log shows every resource and its time.
        (self._stacks / name / f"{args[0]}.log").write_text(result.stdout + result.stderr)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            return StackRun(name, "failed", self._count(name), seconds, _error(result.stderr))
        return StackRun(name, "ok", self._count(name), seconds)

    def _init(self, name: str, started: float) -> StackRun | None:
        folder = self._stacks / name
        if (folder / ".terraform").is_dir():
            return None
        result = self._terraform.run(folder, "init", "-input=false", "-no-color")
        if result.returncode == 0:
            return None
        return StackRun(name, "failed", seconds=time.perf_counter() - started,
                        detail="terraform init: " + _error(result.stderr or result.stdout))

    def _count(self, name: str) -> int:
        return managed_resources(self._stacks / name / f"terraform.{name}.tfstate")


def managed_resources(state_file: Path) -> int:
    """Managed resource instances in a local state file (read directly: `terraform state list` costs a process)."""
    if not state_file.is_file():
        return 0
    resources = json.loads(state_file.read_text() or "{}").get("resources", [])
    return sum(len(r.get("instances", [])) for r in resources if r["mode"] == "managed")


def plan_changes(plan: Mapping[str, object]) -> list[str]:
    """`create aws_x.y`, `update …`, `delete …`, `replace …` for every change a JSON plan proposes."""
    changes = []
    for change in plan.get("resource_changes", []):  # type: ignore[union-attr]
        actions = change["change"]["actions"]
        if actions in (["no-op"], ["read"]):
            continue
        verb = "replace" if set(actions) == {"create", "delete"} else actions[0]
        changes.append(f"{verb} {change['address']}")
    return changes


def _error(stderr: str) -> str:
    """Terraform's error blocks, without the warnings that precede them."""
    text = stderr.strip()
    start = text.find("Error:")
    return text[start:] if start >= 0 else text


def default_workers() -> int:
    # A stack spends much of its apply in the provider's propagation waits (KMS keys, lifecycle rules), which
    # use no core, so two per core; more made the local AWS so slow that providers retried creates it had done.
    return 2 * (os.cpu_count() or 1)
