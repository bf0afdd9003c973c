"""S3 and DynamoDB gateway endpoints: free, and they keep that traffic off NAT and the internet. Their policies
hold the subnets behind them to the organization's own buckets and tables (a data perimeter), so a private or
isolated subnet cannot copy data to another account's bucket through them."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

GATEWAY_SERVICES = ("s3", "dynamodb")

# AWS-owned buckets that instances and containers in the subnets read from through the S3 endpoint, with
# requests that no organization principal signs (unauthenticated, or presigned by an AWS service account), from
# AWS's data perimeter examples (aws-samples/data-perimeter-policy-examples, vpc_endpoint_policies): the Amazon
# Linux package repositories, the SSM Agent's buckets, the CloudWatch agent, and ECR's image layers.
AWS_OWNED_BUCKETS = (
    "packages.{region}.amazonaws.com", "repo.{region}.amazonaws.com", "amazonlinux.{region}.amazonaws.com",
    "amazonlinux-2-repos-{region}", "al2023-repos-{region}-de612dc2", "al2023-{region}",
    "aws-ssm-{region}", "amazon-ssm-{region}", "amazon-ssm-packages-{region}", "{region}-birdwatcher-prod",
    "aws-ssm-distributor-file-{region}", "aws-ssm-document-attachments-{region}", "patch-baseline-snapshot-{region}",
    "amazoncloudwatch-agent-{region}", "amazoncloudwatch-agent",
    "prod-{region}-starport-layer-bucket",
)


def endpoint_policy(service: str, region: str, organization_id: str) -> dict[str, object]:
    """Principals of the organization, on resources of the organization; for S3, reads of the AWS-owned buckets."""
    statements: list[dict[str, object]] = [
        {"Sid": "OrganizationPrincipalsOnOrganizationResources", "Effect": "Allow", "Principal": "*",
         "Action": "*", "Resource": "*", "Condition": {"StringEquals": {
             "aws:PrincipalOrgID": organization_id, "aws:ResourceOrgID": organization_id}}}]
    if service == "s3":
        statements.append({"Sid": "ReadAwsOwnedBuckets", "Effect": "Allow", "Principal": "*",
                           "Action": "s3:GetObject",
                           "Resource": [f"arn:aws:s3:::{name.format(region=region)}/*" for name in AWS_OWNED_BUCKETS]})
    return {"Version": "2012-10-17", "Statement": statements}


class GatewayEndpoints(Part):
    def __init__(self, scope: Construct, id_: str, *, vpc_name: str, vpc_id: str, region: str,
                 route_table_ids: Sequence[str], organization_id: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        for service in GATEWAY_SERVICES:
            pin(VpcEndpoint(self, service, vpc_id=vpc_id, service_name=f"com.amazonaws.{region}.{service}",
                            vpc_endpoint_type="Gateway", route_table_ids=list(route_table_ids),
                            policy=json.dumps(endpoint_policy(service, region, organization_id)),
                            tags={"Name": f"{vpc_name}-{service}"}, provider=provider),
                "vpc_endpoint", vpc_name, service)
