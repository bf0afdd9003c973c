"""Does an RCP statement cut an AWS service (or the pipeline) off a resource it must reach?

The RCP counterpart of the SCP lock-out check (`lockout.py`). An RCP restricts everyone who reaches the resources
of its accounts, AWS's own services included: a data perimeter that admits only the organization's principals
also shuts out CloudTrail and AWS Config, which write the log archive as service principals that belong to no
organization, unless it exempts them (`aws:PrincipalIsAWSService`, and `aws:SourceOrgID` to hold them to the
organization). Logs would stop arriving and nothing in the member accounts could say so.

Each protected resource lists who must reach it, with what action on which ARN, and the request context those
requests carry (`Caller.contexts`: every realistic one; a deny is reported only when it certainly matches all of
them). Conditions are evaluated in three values with the lock-out model's `evaluate`: a key whose value is not
known here (a tag, a source IP of the pipeline) is unknown, so only statements that certainly match are reported.

What an AWS service principal's request carries follows the IAM User Guide, "AWS global condition context keys"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html): aws:PrincipalIsAWSService
is true; aws:PrincipalOrgID and principal tags are absent (a service principal belongs to no organization and has
no tags); the VPC keys are absent (services do not call through your endpoints); aws:SourceOrgID and
aws:SourceAccount are present for services that support them (CloudTrail and Config do, as the log archive's own
bucket policy relies on).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from landingzone.config.lockout import UNKNOWN, Who, decisive

# Stand-ins for an account ID no manifest gives: a resource pattern matches the ARN for certain only if it
# matches with both.
_UNKNOWN_ACCOUNTS = ("111122223333", "444455556666")


class RequestContext(Mapping[str, Any]):
    """Condition keys (lower case) and their values; `prefixes` give the value of every key that starts with one
    (`aws:principaltag/` absent for a service principal, whatever the tag)."""

    def __init__(self, values: Mapping[str, Any], prefixes: Sequence[tuple[str, Any]] = ()) -> None:
        self._values, self._prefixes = dict(values), tuple(prefixes)

    def __getitem__(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        for prefix, value in self._prefixes:
            if key.startswith(prefix):
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def merged(self, other: RequestContext) -> RequestContext:
        return RequestContext({**self._values, **other._values}, self._prefixes + other._prefixes)


@dataclass(frozen=True)
class Caller:
    """Who must reach a protected resource: an AWS service, or the pipeline."""

    label: str  # "CloudTrail (cloudtrail.amazonaws.com)"
    purpose: str  # "so the organization trail could no longer deliver its logs"
    contexts: tuple[RequestContext, ...]
    who: Who
    fix: str
    # A fix for the case a condition key decides instead: (key, fix), the first whose key a reason names wins.
    fixes: tuple[tuple[str, str], ...] = ()

    def fix_for(self, reasons: Sequence[str]) -> str:
        text = " ".join(reasons).lower()
        return next((fix for key, fix in self.fixes if f" {key.lower()} " in f" {text} "), self.fix)


@dataclass(frozen=True)
class Need:
    """One action a caller must be able to take on one ARN. `{account}` in the ARN stands for the resource's account
    ID, where a manifest gives none."""

    caller: Caller
    action: str
    arn: str


@dataclass(frozen=True)
class ProtectedResource:
    kind: str  # "log archive bucket"
    label: str  # "the log archive bucket acme-audit-logs-<log-archive's account ID>"
    accounts: tuple[str, ...]  # where it exists (account names); RCPs never apply in the management account
    needs: tuple[Need, ...]
    account_id: str | None = None  # fills `{account}` in the needs' ARNs when known
    context: RequestContext = field(default_factory=lambda: RequestContext({}))

    def arns(self, need: Need) -> tuple[str, ...]:
        ids = (self.account_id,) if self.account_id else _UNKNOWN_ACCOUNTS
        return tuple(dict.fromkeys(need.arn.replace("{account}", account) for account in ids))


@dataclass(frozen=True)
class Blocked:
    """What a statement takes from one caller: (action, resource label) pairs, and the conditions that decide it."""

    caller: Caller
    denied: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...]


def find_blocking(statement: dict[str, Any], resources: Sequence[ProtectedResource]) -> list[Blocked]:
    """Every caller the statement certainly cuts off one of `resources`, in the order the resources list them."""
    if statement.get("Effect") != "Deny":
        return []
    condition = statement.get("Condition") or {}
    if not isinstance(condition, dict) or not all(isinstance(keys, dict) for keys in condition.values()):
        return []
    found: dict[str, Blocked] = {}
    for resource in resources:
        for need in resource.needs:
            if not _denies_action(statement, need.action) or not _covers(statement, resource.arns(need)):
                continue
            reasons = _decisive(condition, need.caller, resource.context)
            if reasons is None:
                continue
            earlier = found.get(need.caller.label)
            denied = (*(earlier.denied if earlier else ()), (need.action, resource.label))
            found[need.caller.label] = Blocked(need.caller, denied, earlier.reasons if earlier else tuple(reasons))
    return list(found.values())


def blocking_message(blocked: Blocked) -> str:
    """`denies <caller> <actions> on <resource>, ... <purpose>: <conditions> (<fix>)`."""
    by_resource: dict[str, list[str]] = {}
    for action, label in blocked.denied:
        by_resource.setdefault(label, []).append(action)
    what = ", and ".join(f"{_and(actions)} on {label}" for label, actions in by_resource.items())
    caller = blocked.caller
    return (f"denies {caller.label} {what}, {caller.purpose}: {'; '.join(blocked.reasons)} "
            f"({caller.fix_for(blocked.reasons)})")


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _decisive(condition: dict[str, Any], caller: Caller, resource: RequestContext) -> list[str] | None:
    """The reasons the condition holds in every context the caller's requests may carry, or None."""
    reasons: list[str] | None = None
    for context in caller.contexts:
        found = decisive(condition, context.merged(resource), caller.who)
        if found is None:
            return None
        reasons = reasons or found
    return reasons


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _denies_action(statement: dict[str, Any], action: str) -> bool:
    """Whether the statement's Action list names `action` (IAM matches actions case-insensitively). RCPs take no
    NotAction, so a statement with one is left to the grammar check."""
    if "Action" not in statement:
        return False
    return any(isinstance(p, str) and fnmatchcase(action.lower(), p.lower()) for p in _as_list(statement["Action"]))


def _covers(statement: dict[str, Any], arns: Sequence[str]) -> bool:
    """Whether the statement certainly applies to the resource, whichever of `arns` it has."""
    if "NotResource" in statement:
        excluded = [p for p in _as_list(statement["NotResource"]) if isinstance(p, str)]
        return all(_match(arn, p) is False for arn in arns for p in excluded)
    patterns = [p for p in _as_list(statement.get("Resource", "*")) if isinstance(p, str)]
    return all(any(_match(arn, p) is True for p in patterns) for arn in arns)


def _match(arn: str, pattern: str) -> bool | None:
    """Whether `pattern` matches `arn`; unknown for a pattern with a policy variable in it."""
    if "${" in pattern:
        return UNKNOWN
    return fnmatchcase(arn, pattern)
