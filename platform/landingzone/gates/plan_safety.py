"""Plan safety: no delete or replace of a protected resource unless the config explicitly allows it.

`prevent_destroy` guards a resource only while its block is in the configuration; removing an account from
YAML removes the block, and with it the guard. This gate reads `terraform show -json` output instead, so
it sees what will really happen. `policies/spacelift/plan-safety.rego` is the same rule for Spacelift;
the tests run both on the same plans, so they cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from landingzone.gates.findings import Finding, GateReport, Status

PROTECTED = {
    "aws_organizations_organization": "the organization",
    "aws_organizations_organizational_unit": "an OU",
    "aws_organizations_account": "an AWS account",
    "aws_kms_key": "a KMS key",
    "aws_cloudwatch_log_group": "a log group",
    "aws_s3_bucket": "an S3 bucket",
    "aws_dynamodb_table": "a DynamoDB table",
    "aws_cloudtrail": "a CloudTrail trail",
    "aws_ec2_transit_gateway": "a Transit Gateway",
    "aws_vpc": "a VPC",
    # The bootstrap stack's deployer roles: without them no stack's provider can sign in to its account.
    "aws_cloudformation_stack_set": "the deployer roles' StackSet",
    "aws_cloudformation_stack_set_instance": "the deployer roles in the member accounts",
}
# Protected by address where the type also holds resources that may come and go (roles of workloads).
PROTECTED_ADDRESSES = {
    "aws_iam_role.iam_role_deployer": "the management account's deployer role",
}
CHECK_ID = "LZ_PLAN_SAFETY"


def denial(address: str, kind: str, verb: str) -> str:
    """The message; plan-safety.rego builds the same text."""
    return (f"{address} ({kind}) would be {verb}; protected resources are deleted or replaced only with a "
            "decommission marker in the manifest")


def check_plan(plan: Mapping[str, Any], allow: Sequence[str], stack: str = "",
               sources: Mapping[str, str] | None = None) -> GateReport:
    findings = []
    for change in plan.get("resource_changes", []):
        kind = PROTECTED.get(change.get("type", "")) or PROTECTED_ADDRESSES.get(change.get("address", ""))
        actions = change.get("change", {}).get("actions", [])
        if kind is None or "delete" not in actions or change.get("mode", "managed") != "managed":
            continue
        address = change["address"]
        verb = "replaced" if "create" in actions else "deleted"
        finding = Finding("plan-safety", stack, CHECK_ID, address, denial(address, kind, verb),
                          (sources or {}).get(address, ""))
        pattern = next((p for p in allow if fnmatchcase(address, p)), None)
        if pattern is not None:
            finding = finding.with_status(Status.ALLOWED, f"decommission marker {pattern}")
        findings.append(finding)
    return GateReport(tuple(sorted(findings)), len(plan.get("resource_changes", [])))
