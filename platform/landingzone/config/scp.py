"""SCP documents: placeholders filled from config, then checked against AWS's limits and for lock-out."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landingzone.config.lockout import lockout_reason
from landingzone.config.organization import ServiceControlPolicy, Targets
from landingzone.config.types import PLACEHOLDER
from landingzone.config.yaml_source import read_json
from landingzone.errors import Problem

SCP_MAX_CHARACTERS = 5120


@dataclass(frozen=True)
class RenderedScp:
    """An SCP ready for AWS: `content` is the minified document exactly as AWS will store it."""

    name: str
    description: str
    file: str
    content: str
    attach_to: Targets


def minify(document: Any) -> str:
    """The document as AWS counts it: no whitespace outside strings, keys in the author's order."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def render_scp(policy: ServiceControlPolicy, root: Path, params: dict[str, Any]) -> tuple[RenderedScp | None,
                                                                                          list[Problem]]:
    document, text, problems = read_json(root / policy.file, policy.file)
    if problems:
        return None, problems
    if isinstance(document, dict) and isinstance(document.get("Statement"), dict):
        document["Statement"] = [document["Statement"]]  # IAM accepts one statement without a list
    filled = _fill(document, params, policy.file, text, problems)
    problems += _leftover_braces(filled, policy.file, text)
    problems += _check_shape(filled, policy.file, text)
    if problems:
        return None, problems
    content = minify(filled)
    if len(content) > SCP_MAX_CHARACTERS:
        problems.append(Problem(policy.file, 1, "", f"is {len(content):,} characters once whitespace is removed and "
                                f"placeholders are filled; AWS allows {SCP_MAX_CHARACTERS:,} (split it into two "
                                "policies, or shorten action lists with wildcards)"))
    for index, statement in enumerate(filled["Statement"]):
        reason = lockout_reason(statement)
        if reason:
            problems.append(Problem(policy.file, _statement_line(text, statement, index), _statement_name(
                statement, index), f"denies every action to every IAM role session, the deployer and break-glass "
                f"roles included: {reason} (exempt roles with a condition on aws:PrincipalArn or aws:PrincipalType, "
                "or enforce MFA in the identity provider instead)"))
    if problems:
        return None, problems
    return RenderedScp(policy.name, policy.description, policy.file, content, policy.attach_to), []


def _fill(node: Any, params: dict[str, Any], file: str, text: str, problems: list[Problem]) -> Any:
    if isinstance(node, dict):
        for key in node:
            if "{{" in key:
                problems.append(Problem(file, _line_of(text, key), "", f"placeholder in the key {key!r}; "
                                        "placeholders fill values only"))
        return {key: _fill(value, params, file, text, problems) for key, value in node.items()}
    if isinstance(node, list):
        out: list[Any] = []
        for item in node:
            value = _fill(item, params, file, text, problems)
            # a list placeholder inside a list splices in: ["s3:*", "{{ more_actions }}"]
            out.extend(value if isinstance(value, list) and isinstance(item, str) else [value])
        return out
    if not isinstance(node, str):
        return node
    whole = PLACEHOLDER.fullmatch(node.strip())
    if whole:
        return _value(whole.group(1), params, file, text, problems, node)
    return PLACEHOLDER.sub(lambda m: _inline(m, params, file, text, problems), node)


def _value(name: str, params: dict[str, Any], file: str, text: str, problems: list[Problem], raw: str) -> Any:
    if name not in params:
        known = ", ".join(sorted(params))
        problems.append(Problem(file, _line_of(text, raw), "", f"placeholder {{{{ {name} }}}} is not defined (defined: "
                                f"{known}); add it under scp_parameters in config/organization.yaml"))
        return raw
    return params[name]


def _inline(match: re.Match[str], params: dict[str, Any], file: str, text: str, problems: list[Problem]) -> str:
    value = _value(match.group(1), params, file, text, problems, match.group(0))
    if isinstance(value, list):
        problems.append(Problem(file, _line_of(text, match.group(0)), "", f"placeholder {match.group(0)} is a list; "
                                "a list can only fill a whole JSON value (\"{{ name }}\" alone in its string)"))
        return match.group(0)
    return str(value)


def _leftover_braces(node: Any, file: str, text: str) -> list[Problem]:
    """`{{ exempt-role-arns }}` or `{{ name }` would otherwise reach AWS as literal text."""
    if isinstance(node, dict):
        return [p for value in node.values() for p in _leftover_braces(value, file, text)]
    if isinstance(node, list):
        return [p for item in node for p in _leftover_braces(item, file, text)]
    bare = PLACEHOLDER.sub("", node) if isinstance(node, str) else ""  # well-formed ones are reported already
    if "{{" in bare or "}}" in bare:
        return [Problem(file, _line_of(text, node), "", f"{node!r} holds '{{{{' or '}}}}' that is not a placeholder "
                        "(write {{ name }} with letters, digits and underscores)")]
    return []


_STRINGS = ("Action", "NotAction", "Resource", "NotResource")


def _is_condition_value(value: Any) -> bool:
    scalar = str | bool | int | float
    return isinstance(value, scalar) or (isinstance(value, list) and bool(value)
                                         and all(isinstance(v, scalar) for v in value))


def _is_condition_block(condition: Any) -> bool:
    """{operator: {key: value or non-empty list of values}}."""
    return isinstance(condition, dict) and all(
        isinstance(keys, dict) and all(_is_condition_value(v) for v in keys.values()) for keys in condition.values())


def _element_problems(statement: dict[str, Any], name: str, file: str, line: int) -> list[Problem]:
    problems = []
    for key in _STRINGS:
        value = statement.get(key)
        if value is not None and not (isinstance(value, str) or (
                isinstance(value, list) and value and all(isinstance(v, str) for v in value))):
            problems.append(Problem(file, line, f"{name}.{key}", "must be a string or a non-empty list of strings"))
    condition = statement.get("Condition")
    if condition is not None and not _is_condition_block(condition):
        problems.append(Problem(file, line, f"{name}.Condition", "must map operators to {key: value or "
                                "non-empty list of values}, like {\"StringEquals\": {\"aws:RequestedRegion\": "
                                "[\"us-east-1\"]}}"))
    return problems


def _check_shape(document: Any, file: str, text: str) -> list[Problem]:
    if not isinstance(document, dict) or not isinstance(document.get("Statement"), list) or not document["Statement"]:
        return [Problem(file, 1, "", "is not a policy document (expected an object with a non-empty Statement list)")]
    problems = []
    if document.get("Version") != "2012-10-17":
        problems.append(Problem(file, _line_of(text, '"Version"'), "Version", f"{document.get('Version')!r} is not "
                                "allowed (expected '2012-10-17', which policy variables need)"))
    for index, statement in enumerate(document["Statement"]):
        name = _statement_name(statement, index)
        if not isinstance(statement, dict):
            problems.append(Problem(file, 1, name, "is not an object"))
            continue
        line = _statement_line(text, statement, index)
        if statement.get("Effect") not in ("Allow", "Deny"):
            problems.append(Problem(file, line, f"{name}.Effect", f"{statement.get('Effect')!r} is not allowed "
                                    "(allowed: Allow, Deny)"))
        if ("Action" in statement) == ("NotAction" in statement):
            problems.append(Problem(file, line, name, "needs exactly one of Action and NotAction"))
        problems += _element_problems(statement, name, file, line)
    return problems


def _statement_name(statement: Any, index: int) -> str:
    sid = statement.get("Sid") if isinstance(statement, dict) else None
    return f"Statement[Sid={sid}]" if sid else f"Statement[{index}]"


def _statement_line(text: str, statement: dict[str, Any], index: int) -> int:
    sid = statement.get("Sid")
    if sid:
        match = re.search(r'"Sid"\s*:\s*' + re.escape(json.dumps(sid)), text)
        if match:
            return text.count("\n", 0, match.start()) + 1
    effects = [m.start() for m in re.finditer(r'"Effect"\s*:', text)]
    return text.count("\n", 0, effects[index]) + 1 if index < len(effects) else 1


def _line_of(text: str, needle: str) -> int:
    position = text.find(needle)
    return text.count("\n", 0, position) + 1 if position >= 0 else 1
