"""Terraform actions on the local copies of the stacks, each timed and counted."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from landingzone.local.processes import Children
from landingzone.local.runner import CHANGED, FAILED, OK, StackRun

PLAN_FILE = "local.plan"
_PLAN_HAS_CHANGES = 2  # `terraform plan -detailed-exitcode`: 0 no changes, 1 error, 2 changes
_LOCK_ID = re.compile(r"Lock Info:\s*\n\s*ID:\s*(\S+)")


class StackTerraform:
    """init, apply, plan and state of the stack folders under `stacks_dir`.

    `stale_locks_are_ours` says that no other run can hold a lock on these stacks (the workspace lock is held), so
    a lock Terraform reports was left by a run that was killed, and is released before trying again once.
    """

    def __init__(self, children: Children, stacks_dir: Path, *, stale_locks_are_ours: bool = False) -> None:
        self._children, self._stacks = children, stacks_dir
        self._release_stale = stale_locks_are_ours

    def apply(self, name: str) -> StackRun:
        started = time.perf_counter()
        if (failure := self._init(name, started)) is not None:
            return failure
        return self._applied(name, started, "-auto-approve")

    def apply_plan(self, name: str, started: float | None = None) -> StackRun:
        """Apply exactly the plan that `plan` saved in `local.plan`, as a Spacelift run applies the plan its policies
        passed (Terraform refuses it when the state moved since)."""
        return self._applied(name, time.perf_counter() if started is None else started, PLAN_FILE)

    def _applied(self, name: str, started: float, *args: str) -> StackRun:
        result = self._locked(name, "apply", "-input=false", "-no-color", *args)
        # Kept beside the state: the report shows only errors, the log shows every resource and its time.
        (self._stacks / name / "apply.log").write_text(result.stdout + result.stderr)
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            return StackRun(name, FAILED, self.count(name), seconds, terraform_error(result.stderr))
        return StackRun(name, OK, self.count(name), seconds)

    def plan(self, name: str, *extra: str) -> StackRun:
        """A plan; `ok` only when it proposes no change, `changed` when it does (then `detail` lists each change as
        `action address`), `failed` when Terraform could not plan. The plan stays in `local.plan` for `show_plan`."""
        return self.plan_and_show(name, *extra)[0]

    def plan_and_show(self, name: str, *extra: str) -> tuple[StackRun, dict[str, object]]:
        """`plan`, and the plan as `show_plan` reads it when it has changes (empty otherwise).

        `-detailed-exitcode` tells no change, error and changes apart, so a plan without changes costs no
        `terraform show`.
        """
        started = time.perf_counter()
        if (failure := self._init(name, started)) is not None:
            return failure, {}
        result = self._children.run(self._stacks / name, "plan", "-input=false", "-no-color", "-lock=false",
                                    "-detailed-exitcode", f"-out={PLAN_FILE}", *extra)
        if result.returncode not in (0, _PLAN_HAS_CHANGES):
            return StackRun(name, FAILED, seconds=time.perf_counter() - started,
                            detail=terraform_error(result.stderr)), {}
        if result.returncode == 0:
            return StackRun(name, OK, self.count(name), time.perf_counter() - started), {}
        plan = self.show_plan(name)
        # Outputs alone change the exit code too; they are listed so a `changed` plan never shows no change.
        changes = plan_changes(plan) or output_changes(plan)
        return StackRun(name, CHANGED, self.count(name), time.perf_counter() - started, "\n".join(changes)), plan

    def show_plan(self, name: str) -> dict[str, object]:
        """The last plan of `name` as `terraform show -json` prints it."""
        return dict(json.loads(self._children.run(self._stacks / name, "show", "-json", PLAN_FILE).stdout))

    def state(self, name: str) -> dict[str, object]:
        """The state of `name` as `terraform show -json` prints it."""
        return dict(json.loads(self._children.run(self._stacks / name, "show", "-json").stdout))

    def count(self, name: str) -> int:
        return managed_resources(read_state(self._stacks / name))

    def outputs(self, name: str) -> dict[str, object]:
        """`terraform output -json` of `name`: output name → its value."""
        result = self._children.run(self._stacks / name, "output", "-json", "-no-color")
        if result.returncode != 0:
            raise RuntimeError(f"terraform output in {name}: {terraform_error(result.stderr)}")
        return {key: entry["value"] for key, entry in json.loads(result.stdout or "{}").items()}

    def migrate(self, name: str) -> StackRun:
        """Move the stack's state into the backend its configuration now names (`init -migrate-state`), as an
        operator does once after the bootstrap stack's first apply on local state."""
        started = time.perf_counter()
        result = self._children.run(self._stacks / name, "init", "-migrate-state", "-force-copy", "-input=false",
                                    "-no-color")
        if result.returncode != 0:
            return StackRun(name, FAILED, seconds=time.perf_counter() - started,
                            detail="terraform init -migrate-state: " + terraform_error(result.stderr or result.stdout))
        return StackRun(name, OK, self.count(name), time.perf_counter() - started)

    def _locked(self, name: str, *args: str):  # noqa: ANN202 - subprocess.CompletedProcess[str]
        folder = self._stacks / name
        result = self._children.run(folder, *args)
        lock = _LOCK_ID.search(result.stderr) if result.returncode else None
        if lock is None or "Error acquiring the state lock" not in result.stderr or not self._release_stale:
            return result
        self._children.run(folder, "force-unlock", "-force", lock.group(1))
        return self._children.run(folder, *args)

    def _init(self, name: str, started: float) -> StackRun | None:
        folder = self._stacks / name
        if (folder / ".terraform").is_dir():
            return None
        result = self._children.run(folder, "init", "-input=false", "-no-color")
        if result.returncode == 0:
            return None
        return StackRun(name, FAILED, seconds=time.perf_counter() - started,
                        detail="terraform init: " + terraform_error(result.stderr or result.stdout))


def managed_resources(state: Mapping[str, Any]) -> int:
    """Managed resource instances in a Terraform state document."""
    return sum(len(r.get("instances", [])) for r in state.get("resources", []) if r["mode"] == "managed")


def read_state(folder: Path) -> dict[str, Any]:
    """The state of the stack in `folder`, read directly (`terraform state pull` costs a process): its local state
    file, or the object its S3 backend keeps on the local AWS, as `terraform init` recorded the backend in
    `.terraform/terraform.tfstate`. Empty when there is none yet."""
    local = folder / f"terraform.{folder.name}.tfstate"
    if local.is_file():
        return dict(json.loads(local.read_text() or "{}"))
    try:
        backend = json.loads((folder / ".terraform" / "terraform.tfstate").read_text())["backend"]
    except (OSError, ValueError, KeyError):
        return {}
    if backend.get("type") != "s3":
        return {}
    return _s3_state(backend["config"])


def _s3_state(config: Mapping[str, Any]) -> dict[str, Any]:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    s3 = boto3.client("s3", endpoint_url=(config.get("endpoints") or {}).get("s3"), region_name=config["region"],
                      aws_access_key_id=config.get("access_key"), aws_secret_access_key=config.get("secret_key"),
                      config=Config(proxies={}, s3={"addressing_style": "path"}, retries={"max_attempts": 2}))
    try:
        body = s3.get_object(Bucket=config["bucket"], Key=config["key"])["Body"].read()
    except (BotoCoreError, ClientError):  # no object yet, or no local AWS to ask any more
        return {}
    return dict(json.loads(body or b"{}"))


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


def output_changes(plan: Mapping[str, object]) -> list[str]:
    """`update output.name` (or create, delete) for every root output a JSON plan changes."""
    changes = plan.get("output_changes", {})  # type: ignore[union-attr]
    return [f"{change['actions'][0]} output.{name}" for name, change in sorted(changes.items())
            if change["actions"] != ["no-op"]]


def drifted_attributes(plan: Mapping[str, object]) -> list[str]:
    """What changed outside Terraform since the last apply, from a JSON plan's `resource_drift`: each resource
    with the top-level arguments whose refreshed value differs from the state, or `deleted outside Terraform`."""
    drifted = []
    for entry in plan.get("resource_drift", []):  # type: ignore[union-attr]
        change = entry["change"]
        before, after = change.get("before") or {}, change.get("after")
        if after is None or change["actions"] == ["delete"]:
            drifted.append(f"{entry['address']}: deleted outside Terraform")
            continue
        keys = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
        drifted.append(f"{entry['address']}: {', '.join(keys) or 'changed'}")
    return drifted


def terraform_error(stderr: str) -> str:
    """Terraform's error blocks, without the warnings that precede them."""
    text = stderr.strip()
    start = text.find("Error:")
    return text[start:] if start >= 0 else text
