"""What keeps the organization's log archive as it is: the requests that would let anyone shorten, unlock,
re-key, expose or delete it, and the SCP that denies them in the log-archive account to everyone but the
deployer. The permissions boundary of every account denies the same requests to bounded roles."""

from __future__ import annotations

import json
from collections.abc import Sequence

# Bucket-level requests, then object-level ones (retention and legal holds are set per object version).
ARCHIVE_BUCKET_ACTIONS = (
    "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutLifecycleConfiguration",
    "s3:PutBucketObjectLockConfiguration", "s3:PutEncryptionConfiguration", "s3:PutBucketVersioning",
    "s3:PutBucketPublicAccessBlock", "s3:PutBucketOwnershipControls", "s3:PutBucketAcl", "s3:PutBucketLogging",
    "s3:PutReplicationConfiguration", "s3:DeleteBucket",
)
ARCHIVE_OBJECT_ACTIONS = ("s3:PutObjectRetention", "s3:PutObjectLegalHold", "s3:BypassGovernanceRetention",
                          "s3:DeleteObject", "s3:DeleteObjectVersion")
ARCHIVE_KEY_ACTIONS = ("kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:DisableKeyRotation",
                       "kms:CreateGrant")
ARCHIVE_KEY_ALIAS = "alias/landingzone/audit-logs"


def archive_resources(bucket_patterns: Sequence[str]) -> list[str]:
    """The buckets and their objects, from bucket-name patterns (`acme-audit-logs-*`)."""
    return [arn for name in bucket_patterns for arn in (f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*")]


def archive_statements(bucket_patterns: Sequence[str], condition: dict[str, object] | None = None
                       ) -> list[dict[str, object]]:
    """Deny statements for the archive's buckets and its key, each with `condition` (who stays exempt)."""
    extra = {"Condition": condition} if condition else {}
    return [
        {"Sid": "ProtectLogArchiveBuckets", "Effect": "Deny",
         "Action": [*ARCHIVE_BUCKET_ACTIONS, *ARCHIVE_OBJECT_ACTIONS], "Resource": archive_resources(bucket_patterns),
         **extra},
        {"Sid": "ProtectLogArchiveKey", "Effect": "Deny", "Action": list(ARCHIVE_KEY_ACTIONS), "Resource": "*",
         "Condition": {**(condition or {}),
                       "ForAnyValue:StringEquals": {"kms:ResourceAliases": ARCHIVE_KEY_ALIAS}}},
    ]


def archive_scp(bucket_patterns: Sequence[str], deployer_role: str) -> dict[str, object]:
    """The SCP document: the deployer (which applies the security stack) is the one exemption, in any account."""
    exempt = {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::*:role/{deployer_role}"}}
    return {"Version": "2012-10-17", "Statement": archive_statements(bucket_patterns, exempt)}


def archive_scp_content(bucket_patterns: Sequence[str], deployer_role: str) -> str:
    """The SCP as the org stack writes it and AWS stores it (minified)."""
    return json.dumps(archive_scp(bucket_patterns, deployer_role), separators=(",", ":"))
