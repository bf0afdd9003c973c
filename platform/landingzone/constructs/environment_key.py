"""The customer-managed KMS key of an account's environment, whose policy names the roles that use it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin, ref
from landingzone.constructs.part import Part

USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


class EnvironmentKey(Part):
    """Only the account root holds `kms:*` (which is what lets IAM policies in the account grant key access at
    all); the named users may encrypt, decrypt and hand grants to AWS services acting for them, nothing else.
    Rotation is yearly; a deleted key waits 30 days."""

    def __init__(self, scope: Construct, id_: str, *, environment: str, account_id: str, users: Sequence[str],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "AccountRootAdministers", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "NamedUsersEncryptAndDecrypt", "Effect": "Allow", "Principal": {"AWS": list(users)},
             "Action": USE, "Resource": "*"},
            {"Sid": "NamedUsersGrantToAwsServices", "Effect": "Allow", "Principal": {"AWS": list(users)},
             "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
             "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}},
        ]}
        self.key = pin(KmsKey(self, "key", description=f"landingzone {environment} data key",
                              enable_key_rotation=True, deletion_window_in_days=30, policy=json.dumps(policy),
                              lifecycle={"prevent_destroy": True}, provider=provider), "kms_key", "environment")
        pin(KmsAlias(self, "alias", name=f"alias/landingzone/{environment}", target_key_id=ref(self.key, "key_id"),
                     provider=provider), "kms_alias", "environment")
