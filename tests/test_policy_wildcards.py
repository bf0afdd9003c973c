"""No policy the stacks write allows every action on every resource, except where the reference requires it:
the account root's `kms:*` in a key policy (which is what lets IAM policies grant use of the key at all)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# resource type → the attributes holding a policy document that grants. VPC endpoint policies are left out:
# like permissions boundaries and SCPs they only filter, and the central endpoints' `*` for the organization's
# principals is the data-perimeter pattern (pinned in test_network_stack).
POLICY_ATTRIBUTES = {
    "aws_iam_policy": ("policy",), "aws_iam_role_policy": ("policy",), "aws_iam_role": ("assume_role_policy",),
    "aws_kms_key": ("policy",), "aws_s3_bucket_policy": ("policy",),
    "aws_ssoadmin_permission_set_inline_policy": ("inline_policy",),
}
ROOT = re.compile(r"^arn:aws:iam::[^:]+:root$")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _documents(example_synth: Path) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path in sorted((example_synth / "stacks").glob("*/cdk.tf.json")):
        resources = json.loads(path.read_text()).get("resource", {})
        for kind, attributes in POLICY_ATTRIBUTES.items():
            for name, body in resources.get(kind, {}).items():
                for attribute in attributes:
                    if isinstance(body.get(attribute), str) and body[attribute].startswith("{"):
                        yield path.parent.name, f"{kind}.{name}", json.loads(body[attribute].replace("$${", "${"))


def _boundaries(example_synth: Path) -> set[str]:
    """Policies used as permissions boundaries: ceilings that grant nothing themselves."""
    found = set()
    for path in (example_synth / "stacks").glob("*/cdk.tf.json"):
        for role in json.loads(path.read_text()).get("resource", {}).get("aws_iam_role", {}).values():
            match = re.fullmatch(r"\$\{(aws_iam_policy\.[\w-]+)\.arn\}", role.get("permissions_boundary", ""))
            if match:
                found.add(f"{path.parent.name}:{match.group(1)}")
    return found


def wildcard_grants(kind: str, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Allow statements granting all of a service (or everything) on every resource, minus the key-policy root."""
    found = []
    for statement in _as_list(document.get("Statement", [])):
        if statement.get("Effect") != "Allow" or "*" not in _as_list(statement.get("Resource", [])):
            continue
        actions = _as_list(statement.get("Action", []))
        if not any(a == "*" or a.endswith(":*") for a in actions) and "NotAction" not in statement:
            continue
        principals = _as_list((statement.get("Principal") or {}).get("AWS", [])) if isinstance(
            statement.get("Principal"), dict) else []
        if kind == "aws_kms_key" and actions == ["kms:*"] and principals and all(ROOT.match(p) for p in principals):
            continue
        found.append(statement)
    return found


def test_no_policy_allows_every_action_on_every_resource(example_synth: Path) -> None:
    boundaries = _boundaries(example_synth)
    assert boundaries, "the baselines' roles carry a permissions boundary"
    offenders = [(stack, address, statement) for stack, address, document in _documents(example_synth)
                 if f"{stack}:{address}" not in boundaries
                 for statement in wildcard_grants(address.split(".")[0], document)]
    assert offenders == []


def test_every_key_policy_gives_kms_star_to_the_account_root_only(example_synth: Path) -> None:
    keys = [(s, a, d) for s, a, d in _documents(example_synth) if a.startswith("aws_kms_key.")]
    assert len(keys) >= 10
    for stack, address, document in keys:
        holders = [s for s in _as_list(document["Statement"]) if "kms:*" in _as_list(s.get("Action", []))]
        assert len(holders) == 1 and ROOT.match(holders[0]["Principal"]["AWS"]), f"{stack}:{address}"


@pytest.mark.parametrize(("statement", "flagged"), [
    ({"Effect": "Allow", "Action": "*", "Resource": "*"}, True),
    ({"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}, True),
    ({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"}, True),
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"}, False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*"}, False),
    ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, False),
])
def test_the_rule_itself(statement: dict[str, Any], flagged: bool) -> None:
    assert bool(wildcard_grants("aws_iam_policy", {"Statement": [statement]})) is flagged


def test_key_policy_root_is_the_only_exception() -> None:
    root = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*",
            "Resource": "*"}
    role = {**root, "Principal": {"AWS": "arn:aws:iam::111122223333:role/AdminRole"}}
    assert wildcard_grants("aws_kms_key", {"Statement": [root]}) == []
    assert wildcard_grants("aws_kms_key", {"Statement": [role]}) == [role]
    assert wildcard_grants("aws_iam_policy", {"Statement": [root]}) == [root]
