"""The organization's log archive cannot be shortened, unlocked, re-keyed or deleted: S3 Object Lock on the
trail's files, the bucket policies, the SCP on the log-archive account and every account's permissions boundary,
each path checked against the synthesized documents."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from helpers import resources
from landingzone.constructs.archive_protection import (
    ARCHIVE_BUCKET_ACTIONS,
    ARCHIVE_KEY_ACTIONS,
    ARCHIVE_OBJECT_ACTIONS,
)
from policy_eval import denied
from test_security_stack import account_expressions, account_of, by_name, edit_organization, load_stack, policy

pytestmark = pytest.mark.synth

LOG_ARCHIVE = "111122223333"
BUCKETS = {kind: f"arn:aws:s3:::acme-{kind}-logs-{LOG_ARCHIVE}" for kind in ("audit", "config", "access")}
DEPLOYER = f"arn:aws:iam::{LOG_ARCHIVE}:role/LandingZoneDeployer"
# Who else could act in the log-archive account: Identity Center's AdminAccess (no boundary), the root user,
# a baseline role under the boundary, and any role someone creates.
OTHERS = (f"arn:aws:iam::{LOG_ARCHIVE}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_AdminAccess_0a1b",
          f"arn:aws:iam::{LOG_ARCHIVE}:root", f"arn:aws:iam::{LOG_ARCHIVE}:role/landingzone/AdminRole",
          f"arn:aws:iam::{LOG_ARCHIVE}:role/anything")


@pytest.fixture(scope="module")
def security(example_synth: Path) -> dict[str, Any]:
    return load_stack(example_synth, "security")


@pytest.fixture(scope="module")
def scp(org_stack: dict[str, Any]) -> dict[str, Any]:
    return json.loads(resources(org_stack, "aws_organizations_policy")["scp_protect-log-archive"]["content"])


def requests() -> list[tuple[str, str]]:
    """Every protected request on every archive bucket (object requests on an object of it)."""
    return ([(action, arn) for action in ARCHIVE_BUCKET_ACTIONS for arn in BUCKETS.values()] +
            [(action, f"{arn}/AWSLogs/o-acme/file.json.gz") for action in ARCHIVE_OBJECT_ACTIONS
             for arn in BUCKETS.values()])


def test_the_trails_files_are_locked_in_compliance_mode_for_the_retention(security, example) -> None:
    [lock] = resources(security, "aws_s3_bucket_object_lock_configuration").values()
    days = example.organization.security.log_retention.archive_days
    assert lock["bucket"] == "${aws_s3_bucket.s3_audit_logs.id}"
    assert lock["rule"] == {"default_retention": {"mode": "COMPLIANCE", "days": days}}
    # Object Lock needs versioning first; and it is enabled by this resource, so an existing archive is not
    # replaced (object_lock_enabled on the bucket itself would force a new bucket)
    assert lock["depends_on"] == ["aws_s3_bucket_versioning.s3_versioning_audit_logs"]
    assert "object_lock_enabled" not in resources(security, "aws_s3_bucket")["s3_audit_logs"]
    assert account_of(security, lock, account_expressions(example)) == "log-archive"


def test_the_scp_closes_every_change_to_the_archive_to_all_but_the_deployer(scp) -> None:
    for action, resource in requests():
        for principal in OTHERS:
            assert denied(scp, action, resource, {"aws:PrincipalArn": principal}), (action, resource, principal)
        assert not denied(scp, action, resource, {"aws:PrincipalArn": DEPLOYER}), (action, resource)
    for action in ARCHIVE_KEY_ACTIONS:
        archive_key = {"aws:PrincipalArn": OTHERS[0], "kms:ResourceAliases": ["alias/landingzone/audit-logs"]}
        assert denied(scp, action, "arn:aws:kms:us-east-1:111122223333:key/1", archive_key), action
        other_key = {"aws:PrincipalArn": OTHERS[0], "kms:ResourceAliases": ["alias/workloads/x"]}
        assert not denied(scp, action, "arn:aws:kms:us-east-1:111122223333:key/2", other_key), action
    # writes by the services and reads stay possible
    assert not denied(scp, "s3:PutObject", f"{BUCKETS['audit']}/AWSLogs/x", {"aws:PrincipalArn": OTHERS[0]})
    assert not denied(scp, "s3:GetObject", f"{BUCKETS['audit']}/AWSLogs/x", {"aws:PrincipalArn": OTHERS[0]})


def test_the_scp_is_attached_to_the_log_archive_account_only(org_stack) -> None:
    attachments = [a for ref, a in resources(org_stack, "aws_organizations_policy_attachment").items()
                   if ref.startswith("scp_protect-log-archive_")]
    assert [a["target_id"] for a in attachments] == ["${aws_organizations_account.account_log-archive.id}"]


def test_bounded_roles_in_any_account_cannot_change_the_archive_either(example_synth: Path) -> None:
    boundary = policy(by_name(load_stack(example_synth, "baseline-prod"), "aws_iam_policy")["landingzone-boundary"])
    for action, resource in requests():
        assert denied(boundary, action, resource), (action, resource)


def test_no_one_deletes_an_archived_file_before_lifecycle_does(security) -> None:
    for name in ("audit_logs", "config_logs", "access_logs"):
        document = policy(resources(security, "aws_s3_bucket_policy")[f"s3_policy_{name}"])
        bucket = resources(security, "aws_s3_bucket")[f"s3_{name}"]["bucket"]
        for action in ("s3:DeleteObject", "s3:DeleteObjectVersion"):
            assert denied(document, action, f"arn:aws:s3:::{bucket}/AWSLogs/x", {"aws:PrincipalArn": DEPLOYER})


def test_without_object_lock_the_archive_is_still_kept_by_policy(project: Path,
                                                                synth_stack: Callable[..., dict[str, Any]]) -> None:
    edit_organization(project, lambda config: config["security"]["log_retention"].update(object_lock="off"))
    stack = synth_stack(project, "security")
    assert not resources(stack, "aws_s3_bucket_object_lock_configuration")
    document = policy(resources(stack, "aws_s3_bucket_policy")["s3_policy_audit_logs"])
    bucket = resources(stack, "aws_s3_bucket")["s3_audit_logs"]["bucket"]
    assert denied(document, "s3:DeleteObjectVersion", f"arn:aws:s3:::{bucket}/AWSLogs/x")
