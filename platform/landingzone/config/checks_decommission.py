"""Checks on decommission markers: well-formed patterns, in the right place, never on core accounts."""

from __future__ import annotations

import re
from collections.abc import Sequence

from landingzone.config.account import AccountManifest
from landingzone.config.organization import OrganizationConfig
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

PATTERN = re.compile(r"^[A-Za-z0-9*?_-]+:[a-z0-9_]+\.[A-Za-z0-9*?_-]+$")


def check_decommission(org: OrganizationConfig, src: Source,
                       accounts: Sequence[tuple[AccountManifest, Source]]) -> list[Problem]:
    problems = _patterns(org.decommission.resources if org.decommission else (), src, None)
    core = dict(org.core_accounts)
    for manifest, msrc in accounts:
        marker = manifest.decommission
        if marker is None:
            continue
        if manifest.decommissioned and manifest.name in core.values():
            role = next(role for role, name in core.items() if name == manifest.name)
            problems.append(msrc.problem(("decommission", "account"), f"'{manifest.name}' is the {role} account "
                                         "of core_accounts in config/organization.yaml; name another account "
                                         "there before decommissioning this one"))
        problems += _patterns(marker.resources, msrc, manifest.name)
    return problems


def _patterns(patterns: Sequence[str], src: Source, account: str | None) -> list[Problem]:
    problems = []
    for index, pattern in enumerate(patterns):
        loc = ("decommission", "resources", index)
        if not PATTERN.match(pattern):
            problems.append(src.problem(loc, f"'{pattern}' is not a <stack>:<address> pattern, like "
                                        "baseline-prod:aws_vpc.vpc"))
        elif account and not pattern.split(":")[0].endswith(f"-{account}"):
            problems.append(src.problem(loc, f"'{pattern}' names a stack of another account; an account's "
                                        f"manifest may only release its own stacks (*-{account})"))
    return problems
