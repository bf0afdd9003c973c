"""`.spacelift/config.yml`: committed, exactly what synth writes, and read the way Spacelift reads it."""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import PROJECT
from landingzone.config import load_landing_zone
from landingzone.delivery.spacelift_config import (
    CONFIG_FILE,
    WORKDIR,
    read_stack_settings,
    render,
    stack_settings,
    write,
)
from landingzone.topology import stack_specs


def test_committed_file_is_what_synth_writes(example) -> None:
    committed = (PROJECT / CONFIG_FILE).read_text()
    assert committed == render(example, stack_specs(example)), (
        f"{CONFIG_FILE} is stale: run synth and commit the file it writes")


def test_a_stale_file_is_rewritten_and_an_unchanged_one_left_alone(project: Path) -> None:
    lz = load_landing_zone(project)
    path = project / CONFIG_FILE
    path.write_text(path.read_text().replace("project_root: .spacelift/workdir", "project_root: elsewhere"))
    assert write(lz, stack_specs(lz)) is True
    assert path.read_text() == (PROJECT / CONFIG_FILE).read_text()
    before = path.stat().st_mtime_ns
    assert write(lz, stack_specs(lz)) is False and path.stat().st_mtime_ns == before
    delivery = project / "config" / "delivery.yaml"
    delivery.write_text(delivery.read_text().replace("landingzone-runner:1.0.0", "landingzone-runner:1.1.0"))
    lz = load_landing_zone(project)
    assert write(lz, stack_specs(lz)) is True
    assert "landingzone-runner:1.1.0" in path.read_text() and path.read_text() != (PROJECT / CONFIG_FILE).read_text()


def test_every_stack_has_an_entry_and_its_runs_synthesize_and_check_that_stack_only(example) -> None:
    document = yaml.safe_load((PROJECT / CONFIG_FILE).read_text())
    assert document["version"] == "2"
    assert sorted(document["stacks"]) == sorted(s.name for s in stack_specs(example))
    for spec in stack_specs(example):
        settings = read_stack_settings(PROJECT, spec.name)
        assert settings["project_root"] == WORKDIR and settings["terraform_version"] == "1.11.4"
        hooks = settings["before_init"]
        assert hooks[0].startswith("python3 -m pip install")
        assert '--stack "$TF_VAR_spacelift_stack_id"' in hooks[1] and "synth" in hooks[1]
        assert hooks[2] == 'cp -R "../../cdktf.out/stacks/$TF_VAR_spacelift_stack_id/." .'
        assert "check" in hooks[3] and "--spacelift-input checkov.custom.spacelift.json" in hooks[3]
    assert (PROJECT / WORKDIR / "README.md").is_file()  # the project root exists in every clone


def test_a_list_or_map_on_a_stack_replaces_the_default_whole() -> None:
    document = {"stack_defaults": {"before_init": ["a", "b"], "environment": {"X": "1", "Y": "2"},
                                   "runner_image": "img"},
                "stacks": {"s": {"before_init": ["c"], "environment": {"X": "3"}}}}
    assert stack_settings(document, "s") == {"before_init": ["c"], "environment": {"X": "3"}, "runner_image": "img"}
    assert stack_settings(document, "other") == document["stack_defaults"]


def test_stack_entries_hold_no_lists_or_maps_that_would_drop_the_defaults(example) -> None:
    document = yaml.safe_load(render(example, stack_specs(example)))
    for name, entry in document["stacks"].items():
        assert all(not isinstance(value, (list, dict)) for value in entry.values()), name
