"""The gate cache's keys: every input of a gate's verdict changes the key it is stored under.

The same inputs changed on real gate runs: test_gate_cache_inputs.py.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import PROJECT
from landingzone.gates import fingerprints
from landingzone.gates.cache import GateCache, cache_path, stack_key
from landingzone.gates.checkov_gate import CHECKS_DIR
from landingzone.gates.findings import Finding, GateReport
from landingzone.gates.fingerprints import checkov_fingerprint, terraform_fingerprint

REQUIRED = ["Environment", "Project", "Owner"]


def stack(folder: Path, document: dict, sources: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cdk.tf.json").write_text(json.dumps(document, indent=2))
    if sources is not None:
        (folder / "sources.json").write_text(json.dumps(sources))
    return folder


def test_stack_key_follows_the_stacks_json_and_for_checkov_its_sources(tmp_path: Path) -> None:
    folder = stack(tmp_path / "s", {"resource": {}}, {"aws_s3_bucket.b": "accounts/a.yaml"})
    keys = {(fp, sources): stack_key(fp, folder, with_sources=sources) for fp in ("x", "y") for sources in (1, 0)}
    assert len(set(keys.values())) == 4  # the fingerprint and the gate both count
    before = stack_key("x", folder, with_sources=True)
    (folder / "sources.json").write_text(json.dumps({"aws_s3_bucket.b": "accounts/b.yaml"}))
    assert stack_key("x", folder, with_sources=True) != before
    assert stack_key("x", folder, with_sources=False) == keys[("x", 0)]  # validate does not read sources
    stack(folder, {"resource": {"aws_s3_bucket": {}}})
    assert stack_key("x", folder, with_sources=False) != keys[("x", 0)]


@pytest.fixture
def checks(tmp_path: Path) -> Path:
    copy = tmp_path / "checks"
    shutil.copytree(PROJECT / CHECKS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.mark.parametrize("change", ["edit a check", "add a check", "edit a data file", "remove a check"])
def test_checkov_fingerprint_follows_every_file_of_the_checks(checks: Path, change: str) -> None:
    before = checkov_fingerprint(checks, REQUIRED)
    if change == "edit a check":
        path = checks / "RequiredTags.py"
        path.write_text(path.read_text().replace("missing tags", "missing tag(s)"))
    elif change == "add a check":
        (checks / "NewCheck.py").write_text("# a new check\n")
    elif change == "edit a data file":
        (checks / "iam_wildcard_allowlist.txt").write_text("s3:PutObject  # allowed now\n")
    else:
        (checks / "KmsKeyRotation.py").unlink()
    assert checkov_fingerprint(checks, REQUIRED) != before


def test_checkov_fingerprint_follows_required_tags_and_every_installed_package(checks: Path, monkeypatch) -> None:
    before = checkov_fingerprint(checks, REQUIRED)
    assert checkov_fingerprint(checks, [*REQUIRED, "CostCenter"]) != before
    real = fingerprints.metadata.distributions

    def upgraded():  # checkov itself, or any library a check imports (cloudsplaining), at another version
        return [*real(), SimpleNamespace(metadata={"Name": "cloudsplaining"}, version="99.0")]

    monkeypatch.setattr(fingerprints.metadata, "distributions", upgraded)
    assert checkov_fingerprint(checks, REQUIRED) != before


@pytest.mark.terraform
def test_terraform_fingerprint_follows_the_terraform_binary_and_the_provider_mirror(tmp_path: Path,
                                                                                     monkeypatch) -> None:
    mirror = tmp_path / "mirror" / "registry.terraform.io" / "hashicorp" / "aws" / "5.100.0" / "linux_amd64"
    mirror.mkdir(parents=True)
    binary = mirror / "terraform-provider-aws_v5.100.0_x5"
    binary.write_bytes(b"provider")
    before = terraform_fingerprint(tmp_path / "mirror")
    binary.write_bytes(b"another provider build")
    assert terraform_fingerprint(tmp_path / "mirror") != before
    with_provider = terraform_fingerprint(tmp_path / "mirror")
    # another Terraform first on PATH (here one that says it is another version)
    wrapper = tmp_path / "bin" / "terraform"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = version ] && echo \'{{"terraform_version":"1.12.0"}}\' && exit 0\n'
                       f'exec {shutil.which("terraform")} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    assert terraform_fingerprint(tmp_path / "mirror") != with_provider


def test_cache_round_trip_rejects_other_keys_and_survives_a_corrupt_file(tmp_path: Path) -> None:
    out = tmp_path / "cdktf.out"
    cache = GateCache(cache_path(out))
    assert cache.path == tmp_path / ".cdktf.out.gate-cache.json"  # beside the output, which synth replaces
    report = GateReport((Finding("checkov", "a", "CKV_AWS_1", "aws_s3_bucket.b", "msg", "accounts/a.yaml"),), 12)
    cache.put("a", "checkov", "k1", report)
    cache.put("gone", "checkov", "k1", GateReport((), 1))
    cache.save(["a"])
    loaded = GateCache.load(cache.path)
    assert loaded.get("a", "checkov", "k1") == report
    assert loaded.get("a", "checkov", "k2") is None
    assert loaded.get("a", "terraform validate", "k1") is None
    assert loaded.get("gone", "checkov", "k1") is None  # stacks no longer in the output are dropped
    cache.path.write_text("{not json")
    assert GateCache.load(cache.path).entries == {}


def test_changed_lists_stacks_until_they_pass(tmp_path: Path) -> None:
    folders = {name: stack(tmp_path / name, {"resource": {}}) for name in ("a", "b", "c")}
    cache = GateCache(tmp_path / "cache.json")
    assert cache.changed(folders) == ["a", "b", "c"]  # never gated
    cache.mark(folders, passed=["a", "b"], failed=["c"])
    assert cache.changed(folders) == ["c"]  # a failing stack stays selected until it passes
    stack(folders["b"], {"resource": {"aws_s3_bucket": {}}})
    assert cache.changed(folders) == ["b", "c"]
    cache.mark(folders, passed=[], failed=["a"])
    assert cache.changed(folders) == ["a", "b", "c"]
