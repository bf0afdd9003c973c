"""Workload modules as the library sees them: found through the entry point, placed in the stack order, and
switched on and off by a manifest without touching anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from landingzone.config import load_landing_zone
from landingzone.config.workloads import ENTRY_POINT_GROUP, available_workloads
from landingzone.stacks import stack_specs

WORKLOAD_BLOCK = "# The meeting recorder at non-prod settings"


def test_meeting_recorder_is_found_through_the_entry_point() -> None:
    from meeting_recorder import WORKLOAD

    assert available_workloads()["meeting-recorder"] is WORKLOAD
    assert ENTRY_POINT_GROUP == "landingzone.workloads"


def test_example_enables_the_workload_in_prod_and_staging_only(example) -> None:
    enabled = {a.name: sorted(a.workloads) for a in example.accounts if a.workloads}
    assert enabled == {"prod": ["meeting-recorder"], "staging": ["meeting-recorder"]}


def test_prod_and_staging_differ_only_through_their_parameters(example) -> None:
    prod, staging = (example.account(n).workloads["meeting-recorder"] for n in ("prod", "staging"))
    assert prod.table_customer_key and not staging.table_customer_key
    assert (prod.log_retention_days, staging.log_retention_days) == (90, 30)
    assert prod.models == staging.models  # the review's per-task defaults, unchanged


def test_workload_stacks_follow_their_baseline_and_the_network(example) -> None:
    specs = {s.name: s for s in stack_specs(example)}
    order = list(specs)
    for account in ("prod", "staging"):
        spec = specs[f"meeting-recorder-{account}"]
        assert spec.account == account
        assert spec.depends_on == (f"baseline-{account}", "network")
        assert order.index(spec.name) > order.index(f"baseline-{account}")
        assert spec.builder == "meeting_recorder.stack:build_meeting_recorder_stack"


def _without_staging_workload(project: Path) -> None:
    manifest = project / "accounts" / "staging.yaml"
    text = manifest.read_text()
    assert text.count(WORKLOAD_BLOCK) == 1
    manifest.write_text(text[:text.index(WORKLOAD_BLOCK)])


def test_disabling_the_workload_removes_only_its_stack_from_the_order(project: Path) -> None:
    before = [s.name for s in stack_specs(load_landing_zone(project))]
    _without_staging_workload(project)
    after = [s.name for s in stack_specs(load_landing_zone(project))]
    assert [s for s in before if s != "meeting-recorder-staging"] == after


@pytest.mark.synth
def test_disabling_the_workload_removes_its_stack_and_nothing_else(project: Path, example_synth: Path,
                                                                    tmp_path: Path) -> None:
    from landingzone.output import staged
    from landingzone.stacks.synth import synthesize

    _without_staging_workload(project)
    lz = load_landing_zone(project)
    out = tmp_path / "cdktf.out"
    with staged(out) as stage:
        synthesize(lz, stack_specs(lz), stage)
    before = {p.relative_to(example_synth): p.read_bytes() for p in example_synth.rglob("*") if p.is_file()}
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    removed = {p for p in before if p not in after}
    assert removed and all(p.parts[:2] == ("stacks", "meeting-recorder-staging") for p in removed)
    assert set(after) <= set(before)
    changed = sorted(str(p) for p in after if after[p] != before[p])
    # Only the documents that list every stack change (and the admin stack, which holds one Spacelift stack per
    # stack), and only by forgetting the removed one.
    assert changed == ["compliance.json", "compliance.md", "graph.json", "graph.md", "manifest.json",
                       "stacks/admin/cdk.tf.json", "stacks/admin/sources.json"], changed
    for name in changed:
        assert b"meeting-recorder-staging" in before[Path(name)]
        assert b"meeting-recorder-staging" not in after[Path(name)]
        assert b"meeting-recorder-prod" in after[Path(name)]
