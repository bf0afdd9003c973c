"""The role names validation expects in each account are the ones the stacks create (read from the goldens)."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

from landingzone.config import LandingZone
from landingzone.config.checks_iam_names import ORGANIZATIONS_ROLE, planned_roles
from landingzone.config.workloads import workload_roles

GOLDEN = Path(__file__).parent / "golden"


def _account_of(stack: str, provider: str | None, document: dict) -> str:
    """The account a resource lands in: its provider's assumed role, or the stack's default provider's."""
    providers = {p.get("alias"): p for p in document.get("provider", {}).get("aws", [])}
    alias = provider.removeprefix("aws.") if provider and provider != "aws" else None
    arn = (providers.get(alias, {}).get("assume_role") or [{}])[0].get("role_arn", "")
    found = re.search(r"account_id_(\w+)\}", arn)
    if found:
        return found.group(1).replace("_", "-")
    if alias:  # no role to assume: the runner's own (management) credentials
        return alias.rsplit("_", 1)[0]
    return re.sub(r"^(baseline|meeting-recorder)-", "", stack)


def synthesized_roles(management: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for path in GOLDEN.glob("*.cdk.tf.json"):
        stack = path.name.removesuffix(".cdk.tf.json")
        document = json.loads(path.read_text())
        for role in document.get("resource", {}).get("aws_iam_role", {}).values():
            # bootstrap runs with the operator's own management-account credentials
            account = management if stack == "bootstrap" else _account_of(stack, role.get("provider"), document)
            found[account].add(role["name"])
    return found


def test_planned_roles_are_the_synthesized_ones(example: LandingZone) -> None:
    org = example.organization
    roles = workload_roles(org, {a.name: dict(a.workloads) for a in example.accounts})
    expected: dict[str, set[str]] = defaultdict(set)
    for account in example.accounts:
        # Organizations creates its access role, not our stacks: not in any golden
        expected[account.name] |= {c.name for c in planned_roles(org, account.manifest)} - {ORGANIZATIONS_ROLE}
        expected[account.name] |= {n for names in roles.get(account.name, {}).values() for n in names}
        if account.manifest.saml_federation:
            expected[account.name] |= {r.name for r in account.manifest.saml_federation.roles}
    # The deployer role: a role of bootstrap's own in the management account, a StackSet's in every other
    expected[example.management.name].add(example.deployer_role)
    assert dict(expected) == dict(synthesized_roles(example.management.name))
