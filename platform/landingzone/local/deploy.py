"""`up --local` and `down --local`: the whole landing zone applied to, checked against, and removed from the
local AWS. Returns what happened; the CLI prints it."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.delivery.spacelift_config import CONFIG_FILE
from landingzone.local import server
from landingzone.local.applied import already_applied, forget_applied, record_applied
from landingzone.local.clients import LocalClients, seed_identity_groups
from landingzone.local.delivery_steps import DeliverySteps, ensure_organization
from landingzone.local.processes import Children, stop_on_interrupt
from landingzone.local.retarget import LeftOut
from landingzone.local.run_lock import exclusive
from landingzone.local.runner import UNCHANGED, Progress, StackRun, run_in_order
from landingzone.local.spacelift_runs import RUNS, AdminView, SpaceliftRuns, check_committed
from landingzone.local.stack_terraform import StackTerraform
from landingzone.local.verify import Check, verify
from landingzone.local.workspace import Workspace, deployable, write_local_stacks
from landingzone.output import staged
from landingzone.topology import ADMIN, StackSpec
from landingzone.topology.inputs import RUN_ID

Say = Callable[[str], None]


@dataclass
class UpResult:
    endpoint: str
    left_out: list[LeftOut] = field(default_factory=list)
    seeded: list[str] = field(default_factory=list)
    applied: dict[str, StackRun] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    replanned: dict[str, StackRun] = field(default_factory=dict)
    interrupted: bool = False
    server_lost: str = ""  # why the local AWS is gone, when it stopped during the run

    @property
    def ok(self) -> bool:
        return (bool(self.applied) and not self.interrupted and not self.server_lost
                and all(r.ok for r in self.applied.values())
                and all(c.ok for c in self.checks) and all(r.ok for r in self.replanned.values()))


def up(lz: LandingZone, specs: Sequence[StackSpec], project: Path, *, workers: int, say: Say,
       progress: Progress) -> UpResult:
    """Start (or reuse) the local AWS, synthesize, apply every stack in order, verify, and re-plan."""
    from landingzone.stacks.synth import synthesize

    workspace = Workspace.of(project)
    if _spacelift(lz):
        check_committed(lz, specs)
    with exclusive(workspace.root, "up"):
        local = local_aws(workspace, say)
        if _spacelift(lz):
            say(f"each stack runs as its Spacelift run does: the hooks of the committed {CONFIG_FILE}, then the "
                f"plan policies of policies/spacelift/ (each run's log in {workspace.root / RUNS}/<stack>/)")
        chosen, left_out = deployable(specs)
        # With Spacelift the admin stack is synthesized too (not deployed): the local runs read each stack's labels
        # and dependency references from it, as Spacelift has them from its apply.
        admin = [spec for spec in specs if spec.name == ADMIN] if _spacelift(lz) else []
        with staged(workspace.synth_dir) as stage:
            synthesize(lz, [*chosen, *admin], stage)
        names = [spec.name for spec in chosen]
        ids = _local_ids(lz, LocalClients(lz, local.endpoint))
        result = UpResult(local.endpoint, left_out + write_local_stacks(lz, workspace, names, local.endpoint, ids=ids))
        _deploy(lz, chosen, workspace, local, result, workers=workers, progress=progress, say=say)
    return result


def _spacelift(lz: LandingZone) -> bool:
    """Whether stacks run in Spacelift: then each local apply is a local Spacelift run (see spacelift_runs.py)."""
    return lz.delivery is not None and lz.delivery.spacelift is not None


def _local_ids(lz: LandingZone, clients: LocalClients) -> dict[str, str]:
    """Configured IDs → the local AWS's. With delivery, the organization exists before any stack, as in a real
    organisation (the bootstrap stack deploys through it, org adopts it): an operator creates it, locally we do."""
    if lz.delivery is None:
        return {}
    local_id = ensure_organization(clients)
    configured = lz.organization.organization.id
    return {configured: local_id} if configured else {}


def _run_id() -> str:
    return "local-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime())


def local_aws(workspace: Workspace, say: Say) -> server.LocalAws:
    """The running local AWS, or a fresh one. A recorded one that is gone took every resource with it (moto keeps
    them in memory only), so the local state that described them is forgotten and the run starts clean: exactly
    one of each resource, never a state that refers to nothing."""
    if server.running(workspace.root) is None:
        gone = server.recorded(workspace.root)
        if gone is not None:
            say(f"the local AWS on record ({gone.endpoint or 'starting'}, pid {gone.pid}) is no longer running; "
                "everything it held went with it, so its local state is forgotten and a new one starts empty")
        server.stop(workspace.root)
        workspace.forget()
    local = server.start(workspace.root)
    say(f"local AWS at {local.endpoint} (moto, pid {local.pid}); requests logged in "
        f"{workspace.root / 'server.log'}")
    return local


@dataclass
class Applied:
    """What applying the stacks did: each stack's run, whether it was interrupted, and whether the local AWS
    went away during it."""

    runs: dict[str, StackRun]
    interrupted: bool
    server_lost: str


def apply_stacks(workspace: Workspace, local: server.LocalAws, graph: Mapping[str, Sequence[str]], *,
                 workers: int, progress: Progress | None = None, children: Children | None = None,
                 before: Callable[[str], None] | None = None,
                 apply_one: Callable[[StackTerraform, str], StackRun] | None = None,
                 say: Say = lambda _text: None) -> Applied:
    """Apply every stack folder of `graph` in dependency order, as `up --local` does.

    A stack applied before from exactly the same input is not applied again ("unchanged"), so a re-run after a
    failure or an interrupt applies only what is missing. SIGINT/SIGTERM stop it cleanly (see processes.py), and
    `say` tells the user how.
    `before(name)` runs first (it may write the stack's inputs), then the stack is applied with `apply_one`
    (default: a plain `terraform apply`).
    """
    children = children or Children(workspace.terraform())
    stacks = StackTerraform(children, workspace.stacks_dir, stale_locks_are_ours=True)

    def apply(name: str) -> StackRun:
        folder = workspace.stacks_dir / name
        if before is not None:
            before(name)
        if already_applied(folder):
            return StackRun(name, UNCHANGED, stacks.count(name), detail="applied before from the same input")
        forget_applied(folder)
        run = apply_one(stacks, name) if apply_one is not None else stacks.apply(name)
        if run.ok:
            record_applied(folder)
        return run

    with stop_on_interrupt(children, say=say):
        runs = run_in_order(graph, apply, workers=workers, progress=progress, stop=lambda: children.interrupted)
    lost = "" if children.stopping or local.alive() else (
        f"the local AWS (pid {local.pid}) stopped during the run; see {workspace.root / 'server.log'}")
    return Applied(runs, children.interrupted, lost)


def _deploy(lz: LandingZone, chosen: Sequence[StackSpec], workspace: Workspace, local: server.LocalAws,
            result: UpResult, *, workers: int, progress: Progress, say: Say) -> None:
    terraform, run_id = workspace.terraform(), _run_id()
    # The run's ID reaches each provider's session name (`<stack>@<run>`), as Spacelift's TF_VAR_spacelift_run_id does.
    children = Children(replace(terraform, env={**terraform.env, f"TF_VAR_{RUN_ID}": run_id}))
    clients = LocalClients(lz, local.endpoint)
    applying: StackTerraform = StackTerraform(children, workspace.stacks_dir, stale_locks_are_ours=True)
    references = None
    if _spacelift(lz):
        admin = AdminView.read(workspace.synth_dir / "stacks" / ADMIN / "cdk.tf.json")
        applying = SpaceliftRuns(children, workspace.stacks_dir, project=lz.root, runs_dir=workspace.root / RUNS,
                                 synthesized=workspace.synth_dir, run_id=run_id, admin=admin)
        references = admin.references
    steps = DeliverySteps(applying, workspace.stacks_dir, workspace.synth_dir, clients,
                          references=references) if lz.delivery else None

    def before(name: str) -> None:
        # Entra's SCIM sync creates the groups the identity stack looks up; locally nothing else would.
        if name == "identity":
            result.seeded = seed_identity_groups(lz, clients)
        if steps is not None:
            steps.inputs_for(name)

    applied = apply_stacks(workspace, local, {spec.name: spec.depends_on for spec in chosen}, workers=workers,
                           progress=progress, children=children, before=before,
                           apply_one=(lambda _stacks, name: steps.apply(name)) if steps else None, say=say)
    result.applied, result.interrupted, result.server_lost = applied.runs, applied.interrupted, applied.server_lost
    if result.interrupted or result.server_lost or not all(run.ok for run in result.applied.values()):
        return
    stacks = StackTerraform(children, workspace.stacks_dir)
    # Verification reads with boto3 while Terraform re-plans: neither changes anything.
    with stop_on_interrupt(children, say=say), ThreadPoolExecutor(max_workers=1) as pool:
        checks = pool.submit(verify, lz, clients, chosen, stacks.state, workspace.local_stack)
        result.replanned = run_in_order({spec.name: () for spec in chosen}, stacks.plan, workers=workers,
                                        stop=lambda: children.interrupted)
        result.checks = checks.result()
    result.interrupted = children.interrupted


@dataclass(frozen=True)
class DownResult:
    endpoint: str | None  # None: no local AWS was running
    forgotten: dict[str, int]  # stack → resources its local state held


def down(project: Path) -> DownResult:
    """Stop the local AWS and forget the local state. Needs no configuration: it works from the record alone.

    moto holds every resource in the server's memory, so stopping it removes them all at once and exactly;
    a `terraform destroy` per stack would take as long as the apply and prove nothing about real AWS, where
    accounts are never closed by code anyway.
    """
    workspace = Workspace.of(project)
    with exclusive(workspace.root, "down"):
        forgotten = workspace.resource_counts()
        stopped = server.stop(workspace.root)
        workspace.forget()
    return DownResult(stopped.endpoint if stopped else None, forgotten)
