"""Which statements of an IAM policy document match one request: enough of IAM's evaluation (wildcards in actions
and resources, NotAction, and the condition operators our documents use) to ask "is this path closed?" of the
synthesized policies. Unknown operators fail the test rather than matching silently."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

Context = dict[str, str | list[str]]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _like(value: str, pattern: str) -> bool:
    return fnmatchcase(value, pattern)


def _operator(name: str, key: str, wanted: Any, context: Context) -> bool:
    """One condition operator on one key; keys are case-insensitive in IAM, so they are here."""
    present = {k.lower(): v for k, v in context.items()}
    actual = present.get(key.lower())
    values = [str(v) for v in _as_list(wanted)]
    if name.startswith("ForAnyValue:"):
        return actual is not None and any(_operator(name.partition(":")[2], key, wanted, {key: a})
                                          for a in _as_list(actual))
    if actual is None:
        # A negated operator matches an absent key; every other one does not.
        return name in ("StringNotEquals", "ArnNotLike", "StringNotLike")
    single = str(actual)
    checks = {
        "StringEquals": lambda: single in values,
        "StringNotEquals": lambda: single not in values,
        "StringLike": lambda: any(_like(single, v) for v in values),
        "StringNotLike": lambda: not any(_like(single, v) for v in values),
        "ArnLike": lambda: any(_like(single, v) for v in values),
        "ArnEquals": lambda: single in values,
        "ArnNotLike": lambda: not any(_like(single, v) for v in values),
        "Bool": lambda: single.lower() in [v.lower() for v in values],
    }
    assert name in checks, f"policy_eval does not know the operator {name}"
    return checks[name]()


def matches(statement: dict[str, Any], action: str, resource: str, context: Context) -> bool:
    """Whether the statement applies to the request (its effect is the caller's to read)."""
    if "NotAction" in statement:
        if any(_like(action, a) for a in _as_list(statement["NotAction"])):
            return False
    elif not any(_like(action, a) for a in _as_list(statement.get("Action", []))):
        return False
    if not any(_like(resource, r) for r in _as_list(statement.get("Resource", "*"))):
        return False
    return all(_operator(op, key, wanted, context)
               for op, keys in statement.get("Condition", {}).items() for key, wanted in keys.items())


def denied(document: dict[str, Any], action: str, resource: str, context: Context | None = None) -> bool:
    """An explicit deny in the document applies: no allow anywhere can overturn it."""
    return any(s["Effect"] == "Deny" and matches(s, action, resource, context or {})
               for s in _as_list(document["Statement"]))


def allowed(document: dict[str, Any], action: str, resource: str, context: Context | None = None) -> bool:
    """Some allow applies and no deny does."""
    context = context or {}
    statements = _as_list(document["Statement"])
    return not denied(document, action, resource, context) and any(
        s["Effect"] == "Allow" and matches(s, action, resource, context) for s in statements)
