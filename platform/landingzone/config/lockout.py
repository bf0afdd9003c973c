"""Does an SCP statement deny every action to every IAM role session?

Such a statement locks out the deployer and the break-glass role along with everyone else, and an
SCP cannot be fixed from inside the accounts it locks. The classic case is a `RequireMFA` deny on
`BoolIfExists aws:MultiFactorAuthPresent = false`: role sessions never carry that key, and an
`...IfExists` operator matches when the key is absent.

Conditions are evaluated in three values against what is true of *every* role session; a key whose
value varies between sessions (`aws:PrincipalArn`, tags, region) is unknown, so the check reports
only statements that certainly match.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

UNKNOWN = None
_ABSENT = object()

# What every role session's request context holds, or lacks (keys are case-insensitive in IAM).
ROLE_SESSION: dict[str, Any] = {
    "aws:multifactorauthpresent": _ABSENT,
    "aws:multifactorauthage": _ABSENT,
    "aws:principaltype": "AssumedRole",
}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


ALL = ("*", "*:*")


def covers_all_actions(statement: dict[str, Any]) -> bool:
    """`Action: "*"`, or a `NotAction` that leaves nearly everything denied (`NotAction: "*"` denies nothing)."""
    if "NotAction" in statement:
        return not any(a in ALL for a in _as_list(statement["NotAction"]))
    return any(a in ALL for a in _as_list(statement.get("Action", [])))


def covers_all_resources(statement: dict[str, Any]) -> bool:
    if "NotResource" in statement:
        return "*" not in _as_list(statement["NotResource"])
    return "*" in _as_list(statement.get("Resource", "*"))


def _compare(base: str, actual: Any, wanted: list[Any]) -> bool | None:
    text = str(actual)
    if base in ("Bool", "StringEquals", "ArnEquals"):
        return any(text.lower() == str(w).lower() if base == "Bool" else text == str(w) for w in wanted)
    if base == "StringEqualsIgnoreCase":
        return any(text.lower() == str(w).lower() for w in wanted)
    if base in ("StringLike", "ArnLike"):
        return any(fnmatchcase(text, str(w)) for w in wanted)
    return UNKNOWN


def evaluate(operator: str, key: str, wanted: Any) -> bool | None:
    """True, False, or None (unknown) for one condition key against every role session."""
    qualifier, _, operator = operator.rpartition(":")
    if qualifier and ROLE_SESSION.get(key.lower(), UNKNOWN) is _ABSENT:
        # IAM: ForAllValues is vacuously true for an absent key, ForAnyValue false
        return qualifier == "ForAllValues"
    if qualifier:
        return UNKNOWN
    if_exists = operator.endswith("IfExists")
    base = operator.removesuffix("IfExists")
    negated = "Not" in base
    positive = base.replace("Not", "", 1) if negated else base
    actual = ROLE_SESSION.get(key.lower(), UNKNOWN)
    wanted_list = _as_list(wanted)
    if actual is UNKNOWN or not wanted_list:
        return UNKNOWN
    if actual is _ABSENT:
        if base == "Null":
            return str(wanted_list[0]).lower() == "true"
        return if_exists or negated
    if base == "Null":
        return str(wanted_list[0]).lower() == "false"
    result = _compare(positive, actual, wanted_list)
    if result is UNKNOWN:
        return UNKNOWN
    return (not result) if negated else result


def lockout_reason(statement: dict[str, Any]) -> str | None:
    """Why the statement denies every role session everything, or None when it may not."""
    if statement.get("Effect") != "Deny" or not covers_all_actions(statement):
        return None
    if not covers_all_resources(statement):
        return None
    decisive: list[str] = []
    for operator, keys in (statement.get("Condition") or {}).items():
        if not isinstance(keys, dict):
            return None
        for key, wanted in keys.items():
            verdict = evaluate(operator, key, wanted)
            if verdict is not True:
                return None
            decisive.append(_explain(operator, key))
    if not decisive:
        return "it has no condition"
    return "; ".join(decisive)


def _explain(operator: str, key: str) -> str:
    actual = ROLE_SESSION[key.lower()]
    if actual is _ABSENT:
        return f"{operator} {key} matches when the key is absent, and role sessions do not carry it"
    return f"{operator} {key} matches every role session ({key} is always {actual!r})"
