"""Each input of a gate's verdict, changed in turn, has its stacks checked again, and no finding hides.

One cold run fills the gate cache for two of the example's baseline stacks; every case starts from a copy of
that output, its cache and the project, changes one input, and gates again. `cached` says, per gate, how many
stacks came from the cache: the changed input's stacks must not. Where a change can bring a finding, the case
plants one and requires it in the result.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import copy_example
from landingzone.config import load_landing_zone
from landingzone.gates import fingerprints
from landingzone.gates.cache import cache_path
from landingzone.gates.checkov_gate import CHECKS_DIR
from landingzone.gates.findings import Status
from landingzone.gates.runner import CHECKOV, VALIDATE, GateRun, run_gates
from landingzone.gates.terraform import mirror_folder

pytestmark = [pytest.mark.synth, pytest.mark.terraform]
STACKS = ("baseline-dev", "baseline-prod")
ADMIN = "aws_iam_role_policy_attachment.managed_policy_AdminRole_AdministratorAccess"
SUPPRESSIONS = "policies/checkov/suppressions.yaml"
ADMIN_SUPPRESSION = "  - check: CKV_AWS_274\n    resource: baseline-*"


@dataclass(frozen=True)
class Case:
    project: Path
    out: Path
    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    def edit_json(self, path: Path, change: Callable[[dict], object]) -> None:
        document = json.loads(path.read_text())
        change(document)
        path.write_text(json.dumps(document, indent=2))

    def stack_file(self, stack: str, name: str) -> Path:
        return self.out / "stacks" / stack / name

    def edit_admin_suppression(self, change: Callable[[str], str]) -> None:
        path = self.project / SUPPRESSIONS
        text = path.read_text()
        start = text.index(ADMIN_SUPPRESSION)
        end = text.index("  - check:", start + 1)
        path.write_text(text[:start] + change(text[start:end]) + text[end:])


@pytest.fixture(scope="module")
def gated(example_synth: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, GateRun]:
    """The project, an output of two stacks with a warm gate cache, and the run that filled it."""
    base = tmp_path_factory.mktemp("gated")
    project = copy_example(base / "project")
    out = base / "cdktf.out"
    manifest = json.loads((example_synth / "manifest.json").read_text())
    manifest["stacks"] = {name: manifest["stacks"][name] for name in STACKS}
    for name in STACKS:
        shutil.copytree(example_synth / "stacks" / name, out / "stacks" / name)
    (out / "manifest.json").write_text(json.dumps(manifest))
    lz = load_landing_zone(project)
    cold = run_gates(lz, out)
    assert cold.cached == {CHECKOV: 0, VALIDATE: 0} and cold.total.ok
    warm = run_gates(lz, out)
    assert warm.cached == {CHECKOV: 2, VALIDATE: 2}  # nothing changed: nothing re-checked, the same verdict
    assert (warm.total.findings, warm.total.checks_run) == (cold.total.findings, cold.total.checks_run)
    return project, out, warm


def change_stack_json(case: Case) -> None:
    """dev gains a bucket checkov objects to, with an argument Terraform does not know."""
    case.edit_json(case.stack_file("baseline-dev", "cdk.tf.json"), lambda doc: doc["resource"].setdefault(
        "aws_s3_bucket", {}).update(extra={"bucket": "acme-extra", "no_such_argument": True}))


def change_sources(case: Case) -> None:
    case.edit_json(case.stack_file("baseline-prod", "sources.json"), lambda doc: doc.update({ADMIN: "accounts/x.yaml"}))


def remove_suppression(case: Case) -> None:
    case.edit_admin_suppression(lambda entry: "")


def expire_suppression(case: Case) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    case.edit_admin_suppression(lambda entry: f"{entry}    expires: {yesterday}\n")


def add_check(case: Case) -> None:
    (case.project / CHECKS_DIR / "VpcNamed.py").write_text(
        "from checkov.common.models.enums import CheckCategories, CheckResult\n"
        "from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck\n\n\n"
        "class VpcNamed(BaseResourceCheck):\n"
        "    def __init__(self):\n"
        "        super().__init__(name='Ensure VPCs are named Main', id='CKV_LZ_99',\n"
        "                         categories=[CheckCategories.NETWORKING], supported_resources=['aws_vpc'])\n\n"
        "    def scan_resource_conf(self, conf):\n"
        "        return CheckResult.FAILED\n\n\ncheck = VpcNamed()\n")


def edit_check(case: Case) -> None:
    """A stricter rotation check: keys must also set their rotation period (the example's keys do not)."""
    path = case.project / CHECKS_DIR / "KmsKeyRotation.py"
    path.write_text(path.read_text().replace(
        "if (conf.get(\"enable_key_rotation\") or [False])[0] is True:",
        "if (conf.get(\"enable_key_rotation\") or [False])[0] is True and conf.get(\"rotation_period_in_days\"):"))


def upgrade_checkov(case: Case) -> None:
    """checkov (or any library in its environment) at another version."""
    real = fingerprints.metadata.distributions
    case.monkeypatch.setattr(fingerprints.metadata, "distributions", lambda: [
        *real(), SimpleNamespace(metadata={"Name": "checkov"}, version="99.0.0")])


def upgrade_terraform(case: Case) -> None:
    """Another Terraform first on PATH (one that says it is 1.12; it runs the real one)."""
    wrapper = case.tmp / "bin" / "terraform"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = version ] && echo \'{{"terraform_version":"1.12.0"}}\' && exit 0\n'
                       f'exec {shutil.which("terraform")} "$@"\n')
    wrapper.chmod(0o755)
    case.monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")


def replace_provider(case: Case) -> None:
    """The gate pointed at another provider mirror (links to the same files: Terraform still runs for real)."""
    mirror, copy = mirror_folder(), case.tmp / "mirror"
    for path in mirror.rglob("*"):
        if path.is_file():
            (copy / path.relative_to(mirror)).parent.mkdir(parents=True, exist_ok=True)
            (copy / path.relative_to(mirror)).symlink_to(path)
    case.monkeypatch.setenv("LANDINGZONE_TF_MIRROR", str(copy))


def failed(run: GateRun) -> set[tuple[str, str, str]]:
    return {(f.stack, f.check_id, f.address) for f in run.total.failed}


# change → (stacks from the cache per gate, findings the run must report as failed)
CASES = {
    "stack JSON": (change_stack_json, {CHECKOV: 1, VALIDATE: 1},
                   {("baseline-dev", "CKV2_AWS_6", "aws_s3_bucket.extra"), ("baseline-dev", "TERRAFORM_VALIDATE", "")}),
    "sources": (change_sources, {CHECKOV: 1, VALIDATE: 2}, set()),
    "suppression removed": (remove_suppression, {CHECKOV: 2, VALIDATE: 2},
                            {(stack, "CKV_AWS_274", ADMIN) for stack in STACKS}),
    "suppression expired": (expire_suppression, {CHECKOV: 2, VALIDATE: 2},
                            {("", "CKV_AWS_274", f"baseline-*:{ADMIN}"),
                             *((stack, "CKV_AWS_274", ADMIN) for stack in STACKS)}),
    "custom check added": (add_check, {CHECKOV: 0, VALIDATE: 2},
                           {(stack, "CKV_LZ_99", f"aws_vpc.vpc_{stack[9:]}") for stack in STACKS}),
    "custom check edited": (edit_check, {CHECKOV: 0, VALIDATE: 2}, {
        (stack, "CKV_LZ_5", key) for stack in STACKS
        for key in ("aws_kms_key.kms_key_environment", f"aws_kms_key.kms_key_flow_logs_{stack[9:]}")}),
    "checkov version": (upgrade_checkov, {CHECKOV: 0, VALIDATE: 2}, set()),
    "Terraform version": (upgrade_terraform, {CHECKOV: 2, VALIDATE: 0}, set()),
    "provider": (replace_provider, {CHECKOV: 2, VALIDATE: 0}, set()),
}


@pytest.mark.parametrize("change", list(CASES))
def test_a_changed_input_rechecks_its_stacks_and_shows_every_finding(gated: tuple[Path, Path, GateRun],
                                                                     tmp_path: Path, monkeypatch, change: str) -> None:
    project, out, warm = gated
    case = Case(tmp_path / "project", tmp_path / "cdktf.out", tmp_path, monkeypatch)
    shutil.copytree(project, case.project)
    shutil.copytree(out, case.out)
    shutil.copyfile(cache_path(out), cache_path(case.out))
    make, cached, planted = CASES[change]
    make(case)
    run = run_gates(load_landing_zone(case.project), case.out)
    assert run.cached == cached
    assert planted <= failed(run)
    # nothing fails but what the change concerns (a bare bucket fails several checks, all on that bucket)
    assert {(s, address) for s, _, address in failed(run)} <= {(s, address) for s, _, address in planted}
    # every finding of the warm run is still reported as it was, unless the change was to that very finding
    gone = {(f.stack, f.check_id, f.address) for f in warm.total.findings} - {
        (f.stack, f.check_id, f.address) for f in run.total.findings if f.status is not Status.FAILED}
    assert gone <= planted
    if change == "sources":
        assert {f.source for f in run.total.findings if f.stack == "baseline-prod" and f.address == ADMIN} == {
            "accounts/x.yaml"}
