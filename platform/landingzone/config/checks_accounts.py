"""Checks across files for the OU tree, the account manifests and their tags."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from landingzone.config.account import AccountManifest
from landingzone.config.model import ROOT
from landingzone.config.organization import OrganizationConfig
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

MAX_OU_DEPTH = 5  # AWS Organizations nests OUs at most five levels below the root.
ORG_FILE = "config/organization.yaml"


def known(values: Sequence[str], wanted: str) -> str:
    """`(known: a, b, c)` with a `did you mean` when one is close."""
    close = difflib.get_close_matches(wanted, list(values), n=1, cutoff=0.75)
    guess = f"; did you mean '{close[0]}'?" if close else ""
    return f"(known: {', '.join(values)}){guess}"


def check_ou_tree(org: OrganizationConfig, src: Source) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, ou in enumerate(org.organizational_units):
        loc = ("organizational_units", index, "path")
        segments = ou.path.split("/")
        if ou.path == ROOT or segments[0] == ROOT:
            problems.append(src.problem(loc, f"'{ou.path}' starts at Root; paths are written from below Root, "
                                        "like Workloads/Prod"))
            continue
        if ou.path in seen:
            problems.append(src.problem(loc, f"OU '{ou.path}' is declared twice (first on line {seen[ou.path]})"))
            continue
        parent = "/".join(segments[:-1])
        if parent and parent not in seen:
            problems.append(src.problem(loc, f"parent OU '{parent}' is not declared before '{ou.path}' "
                                        "(declare every level, parents first)"))
        if len(segments) > MAX_OU_DEPTH:
            problems.append(src.problem(loc, f"OU '{ou.path}' is nested {len(segments)} levels deep; AWS allows "
                                        f"at most {MAX_OU_DEPTH} below Root"))
        seen[ou.path] = src.line(loc)
    return problems


def check_accounts(org: OrganizationConfig, src: Source, accounts: Sequence[tuple[AccountManifest, Source]],
                   unreadable: Sequence[str] = ()) -> list[Problem]:
    problems: list[Problem] = []
    ou_paths = [ou.path for ou in org.organizational_units]
    names: dict[str, str] = {}
    emails: dict[str, str] = {}
    ids: dict[str, str] = {}
    management = org.core_accounts.management
    for manifest, msrc in accounts:
        if manifest.name in names:
            problems.append(msrc.problem(("name",), f"account name '{manifest.name}' is already used by "
                                         f"{names[manifest.name]}; account names are unique"))
        names.setdefault(manifest.name, f"{msrc.file}:{msrc.line(('name',))}")
        email = manifest.email.lower()
        if email in emails:
            problems.append(msrc.problem(("email",), f"'{manifest.email}' is already the email of {emails[email]}; "
                                         "AWS requires a different email per account"))
        emails.setdefault(email, f"{msrc.file}:{msrc.line(('email',))}")
        if manifest.id is not None and manifest.id in ids:
            problems.append(msrc.problem(("id",), f"account {manifest.id} is already adopted by {ids[manifest.id]}; "
                                         "one AWS account is one manifest"))
        elif manifest.id is not None:
            ids[manifest.id] = f"{msrc.file}:{msrc.line(('id',))}"
        problems += _check_ou(manifest, msrc, ou_paths, management)
    for role, name in org.core_accounts:
        if name not in names and name not in unreadable:
            problems.append(src.problem(("core_accounts", role), f"'{name}' is not an account in accounts/ "
                                        f"{known(sorted(names), name)}"))
    return problems


def _check_ou(manifest: AccountManifest, msrc: Source, ou_paths: list[str], management: str) -> list[Problem]:
    if manifest.name == management:
        if manifest.ou != ROOT:
            return [msrc.problem(("ou",), f"'{manifest.ou}' is not allowed: the management account always stays "
                                 "in Root (set ou: Root)")]
        return []
    if manifest.ou == ROOT:
        return [msrc.problem(("ou",), f"'Root' is only for the management account ('{management}'); put member "
                             f"accounts in an OU {known(ou_paths, '')}")]
    if manifest.ou not in ou_paths:
        return [msrc.problem(("ou",), f"'{manifest.ou}' is not an OU in {ORG_FILE} {known(ou_paths, manifest.ou)}")]
    return []


def account_tags(org: OrganizationConfig, manifest: AccountManifest, msrc: Source) -> tuple[dict[str, str],
                                                                                             list[Problem]]:
    """The account's tags: org defaults, then the manifest's fields, then its `tags`; required ones checked."""
    problems: list[Problem] = []
    base = manifest.base_tags()
    for key in manifest.tags:
        if key in base:
            problems.append(msrc.problem(("tags", key), f"tag '{key}' comes from the manifest's "
                                         f"{_field_for(key)} field; set it there, not under tags"))
    tags = {**org.default_tags, **manifest.tags, **base}
    if "Project" not in tags and "Project" not in [t.key for t in org.required_tags]:
        problems.append(msrc.problem(("tags",) if manifest.tags else (), "tag 'Project' is missing; every resource "
                                     "carries Environment, Project, Owner, CostCenter and ManagedBy: set it under "
                                     f"tags, or in default_tags in {ORG_FILE}"))
    for required in org.required_tags:
        if required.key not in tags:
            problems.append(msrc.problem(("tags",) if manifest.tags else (), f"required tag '{required.key}' is "
                                         f"missing (required: {', '.join(t.key for t in org.required_tags)}); set "
                                         f"it under tags, or in default_tags in {ORG_FILE}"))
        elif required.values is not None and tags[required.key] not in required.values:
            loc = (_field_for(required.key),) if required.key in base else ("tags", required.key)
            problems.append(msrc.problem(loc, f"'{tags[required.key]}' is not an allowed {required.key} "
                                         f"(allowed: {', '.join(required.values)})"))
    return dict(sorted(tags.items())), problems


def _field_for(tag: str) -> str:
    return {"Environment": "environment", "Owner": "owner", "CostCenter": "cost_center"}[tag]


def check_policy_types(org: OrganizationConfig, src: Source) -> list[Problem]:
    """The policy types the config uses are enabled; otherwise AWS refuses the policies or their attachments."""
    enabled = org.organization.enabled_policy_types
    needed = [("SERVICE_CONTROL_POLICY", bool(org.service_control_policies),
               "service_control_policies are attached; AWS would refuse the attachments"),
              ("TAG_POLICY", bool(org.required_tags),
               "required_tags needs a tag policy; add it, or remove required_tags"),
              ("BACKUP_POLICY", org.backup_policy is not None, "backup_policy is set; AWS would refuse the policy")]
    return [src.problem(("organization", "enabled_policy_types"), f"does not include {kind}, but {why}")
            for kind, used, why in needed if used and kind not in enabled]


def check_regions(org: OrganizationConfig, src: Source) -> list[Problem]:
    settings = org.organization
    if settings.home_region not in settings.allowed_regions:
        return [src.problem(("organization", "home_region"), f"'{settings.home_region}' is not in allowed_regions "
                            f"({', '.join(settings.allowed_regions)}); the region-deny SCP would lock it out")]
    return []
