"""`terraform validate` of synthesized stacks against the offline provider mirror.

No registry is reachable, so `terraform init` installs providers only from a filesystem mirror, and a
shared plugin cache keeps that to one copy of the 700 MB AWS provider however many stacks there are.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from landingzone.errors import MissingTool
from landingzone.gates.findings import Finding, GateReport

DEFAULT_MIRROR = Path("/opt/tf-plugins")
USER_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "landingzone" / "terraform-plugins"
AWS_PROVIDER = ("registry.terraform.io", "hashicorp", "aws", "5.100.0")


class TerraformUnavailable(MissingTool, RuntimeError):
    """Terraform or its provider mirror is not on this machine."""


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
    binary = shutil.which("terraform")
    if binary is None:
        raise TerraformUnavailable("terraform is not on PATH; install Terraform 1.11 (see DESIGN.md)")
    mirror = mirror or Path(os.environ.get("LANDINGZONE_TF_MIRROR", DEFAULT_MIRROR))
    if not mirror.joinpath(*AWS_PROVIDER).is_dir():
        raise TerraformUnavailable(f"no hashicorp/aws {AWS_PROVIDER[-1]} in the provider mirror {mirror} "
                                   "(set LANDINGZONE_TF_MIRROR to the mirror folder)")
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


def validate_stack(terraform: Terraform, stack_dir: Path) -> list[str]:
    """Init (no backend) and validate one stack folder; returns Terraform's diagnostics, empty when valid."""
    init = terraform.run(stack_dir, "init", "-backend=false", "-input=false", "-no-color")
    if init.returncode != 0:
        return [f"terraform init failed: {init.stderr.strip() or init.stdout.strip()}"]
    result = terraform.run(stack_dir, "validate", "-json", "-no-color")
    report = json.loads(result.stdout)
    return [f"{d['severity']}: {d['summary']}: {d.get('detail', '')}".rstrip(": ")
            for d in report.get("diagnostics", []) if d["severity"] == "error" or not report["valid"]]


def validate_stacks(stacks: Mapping[str, Path], workdir: Path, workers: int | None = None,
                    cache: Path | None = None, progress: Callable[[str, str], None] | None = None) -> GateReport:
    """Validate every stack in parallel, each in a scratch copy so `.terraform/` never lands in cdktf.out.
    `progress("terraform validate", stack)` is called as each stack's validation ends."""
    try:
        terraform = find_terraform(workdir, cache=cache)
    except TerraformUnavailable as exc:
        return GateReport((Finding("terraform-validate", "", "TERRAFORM_UNAVAILABLE", "", str(exc)),))
    names = sorted(stacks)
    if not names:
        return GateReport(())

    def one(name: str) -> list[Finding]:
        scratch = workdir / "stacks" / name
        scratch.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(stacks[name] / "cdk.tf.json", scratch / "cdk.tf.json")
        found = [Finding("terraform-validate", name, "TERRAFORM_VALIDATE", "", message)
                 for message in validate_stack(terraform, scratch)]
        if progress is not None:
            progress("terraform validate", name)
        return found

    # The first init fills the shared plugin cache alone: concurrent installs into one cache can race.
    findings = one(names[0])
    with ThreadPoolExecutor(max_workers=max(1, min(len(names), workers or os.cpu_count() or 1))) as pool:
        for result in pool.map(one, names[1:]):
            findings += result
    return GateReport(tuple(sorted(findings)), len(names))
