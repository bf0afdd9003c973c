"""`compliance.json` and `compliance.md`: each control of the reference's SOC 2 and ISO 27001 mapping, with the
synthesized resources that implement it. Read from the stacks as written, so the evidence is what deploys, and
a control that nothing implements is listed as a gap rather than left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from landingzone.config import LandingZone
from landingzone.config.model import Account
from landingzone.config.workloads import AiService, available_workloads
from landingzone.documents.controls import AI_OPT_OUT, CONTROLS, Control, Match


def build_compliance(lz: LandingZone, outdir: Path) -> dict[str, str]:
    stacks = _stacks(outdir)
    controls = [_evaluate(control, stacks) for control in CONTROLS]
    gaps = [c["id"] for c in controls if c["status"] == "gap"]
    report = {
        "organization": lz.organization.organization.name,
        "stacks": sorted(stacks),
        "summary": {"controls": len(controls), "implemented": len(controls) - len(gaps), "gaps": gaps},
        "controls": controls,
        "ai_services": _ai_services(lz, stacks),
    }
    return {"compliance.json": json.dumps(report, indent=2) + "\n", "compliance.md": _markdown(report)}


def _ai_services(lz: LandingZone, stacks: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, object]]:
    """For each AWS AI service a workload sends content to, in each account that runs it: whether the organization
    opts it out of service improvement, and the synthesized policy that does."""
    policies = [{"stack": stack, "address": f"{AI_OPT_OUT.type}.{name}"} for stack, types in sorted(stacks.items())
                for name, body in types.get(AI_OPT_OUT.type, {}).items() if _matches(AI_OPT_OUT, body)]
    known = available_workloads()
    return [_ai_use(lz, account, name, service, policies) for account in lz.accounts
            for name in sorted(account.workloads) if name in known for service in known[name].ai_services]


def _ai_use(lz: LandingZone, account: Account, workload: str, service: AiService,
            policies: list[dict[str, str]]) -> dict[str, object]:
    entry: dict[str, object] = {"workload": workload, "account": account.name, "service": service.name,
                                "content": service.content}
    if not service.key:
        return entry | {"status": "no opt-out applies", "note": service.note}
    opt_out = lz.organization.ai_services_opt_out
    setting = opt_out.setting(service.key, account.ou, account.name)
    if setting is None:
        return entry | {"status": "not opted out (no opt-out policy covers the account)"}
    return entry | {"status": "opted out" if setting == "opt_out" else "opted in",
                    "children_may_override": opt_out.children_may_override, "policy": policies[:1] or None}


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
    return "\n".join(lines + _ai_markdown(report["ai_services"]))


def _ai_markdown(uses: list[dict[str, Any]]) -> list[str]:
    if not uses:
        return []
    lines = ["## AWS AI services the workloads use", "", "| workload | account | service | content | status | policy |",
             "| --- | --- | --- | --- | --- | --- |"]
    for use in uses:
        policy = ", ".join(f"{p['stack']}:{p['address']}" for p in use.get("policy") or []) or use.get("note", "-")
        lines.append(f"| {use['workload']} | {use['account']} | {use['service']} | {use['content']} | "
                     f"{use['status']} | {policy} |")
    return [*lines, ""]
