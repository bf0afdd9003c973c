"""Faults a local deployment survives, each with real Terraform against the real local AWS, on small stacks of
IAM roles (so a duplicate create would show as a second role or an EntityAlreadyExists): a stack that fails, the
local AWS killed in the middle of an apply, and interrupts. Nothing is lost or created twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from landingzone.gates.terraform import TerraformUnavailable
from landingzone.local import server
from landingzone.local.deploy import apply_stacks, local_aws
from landingzone.local.processes import DRAINING, GRACE_SECONDS, STOPPING
from landingzone.local.request_log import read_log
from landingzone.local.retarget import LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY, local_provider
from landingzone.local.runner import NOT_ATTEMPTED, OK, UNCHANGED
from landingzone.local.workspace import Workspace

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    try:
        Workspace.of(tmp_path).terraform()
    except TerraformUnavailable as exc:
        pytest.fail(f"Terraform is required for this test: {exc}", pytrace=False)
    space = Workspace.of(tmp_path)
    yield space
    server.stop(space.root)


def _write_stack(space: Workspace, name: str, endpoint: str, roles: int, *, trust: str = TRUST) -> None:
    folder = space.stacks_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    doc = {
        "terraform": {"backend": {"local": {"path": f"terraform.{name}.tfstate"}},
                      "required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}},
        "provider": {"aws": [local_provider({"region": "us-east-1"}, endpoint)]},
        "resource": {"aws_iam_role": {f"role_{i}": {"name": f"{name}-{i}", "assume_role_policy": trust}
                                      for i in range(roles)}},
    }
    (folder / "cdk.tf.json").write_text(json.dumps(doc, indent=2))


def _roles(endpoint: str) -> list[str]:
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=LOCAL_ACCESS_KEY,
                       aws_secret_access_key=LOCAL_SECRET_KEY, config=Config(proxies={}))
    return sorted(r["RoleName"] for page in iam.get_paginator("list_roles").paginate() for r in page["Roles"]
                  if not r["Path"].startswith("/aws-service-role/"))


def _statuses(runs: Mapping[str, Any]) -> dict[str, str]:
    return {name: run.status for name, run in runs.items()}


def _wait_for_first(space: Workspace, action: str, timeout: float = 120.0) -> None:
    log, deadline = space.root / "server.log", time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.is_file() and any(e.action == action for e in read_log(log.read_text().splitlines())):
            return
        time.sleep(0.2)
    pytest.fail(f"no {action} reached the local AWS within {timeout:.0f} s")


def test_a_failed_stack_stops_only_what_needs_it_and_a_rerun_applies_only_what_is_missing(workspace) -> None:
    local = server.start(workspace.root)
    _write_stack(workspace, "base", local.endpoint, 2, trust="this is not a policy")
    _write_stack(workspace, "app", local.endpoint, 1)
    _write_stack(workspace, "other", local.endpoint, 2)
    graph = {"base": (), "app": ("base",), "other": ()}

    first = apply_stacks(workspace, local, graph, workers=2)
    assert _statuses(first.runs) == {"base": "failed", "app": NOT_ATTEMPTED, "other": OK}
    assert "assume_role_policy" in first.runs["base"].detail
    assert first.runs["app"].detail == "needs base, which did not succeed"
    assert _roles(local.endpoint) == ["other-0", "other-1"]

    _write_stack(workspace, "base", local.endpoint, 2)
    second = apply_stacks(workspace, local, graph, workers=2)
    assert _statuses(second.runs) == {"base": OK, "app": OK, "other": UNCHANGED}
    assert _roles(local.endpoint) == ["app-0", "base-0", "base-1", "other-0", "other-1"]


def test_the_local_aws_killed_mid_apply_is_reported_and_the_next_run_starts_clean(workspace) -> None:
    local = server.start(workspace.root)
    _write_stack(workspace, "base", local.endpoint, 30)
    _write_stack(workspace, "app", local.endpoint, 1)
    graph = {"base": (), "app": ("base",)}
    pid = local.pid

    killer = subprocess.Popen([sys.executable, "-c", _KILL_AFTER_FIRST_CREATE, str(workspace.root / "server.log"),
                               str(pid)])
    lost = apply_stacks(workspace, local, graph, workers=2)
    assert killer.wait(timeout=60) == 0
    assert _statuses(lost.runs) == {"base": "failed", "app": NOT_ATTEMPTED}
    assert lost.server_lost == f"the local AWS (pid {pid}) stopped during the run; see {workspace.root}/server.log"

    said: list[str] = []
    fresh = local_aws(workspace, said.append)
    assert said[0] == (f"the local AWS on record ({local.endpoint}, pid {pid}) is no longer running; everything it "
                       "held went with it, so its local state is forgotten and a new one starts empty")
    assert fresh.pid != pid and _roles(fresh.endpoint) == []
    _write_stack(workspace, "base", fresh.endpoint, 30)
    _write_stack(workspace, "app", fresh.endpoint, 1)
    again = apply_stacks(workspace, fresh, graph, workers=2)
    assert _statuses(again.runs) == {"base": OK, "app": OK}
    assert _roles(fresh.endpoint) == sorted(["app-0", *(f"base-{i}" for i in range(30))])


_KILL_AFTER_FIRST_CREATE = """
import os, signal, sys, time
log, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    if "\\tCreateRole\\t" in open(log).read():
        os.kill(pid, signal.SIGKILL)
        sys.exit(0)
    time.sleep(0.05)
sys.exit(1)
"""

_APPLY_IN_MAIN_THREAD = """
import json, sys
from pathlib import Path
from landingzone.local import server
from landingzone.local.deploy import apply_stacks
from landingzone.local.workspace import Workspace
space = Workspace(Path(sys.argv[1]))
applied = apply_stacks(space, server.running(space.root), {"base": (), "app": ("base",)}, workers=2,
                       progress=lambda name, event: print(name, event, flush=True),
                       say=lambda text: print("said:", text, flush=True))
print(json.dumps({"interrupted": applied.interrupted, **{n: r.status for n, r in applied.runs.items()}}), flush=True)
sys.exit(130 if applied.interrupted else 0)
"""


def _interrupted_apply(space: Workspace, roles: int, interrupts: int) -> tuple[server.LocalAws, list[str],
                                                                           dict[str, Any]]:
    """Start the local AWS, write base (`roles` roles) and app (one), and apply them in a process of its own; once
    base's first create reached the local AWS, send `interrupts` SIGINTs, each after the run said it took the
    previous one. Returns the local AWS, what the run printed and its summary."""
    local = server.start(space.root)
    _write_stack(space, "base", local.endpoint, roles)
    _write_stack(space, "app", local.endpoint, 1)
    run = subprocess.Popen([sys.executable, "-c", _APPLY_IN_MAIN_THREAD, str(space.root)], stdout=subprocess.PIPE,
                           text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert run.stdout is not None
    _wait_for_first(space, "CreateRole")
    printed: list[str] = []
    for _ in range(interrupts):
        run.send_signal(signal.SIGINT)
        said = len([line for line in printed if line.startswith("said:")])
        while len([line for line in printed if line.startswith("said:")]) == said:
            line = run.stdout.readline()
            assert line, f"the run ended without answering the interrupt: {printed}"
            printed.append(line.rstrip("\n"))
    out, _ = run.communicate(timeout=120)
    printed += out.splitlines()
    assert run.returncode == 130, printed
    return local, printed, json.loads(printed[-1])


def _recorded(space: Workspace, stack: str) -> set[str]:
    state = json.loads((space.stacks_dir / stack / f"terraform.{stack}.tfstate").read_text())
    return {f"{stack}-{r['name'].removeprefix('role_')}" for r in state["resources"] if r["instances"]}


def test_an_interrupt_lets_the_running_stacks_finish_starts_nothing_new_and_the_next_run_continues(
        workspace) -> None:
    local, printed, summary = _interrupted_apply(workspace, roles=40, interrupts=1)
    assert summary == {"interrupted": True, "base": OK, "app": NOT_ATTEMPTED}
    assert f"said: {DRAINING}" in printed
    everything = [f"base-{i}" for i in range(40)]
    assert _roles(local.endpoint) == sorted(everything) == sorted(_recorded(workspace, "base"))

    again = apply_stacks(workspace, local, {"base": (), "app": ("base",)}, workers=2)
    assert _statuses(again.runs) == {"base": UNCHANGED, "app": OK}
    assert _roles(local.endpoint) == sorted(["app-0", *everything])


def test_a_second_interrupt_stops_terraform_without_leaving_a_lock_and_the_state_holds_only_what_exists(
        workspace) -> None:
    local, printed, summary = _interrupted_apply(workspace, roles=80, interrupts=2)
    assert summary == {"interrupted": True, "base": "failed", "app": NOT_ATTEMPTED}
    assert f"said: {STOPPING.format(grace=GRACE_SECONDS)}" in printed
    assert not _terraform_processes_in(workspace.stacks_dir)
    assert not (workspace.stacks_dir / "base" / ".terraform.tfstate.lock.info").exists()
    recorded, created = _recorded(workspace, "base"), set(_roles(local.endpoint))
    assert 0 < len(recorded) < 80 and recorded <= created
    # What Terraform's own stop may leave: a create in flight when its provider cancelled the call. The next run
    # then names exactly those, as AWS would.
    orphans = created - recorded
    again = apply_stacks(workspace, local, {"base": (), "app": ("base",)}, workers=2)
    if orphans:
        assert _statuses(again.runs) == {"base": "failed", "app": NOT_ATTEMPTED}
        assert all(f"Role with name {name} already exists" in again.runs["base"].detail for name in orphans)
    else:
        assert _statuses(again.runs) == {"base": OK, "app": OK}
        assert _roles(local.endpoint) == sorted(["app-0", *(f"base-{i}" for i in range(80))])


def _terraform_processes_in(folder: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cwd = Path(os.readlink(proc / "cwd"))
            exe = (proc / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        if cwd.is_relative_to(folder) and b"terraform" in exe:
            found.append(int(proc.name))
    return found
