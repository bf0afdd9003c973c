"""Local verification of the organization policies (`landingzone/local/verify_policies.py`) against a moto server:
the example's SCPs (the log archive's own included), RCPs and AI services opt-out policy pass when deployed as
config says, and a changed document, a missing attachment or an unmapped organization ID each fail by name."""

from __future__ import annotations

from typing import Any

import boto3

from landingzone.config import LandingZone
from landingzone.config.model import target_keys
from landingzone.config.scp import ORGANIZATION_ID_TOKEN
from landingzone.local.verify import _ou_paths
from landingzone.local.verify_policies import _expected_policies, policy_checks
from moto_server import moto_fixtures

moto_endpoint, aws = moto_fixtures()

TYPES = ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "AISERVICES_OPT_OUT_POLICY")


def _deploy(lz: LandingZone, *, unmapped: str = "") -> tuple[Any, dict[str, str]]:
    """An organization with the example's OUs and target accounts and every policy verification expects, written
    with moto's organization ID (or, for the policy named `unmapped`, the configured one). Returns the client and
    the policy IDs by name."""
    org = boto3.client("organizations")
    local_id = org.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = org.list_roots()["Roots"][0]["Id"]
    for kind in TYPES:
        if kind != "SERVICE_CONTROL_POLICY":  # moto enables SCPs with the organization
            org.enable_policy_type(RootId=root, PolicyType=kind)
    ids = {"Root": root}
    for ou in lz.organization.organizational_units:
        parent = ids[ou.path.rpartition("/")[0] or "Root"]
        ids[ou.path] = org.create_organizational_unit(ParentId=parent, Name=ou.path.rpartition("/")[2])[
            "OrganizationalUnit"]["Id"]
    accounts = {a.name: org.create_account(Email=a.manifest.email, AccountName=a.name)["CreateAccountStatus"][
        "AccountId"] for a in lz.member_accounts()}
    created = {}
    for expected in _expected_policies(lz):
        content = expected.content.replace(ORGANIZATION_ID_TOKEN, local_id)
        if expected.name != unmapped:
            content = content.replace(lz.organization.organization.id or ORGANIZATION_ID_TOKEN, local_id)
        policy = org.create_policy(Name=expected.name, Type=expected.type, Content=content, Description="test")
        created[expected.name] = policy["Policy"]["PolicySummary"]["Id"]
        for kind, name in target_keys(expected.attach_to):
            target = root if kind == "root" else ids[name] if kind == "ou" else accounts[name]
            org.attach_policy(PolicyId=created[expected.name], TargetId=target)
    return org, created


def test_every_policy_config_makes_is_found_as_written_and_where_attached(aws: str, example: LandingZone) -> None:
    org, _ = _deploy(example)
    checks = list(policy_checks(example, org, _ou_paths(org)))
    assert [c for c in checks if not c.ok] == []
    names = {c.name for c in checks}
    assert {"SCP protect-log-archive content", "SCP protect-log-archive attachments", "RCP data-perimeter content",
            "RCP data-perimeter attachments", "AISERVICES_OPT_OUT_POLICY ai-services-opt-out attachments"} <= names
    assert len(checks) == 2 * (len(example.scps) + len(example.rcps) + 2)  # + the archive SCP and the opt-out


def test_a_changed_document_a_lost_attachment_and_a_missing_policy_fail(aws: str, example: LandingZone) -> None:
    org, created = _deploy(example)
    org.update_policy(PolicyId=created["data-perimeter"], Content='{"Version":"2012-10-17","Statement":[]}')
    root = org.list_roots()["Roots"][0]["Id"]
    org.detach_policy(PolicyId=created["ai-services-opt-out"], TargetId=root)
    org.detach_policy(PolicyId=created["deny-root-user"], TargetId=root)
    org.delete_policy(PolicyId=created["deny-root-user"])
    failed = {c.name: c.detail for c in policy_checks(example, org, _ou_paths(org)) if not c.ok}
    assert failed == {
        "RCP data-perimeter content": 'differs from policies/rcp/data-perimeter.json: {"Version":"2012-10-17",'
                                      '"Statement":[]}',
        "AISERVICES_OPT_OUT_POLICY ai-services-opt-out attachments": "missing [('root', 'Root')]",
        "SCP deny-root-user": "not in the organization"}


def test_the_configured_organization_id_must_be_the_local_one(aws: str, example: LandingZone) -> None:
    """The local AWS gives out its own organization ID; a policy still naming the configured one is wrong there."""
    assert example.organization.organization.id
    org, _ = _deploy(example, unmapped="data-perimeter")
    failed = [c.name for c in policy_checks(example, org, _ou_paths(org)) if not c.ok]
    assert failed == ["RCP data-perimeter content"]
