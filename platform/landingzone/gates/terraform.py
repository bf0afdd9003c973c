"""`terraform validate` of synthesized stacks against the offline provider mirror.

No registry is reachable, so `terraform init` installs providers only from a filesystem mirror, and a
shared plugin cache keeps that to one copy of the 700 MB AWS provider however many stacks there are.
Validating many stacks at once lives in `terraform_batch`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from landingzone.errors import MissingTool

DEFAULT_MIRROR = Path("/opt/tf-plugins")
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "landingzone" / "terraform-plugins"
AWS_PROVIDER = ("registry.terraform.io", "hashicorp", "aws", "5.100.0")


class TerraformUnavailable(MissingTool, RuntimeError):
    """Terraform or its provider mirror is not on this machine."""


class TerraformFailed(RuntimeError):
    """Terraform ran but printed no report (it crashed, or a provider did): nothing about the stack is known."""


@dataclass(frozen=True)
class Terraform:
    binary: str
    env: dict[str, str]

    def run(self, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([self.binary, *args], cwd=workdir, env=self.env, capture_output=True, text=True,
                              check=False)


def find_terraform(workdir: Path, mirror: Path | None = None, cache: Path | None = None) -> Terraform:
    """A Terraform set up to use only the local mirror, with its CLI config under `workdir`.

    The plugin cache defaults to `workdir/plugin-cache`; pass a lasting one to skip re-copying providers.
    """
    binary = require_terraform(mirror)
    mirror = mirror_folder(mirror)
    cache = cache or workdir / "plugin-cache"
    cache.mkdir(parents=True, exist_ok=True)
    config = workdir / "terraform.rc"
    config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}\n'
        '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n'
        f'plugin_cache_dir = "{cache}"\n'
        # Without a lock file Terraform otherwise re-installs into the cache on every init, and parallel
        # inits racing on that reinstall fail ("still not detected in .terraform/providers"). The cache
        # holds only what the mirror holds, so trusting it loses no checksum protection.
        "plugin_cache_may_break_dependency_lock_file = true\n"
    )
    env = {**os.environ, "TF_CLI_CONFIG_FILE": str(config), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    return Terraform(binary, env)


def require_terraform(mirror: Path | None = None) -> str:
    """Terraform's path; TerraformUnavailable (exit 4) when it or the provider mirror is missing."""
    binary = shutil.which("terraform")
    if binary is None:
        raise TerraformUnavailable("terraform is not on PATH; install Terraform 1.11 (see DESIGN.md)")
    folder = mirror_folder(mirror)
    if not folder.joinpath(*AWS_PROVIDER).is_dir():
        raise TerraformUnavailable(f"no hashicorp/aws {AWS_PROVIDER[-1]} in the provider mirror {folder} "
                                   "(set LANDINGZONE_TF_MIRROR to the mirror folder)")
    return binary


def mirror_folder(mirror: Path | None = None) -> Path:
    return mirror or Path(os.environ.get("LANDINGZONE_TF_MIRROR", DEFAULT_MIRROR))


def provider_binary(mirror: Path | None = None) -> Path | None:
    """The AWS provider's executable in the mirror, or None when the mirror holds none for this platform."""
    return next(iter(sorted(mirror_folder(mirror).joinpath(*AWS_PROVIDER).glob("*/terraform-provider-aws_*"))), None)


def validate_stack(terraform: Terraform, stack_dir: Path, validate_env: Mapping[str, str] | None = None) -> list[str]:
    """Init (no backend) and validate one stack folder; returns Terraform's diagnostics, empty when valid.

    `validate_env` is added for the validate step only (see `provider_server`); init always runs without it.
    """
    init = terraform.run(stack_dir, "init", "-backend=false", "-input=false", "-no-color")
    if init.returncode != 0:
        return [f"terraform init failed: {init.stderr.strip() or init.stdout.strip()}"]
    report = validate_json(terraform, stack_dir, validate_env)
    diagnostics = report.get("diagnostics", [])
    return [diagnostic_text(d) for d in diagnostics if d["severity"] == "error" or not report["valid"]]


def validate_json(terraform: Terraform, workdir: Path, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`terraform validate -json` of an initialised folder; a run that prints no report raises TerraformFailed."""
    run = replace(terraform, env={**terraform.env, **env}) if env else terraform
    result = run.run(workdir, "validate", "-json", "-no-color")
    try:
        return dict(json.loads(result.stdout))
    except json.JSONDecodeError:
        raise TerraformFailed((result.stderr.strip().splitlines() or ["no output"])[-1]) from None


def diagnostic_text(diagnostic: Mapping[str, Any]) -> str:
    return f"{diagnostic['severity']}: {diagnostic['summary']}: {diagnostic.get('detail', '')}".rstrip(": ")
