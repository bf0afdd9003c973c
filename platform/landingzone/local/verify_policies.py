"""The organization policies read back from the local AWS: SCPs (the log archive's own one too), RCPs and the AI
services opt-out policy, each with the content config gives it and attached exactly where config says
(`verify.py` runs these). Policy types the local AWS cannot hold (the capability table) are not looked for."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from landingzone.config import LandingZone
from landingzone.config.checks_accounts import ORG_FILE
from landingzone.config.checks_security import ARCHIVE_SCP, archive_bucket_patterns
from landingzone.config.management_policies import management_policies
from landingzone.config.model import target_keys
from landingzone.config.scp import ORGANIZATION_ID_TOKEN
from landingzone.config.types import Targets
from landingzone.constructs.archive_protection import archive_scp_content
from landingzone.local.capabilities import unsupported
from landingzone.local.check import Check, difference

_VARIABLE = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class _Expected:
    """An organization policy as config makes it: what verification compares the deployed one with."""

    label: str  # "SCP deny-root-user"
    type: str  # "SERVICE_CONTROL_POLICY"
    name: str
    content: str
    attach_to: Targets
    source: str  # the file it comes from
    byte_equal: bool  # compared as text (policy variables and escapes intact), else as JSON


def _expected_policies(lz: LandingZone) -> list[_Expected]:
    """The SCPs, the RCPs and the policies written from config sections (AI services opt-out), each only where
    the local AWS holds its type (the capability table says which it cannot)."""
    found = [_Expected(f"SCP {p.name}", "SERVICE_CONTROL_POLICY", p.name, p.content, p.attach_to, p.file, True)
             for p in lz.scps]
    patterns = archive_bucket_patterns(lz.organization)
    if patterns:  # the SCP landingzone puts on the log archive itself
        found.append(_Expected(f"SCP {ARCHIVE_SCP}", "SERVICE_CONTROL_POLICY", ARCHIVE_SCP,
                               archive_scp_content(patterns, lz.deployer_role),
                               Targets(accounts=(lz.organization.core_accounts.log_archive,)), ORG_FILE, True))
    found += [_Expected(f"RCP {p.name}", "RESOURCE_CONTROL_POLICY", p.name, p.content, p.attach_to, p.file, True)
              for p in lz.rcps]
    found += [_Expected(f"{p.type} {p.name}", p.type, p.name, p.content, p.attach_to, ORG_FILE, False)
              for p in management_policies(lz.organization)
              if unsupported("aws_organizations_policy", {"type": p.type}) is None]
    return found


def policy_checks(lz: LandingZone, org: Any, paths: Mapping[str, str]) -> Iterator[Check]:
    """Every organization policy landingzone writes: there, with the content config gives it (the organization's
    ID as the local AWS gave it out) and attached exactly where config says."""
    local_id = org.describe_organization()["Organization"]["Id"]
    configured = lz.organization.organization.id
    deployed: dict[str, dict[str, str]] = {}
    for expected in _expected_policies(lz):
        if expected.type not in deployed:
            deployed[expected.type] = {p["Name"]: p["Id"] for page in org.get_paginator("list_policies").paginate(
                Filter=expected.type) for p in page["Policies"]}
        policy_id = deployed[expected.type].get(expected.name)
        if policy_id is None:
            yield Check(expected.label, False, "not in the organization")
            continue
        content = org.describe_policy(PolicyId=policy_id)["Policy"]["Content"]
        wanted = expected.content.replace(ORGANIZATION_ID_TOKEN, local_id)
        wanted = wanted.replace(configured, local_id) if configured else wanted
        same = content == wanted if expected.byte_equal else json.loads(content) == json.loads(wanted)
        variables = _VARIABLE.findall(expected.content)
        how = (f"byte-equal to {expected.source} after placeholders, {len(variables)} policy variables intact"
               if expected.byte_equal else f"the document {expected.source} describes")
        yield Check(f"{expected.label} content", same, how if same else f"differs from {expected.source}: "
                    f"{content[:200]}")
        targets = _targets(org, policy_id, paths)
        wanted_targets = set(target_keys(expected.attach_to))
        yield Check(f"{expected.label} attachments", targets == wanted_targets,
                    difference(wanted_targets, targets) or f"{len(targets)} targets as configured")


def _targets(org: Any, policy_id: str, paths: Mapping[str, str]) -> set[tuple[str, str]]:
    """Where a policy is attached, as (kind, name) like target_keys gives."""
    targets = set()
    for page in org.get_paginator("list_targets_for_policy").paginate(PolicyId=policy_id):
        for target in page["Targets"]:
            kind = {"ROOT": "root", "ORGANIZATIONAL_UNIT": "ou", "ACCOUNT": "account"}[target["Type"]]
            targets.add((kind, target["Name"] if kind == "account" else paths.get(target["TargetId"], "?")))
    return targets
