"""Shared fixtures: copies of the example project, one synthesis per session, and a real Terraform."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from landingzone.config import LandingZone, load_landing_zone
from landingzone.gates.terraform import Terraform, TerraformUnavailable, find_terraform

PROJECT = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("config", "accounts", "policies", ".spacelift")


def copy_example(dest: Path) -> Path:
    """The example organisation's config, manifests and policies, copied to `dest`."""
    for part in PROJECT_PARTS:
        shutil.copytree(PROJECT / part, dest / part)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "project")


@pytest.fixture(scope="session")
def example() -> LandingZone:
    return load_landing_zone(PROJECT)




@pytest.fixture(scope="session")
def synth_stack(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., dict[str, Any]]:
    """Synthesize a project's stack with the real CDKTF binding and return its Terraform JSON."""
    from landingzone.stacks import stack_specs
    from landingzone.stacks.synth import synthesize

    def run(root: Path, stack: str = "org") -> dict[str, Any]:
        lz = load_landing_zone(root)
        out = tmp_path_factory.mktemp("synth")
        synthesize(lz, [s for s in stack_specs(lz) if s.name == stack], out)
        return json.loads((out / "stacks" / stack / "cdk.tf.json").read_text())

    return run


@pytest.fixture(scope="session")
def example_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation synthesized once per session; returns the output folder."""
    from landingzone.output import staged
    from landingzone.stacks import stack_specs
    from landingzone.stacks.synth import synthesize

    lz = load_landing_zone(PROJECT)
    out = tmp_path_factory.mktemp("example") / "cdktf.out"
    with staged(out) as stage:
        synthesize(lz, stack_specs(lz), stage)
    return out


@pytest.fixture(scope="session")
def org_stack(example_synth: Path) -> dict[str, Any]:
    return json.loads((example_synth / "stacks" / "org" / "cdk.tf.json").read_text())


TLS_RCP = {"Version": "2012-10-17", "Statement": [{
    "Sid": "EnforceSecureTransport", "Effect": "Deny", "Principal": "*", "Action": ["s3:*", "sqs:*"], "Resource": "*",
    "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}


@pytest.fixture(scope="session")
def policy_variant(tmp_path_factory: pytest.TempPathFactory, synth_stack: Callable[..., dict[str, Any]]
                   ) -> tuple[Path, dict[str, Any]]:
    """The example with the organization policy options it leaves off turned on, and its org stack synthesized once:
    a declarative EC2 policy, an AI opt-out exception, a second RCP on an OU and an account; and without the
    organization.id the example sets (so without config/delivery.yaml, which needs it)."""
    root = copy_example(tmp_path_factory.mktemp("policy-variant") / "project")
    (root / "policies" / "rcp" / "tls-only.json").write_text(json.dumps(TLS_RCP, indent=2) + "\n")
    (root / "config" / "delivery.yaml").unlink()
    config = root / "config" / "organization.yaml"
    text, found = re.subn(r"(?m)^  id: o-a1b2c3d4e5.*\n", "", config.read_text(), count=1)
    assert found == 1
    text = text.replace("resource_control_policies:\n", "resource_control_policies:\n  - name: tls-only\n"
                        "    file: policies/rcp/tls-only.json\n    description: TLS only.\n    attach_to:\n"
                        "      ous: [Workloads/Prod]\n      accounts: [dev]\n", 1)
    text = text.replace("  children_may_override: false\n", "  children_may_override: false\n"
                        "  services: {rekognition: opt_in}\n", 1)
    text = text.replace("# declarative_ec2:\n", "declarative_ec2:\n  serial_console_access: disabled\n"
                        "  vpc_block_public_access: {mode: block_bidirectional, exclusions_allowed: false}\n"
                        "  instance_metadata_defaults: {http_put_response_hop_limit: null}\n"
                        "  exception_message: Changed by landingzone only; see the platform wiki.\n", 1)
    config.write_text(text)
    return root, synth_stack(root)


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Terraform with the offline AWS provider mirror. Missing Terraform fails the test, never skips it."""
    try:
        return find_terraform(tmp_path_factory.mktemp("terraform"))
    except TerraformUnavailable as exc:
        pytest.fail(f"Terraform is required for this test: {exc}", pytrace=False)


# The longest file, so that the worker that takes it starts at once and the other worker takes every other file.
FIRST = "test_local_deploy.py"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name != FIRST)  # stable: the rest keep their order


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """In CI a skipped test is a failure: Terraform tests must run there, not quietly step aside. And no local AWS
    or Terraform process that a test started may outlive the suite."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) skipped; every test must run in CI", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    left = _processes_left_behind(session.config._tmp_path_factory.getbasetemp())  # noqa: SLF001
    if left:
        for pid, _command in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if reporter:
            reporter.write_line("processes left running by the tests (now killed): "
                                + "; ".join(f"{pid} {command}" for pid, command in left), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _processes_left_behind(basetemp: Path) -> list[tuple[int, str]]:
    """Local AWS servers and Terraform processes whose command line or working folder lies in the tests' temp."""
    marker = str(basetemp)
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        ours = "landingzone.local.server" in command or "terraform" in command.split(" ", 1)[0]
        if ours and (marker in command or cwd.startswith(marker)):
            found.append((int(proc.name), command[:160]))
    return found
