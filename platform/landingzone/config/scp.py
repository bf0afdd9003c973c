"""SCP documents: placeholders filled from config, then checked against AWS's grammar and limits, and for lock-out."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landingzone.config.json_source import read_json
from landingzone.config.lockout import NEEDED, Lockout, Principal, find_lockout
from landingzone.config.organization import ServiceControlPolicy, Targets
from landingzone.config.policy_checks import SCP, check_document, statements
from landingzone.config.source import Loc, Source
from landingzone.config.types import PLACEHOLDER
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


def render_scp(policy: ServiceControlPolicy, root: Path, params: dict[str, Any],
               principals: Sequence[Principal] = ()) -> tuple[RenderedScp | None, list[Problem]]:
    """The policy with its placeholders filled, or None and every problem found in it. `principals` are the roles
    no statement may lock out (the deployer, the break-glass role, the exempt roles)."""
    src, problems = read_json(root / policy.file, policy.file)
    if src is None or problems:
        return None, problems
    filled = _Filler(src, params, problems).fill(src.data, ())
    if problems:
        return None, problems
    problems += check_document(src, filled, SCP)
    if problems:
        return None, problems
    placed = list(statements(filled))
    if isinstance(filled.get("Statement"), dict):
        filled["Statement"] = [filled["Statement"]]  # IAM accepts one statement without a list
    content = minify(filled)
    if len(content) > SCP_MAX_CHARACTERS:
        problems.append(Problem(policy.file, 1, "", f"is {len(content):,} characters once whitespace is removed and "
                                f"placeholders are filled; AWS allows {SCP_MAX_CHARACTERS:,} (split it into two "
                                "policies, or shorten action lists with wildcards)"))
    for loc, statement in placed:
        found = find_lockout(statement, principals)
        if found:
            where = (*loc, "Sid") if "Sid" in statement else (*loc, "Effect")
            problems.append(Problem(policy.file, src.line(where), src.path(loc), lockout_message(found)))
    if problems:
        return None, problems
    return RenderedScp(policy.name, policy.description, policy.file, content, policy.attach_to), []


def lockout_message(found: Lockout) -> str:
    """`denies every action to <whom>: <the conditions that make it so> (<how to fix it>)`."""
    if len(found.denied) == len(NEEDED):
        what = "denies every action"
    else:
        what = (f"denies every action but its NotAction list, which does not keep {' and '.join(found.denied)} "
                "(the deployer needs iam:*, sts:* and organizations:* to reach and repair an account),")
    if found.locked:
        who = " and ".join(p.label for p in found.locked)
        fix = ("exempt every role no SCP may lock out: the deployer role, the break-glass role and "
               "scp_parameters.exempt_role_arns, e.g. ArnNotLike aws:PrincipalArn \"{{ exempt_role_arns }}\"")
    else:
        who = "every IAM role session, the deployer and break-glass roles included"
        fix = "exempt the deployer and break-glass roles with a condition on aws:PrincipalArn"
        if any("MultiFactorAuth" in reason for reason in found.reasons):
            fix = "exempt roles with a condition on aws:PrincipalArn or aws:PrincipalType, or enforce MFA in the " \
                  "identity provider instead"
        elif len(found.denied) < len(NEEDED):
            fix += ", or keep iam:*, sts:* and organizations:* in NotAction"
    return f"{what} to {who}: {'; '.join(found.reasons)} ({fix})"


class _Filler:
    """`{{ name }}` placeholders replaced by `scp_parameters` values; every mistake recorded with its place."""

    def __init__(self, src: Source, params: dict[str, Any], problems: list[Problem]) -> None:
        self.src, self.params, self.problems = src, params, problems

    def fill(self, node: Any, loc: Loc) -> Any:
        if isinstance(node, dict):
            for key in node:
                if "{{" in key:
                    self.problems.append(self.src.problem((*loc, key), f"placeholder in the key {key!r}; "
                                                          "placeholders fill values only"))
            return {key: self.fill(value, (*loc, key)) for key, value in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            for index, item in enumerate(node):
                value = self.fill(item, (*loc, index))
                # a list placeholder inside a list splices in: ["s3:*", "{{ more_actions }}"]
                out.extend(value if isinstance(value, list) and isinstance(item, str) else [value])
            return out
        if not isinstance(node, str):
            return node
        whole = PLACEHOLDER.fullmatch(node.strip())
        filled = self._value(whole.group(1), loc, node) if whole else PLACEHOLDER.sub(
            lambda m: self._inline(m, loc), node)
        if isinstance(filled, str) and ("{{" in PLACEHOLDER.sub("", node) or "}}" in PLACEHOLDER.sub("", node)):
            self.problems.append(self.src.caret(loc, f"{node!r} holds '{{{{' or '}}}}' that is not a placeholder "
                                                "(write {{ name }} with letters, digits and underscores)", "{"))
        return filled

    def _value(self, name: str, loc: Loc, raw: str) -> Any:
        if name not in self.params:
            known = ", ".join(sorted(self.params))
            self.problems.append(self.src.problem(loc, f"placeholder {{{{ {name} }}}} is not defined (defined: "
                                                  f"{known}); add it under scp_parameters in "
                                                  "config/organization.yaml"))
            return raw
        return self.params[name]

    def _inline(self, match: re.Match[str], loc: Loc) -> str:
        value = self._value(match.group(1), loc, match.group(0))
        if isinstance(value, list):
            self.problems.append(self.src.problem(loc, f"placeholder {match.group(0)} is a list; a list can only "
                                                  "fill a whole JSON value (\"{{ name }}\" alone in its string)"))
            return match.group(0)
        return str(value)
