"""checkov's findings as a Spacelift custom input: `checkov.custom.spacelift.json` in the project root reaches every
plan policy as `input.third_party_metadata.custom.checkov`, and `policies/spacelift/checkov.rego` fails the run on
any finding no reviewed suppression covers.

The shape (a JSON object, as Spacelift requires of custom inputs):

    {"stacks": ["baseline-prod"], "checks_run": 412,
     "failed": [{"check_id": "CKV_AWS_18", "stack": "baseline-prod", "address": "aws_s3_bucket.logs",
                 "message": "...", "source": "accounts/prod.yaml"}],
     "suppressed": [{..., "note": "the suppression's reason and owner"}]}

`failed` holds every finding the gate counts as failed, `suppressed` the ones a suppression in
`policies/checkov/suppressions.yaml` covers; stale-suppression warnings are left out (they do not fail a gate).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from landingzone.gates.findings import Finding, GateReport, Status


def spacelift_input(report: GateReport, stacks: Sequence[str]) -> dict[str, object]:
    def entry(finding: Finding) -> dict[str, str]:
        fields = {"check_id": finding.check_id, "stack": finding.stack, "address": finding.address,
                  "message": finding.message, "source": finding.source}
        return {**fields, "note": finding.note} if finding.status is Status.SUPPRESSED else fields

    return {"stacks": sorted(stacks), "checks_run": report.checks_run,
            "failed": [entry(f) for f in report.findings if f.status is Status.FAILED],
            "suppressed": [entry(f) for f in report.findings if f.status is Status.SUPPRESSED]}


def write_spacelift_input(path: Path, report: GateReport, stacks: Sequence[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(spacelift_input(report, stacks), indent=2, sort_keys=True) + "\n")
