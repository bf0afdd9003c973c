"""IAM policy documents checked against the grammar AWS applies: the elements, the operators, the values.

Used for SCPs and for the identity policies a permission set or federated role carries; an SCP is held to
the Organizations rules on top (Version 2012-10-17, no Principal).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from typing import Any

from landingzone.config.iam_grammar import (
    ACTION,
    CONDITION_KEY,
    POLICY_KEYS,
    PRINCIPAL_KEYS,
    STATEMENT_KEYS,
    blanks,
    foreign_variables,
    parse_operator,
    suggest_element,
    suggest_operator,
)
from landingzone.config.regions import region_problem
from landingzone.config.source import Loc, Source
from landingzone.errors import Problem

SCP, IDENTITY = "SCP", "identity policy"
_STRINGS = ("Action", "NotAction", "Resource", "NotResource")
_PRINCIPAL_WHY = {
    SCP: "an SCP applies to every principal of the accounts it is attached to; to exempt roles, add a Condition "
         "on aws:PrincipalArn",
    IDENTITY: "an identity policy applies to whoever holds it; Principal belongs in trust and resource policies",
}


def shown(value: Any) -> str:
    """A JSON value in a message: text quoted, the rest by kind (`null` when left out)."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    return json.dumps(value)


def statements(document: dict[str, Any]) -> Iterator[tuple[Loc, Any]]:
    """Each statement with its place: IAM accepts one statement object in place of a list."""
    body = document.get("Statement")
    if isinstance(body, dict):
        yield ("Statement",), body
    elif isinstance(body, list):
        yield from ((("Statement", i), statement) for i, statement in enumerate(body))


def check_document(src: Source, document: Any, kind: str) -> list[Problem]:
    """Every grammar mistake in a (placeholder-filled) policy document."""
    body = document.get("Statement") if isinstance(document, dict) else None
    if not isinstance(body, dict | list) or not body:
        return [Problem(src.file, 1, "", "is not a policy document (expected an object with a non-empty Statement "
                        "list)")]
    problems = _unknown_keys(src, document, (), POLICY_KEYS, "policy")
    version = document.get("Version")
    if kind == SCP and version is None:
        problems.append(src.problem(("Version",), "is missing; an SCP starts with \"Version\": \"2012-10-17\""))
    elif kind == SCP and version != "2012-10-17":
        problems.append(src.problem(("Version",), f"{shown(version)} is not allowed (expected '2012-10-17', which "
                                    "policy variables need)"))
    elif kind == IDENTITY and version not in ("2012-10-17", "2008-10-17"):
        problems.append(src.problem(("Version",), f"{shown(version)} is not a policy language version (use "
                                    "'2012-10-17')"))
    sids: dict[str, int] = {}
    for loc, statement in statements(document):
        if not isinstance(statement, dict):
            problems.append(src.problem(loc, "is not an object"))
            continue
        problems += _statement(src, loc, statement, kind)
        sid = statement.get("Sid")
        if isinstance(sid, str) and sid in sids:
            problems.append(src.problem((*loc, "Sid"), f"Sid '{sid}' is used twice (line {sids[sid]}); each "
                                        "statement's Sid is unique in its policy"))
        elif isinstance(sid, str):
            sids[sid] = src.line((*loc, "Sid"))
    return problems + _variables(src, document, _FILL_HINT[kind])


def _statement(src: Source, loc: Loc, statement: dict[str, Any], kind: str) -> list[Problem]:
    problems = []
    for key in statement:
        if key in PRINCIPAL_KEYS:
            problems.append(src.problem((*loc, key), f"is not allowed in an {kind}: {_PRINCIPAL_WHY[kind]}"))
    problems += _unknown_keys(src, statement, loc, STATEMENT_KEYS + PRINCIPAL_KEYS, "statement")
    if "Sid" in statement and not isinstance(statement["Sid"], str):
        problems.append(src.problem((*loc, "Sid"), "must be a string (letters and digits naming the statement)"))
    if statement.get("Effect") not in ("Allow", "Deny"):
        problems.append(src.problem((*loc, "Effect"), f"{shown(statement.get('Effect'))} is not allowed (allowed: "
                                    "Allow, Deny)"))
    if ("Action" in statement) == ("NotAction" in statement):
        problems.append(src.problem(loc, "needs exactly one of Action and NotAction"))
    for key in _STRINGS:
        problems += _strings(src, (*loc, key), statement.get(key), key)
    condition = statement.get("Condition")
    if condition is not None:
        problems += _condition(src, (*loc, "Condition"), condition)
    return problems


def _unknown_keys(src: Source, node: dict[str, Any], loc: Loc, allowed: tuple[str, ...], what: str) -> list[Problem]:
    problems = []
    for key in node:
        if key not in allowed:
            hint = suggest_element(key, allowed)
            shown = ", ".join(k for k in allowed if k not in PRINCIPAL_KEYS)
            problems.append(src.problem((*loc, key), f"is not a {what} element (allowed: {shown})"
                                        + (f"; did you mean '{hint}'?" if hint else "")))
    return problems


def _strings(src: Source, loc: Loc, value: Any, key: str) -> list[Problem]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) for v in values):
        return [src.problem(loc, "must be a string or a non-empty list of strings")]
    if key not in ("Action", "NotAction"):
        return []
    items = [(loc, value)] if isinstance(value, str) else [((*loc, i), v) for i, v in enumerate(values)]
    return [src.caret(where, f"{action!r} is not an action (expected service:Action, like s3:GetObject or "
                      "ec2:Describe*, or *)") for where, action in items if not ACTION.match(action)]


def _condition(src: Source, loc: Loc, condition: Any) -> list[Problem]:
    if not isinstance(condition, dict) or not all(isinstance(keys, dict) for keys in condition.values()):
        return [src.problem(loc, "must map operators to {key: value or non-empty list of values}, like "
                            "{\"StringEquals\": {\"aws:RequestedRegion\": [\"us-east-1\"]}}")]
    problems = []
    for operator, keys in condition.items():
        parsed = parse_operator(operator)
        if parsed is None:
            hint = suggest_operator(operator)
            problems.append(src.problem((*loc, operator), f"'{operator}' is not an IAM condition operator"
                                        + (f"; did you mean '{hint}'?" if hint else " (see the IAM User Guide, "
                                           "\"Condition operators\")")))
        for key, value in keys.items():
            where = (*loc, operator, key)
            if not CONDITION_KEY.match(key):
                problems.append(src.problem(where, f"'{key}' is not a condition key (expected prefix:name, like "
                                            "aws:PrincipalArn or s3:x-amz-acl)"))
            problems += _values(src, where, value, parsed.positive if parsed else "", key)
    return problems


def _values(src: Source, loc: Loc, value: Any, base: str, key: str) -> list[Problem]:
    scalar = str | bool | int | float
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, scalar) for v in values):
        return [src.problem(loc, "must be a value or a non-empty list of values")]
    problems = []
    for index, item in enumerate(values):
        where = (*loc, index) if isinstance(value, list) else loc
        text = str(item).lower() if isinstance(item, bool) else str(item)
        if base == "Bool" and text.lower() not in ("true", "false"):
            problems.append(src.caret(where, f"{item!r} is not a boolean (Bool takes \"true\" or \"false\")"))
        elif base.startswith("Numeric") and not _is_number(text):
            problems.append(src.caret(where, f"{item!r} is not a number ({base} compares numbers)"))
        elif base == "IpAddress" and not _is_network(text):
            problems.append(src.caret(where, f"{item!r} is not an IP address or CIDR range"))
        elif key.lower() == "aws:requestedregion" and isinstance(item, str) and not set("*?${<[") & set(item):
            reason = region_problem(item)
            problems += [src.caret(where, f"{item!r} {reason}")] if reason else []
    return problems


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


_FILL_HINT = {
    SCP: "put the value here, or use a {{ placeholder }} defined under scp_parameters in config/organization.yaml",
    IDENTITY: "put the value here (identity policies take no placeholders)",
}


def _variables(src: Source, document: Any, hint: str) -> list[Problem]:
    """`${Account}`, `[PRIVILEGED_ROLE]` and the like, in keys and values anywhere in the document: each token
    once, at its first place (a template can hold the same one dozens of times)."""
    found: dict[str, list[Loc]] = {}
    for loc, text in _strings_in(document, ()):
        for token in [*foreign_variables(text), *blanks(text)]:
            found.setdefault(token, []).append(loc)
    problems = []
    for token, places in found.items():
        what = (f"{token} is not an IAM policy variable (those always have a colon, like ${{aws:PrincipalTag/team}})"
                if token.startswith("${") else f"{token} looks like a blank left to fill in")
        again = f" ({len(places) - 1} more in this file)" if len(places) > 1 else ""
        problems.append(src.caret(places[0], f"{what}, so AWS would match it as literal text{again}; if another "
                                  f"tool was meant to fill it in, {hint}", token))
    return problems


def _strings_in(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*loc, key), key
            yield from _strings_in(value, (*loc, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _strings_in(item, (*loc, index))
    elif isinstance(node, str):
        yield loc, node
