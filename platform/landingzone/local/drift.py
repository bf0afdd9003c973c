"""`drift --local`: every stack deployed on the local AWS planned again with `terraform plan -detailed-exitcode`,
the way Spacelift's drift detection starts a proposed run per stack on its schedule, and what each plan would change
reported per stack.

Drift is the deployed resources against the configuration they were applied from: each stack is planned from its
local copy (the JSON and inputs of its last apply), not from a new synth, so an edit to the YAML that is not yet
deployed is never reported as drift. It reads no configuration, like `down --local`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from landingzone.local import server
from landingzone.local.processes import Children, stop_on_interrupt
from landingzone.local.run_lock import exclusive
from landingzone.local.runner import CHANGED, OK, Progress, StackRun, run_in_order
from landingzone.local.stack_terraform import StackTerraform, drifted_attributes
from landingzone.local.workspace import Workspace
from landingzone.topology.inputs import RUN_ID


@dataclass(frozen=True)
class StackDrift:
    """One stack's drift check: its plan, and what changed outside Terraform according to the refresh."""

    run: StackRun  # ok: no drift; changed: `run.detail` lists what the plan would do; failed: Terraform's error
    outside: tuple[str, ...] = ()  # `address: argument, …` for each resource changed outside Terraform

    @property
    def drifted(self) -> bool:
        return self.run.status == CHANGED


@dataclass
class DriftResult:
    endpoint: str
    stacks: dict[str, StackDrift] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """No stack drifted, every plan ran, and the run was not interrupted."""
        return not self.interrupted and all(check.run.status == OK for check in self.stacks.values())


def detect_drift(project: Path, *, workers: int, progress: Progress | None = None) -> DriftResult:
    """Plan every stack that holds resources on the running local AWS; raises `LocalAwsError` when none runs."""
    workspace = Workspace.of(project)
    with exclusive(workspace.root, "drift"):
        local = _running(workspace)
        deployed = sorted(workspace.resource_counts())
        terraform = workspace.terraform()
        # Like a Spacelift drift-detection run, each plan gets a run ID of its own (it names the provider sessions).
        run_id = "drift-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        children = Children(replace(terraform, env={**terraform.env, f"TF_VAR_{RUN_ID}": run_id}))
        stacks = StackTerraform(children, workspace.stacks_dir)
        outside: dict[str, tuple[str, ...]] = {}
        with stop_on_interrupt(children):
            runs = run_in_order({name: () for name in deployed}, _planner(stacks, outside), workers=workers,
                                progress=progress, stop=lambda: children.stopping)
    checks = {name: StackDrift(run, outside.get(name, ())) for name, run in runs.items()}
    return DriftResult(local.endpoint, checks, children.stopping)


def _planner(stacks: StackTerraform, outside: dict[str, tuple[str, ...]]) -> Callable[[str], StackRun]:
    def plan(name: str) -> StackRun:
        run, shown = stacks.plan_and_show(name)
        outside[name] = tuple(drifted_attributes(shown))
        return run
    return plan


def _running(workspace: Workspace) -> server.LocalAws:
    local = server.running(workspace.root)
    if local is not None:
        return local
    gone = server.recorded(workspace.root)
    if gone is not None:
        raise server.LocalAwsError(f"the local AWS on record (pid {gone.pid}) is no longer running, and everything "
                                   "deployed to it went with it; `landingzone up --local` deploys it again")
    raise server.LocalAwsError("no local AWS is running in this project; `landingzone up --local` deploys one")

