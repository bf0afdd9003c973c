"""Gate findings as SARIF 2.1.0 (code scanning) and JUnit XML (CI test reports)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

from landingzone.gates.findings import Finding, GateReport, Status

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Status.FAILED: "error", Status.WARNING: "warning", Status.SUPPRESSED: "note", Status.ALLOWED: "note"}


def write_reports(report: GateReport, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sarif, junit = folder / "gates.sarif", folder / "gates.junit.xml"
    sarif.write_text(json.dumps(to_sarif(report), indent=2) + "\n")
    ET.ElementTree(to_junit(report)).write(junit, encoding="utf-8", xml_declaration=True)
    return sarif, junit


def to_sarif(report: GateReport) -> dict[str, object]:
    rules = sorted({f.check_id for f in report.findings})
    results = []
    for f in report.findings:
        result: dict[str, object] = {
            "ruleId": f.check_id,
            "level": _LEVEL[f.status],
            "message": {"text": f"{f.address}: {f.message}" if f.address else f.message},
            "locations": [_location(f)],
            "properties": {"stack": f.stack, "gate": f.gate, "address": f.address},
        }
        if f.status is Status.SUPPRESSED:
            result["suppressions"] = [{"kind": "external", "justification": f.note}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "landingzone", "informationUri": "https://github.com/",
                                      "rules": [{"id": r} for r in rules]}},
                  "results": results}],
    }


def _location(f: Finding) -> dict[str, object]:
    uri = f.source.split(":")[0] if f.source else f"cdktf.out/stacks/{f.stack}/cdk.tf.json"
    location: dict[str, object] = {"physicalLocation": {"artifactLocation": {"uri": uri}}}
    line = f.source.split(":")[1] if f.source.count(":") == 1 else ""
    if line.isdigit():
        location["physicalLocation"]["region"] = {"startLine": int(line)}  # type: ignore[index]
    return location


def to_junit(report: GateReport) -> ET.Element:
    by_suite: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_suite[f"{f.gate}/{f.stack}" if f.stack else f.gate].append(f)
    failures = len(report.failed)
    suites = ET.Element("testsuites", name="landingzone gates", tests=str(len(report.findings)),
                        failures=str(failures))
    for name, findings in sorted(by_suite.items()):
        suite = ET.SubElement(suites, "testsuite", name=name, tests=str(len(findings)),
                              failures=str(sum(f.status is Status.FAILED for f in findings)),
                              skipped=str(sum(f.status is Status.SUPPRESSED for f in findings)))
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=name, name=f"{f.check_id} {f.address}".strip())
            if f.status is Status.FAILED:
                ET.SubElement(case, "failure", message=f.message).text = f.source
            elif f.status is Status.SUPPRESSED:
                ET.SubElement(case, "skipped", message=f.note)
            elif f.status is Status.WARNING:
                ET.SubElement(case, "system-out").text = f.message
    return suites
