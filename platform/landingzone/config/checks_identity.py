"""Checks across files for `config/identity.yaml` and the accounts' `saml_federation` option."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from landingzone.config.account import AccountManifest
from landingzone.config.checks_accounts import ORG_FILE, known
from landingzone.config.identity import (
    ADMINISTRATOR_POLICY,
    ROOT,
    IdentityConfig,
    address_part,
    selected_accounts,
)
from landingzone.config.json_source import read_json
from landingzone.config.model import Account
from landingzone.config.organization import OrganizationConfig
from landingzone.config.policy_checks import IDENTITY, check_document
from landingzone.config.scp import minify
from landingzone.config.source import Source, project_file
from landingzone.config.uniqueness import unique
from landingzone.errors import Problem

IDENTITY_FILE = "config/identity.yaml"
# Identity Center provisions a permission set's inline policy as an inline policy of a role in every account,
# and IAM holds at most 10,240 characters (whitespace not counted) of inline policy per role. The API itself
# accepts 32,768, so the mistake would only show when the permission set is provisioned.
ROLE_INLINE_POLICY_MAX = 10_240
SAML_NS = "{urn:oasis:names:tc:SAML:2.0:metadata}"
DSIG_NS = "{http://www.w3.org/2000/09/xmldsig#}"

Loc = tuple[str | int, ...]


def check_identity(identity: IdentityConfig, src: Source, org: OrganizationConfig, accounts: Sequence[Account],
                   root: Path, unreadable: Sequence[str] = ()) -> list[Problem]:
    """`unreadable` names manifests too broken to check: they count as accounts, and since their OU and tags
    are unknown, an assignment that selects nothing else is not reported (it may select them)."""
    problems = unique(src, ("groups",), list(identity.groups), "group", key=address_part)
    problems += unique(src, ("permission_sets",), [p.name for p in identity.permission_sets], "permission set",
                       item_key="name", key=address_part)
    for index, permission_set in enumerate(identity.permission_sets):
        if permission_set.inline_policy:
            problems += check_policy_file(src, ("permission_sets", index, "inline_policy"),
                                          permission_set.inline_policy, root)
    active = [a for a in accounts if not a.decommissioned]
    for index, _ in enumerate(identity.assignments):
        problems += _check_assignment(identity, src, index, org, accounts, active, unreadable)
    if identity.entra and identity.entra.stack and identity.identity_center.saml is None:
        problems.append(src.problem(("entra", "stack"), "the entra stack needs identity_center.saml (acs_url and "
                                    "issuer_url, which the IAM Identity Center console shows; see "
                                    "runbooks/identity-center.md)"))
    return problems


def _check_assignment(identity: IdentityConfig, src: Source, index: int, org: OrganizationConfig,
                      accounts: Sequence[Account], active: Sequence[Account],
                      unreadable: Sequence[str]) -> list[Problem]:
    assignment = identity.assignments[index]
    loc: Loc = ("assignments", index)
    problems = []
    if assignment.group not in identity.groups:
        problems.append(src.problem((*loc, "group"), f"'{assignment.group}' is not a group in groups "
                                    f"{known(list(identity.groups), assignment.group)}"))
    names = list(dict.fromkeys(p.name for p in identity.permission_sets))
    if assignment.permission_set not in names:
        problems.append(src.problem((*loc, "permission_set"), f"'{assignment.permission_set}' is not a permission "
                                    f"set in permission_sets {known(names, assignment.permission_set)}"))
    problems += _check_targets(src, loc, assignment.accounts, assignment.ous, org, accounts, unreadable)
    if not (assignment.accounts or assignment.ous or assignment.account_tags):
        return [*problems, src.problem(loc, "selects no accounts; give accounts, ous or account_tags")]
    selected = selected_accounts(assignment, active)
    if not selected and not problems and not unreadable:
        problems.append(src.problem(loc, "matches no account; every assignment must grant access somewhere"))
    management = next((a for a in accounts if a.name == org.core_accounts.management), None)
    permission_set = next((p for p in identity.permission_sets if p.name == assignment.permission_set), None)
    # a management account outside Root is reported already; OUs selecting it then would be a false follow-on
    if (permission_set and permission_set.administrator and management and management.ou == ROOT
            and management.name in selected and not assignment.break_glass):
        problems.append(src.problem((*loc, "permission_set"), f"gives group '{assignment.group}' "
                                    f"{ADMINISTRATOR_POLICY} on the management account '{management.name}'; leave the "
                                    "management account out, or mark this assignment break_glass: true"))
    return problems


def _check_targets(src: Source, loc: Loc, names: Sequence[str], ous: Sequence[str], org: OrganizationConfig,
                   accounts: Sequence[Account], unreadable: Sequence[str]) -> list[Problem]:
    problems = []
    by_name = {a.name: a for a in accounts}
    for i, name in enumerate(names):
        if name in unreadable:
            continue
        if name not in by_name:
            problems.append(src.problem((*loc, "accounts", i), f"'{name}' is not an account in accounts/ "
                                        f"{known(sorted(by_name), name)}"))
        elif by_name[name].decommissioned:
            problems.append(src.problem((*loc, "accounts", i), f"'{name}' is decommissioned in "
                                        f"{by_name[name].file}; remove it here"))
    ou_paths = [ROOT] + [ou.path for ou in org.organizational_units]
    for i, path in enumerate(ous):
        if path not in ou_paths:
            problems.append(src.problem((*loc, "ous", i), f"'{path}' is not an OU in {ORG_FILE} "
                                        f"{known(ou_paths, path)}"))
    return problems


def check_policy_file(src: Source, loc: Loc, file: str, root: Path, limit: int = ROLE_INLINE_POLICY_MAX,
                      ) -> list[Problem]:
    """An IAM policy document in the project: present, JSON, a policy, and within `limit` once minified."""
    unreadable = project_file(src, loc, file, root, outside="policy files live in policies/",
                              missing="relative to the project root")
    if unreadable:
        return [unreadable]
    policy, problems = read_json((root / file).resolve(), file)
    if policy is None or problems:
        return problems
    data = policy.data
    if not isinstance(data, dict) or "Statement" not in data:
        return [Problem(file, 1, "", "is not an IAM policy: expected an object with Version and Statement")]
    problems = check_document(policy, data, IDENTITY)
    size = len(minify(data))  # what synth uploads
    if size > limit:
        problems.append(Problem(file, 1, "", f"is {size:,} characters once whitespace is removed; IAM allows "
                                f"{limit:,} of inline policy per role (split it, or use managed policies)"))
    return problems


def check_saml(root: Path, manifests: Sequence[tuple[AccountManifest, Source]], has_identity: bool
               ) -> list[Problem]:
    problems: list[Problem] = []
    checked: dict[str, list[Problem]] = {}
    for manifest, msrc in manifests:
        federation = manifest.saml_federation
        if federation is None or manifest.decommissioned:
            continue
        if not has_identity:
            problems.append(msrc.problem(("saml_federation",), f"needs {IDENTITY_FILE}: the identity stack holds "
                                         "the SAML provider and roles"))
        if federation.metadata not in checked:
            checked[federation.metadata] = _check_metadata(msrc, federation.metadata, root)
            problems += checked[federation.metadata]
        problems += unique(msrc, ("saml_federation", "roles"), [r.name for r in federation.roles], "role",
                           item_key="name", key=address_part)
        for index, role in enumerate(federation.roles):
            loc: Loc = ("saml_federation", "roles", index)
            if role.inline_policy:
                problems += check_policy_file(msrc, (*loc, "inline_policy"), role.inline_policy, root)
    return problems


def _check_metadata(msrc: Source, file: str, root: Path) -> list[Problem]:
    """Entra's federation metadata: an EntityDescriptor with an IdP SSO descriptor and a signing certificate."""
    loc: Loc = ("saml_federation", "metadata")
    unreadable = project_file(msrc, loc, file, root, missing="download it from the Entra enterprise application's "
                              "SAML page: Federation Metadata XML")
    if unreadable:
        return [unreadable]
    path = (root / file).resolve()
    try:
        document: Any = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [Problem(file, exc.position[0], "", f"is not valid XML: {str(exc).split(': line')[0]}")]
    if document.tag != f"{SAML_NS}EntityDescriptor":
        return [Problem(file, 1, "", "is not SAML 2.0 metadata (expected an md:EntityDescriptor root)")]
    if document.find(f"{SAML_NS}IDPSSODescriptor") is None:
        return [Problem(file, 1, "", "has no IDPSSODescriptor; use the identity provider's metadata")]
    if document.find(f".//{DSIG_NS}X509Certificate") is None:
        return [Problem(file, 1, "", "has no X509Certificate; AWS needs the IdP's signing certificate")]
    return []
