"""The stack graph: `landingzone graph` prints the stacks in dependency order, and synth writes it as
`graph.json` and a Mermaid `graph.md`. Both come from the same waves, in which each stack follows all it needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from landingzone.cli import main
from landingzone.config import load_landing_zone
from landingzone.topology import deployment_order, stack_specs, waves


def test_every_stack_runs_after_all_it_depends_on(example) -> None:
    specs = stack_specs(example)
    wave_of = {spec.name: number for number, wave in enumerate(waves(specs)) for spec in wave}
    assert set(wave_of) == {spec.name for spec in specs}
    for spec in specs:
        assert all(wave_of[dep] < wave_of[spec.name] for dep in spec.depends_on if dep in wave_of), spec
    order = [spec.name for spec in deployment_order(specs)]
    assert order[:2] == ["bootstrap", "org"]
    assert order.index("network") < order.index("baseline-prod") < order.index("meeting-recorder-prod")


def test_graph_command_prints_each_wave_with_accounts_and_dependencies(project: Path, capsys) -> None:
    assert main(["graph", "--root", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == "landingzone: 16 stacks in 5 waves; each runs after the stacks in its `after` column, and the " \
        "stacks of a wave may run at once"
    rows = [line.split(maxsplit=3) for line in lines[3:]]
    assert lines[2].split() == ["wave", "stack", "account", "after"]
    assert rows[:2] == [["1", "bootstrap", "management", "-"], ["2", "org", "management", "bootstrap"]]
    assert {row[1]: row[0] for row in rows}["baseline-prod"] == "4"
    assert ["4", "baseline-prod", "prod", "org, security, network"] in rows
    assert not (project / "cdktf.out").exists()  # graph prints; synth writes the files


def test_without_delivery_config_there_is_no_bootstrap_and_org_comes_first(project: Path) -> None:
    (project / "config" / "delivery.yaml").unlink()
    specs = stack_specs(load_landing_zone(project))
    assert "bootstrap" not in {spec.name for spec in specs}
    assert [spec.name for spec in waves(specs)[0]] == ["org"]


@pytest.mark.synth
def test_synth_writes_the_graph_as_data_and_as_a_mermaid_diagram(example_synth: Path, example) -> None:
    graph = json.loads((example_synth / "graph.json").read_text())
    specs = {spec.name: spec for spec in stack_specs(example)}
    assert [s["name"] for s in graph["stacks"]] == [s.name for s in deployment_order(list(specs.values()))]
    assert {s["name"]: (s["account"], tuple(s["depends_on"])) for s in graph["stacks"]} == {
        name: (spec.account, spec.depends_on) for name, spec in specs.items()}
    assert graph["waves"][0] == ["bootstrap"]
    text = (example_synth / "graph.md").read_text()
    diagram = text.split("```mermaid\n")[1].split("```")[0]
    edges = re.findall(r"^  (\w+) --> (\w+)$", diagram, re.MULTILINE)
    assert sorted(edges) == sorted((dep.replace("-", "_"), s["name"].replace("-", "_"))
                                   for s in graph["stacks"] for dep in s["depends_on"])
    assert '    baseline_log_archive["baseline-log-archive<br/>log-archive"]' in diagram.splitlines()
