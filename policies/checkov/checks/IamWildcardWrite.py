"""Ensure no IAM policy statement allows write actions on Resource "*", outside the reviewed allow-list.

Write and permissions-management actions are classified with cloudsplaining (the library checkov's own
CKV_AWS_290 uses); actions that only support "*" (xray:PutTraceSegments) are not counted. Actions
that legitimately need "*" are listed, with a reason, in iam_wildcard_allowlist.txt beside this file.
"""

import json
from fnmatch import fnmatchcase
from functools import lru_cache
from pathlib import Path

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from cloudsplaining.scan.policy_document import PolicyDocument

ALLOWED = [line.split("#")[0].strip() for line in
           Path(__file__).with_name("iam_wildcard_allowlist.txt").read_text().splitlines()]
ALLOWED = [a for a in ALLOWED if a]
POLICY_ATTRIBUTE = {"aws_iam_policy": "policy", "aws_iam_role_policy": "policy", "aws_iam_user_policy": "policy",
                    "aws_iam_group_policy": "policy", "aws_ssoadmin_permission_set_inline_policy": "inline_policy"}


def _documents(conf, resource_type):
    if resource_type == "aws_iam_role":
        for block in conf.get("inline_policy", []):
            yield (block.get("policy") or [""])[0]
    else:
        yield (conf.get(POLICY_ATTRIBUTE[resource_type]) or [""])[0]


def _wildcard_writes(document) -> list:
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    found = []
    for statement in statements:
        resources = statement.get("Resource", [])
        resources = resources if isinstance(resources, list) else [resources]
        if statement.get("Effect") != "Allow" or "*" not in resources:
            continue
        # a Condition does not narrow Resource "*" for this rule, and cloudsplaining would count it as a constraint
        bare = {key: value for key, value in statement.items() if key != "Condition"}
        found += _unallowed_writes(json.dumps(bare, sort_keys=True))
    return sorted(set(found))


@lru_cache(maxsize=4096)
def _unallowed_writes(statement: str) -> tuple:
    """Classifying actions costs ~0.3 s a statement; a gate run scans the same statements in every stack."""
    single = PolicyDocument({"Version": "2012-10-17", "Statement": [json.loads(statement)]})
    actions = single.write_actions_without_constraints + single.permissions_management_without_constraints
    return tuple(a for a in actions if not any(fnmatchcase(a.lower(), p.lower()) for p in ALLOWED))


class IamWildcardWrite(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(name='Ensure IAM policies grant no write actions on Resource "*"', id="CKV_LZ_3",
                         categories=[CheckCategories.IAM],
                         supported_resources=[*POLICY_ATTRIBUTE, "aws_iam_role"])

    def scan_resource_conf(self, conf):
        resource_type = self.entity_type
        verdict = CheckResult.PASSED
        for raw in _documents(conf, resource_type):
            try:
                document = raw if isinstance(raw, dict) else json.loads(raw)
            except (TypeError, ValueError):
                verdict = CheckResult.UNKNOWN
                continue
            writes = _wildcard_writes(document)
            if writes:
                shown = ", ".join(writes[:8]) + (f" and {len(writes) - 8} more" if len(writes) > 8 else "")
                self.details.append(f'write actions on Resource "*": {shown}; scope them to ARNs, or add a '
                                    "reviewed entry to policies/checkov/iam_wildcard_allowlist.txt")
                return CheckResult.FAILED
        return verdict


check = IamWildcardWrite()
