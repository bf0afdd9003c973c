"""The local deployment's folder: the synthesized stacks, their local copies with Terraform state, the
Terraform CLI config and the local AWS's record. It lives in the project, beside cdktf.out, and is ignored by Git.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landingzone.config import LandingZone
from landingzone.gates.terraform import USER_CACHE, Terraform, find_terraform
from landingzone.local.retarget import LeftOut, retarget
from landingzone.local.server import MANAGEMENT_ACCOUNT_ID
from landingzone.local.stack_terraform import managed_resources, read_state
from landingzone.topology import StackSpec

WORKSPACE = Path(".landingzone") / "local"


@dataclass(frozen=True)
class Workspace:
    root: Path  # <project>/.landingzone/local

    @classmethod
    def of(cls, project: Path) -> Workspace:
        return cls(project / WORKSPACE)

    @property
    def synth_dir(self) -> Path:
        return self.root / "cdktf.out"

    @property
    def stacks_dir(self) -> Path:
        return self.root / "stacks"

    def terraform(self) -> Terraform:
        # The user's lasting plugin cache, as the gates use: one copy of the 700 MB provider for every project.
        self.root.mkdir(parents=True, exist_ok=True)
        return find_terraform(self.root, cache=USER_CACHE)

    def local_stack(self, name: str) -> dict[str, Any]:
        """The local copy of stack `name`, as Terraform applies it."""
        return dict(json.loads((self.stacks_dir / name / "cdk.tf.json").read_text()))

    def resource_counts(self) -> dict[str, int]:
        """Managed resources in each stack's local state."""
        if not self.stacks_dir.is_dir():
            return {}
        counts = {folder.name: managed_resources(read_state(folder)) for folder in sorted(self.stacks_dir.iterdir())
                  if folder.is_dir()}
        return {name: count for name, count in counts.items() if count}

    def forget(self) -> None:
        """Drop the local copies and their state (after `down`, or when the local AWS they described is gone)."""
        shutil.rmtree(self.stacks_dir, ignore_errors=True)


def deployable(specs: Sequence[StackSpec]) -> tuple[list[StackSpec], list[LeftOut]]:
    """The stacks Terraform here can deploy, and a note for each it cannot (its provider is not AWS's)."""
    chosen = [spec for spec in specs if spec.validate]
    left = [LeftOut(spec.name, "(whole stack)", "its provider is not in the offline mirror, and the local AWS "
                    "emulates AWS only") for spec in specs if not spec.validate]
    return chosen, left


def write_local_stacks(lz: LandingZone, workspace: Workspace, names: Sequence[str], endpoint: str, *,
                       synthesized: Path | None = None, ids: Mapping[str, str] | None = None) -> list[LeftOut]:
    """Copy each synthesized stack (from `synthesized`, by default the workspace's own synth), retargeted at
    `endpoint`, with its assets, beside its local state.

    `ids` maps configured IDs to the local AWS's (pass `organization.id` → the ID moto gave the organization);
    a manifest's management-account ID always becomes the one moto answers as for unassumed credentials.
    """
    local_ids = dict(ids or {})
    configured = lz.management.manifest.id
    if configured and configured != MANAGEMENT_ACCOUNT_ID:
        local_ids.setdefault(configured, MANAGEMENT_ACCOUNT_ID)
    left: list[LeftOut] = []
    for name in names:
        source = (synthesized or workspace.synth_dir) / "stacks" / name
        doc, omitted = retarget(name, json.loads((source / "cdk.tf.json").read_text()), endpoint, local_ids)
        left += omitted
        target = workspace.stacks_dir / name
        target.mkdir(parents=True, exist_ok=True)
        (target / "cdk.tf.json").write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
        shutil.rmtree(target / "assets", ignore_errors=True)
        if (source / "assets").is_dir():
            shutil.copytree(source / "assets", target / "assets")
    return left
