"""Which SCP statements lock the deployer and the other protected roles out: accepts / rejects / does not apply."""

from __future__ import annotations

import pytest

from landingzone.config.lockout import Principal, evaluate, find_lockout, instance, lockout_reason, session

DENY_ALL = {"Effect": "Deny", "Action": "*", "Resource": "*"}
DEPLOYER = Principal("the deployer role LandingZoneDeployer", "arn:aws:iam::*:role/LandingZoneDeployer")
BREAK_GLASS = Principal("the break-glass role BreakGlassAdmin", "arn:aws:iam::*:role/BreakGlassAdmin")
PROTECTED = (DEPLOYER, BREAK_GLASS)
# A common HIPAA-eligible-services allow-list keeps the services the deployer needs.
HIPAA = ["iam:*", "sts:*", "organizations:*", "s3:*", "ec2:*", "kms:*", "logs:*", "cloudtrail:*", "dynamodb:*"]


def deny_all(condition: dict | None = None, **overrides: object) -> dict:
    statement = {**DENY_ALL, **overrides}
    if condition is not None:
        statement["Condition"] = condition
    return {k: v for k, v in statement.items() if v is not None}


MFA_FALSE = {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}

LOCKS_OUT = {
    "reference RequireMFA": deny_all(MFA_FALSE),
    "Bool without IfExists: role sessions carry the key, false without MFA": deny_all(
        {"Bool": {"aws:MultiFactorAuthPresent": "false"}}),
    "no condition at all": deny_all(),
    "negated operator: false is not true": deny_all({"StringNotEquals": {"aws:MultiFactorAuthPresent": "true"}}),
    "MFA age is absent without MFA": deny_all({"Null": {"aws:MultiFactorAuthAge": "true"}}),
    "NotAction that keeps iam and sts but not organizations": deny_all(
        MFA_FALSE, Action=None, NotAction=["iam:*", "sts:*"]),
    "principal type is always AssumedRole": deny_all({"StringEquals": {"aws:PrincipalType": "AssumedRole"}}),
    "condition keys are case-insensitive": deny_all({"BoolIfExists": {"AWS:MultiFactorAuthPresent": "false"}}),
    "service-and-action wildcard": deny_all(Action="*:*"),
    "ForAllValues is vacuously true on an absent key": deny_all(
        {"ForAllValues:StringEquals": {"aws:MultiFactorAuthAge": ["1"]}}),
    "exempts only some roles": deny_all({"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/aws*"]}}),
    "exempts another account's deployer only": deny_all(
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::999999999999:role/LandingZoneDeployer"}}),
    "exempts the deployer but not break-glass": deny_all(
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/LandingZoneDeployer"}}),
    "denies exactly the protected roles": deny_all({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Break*"}}),
    "ForAnyValue on the principal": deny_all(
        {"ForAnyValue:StringNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/aws*"]}}),
}

DOES_NOT = {
    "roles exempted by a pattern every protected role matches": deny_all(
        {**MFA_FALSE, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
    "every protected role exempted by name": deny_all({"ArnNotLike": {"aws:PrincipalArn": [
        "arn:aws:iam::*:role/LandingZoneDeployer", "arn:aws:iam::*:role/BreakGlassAdmin"]}}),
    "role sessions exempted by type": deny_all({**MFA_FALSE, "StringNotEquals": {"aws:PrincipalType": "AssumedRole"}}),
    "Null on the MFA key matches long-term keys only": deny_all({"Null": {"aws:MultiFactorAuthPresent": "true"}}),
    "MFA age only when MFA was used": deny_all({"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}}),
    "HIPAA-style NotAction allow-list keeps what the deployer needs": deny_all(Action=None, NotAction=HIPAA),
    "NotAction keeps everything of the three by wildcard": deny_all(Action=None, NotAction="*"),
    "only some actions": deny_all(Action=["s3:DeleteBucket"]),
    "only some resources": deny_all(Resource=["arn:aws:s3:::logs"]),
    "an Allow": {**deny_all(), "Effect": "Allow"},
    "root user only": deny_all({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
    "region deny depends on the request": deny_all({"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}),
    "ForAnyValue is false on an absent key": deny_all({"ForAnyValue:StringEquals": {"aws:MultiFactorAuthAge": "1"}}),
    "NotResource * denies nothing": {"Effect": "Deny", "Action": "*", "NotResource": "*"},
    "an empty value list is not judged": deny_all({"Null": {"aws:MultiFactorAuthPresent": []}}),
    "an unknown operator is not judged (the grammar check reports it)": deny_all(
        {"StringNotEqual": {"aws:PrincipalType": "x"}}),
    "tags vary between sessions": deny_all({"StringNotEquals": {"aws:PrincipalTag/team": "platform"}}),
}


@pytest.mark.parametrize("statement", LOCKS_OUT.values(), ids=LOCKS_OUT.keys())
def test_reports_lockout(statement: dict) -> None:
    assert lockout_reason(statement, PROTECTED)


@pytest.mark.parametrize("statement", DOES_NOT.values(), ids=DOES_NOT.keys())
def test_does_not_report(statement: dict) -> None:
    assert lockout_reason(statement, PROTECTED) is None


@pytest.mark.parametrize(("name", "reason"), [
    ("reference RequireMFA", "BoolIfExists aws:MultiFactorAuthPresent matches every role session created without "
                             "MFA, where the key is false (the deployer's, CI's and automation's)"),
    ("no condition at all", "it has no condition"),
    ("principal type is always AssumedRole", "StringEquals aws:PrincipalType matches every role session "
                                             "(aws:PrincipalType is always 'AssumedRole')"),
    ("exempts only some roles", "ArnNotLike aws:PrincipalArn exempts only arn:aws:iam::*:role/aws*, which does not "
                                "match them"),
    ("MFA age is absent without MFA", "Null aws:MultiFactorAuthAge matches when the key is absent, and role sessions "
                                      "do not carry it"),
])
def test_reason_names_the_decisive_condition(name: str, reason: str) -> None:
    assert lockout_reason(LOCKS_OUT[name], PROTECTED) == reason


def test_principal_conditions_are_unknown_without_protected_roles() -> None:
    """With no roles to judge against, a condition on aws:PrincipalArn may exempt anyone: not reported."""
    assert lockout_reason(LOCKS_OUT["exempts only some roles"]) is None


@pytest.mark.parametrize(("operator", "key", "value", "expected"), [
    ("Null", "aws:MultiFactorAuthPresent", "true", False), ("Null", "aws:MultiFactorAuthPresent", "false", True),
    ("Bool", "aws:MultiFactorAuthPresent", "false", True), ("Bool", "aws:MultiFactorAuthPresent", "true", False),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", "false", True),
    ("Null", "aws:MultiFactorAuthAge", "true", True), ("NumericLessThan", "aws:MultiFactorAuthAge", "3600", False),
    ("NumericLessThanIfExists", "aws:MultiFactorAuthAge", "3600", True),
    ("StringNotEqualsIfExists", "aws:PrincipalServiceName", "x", True),
    ("StringEquals", "aws:PrincipalServiceName", "x", False),
    ("Bool", "aws:PrincipalIsAWSService", "false", True),
])
def test_request_context_of_a_role_session_without_mfa(operator: str, key: str, value: str, expected: bool) -> None:
    assert evaluate(operator, key, value) is expected


def test_unknown_keys_are_unknown() -> None:
    assert evaluate("StringEquals", "aws:PrincipalTag/team", "x") is None
    assert evaluate("StringEquals", "aws:PrincipalArn", "x") is None  # which role is not known without a principal


@pytest.mark.parametrize(("pattern", "arn"), [
    ("arn:aws:iam::*:role/LandingZoneDeployer", "arn:aws:iam::111122223333:role/LandingZoneDeployer"),
    ("arn:aws:iam::123456789012:role/ops/BreakGlass*", "arn:aws:iam::123456789012:role/ops/BreakGlass"),
    ("arn:*:iam::*:role/x", "arn:aws:iam::111122223333:role/x"),
])
def test_a_role_pattern_stands_for_one_concrete_arn(pattern: str, arn: str) -> None:
    assert instance(pattern) == arn
    assert session(Principal("x", pattern))["aws:principalarn"] == arn


def test_the_configured_roles_are_protected(example) -> None:
    from landingzone.config.checks_scps import protected_principals

    settings = example.organization.organization.model_copy(update={"break_glass_role": "Emergency"})
    org = example.organization.model_copy(update={"organization": settings})
    assert [(p.label, p.arn) for p in protected_principals(org)] == [
        ("the deployer role LandingZoneDeployer", "arn:aws:iam::*:role/LandingZoneDeployer"),
        ("the break-glass role Emergency", "arn:aws:iam::*:role/Emergency"),
        ("arn:aws:iam::*:role/BreakGlassAdmin (scp_parameters.exempt_role_arns)",
         "arn:aws:iam::*:role/BreakGlassAdmin"),
    ]
    only_the_deployer = deny_all({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/LandingZoneDeployer"}})
    found = find_lockout(only_the_deployer, protected_principals(org))
    assert [p.label for p in found.locked] == [
        "the break-glass role Emergency", "arn:aws:iam::*:role/BreakGlassAdmin (scp_parameters.exempt_role_arns)"]
