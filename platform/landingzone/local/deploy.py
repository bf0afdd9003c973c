"""`up --local` and `down --local`: the whole landing zone applied to, checked against, and removed from the
local AWS. Returns what happened; the CLI prints it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.local import server
from landingzone.local.clients import LocalClients, seed_identity_groups
from landingzone.local.retarget import LeftOut
from landingzone.local.runner import Progress, StackRun, StackTerraform, run_in_order
from landingzone.local.verify import Check, verify
from landingzone.local.workspace import Workspace, deployable, write_local_stacks
from landingzone.output import staged
from landingzone.stacks.topology import StackSpec

Say = Callable[[str], None]


@dataclass
class UpResult:
    endpoint: str
    left_out: list[LeftOut] = field(default_factory=list)
    seeded: list[str] = field(default_factory=list)
    applied: dict[str, StackRun] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    replanned: dict[str, StackRun] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (bool(self.applied) and all(r.ok for r in self.applied.values())
                and all(c.ok for c in self.checks) and all(r.ok for r in self.replanned.values()))


def up(lz: LandingZone, specs: Sequence[StackSpec], project: Path, *, workers: int, say: Say,
       progress: Progress) -> UpResult:
    """Start (or reuse) the local AWS, synthesize, apply every stack in order, verify, and re-plan."""
    from landingzone.stacks.synth import synthesize

    workspace = Workspace.of(project)
    if server.running(workspace.root) is None:
        # State from a local AWS that is gone describes nothing: a fresh server starts from fresh state.
        workspace.forget()
    local = server.start(workspace.root)
    say(f"local AWS at {local.endpoint} (moto, pid {local.pid})")
    chosen, left_out = deployable(specs)
    with staged(workspace.synth_dir) as stage:
        synthesize(lz, chosen, stage)
    names = [spec.name for spec in chosen]
    result = UpResult(local.endpoint, left_out + write_local_stacks(lz, workspace, names, local.endpoint))
    clients = LocalClients(lz, local.endpoint)
    graph = {spec.name: spec.depends_on for spec in chosen}
    stacks = StackTerraform(workspace.terraform(), workspace.stacks_dir)

    def apply(name: str) -> StackRun:
        # Entra's SCIM sync creates the groups the identity stack looks up; locally nothing else would.
        if name == "identity":
            result.seeded = seed_identity_groups(lz, clients)
        return stacks.apply(name)

    result.applied = run_in_order(graph, apply, workers=workers, progress=progress)
    if not all(run.ok for run in result.applied.values()):
        return result
    # Verification reads with boto3 while Terraform re-plans: neither changes anything.
    with ThreadPoolExecutor(max_workers=1) as pool:
        checks = pool.submit(verify, lz, clients, chosen, stacks.state, workspace.local_stack)
        result.replanned = run_in_order({name: () for name in names}, stacks.plan, workers=workers)
        result.checks = checks.result()
    return result


@dataclass(frozen=True)
class DownResult:
    endpoint: str | None  # None: no local AWS was running
    forgotten: dict[str, int]  # stack → resources its local state held


def down(project: Path) -> DownResult:
    """Stop the local AWS and forget the local state.

    moto holds every resource in the server's memory, so stopping it removes them all at once and exactly;
    a `terraform destroy` per stack would take as long as the apply and prove nothing about real AWS, where
    accounts are never closed by code anyway.
    """
    workspace = Workspace.of(project)
    local = server.running(workspace.root)
    forgotten = workspace.resource_counts()
    server.stop(workspace.root)
    workspace.forget()
    return DownResult(local.endpoint if local else None, forgotten)
