"""Plan safety: no delete or replace of a protected resource unless the config explicitly allows it.

Protected are resources that hold data or identity, and the organization policies whose removal opens what
they close: the data perimeter and the AI services opt-out.

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
# Organization policies whose removal takes a protection away without deleting data: the data perimeter (RCPs)
# and the AI services opt-out. A policy is known by its type; an attachment, which carries no type, by the address
# landingzone gives it (`<prefix>_<policy>_to_<target>`, constructs/policies.py).
PROTECTED_POLICIES = {
    "RESOURCE_CONTROL_POLICY": "a data perimeter (resource control policy)",
    "AISERVICES_OPT_OUT_POLICY": "the AI services opt-out policy",
}
PROTECTED_ATTACHMENTS = {
    "rcp_": "a data perimeter's attachment (resource control policy)",
    "ai_opt_out_": "the AI services opt-out policy's attachment",
}
CHECK_ID = "LZ_PLAN_SAFETY"


def denial(address: str, kind: str, verb: str) -> str:
    """The message; plan-safety.rego builds the same text."""
    return (f"{address} ({kind}) would be {verb}; protected resources are deleted or replaced only with a "
            "decommission marker in the manifest")


def protected_kind(change: Mapping[str, Any]) -> str | None:
    """What a planned change's resource is, in words, if plan safety protects it."""
    kind = change.get("type", "")
    if kind == "aws_organizations_policy":
        return PROTECTED_POLICIES.get((change.get("change", {}).get("before") or {}).get("type", ""))
    if kind == "aws_organizations_policy_attachment":
        name = change.get("name") or change.get("address", "").rsplit(".", 1)[-1]
        return next((what for prefix, what in PROTECTED_ATTACHMENTS.items() if name.startswith(prefix)), None)
    return PROTECTED.get(kind) or PROTECTED_ADDRESSES.get(change.get("address", ""))


def check_plan(plan: Mapping[str, Any], allow: Sequence[str], stack: str = "",
               sources: Mapping[str, str] | None = None) -> GateReport:
    findings = []
    for change in plan.get("resource_changes", []):
        kind = protected_kind(change)
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
