"""`graph.json` and `graph.md`: every stack with its account and the stacks it runs after, in deployment order,
as data for tools and as a Mermaid diagram for people."""

from __future__ import annotations

import json
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.topology import stack_specs, waves
from landingzone.topology.order import dependencies


def build_stack_graph(lz: LandingZone, outdir: Path) -> dict[str, str]:
    specs = stack_specs(lz)
    after = dependencies(specs)
    grouped = waves(specs)
    stacks = [{"name": spec.name, "account": spec.account, "wave": number, "depends_on": list(after[spec.name])}
              for number, wave in enumerate(grouped, start=1) for spec in wave]
    graph = {"organization": lz.organization.organization.name, "stacks": stacks,
             "waves": [[spec.name for spec in wave] for wave in grouped]}
    lines = ["flowchart LR"]
    for number, wave in enumerate(grouped, start=1):
        lines.append(f'  subgraph wave{number}["wave {number}"]')
        lines += [f'    {_id(spec.name)}["{spec.name}<br/>{spec.account}"]' for spec in wave]
        lines.append("  end")
    lines += [f"  {_id(dep)} --> {_id(name)}" for name, deps in after.items() for dep in deps]
    text = "\n".join([f"# Stack graph: {graph['organization']}", "",
                      f"{len(stacks)} stacks in {len(grouped)} waves. An arrow points from a stack to one that runs "
                      "after it; the stacks of a wave may run at once. `landingzone graph` prints the same order, "
                      "and `graph.json` holds it as data.", "", "```mermaid", *lines, "```", ""])
    return {"graph.json": json.dumps(graph, indent=2) + "\n", "graph.md": text}


def _id(name: str) -> str:
    return name.replace("-", "_")  # names hold no `_`, so this stays one-to-one
