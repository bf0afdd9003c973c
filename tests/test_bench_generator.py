"""The benchmark's organisation generator gives a valid organisation at any size (here a small one)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

from conftest import PROJECT
from landingzone.config import load_landing_zone
from landingzone.stacks import stack_specs

sys.path.insert(0, str(PROJECT / "bench"))

from generator import big_project, change_one_manifest  # noqa: E402


def test_generated_organisation_validates_with_accounts_across_ous_and_a_share_of_workloads(tmp_path: Path) -> None:
    lz = load_landing_zone(big_project(tmp_path / "p", 40, workload_every=10))
    generated = [a for a in lz.accounts if a.name.startswith("workload-")]
    assert len(lz.accounts) == 40 and len(generated) == 33
    assert {a.ou for a in generated} == {"Workloads/Prod", "Workloads/NonProd"}
    networks = [ipaddress.ip_network(a.manifest.network.vpc_cidr) for a in generated]
    assert not any(a.overlaps(b) for i, a in enumerate(networks) for b in networks[i + 1:])
    names = {spec.name for spec in stack_specs(lz)}
    assert {f"baseline-{a.name}" for a in lz.accounts} <= names
    assert {n for n in names if n.startswith("meeting-recorder-workload-")} == {
        f"meeting-recorder-workload-{i:04d}" for i in (0, 10, 20, 30)}


def test_one_manifest_change_is_still_valid_and_touches_one_file(tmp_path: Path) -> None:
    project = big_project(tmp_path / "p", 10)
    before = {p.name: p.read_text() for p in (project / "accounts").iterdir()}
    stack = change_one_manifest(project)
    after = {p.name: p.read_text() for p in (project / "accounts").iterdir()}
    assert [name for name in before if before[name] != after[name]] == ["workload-0001.yaml"]
    assert stack == "baseline-workload-0001"
    assert load_landing_zone(project).account("workload-0001").manifest.budget.monthly_limit_usd == 300
