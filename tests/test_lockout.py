"""Which SCP statements lock every role session out: accepts / rejects / does not apply."""

from __future__ import annotations

import pytest

from landingzone.config.lockout import evaluate, lockout_reason

DENY_ALL = {"Effect": "Deny", "Action": "*", "Resource": "*"}


def deny_all(condition: dict | None = None, **overrides: object) -> dict:
    statement = {**DENY_ALL, **overrides}
    if condition is not None:
        statement["Condition"] = condition
    return statement


LOCKS_OUT = {
    "reference RequireMFA": deny_all({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}),
    "no condition at all": deny_all(),
    "Null says the MFA key is missing": deny_all({"Null": {"aws:MultiFactorAuthPresent": "true"}}),
    "negated operator on an absent key": deny_all({"StringNotEquals": {"aws:MultiFactorAuthPresent": "true"}}),
    "NotAction leaves everything else denied": deny_all(
        {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}, Action=None, NotAction=["iam:*", "sts:*"]),
    "principal type is always AssumedRole": deny_all({"StringEquals": {"aws:PrincipalType": "AssumedRole"}}),
    "condition keys are case-insensitive": deny_all({"BoolIfExists": {"AWS:MultiFactorAuthPresent": "false"}}),
    "service-and-action wildcard": deny_all(Action="*:*"),
    "ForAllValues is vacuously true on an absent key": deny_all(
        {"ForAllValues:StringEquals": {"aws:MultiFactorAuthPresent": ["true"]}}),
}

DOES_NOT = {
    "Bool without IfExists does not match an absent key": deny_all({"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
    "roles exempted by ARN": deny_all({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                                       "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Deployer"}}),
    "role sessions exempted by type": deny_all({"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                                                "StringNotEquals": {"aws:PrincipalType": "AssumedRole"}}),
    "only some actions": deny_all(Action=["s3:DeleteBucket"]),
    "only some resources": deny_all(Resource=["arn:aws:s3:::logs"]),
    "an Allow": {**deny_all(), "Effect": "Allow"},
    "root user only": deny_all({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
    "region deny depends on the request": deny_all({"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}),
    "multi-valued operators are not judged": deny_all({"ForAnyValue:StringEquals": {"aws:PrincipalType": "x"}}),
    "ForAnyValue is false on an absent key": deny_all({"ForAnyValue:StringEquals": {"aws:MultiFactorAuthAge": "1"}}),
    "NotAction * denies nothing": {"Effect": "Deny", "NotAction": "*", "Resource": "*"},
    "NotResource * denies nothing": {"Effect": "Deny", "Action": "*", "NotResource": "*"},
    "an empty value list is not judged": deny_all({"Null": {"aws:MultiFactorAuthPresent": []}}),
}


@pytest.mark.parametrize("statement", LOCKS_OUT.values(), ids=LOCKS_OUT.keys())
def test_reports_lockout(statement: dict) -> None:
    statement = {k: v for k, v in statement.items() if v is not None}
    assert lockout_reason(statement)


@pytest.mark.parametrize("statement", DOES_NOT.values(), ids=DOES_NOT.keys())
def test_does_not_report(statement: dict) -> None:
    assert lockout_reason(statement) is None


@pytest.mark.parametrize(("name", "reason"), [
    ("reference RequireMFA", "BoolIfExists aws:MultiFactorAuthPresent matches when the key is absent, and role "
                             "sessions do not carry it"),
    ("no condition at all", "it has no condition"),
    ("principal type is always AssumedRole", "StringEquals aws:PrincipalType matches every role session "
                                             "(aws:PrincipalType is always 'AssumedRole')"),
])
def test_reason_names_the_decisive_condition(name: str, reason: str) -> None:
    assert lockout_reason(LOCKS_OUT[name]) == reason


@pytest.mark.parametrize(("operator", "value", "expected"), [
    ("Null", "true", True), ("Null", "false", False), ("Bool", "false", False), ("BoolIfExists", "false", True),
    ("StringNotEqualsIfExists", "x", True), ("NumericLessThan", "3600", False),
])
def test_absent_key_semantics(operator: str, value: str, expected: bool) -> None:
    assert evaluate(operator, "aws:MultiFactorAuthAge" if "Numeric" in operator else "aws:MultiFactorAuthPresent",
                    value) is expected


def test_unknown_keys_are_unknown() -> None:
    assert evaluate("StringEquals", "aws:PrincipalTag/team", "x") is None
