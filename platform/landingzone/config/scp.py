"""SCP and RCP documents: placeholders filled from config, then checked against AWS's grammar and size limit; SCPs
for lock-out here (RCPs in `rcp.py`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landingzone.config.json_source import read_json
from landingzone.config.lockout import NEEDED, Lockout, Principal, find_lockout
from landingzone.config.organization import PolicyFile, ServiceControlPolicy, Targets
from landingzone.config.policy_checks import SCP, check_document, statements
from landingzone.config.source import Loc, Source
from landingzone.config.types import PLACEHOLDER
from landingzone.errors import Problem

SCP_MAX_CHARACTERS = 5120  # SCPs and RCPs alike, once minified
# Built in for every SCP and RCP: the organization's ID, which a data perimeter compares aws:PrincipalOrgID and
# aws:SourceOrgID with. Without organization.id it does not exist before the org stack runs, so the document
# keeps this token and the org stack puts the organization's ID in its place.
ORGANIZATION_ID = "organization_id"
ORGANIZATION_ID_TOKEN = "{{ organization_id }}"
LONGEST_ORGANIZATION_ID = len("o-") + 32


@dataclass(frozen=True)
class RenderedScp:
    """An SCP or RCP ready for AWS: `content` is the minified document exactly as AWS will store it (with
    ORGANIZATION_ID_TOKEN where the organization's ID goes, when it is not known before deployment)."""

    name: str
    description: str
    file: str
    content: str
    attach_to: Targets


RenderedPolicy = RenderedScp


@dataclass(frozen=True)
class FilledPolicy:
    """A policy document with its placeholders filled and its grammar checked, before the checks of its kind."""

    src: Source
    placed: list[tuple[Loc, Any]]  # each statement with its place in the file
    content: str


def minify(document: Any) -> str:
    """The document as AWS counts it: no whitespace outside strings, keys in the author's order."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def fill_policy(policy: PolicyFile, root: Path, params: dict[str, Any], kind: str
                ) -> tuple[FilledPolicy | None, list[Problem]]:
    """Read, fill and check an SCP or RCP document (`kind`), and measure it; None when it cannot be judged."""
    src, problems = read_json(root / policy.file, policy.file)
    if src is None or problems:
        return None, problems
    filled = _Filler(src, params, problems).fill(src.data, ())
    if problems:
        return None, problems
    problems += check_document(src, filled, kind)
    if problems:
        return None, problems
    placed = list(statements(filled))
    if isinstance(filled.get("Statement"), dict):
        filled["Statement"] = [filled["Statement"]]  # IAM accepts one statement without a list
    content = minify(filled)
    return FilledPolicy(src, placed, content), _size(policy.file, content)


def _size(file: str, content: str) -> list[Problem]:
    tokens = content.count(ORGANIZATION_ID_TOKEN)
    size = len(content) + tokens * (LONGEST_ORGANIZATION_ID - len(ORGANIZATION_ID_TOKEN))
    if size <= SCP_MAX_CHARACTERS:
        return []
    counted = (f" (each {ORGANIZATION_ID_TOKEN} counted as {LONGEST_ORGANIZATION_ID} characters, the longest an "
               "organization ID can be; set organization.id to count the real one)") if tokens else ""
    return [Problem(file, 1, "", f"is {size:,} characters once whitespace is removed and placeholders are "
                    f"filled{counted}; AWS allows {SCP_MAX_CHARACTERS:,} (split it into two policies, or shorten "
                    "action lists with wildcards)")]


def render_checked(policy: PolicyFile, root: Path, params: dict[str, Any], kind: str,
                   judge: Callable[[dict[str, Any]], list[str]]) -> tuple[RenderedPolicy | None, list[Problem]]:
    """The policy filled and checked, then each statement judged by `judge` (what it says is wrong with it, at the
    statement's Sid); None and every problem when there is one."""
    filled, problems = fill_policy(policy, root, params, kind)
    if filled is None:
        return None, problems
    for loc, statement in filled.placed:
        line = filled.src.line(statement_anchor(loc, statement))
        problems += [Problem(policy.file, line, filled.src.path(loc), message) for message in judge(statement)]
    if problems:
        return None, problems
    return RenderedPolicy(policy.name, policy.description, policy.file, filled.content, policy.attach_to), []


def render_scp(policy: ServiceControlPolicy, root: Path, params: dict[str, Any],
               principals: Sequence[Principal] = ()) -> tuple[RenderedScp | None, list[Problem]]:
    """The policy with its placeholders filled, or None and every problem found in it. `principals` are the roles
    no statement may lock out (the deployer, the break-glass role, the exempt roles)."""

    def lockouts(statement: dict[str, Any]) -> list[str]:
        found = find_lockout(statement, principals)
        return [lockout_message(found)] if found else []

    return render_checked(policy, root, params, SCP, lockouts)


def statement_anchor(loc: Loc, statement: dict[str, Any]) -> Loc:
    """Where a problem with a whole statement points: its Sid, else its Effect."""
    return (*loc, "Sid") if "Sid" in statement else (*loc, "Effect")


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
