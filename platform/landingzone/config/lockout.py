"""Does an SCP statement lock the deployer (or the break-glass role, or another exempt role) out of an account?

An SCP cannot be repaired from inside the accounts it locks: the deployer can no longer apply the fix, and
the break-glass role cannot help. So validation refuses a Deny that certainly takes from a protected role
everything it needs. What the deployer needs is decided here: to reach an account (`sts:*`), to repair
roles and policies in it (`iam:*`) and to read the organization (`organizations:*`). A Deny + NotAction
service allow-list that keeps all three is not a lock-out (everything else can be restored by changing the
SCP, which the management account always can: SCPs never apply to it).

Conditions are evaluated in three values (true, false, unknown) against a role session of each protected
role, created without MFA as automation creates them: a key whose value varies between requests (region,
source IP, tags) is unknown, so only statements that certainly match are reported.

The MFA model follows the IAM User Guide, "AWS global condition context keys", aws:MultiFactorAuthPresent
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-multifactorauthpresent):
the key is present in every request made with temporary credentials (role sessions included) and is `false`
when no MFA was used to obtain them; it is absent only for long-term access keys. aws:MultiFactorAuthAge is
present only when MFA was used. So `Bool aws:MultiFactorAuthPresent false` denies every role session made
without MFA (the deployer's, CI's, automation's) exactly as `BoolIfExists ... false` does, while
`Null aws:MultiFactorAuthPresent true` matches long-term access keys only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from landingzone.config.iam_grammar import Operator, parse_operator

UNKNOWN = None
ABSENT = object()
NEEDED = ("iam:*", "sts:*", "organizations:*")  # what the deployer must keep; see the module docstring


@dataclass(frozen=True)
class Principal:
    """A role no SCP may lock out: `arn` may hold wildcards (`arn:aws:iam::*:role/LandingZoneDeployer`)."""

    label: str
    arn: str


# What a role session created without MFA carries, or lacks (keys are case-insensitive in IAM).
ROLE_SESSION: dict[str, Any] = {
    "aws:multifactorauthpresent": "false",
    "aws:multifactorauthage": ABSENT,
    "aws:principaltype": "AssumedRole",
    "aws:principalisawsservice": "false",
    "aws:principalservicename": ABSENT,
    "aws:principalservicenameslist": ABSENT,
}


def session(principal: Principal | None) -> dict[str, Any]:
    """The request context of a session of `principal` (of any role when None)."""
    context = dict(ROLE_SESSION)
    if principal is not None:
        context["aws:principalarn"] = instance(principal.arn)
    return context


def instance(pattern: str) -> str:
    """One concrete ARN a pattern stands for: wildcards in the account become an account ID, others nothing."""
    parts = pattern.split(":", 5)
    if len(parts) == 6:
        parts[1] = "aws" if set(parts[1]) & set("*?") else parts[1]
        parts[4] = "111122223333" if set(parts[4]) & set("*?") else parts[4]
        pattern = ":".join(parts)
    return pattern.replace("*", "").replace("?", "x")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _covers(patterns: Sequence[Any], action: str) -> bool:
    """Whether an action pattern list matches every action `action` stands for (IAM matches case-insensitively)."""
    service = action.split(":")[0].lower()
    return any(str(p).lower() in ("*", action.lower(), f"{service}:*") for p in patterns)


def denied_needs(statement: dict[str, Any]) -> tuple[str, ...]:
    """Which of NEEDED the statement's actions take away: all for `Action: *`, those a NotAction list does not
    keep, none for an Action list (it names what it denies)."""
    if "NotAction" in statement:
        kept = _as_list(statement["NotAction"])
        return tuple(need for need in NEEDED if not _covers(kept, need))
    return NEEDED if any(a in ("*", "*:*") for a in _as_list(statement.get("Action", []))) else ()


def covers_all_resources(statement: dict[str, Any]) -> bool:
    if "NotResource" in statement:
        return "*" not in _as_list(statement["NotResource"])
    return "*" in _as_list(statement.get("Resource", "*"))


def _compare(op: Operator, actual: str, wanted: list[Any]) -> bool | None:
    base = op.positive
    if base == "Bool" or base.endswith("IgnoreCase"):
        return any(actual.lower() == str(w).lower() for w in wanted)
    if base in ("StringEquals", "ArnEquals", "ArnLike", "StringLike"):
        # IAM's ArnEquals matches wildcards like ArnLike does
        return any(fnmatchcase(actual, str(w)) if base != "StringEquals" else actual == str(w) for w in wanted)
    return UNKNOWN


def evaluate(operator: str, key: str, wanted: Any, context: dict[str, Any] | None = None) -> bool | None:
    """True, False, or None (unknown) for one condition key in the request context `context`."""
    op = parse_operator(operator)
    context = session(None) if context is None else context
    actual = context.get(key.lower(), UNKNOWN)
    wanted_list = _as_list(wanted)
    if op is None or actual is UNKNOWN or not wanted_list:
        return UNKNOWN
    if op.base == "Null":
        return (actual is ABSENT) == (str(wanted_list[0]).lower() == "true")
    if actual is ABSENT:
        # IAM: a missing key matches ...IfExists, negated operators and ForAllValues; nothing else
        if op.qualifier:
            return op.qualifier == "ForAllValues"
        return op.if_exists or op.negated
    result = _compare(op, str(actual), wanted_list)
    if result is UNKNOWN:
        return UNKNOWN
    return (not result) if op.negated else result


@dataclass(frozen=True)
class Lockout:
    """Who a statement locks out, why, and what it takes from them."""

    locked: tuple[Principal, ...]  # empty: every role session, whoever it is
    reasons: tuple[str, ...]
    denied: tuple[str, ...]
    by_principal: bool  # a condition on aws:PrincipalArn failed to exempt them


def find_lockout(statement: dict[str, Any], principals: Sequence[Principal] = ()) -> Lockout | None:
    """The lock-out a statement certainly causes, or None when it may not cause one."""
    if statement.get("Effect") != "Deny" or not covers_all_resources(statement):
        return None
    denied = denied_needs(statement)
    condition = statement.get("Condition") or {}
    if not denied or not isinstance(condition, dict) or not all(isinstance(k, dict) for k in condition.values()):
        return None
    about_principal = any(key.lower() == "aws:principalarn" for keys in condition.values() for key in keys)
    locked, reasons = [], []
    for principal in (principals if about_principal and principals else [None]):
        found = _decisive(condition, session(principal))
        if found is not None:
            locked += [principal] if principal else []
            reasons += [r for r in found if r not in reasons]
    if not reasons and not (about_principal and locked):
        return None
    return Lockout(tuple(locked), tuple(reasons) or ("it has no condition",), denied, about_principal)


def _decisive(condition: dict[str, Any], context: dict[str, Any]) -> list[str] | None:
    reasons = []
    for operator, keys in condition.items():
        for key, wanted in keys.items():
            if evaluate(operator, key, wanted, context) is not True:
                return None
            reasons.append(_explain(operator, key, wanted, context))
    return reasons if reasons else ["it has no condition"]


def lockout_reason(statement: dict[str, Any], principals: Sequence[Principal] = ()) -> str | None:
    """Why the statement locks role sessions out, or None when it may not."""
    found = find_lockout(statement, principals)
    return "; ".join(found.reasons) if found else None


def _explain(operator: str, key: str, wanted: Any, context: dict[str, Any]) -> str:
    actual = context[key.lower()]
    if key.lower() == "aws:principalarn":
        patterns = ", ".join(map(str, _as_list(wanted)))
        if parse_operator(operator).negated:
            return f"{operator} {key} exempts only {patterns}, which does not match them"
        return f"{operator} {key} {patterns} matches them"
    mfa_false = str(_as_list(wanted)[0]).lower() == "false" or parse_operator(operator).negated
    if key.lower() == "aws:multifactorauthpresent" and mfa_false:
        return (f"{operator} {key} matches every role session created without MFA, where the key is false "
                "(the deployer's, CI's and automation's)")
    if actual is ABSENT:
        return f"{operator} {key} matches when the key is absent, and role sessions do not carry it"
    return f"{operator} {key} matches every role session ({key} is always {actual!r})"
