"""`compliance.json` and `compliance.md`: each control of the reference's SOC 2 and ISO 27001 mapping, with the
synthesized resources that implement it. Read from the stacks as written, so the evidence is what deploys, and
a control that nothing implements is listed as a gap rather than left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from landingzone.config import LandingZone
from landingzone.documents.controls import CONTROLS, Control, Match


def build_compliance(lz: LandingZone, outdir: Path) -> dict[str, str]:
    stacks = _stacks(outdir)
    controls = [_evaluate(control, stacks) for control in CONTROLS]
    gaps = [c["id"] for c in controls if c["status"] == "gap"]
    report = {
        "organization": lz.organization.organization.name,
        "stacks": sorted(stacks),
        "summary": {"controls": len(controls), "implemented": len(controls) - len(gaps), "gaps": gaps},
        "controls": controls,
    }
    return {"compliance.json": json.dumps(report, indent=2) + "\n", "compliance.md": _markdown(report)}


def _stacks(outdir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """{stack: {resource type: {name: attributes}}} for every synthesized stack."""
    found = {}
    for path in sorted((outdir / "stacks").glob("*/cdk.tf.json")):
        found[path.parent.name] = json.loads(path.read_text()).get("resource", {})
    return found


def _evaluate(control: Control, stacks: dict[str, dict[str, dict[str, Any]]]) -> dict[str, object]:
    resources = sorted({(stack, f"{match.type}.{name}")
                        for match in control.matches
                        for stack, types in stacks.items()
                        for name, body in types.get(match.type, {}).items() if _matches(match, body)})
    return {
        "framework": control.framework, "id": control.id, "title": control.title,
        "reference_evidence": control.evidence,
        "status": "implemented" if resources else "gap",
        "resources": [{"stack": stack, "address": address} for stack, address in resources],
        "notes": list(control.notes),
    }


def _matches(match: Match, body: dict[str, Any]) -> bool:
    return all(body.get(key) == value for key, value in match.where)


def _markdown(report: dict[str, Any]) -> str:
    summary = report["summary"]
    lines = [f"# Compliance evidence: {report['organization']}", "",
             f"{summary['implemented']} of {summary['controls']} controls have resources that implement them; "
             f"gaps: {', '.join(summary['gaps']) or 'none'}. Generated from the stacks "
             f"{', '.join(report['stacks'])}; `compliance.json` holds every address.", ""]
    for framework in dict.fromkeys(c["framework"] for c in report["controls"]):
        lines += [f"## {framework}", "", "| control | status | resources | by stack |", "| --- | --- | --- | --- |"]
        for control in (c for c in report["controls"] if c["framework"] == framework):
            per_stack: dict[str, int] = {}
            for resource in control["resources"]:
                per_stack[resource["stack"]] = per_stack.get(resource["stack"], 0) + 1
            stacks = ", ".join(f"{stack} ({count})" for stack, count in per_stack.items()) or "-"
            status = "implemented" if control["status"] == "implemented" else "**gap**"
            lines.append(f"| {control['id']} {control['title']} | {status} | {len(control['resources'])} | {stacks} |")
        notes = [(c["id"], note) for c in report["controls"] if c["framework"] == framework for note in c["notes"]]
        if notes:
            lines += ["", *(f"- {cid}: {note}" for cid, note in notes)]
        lines.append("")
    return "\n".join(lines)
