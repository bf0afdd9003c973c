"""A test-only stack with a public bucket and an IAM policy granting writes on "*", recorded as coming from a
manifest, to prove the gates catch them and name the file a user would edit."""

from __future__ import annotations

import json

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_acl import S3BucketAcl
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from constructs import Construct

from landingzone.delivery.providers import Credentials, aws_provider


def build_bad_stack(scope: Construct, lz, spec, sources) -> TerraformStack:
    stack = TerraformStack(scope, spec.name)
    account = lz.account(spec.account)
    aws_provider(stack, region="us-east-1", tags=account.tags, credentials=Credentials(account_id=None))
    bucket = sources.record(S3Bucket(stack, "public_bucket", bucket="acme-public"), account.file)
    sources.record(S3BucketAcl(stack, "public_bucket_acl", bucket=bucket.id, acl="public-read"), account.file)
    sources.record(S3BucketPublicAccessBlock(stack, "public_bucket_pab", bucket=bucket.id, block_public_acls=False,
                                             block_public_policy=False, ignore_public_acls=False,
                                             restrict_public_buckets=False), account.file)
    sources.record(IamPolicy(stack, "wildcard_writer", name="writer", policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]})),
        account.file)
    return stack
