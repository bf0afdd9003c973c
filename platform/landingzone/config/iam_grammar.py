"""The grammar of IAM policy documents as AWS reads them: elements, condition operators, actions, variables.

Kept in one place so the SCP checks, the lock-out detector and the inline-policy checks agree on what a
condition operator is. Sources: the IAM User Guide's "IAM JSON policy elements: Condition operators" and
"Grammar of the IAM JSON policy language", and the Organizations User Guide's "SCP syntax" (SCPs take no
Principal or NotPrincipal: they apply to every principal of the accounts they are attached to).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Every base operator IAM evaluates; each but Null also takes an `IfExists` suffix, and each (Null included)
# a `ForAllValues:` or `ForAnyValue:` qualifier for multivalued keys.
BASE_OPERATORS = (
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike",
    "StringNotLike",
    "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
    "Bool", "BinaryEquals", "IpAddress", "NotIpAddress",
    "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike",
    "Null",
)
QUALIFIERS = ("ForAllValues", "ForAnyValue")
CONDITION_OPERATORS = frozenset(
    [*BASE_OPERATORS, *(f"{op}IfExists" for op in BASE_OPERATORS if op != "Null")]
    + [f"{q}:{op}" for q in QUALIFIERS for op in BASE_OPERATORS]
    + [f"{q}:{op}IfExists" for q in QUALIFIERS for op in BASE_OPERATORS if op != "Null"])

POLICY_KEYS = ("Version", "Id", "Statement")
STATEMENT_KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
PRINCIPAL_KEYS = ("Principal", "NotPrincipal")

ACTION = re.compile(r"^(?:\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$")
CONDITION_KEY = re.compile(r"^[A-Za-z0-9-]+:[^\s]+$")
# `${aws:username}` is a policy variable; `${*}`, `${?}` and `${$}` are IAM's escapes for a literal * ? $.
VARIABLE = re.compile(r"\$\{([^}]*)\}")
ESCAPES = ("*", "?", "$")


@dataclass(frozen=True)
class Operator:
    """`ForAnyValue:StringNotLikeIfExists` as its parts."""

    qualifier: str  # "", "ForAllValues" or "ForAnyValue"
    base: str  # "StringNotLike"
    if_exists: bool

    @property
    def negated(self) -> bool:
        return "Not" in self.base

    @property
    def positive(self) -> str:
        """The base without its negation: StringNotLike → StringLike, NotIpAddress → IpAddress."""
        return self.base.replace("Not", "", 1) if self.negated else self.base


def parse_operator(name: str) -> Operator | None:
    """The operator's parts, or None when IAM has no such operator."""
    if name not in CONDITION_OPERATORS:
        return None
    qualifier, _, rest = name.rpartition(":")
    return Operator(qualifier, rest.removesuffix("IfExists"), rest.endswith("IfExists"))


def suggest_operator(name: str) -> str | None:
    """The real operator a typo most likely meant: StringNotEqual → StringNotEquals, stringequals → StringEquals."""
    by_case = {op.lower(): op for op in CONDITION_OPERATORS}
    if name.lower() in by_case:
        return by_case[name.lower()]
    close = difflib.get_close_matches(name, sorted(CONDITION_OPERATORS), n=1, cutoff=0.8)
    return close[0] if close else None


def suggest_element(name: str, allowed: tuple[str, ...]) -> str | None:
    by_case = {key.lower(): key for key in allowed}
    if name.lower() in by_case:
        return by_case[name.lower()]
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.7)
    return close[0] if close else None


# Fill-in-the-blank markers of published examples: `[PRIVILEGED_ROLE]`, `<ACCOUNT_ID>`, `{example-region-1}`; not the
# braces of `${aws:username}`, `{{ placeholder }}` or a literal `%{` (Terraform's template sequence, escaped to AWS).
BLANKS = re.compile(r"\[[A-Z][A-Z0-9_]*\]|<[A-Za-z][\w .:/-]*>|(?<![${%])\{[A-Za-z][\w-]*\}(?!})")


def foreign_variables(text: str) -> list[str]:
    """`${Account}`, `${ACCELERATOR_PREFIX}`: template tokens of other tools, which reach AWS literally.

    Every IAM policy variable has a colon (`${aws:PrincipalTag/team}`, `${saml:sub}`), so one without is
    a placeholder some other tool was meant to fill.
    """
    return [match.group(0) for match in VARIABLE.finditer(text)
            if ":" not in match.group(1) and match.group(1) not in ESCAPES]


def blanks(text: str) -> list[str]:
    """Markers a published example leaves for the reader to replace; IAM would take them as literal text."""
    return BLANKS.findall(text)
