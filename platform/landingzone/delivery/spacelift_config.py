"""`.spacelift/config.yml`, Spacelift's runtime configuration, written by synth and committed: how every run turns
the repository into its own stack's Terraform before `terraform init`.

A run learns its stack from `TF_VAR_spacelift_stack_id`, the stack's slug, which Spacelift sets in every run; the
admin stack gives each Spacelift stack its landingzone name as slug, so the two are the same. Hooks run in the
project root, `.spacelift/workdir` (committed, so it exists in every clone; the stacks' code is generated):

1. install this checkout of landingzone into the runner image's Python (its dependencies are in the image);
2. synthesize that one stack into `cdktf.out` (`synth --stack`);
3. copy its folder into the project root, where Terraform runs: `cdk.tf.json`, its assets, and
   `decommission.custom.spacelift.json`, which Spacelift hands to plan policies;
4. run checkov on that stack only, with the suppressions of `policies/checkov/suppressions.yaml`, writing
   `checkov.custom.spacelift.json` (see `landingzone.gates.spacelift_input`) for the checkov plan policy.

This module is free of cdktf, and `stack_settings` resolves the file the way Spacelift does, so a local run can
execute exactly the committed hooks.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from landingzone.config import LandingZone
from landingzone.topology import StackSpec

CONFIG_FILE = Path(".spacelift") / "config.yml"
WORKDIR = ".spacelift/workdir"
REPOSITORY_ROOT = "../.."  # the repository's root, seen from WORKDIR
STACK_ID = "TF_VAR_spacelift_stack_id"
CHECKOV_INPUT = "checkov.custom.spacelift.json"
INSTALL_HOOK = f"python3 -m pip install --quiet --no-deps {REPOSITORY_ROOT}"
# The project root holds no code, so Spacelift's push handling would never see a change affect a stack: these are
# the files a stack is made from.
TRIGGER_GLOBS = ("accounts/**", "config/**", "modules/**", "platform/**", "policies/**", ".spacelift/**",
                 "pyproject.toml", "synth.py")
HEADER = ("# Spacelift's runtime configuration, written by `landingzone synth` from config/delivery.yaml and the\n"
          "# stack graph. Do not edit: change config/delivery.yaml, synthesize, and commit this file with that\n"
          "# change. Every run synthesizes its own stack (TF_VAR_spacelift_stack_id) into the project root, then\n"
          "# checks it.\n")


def before_init() -> list[str]:
    """The hooks every stack runs before `terraform init`, in the project root."""
    stack = f'"${STACK_ID}"'
    # --out is relative to --root; --spacelift-input to the project root, where Spacelift looks for it
    landingzone = f"python3 -m landingzone {{}} --root {REPOSITORY_ROOT}"
    return [
        INSTALL_HOOK,
        f"{landingzone.format('synth')} --out cdktf.out --stack {stack} --no-gates",
        f'cp -R "{REPOSITORY_ROOT}/cdktf.out/stacks/${STACK_ID}/." .',
        f"{landingzone.format('check')} --out cdktf.out --stack {stack} --no-validate "
        f"--spacelift-input {CHECKOV_INPUT}",
    ]


def runtime_config(lz: LandingZone, specs: Sequence[StackSpec]) -> dict[str, Any]:
    """The file's content. Spacelift replaces a list or map set on a stack instead of merging it with the
    defaults, so each stack entry holds only scalars, written out in full."""
    assert lz.delivery is not None and lz.delivery.spacelift is not None, "only with a spacelift section"
    spacelift = lz.delivery.spacelift
    return {
        "version": "2",
        "stack_defaults": {"runner_image": spacelift.runner_image,
                           "terraform_version": lz.delivery.workflow.release(),
                           "project_root": WORKDIR, "before_init": before_init()},
        "stacks": {spec.name: {"project_root": WORKDIR} for spec in sorted(specs, key=lambda s: s.name)},
    }


def render(lz: LandingZone, specs: Sequence[StackSpec]) -> str:
    body = yaml.safe_dump(runtime_config(lz, specs), sort_keys=False, default_flow_style=False, width=1000)
    return HEADER + body


def write(lz: LandingZone, specs: Sequence[StackSpec]) -> bool:
    """Write the file into the project when its content changes (atomically); True when it did."""
    path = lz.root / CONFIG_FILE
    text = render(lz, specs)
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=".config.", suffix=".yml", delete=False) as out:
        out.write(text)
    os.chmod(out.name, 0o644)
    os.replace(out.name, path)
    return True


def stack_settings(document: Mapping[str, Any], stack: str) -> dict[str, Any]:
    """One stack's settings as Spacelift reads the file: each key set on the stack replaces the default whole,
    lists and maps included; keys it does not set come from `stack_defaults`."""
    defaults = dict(document.get("stack_defaults") or {})
    own = (document.get("stacks") or {}).get(stack) or {}
    return {**defaults, **own}


def read_stack_settings(root: Path, stack: str) -> dict[str, Any]:
    """`stack_settings` of the committed file under project `root`."""
    return stack_settings(yaml.safe_load((root / CONFIG_FILE).read_text()) or {}, stack)
