"""The organization trail, created in the management account: every account, every region, validated files."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_aws.cloudtrail import (
    Cloudtrail,
    CloudtrailAdvancedEventSelector,
    CloudtrailAdvancedEventSelectorFieldSelector,
    CloudtrailInsightSelector,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


def trail_arn(region: str, management_id: str, name: str) -> str:
    return f"arn:aws:cloudtrail:{region}:{management_id}:trail/{name}"


@dataclass(frozen=True)
class DataEvents:
    """What the trail records besides management events.

    `archive_buckets`: buckets (by name) whose reads, deletes and lock changes are recorded, but not their
    writes, which for the trail's own archive would record themselves in a loop. `bucket_prefixes`: bucket-name
    prefixes whose every object request is recorded. `lambda_invocations`: every function's invocations.
    """

    archive_buckets: tuple[str, ...] = ()
    bucket_prefixes: tuple[str, ...] = ()
    lambda_invocations: bool = False


# Requests that remove a file from the archive, or change how long it is locked.
ARCHIVE_TAMPERING = ("DeleteObject", "DeleteObjects", "PutObjectRetention", "PutObjectLegalHold")


def _field(name: str, **match: Sequence[str]) -> CloudtrailAdvancedEventSelectorFieldSelector:
    return CloudtrailAdvancedEventSelectorFieldSelector(field=name, **{k: list(v) for k, v in match.items()})


def event_selectors(events: DataEvents) -> list[CloudtrailAdvancedEventSelector]:
    """Advanced event selectors: management events always (a trail with advanced selectors records only what
    they select), then one selector per kind of data event asked for."""
    data = _field("eventCategory", equal_to=["Data"])
    objects = _field("resources.type", equal_to=["AWS::S3::Object"])
    # The name the console gives this selector, by which assessment tools (Prowler among them) recognise it.
    selectors = [CloudtrailAdvancedEventSelector(name="Management events selector", field_selector=[
        _field("eventCategory", equal_to=["Management"])])]
    if events.archive_buckets:
        archive = _field("resources.ARN", starts_with=[f"arn:aws:s3:::{name}/" for name in events.archive_buckets])
        selectors += [
            CloudtrailAdvancedEventSelector(name="Log archive reads", field_selector=[
                data, objects, _field("readOnly", equal_to=["true"]), archive]),
            CloudtrailAdvancedEventSelector(name="Log archive deletes and lock changes", field_selector=[
                data, objects, _field("eventName", equal_to=ARCHIVE_TAMPERING), archive])]
    if events.bucket_prefixes:
        selectors.append(CloudtrailAdvancedEventSelector(name="Workload data", field_selector=[
            data, objects, _field("resources.ARN", starts_with=[f"arn:aws:s3:::{prefix}"
                                                                for prefix in events.bucket_prefixes])]))
    if events.lambda_invocations:
        selectors.append(CloudtrailAdvancedEventSelector(name="Lambda invocations", field_selector=[
            data, _field("resources.type", equal_to=["AWS::Lambda::Function"])]))
    return selectors


class OrganizationTrail(Part):
    """Files go to the log-archive bucket under its KMS key; a searchable copy goes to a KMS-encrypted log
    group in the management account with its own retention, for metric filters and investigations."""

    def __init__(self, scope: Construct, id_: str, *, name: str, management_id: str, region: str, bucket: str,
                 key_arn: str, cloudwatch_days: int, after: list[ITerraformDependable], data_events: DataEvents,
                 insights: Sequence[str] = (), provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        group_name = f"/landingzone/cloudtrail/{name}"
        group_arn = f"arn:aws:logs:{region}:{management_id}:log-group:{group_name}"
        key = pin(KmsKey(self, "key", description=f"CloudWatch Logs copy of the {name} trail",
                         enable_key_rotation=True, deletion_window_in_days=30, lifecycle={"prevent_destroy": True},
                         policy=json.dumps({"Version": "2012-10-17", "Statement": [
                             {"Sid": "AccountRootAdministers", "Effect": "Allow",
                              "Principal": {"AWS": f"arn:aws:iam::{management_id}:root"}, "Action": "kms:*",
                              "Resource": "*"},
                             {"Sid": "LogsEncryptThisGroupOnly", "Effect": "Allow",
                              "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                              "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                                         "kms:Describe*"], "Resource": "*",
                              "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": group_arn}}}]}),
                         provider=provider), "kms_key", "trail_logs")
        pin(KmsAlias(self, "alias", name="alias/landingzone/trail-logs", target_key_id=key.key_id, provider=provider),
            "kms_alias", "trail_logs")
        group = pin(CloudwatchLogGroup(self, "group", name=group_name, retention_in_days=cloudwatch_days,
                                       kms_key_id=key.arn, lifecycle={"prevent_destroy": True}, provider=provider),
                    "log_group", "trail")
        self.log_group = group
        arn = trail_arn(region, management_id, name)
        role = pin(IamRole(self, "role", name="lz-cloudtrail-to-cloudwatch", provider=provider,
                           assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": [
                               {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                                "Condition": {"StringEquals": {"aws:SourceArn": arn}}}]})),
                   "iam_role", "trail_to_cloudwatch")
        policy = pin(IamRolePolicy(self, "policy", role=role.id, name="write-trail-log-group", provider=provider,
                                   policy=json.dumps({"Version": "2012-10-17", "Statement": [
                                       {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                                        "Resource": f"{group.arn}:log-stream:*"}]})),
                     "iam_role_policy", "trail_to_cloudwatch")
        self.trail = pin(Cloudtrail(
            self, "trail", name=name, s3_bucket_name=bucket, kms_key_id=key_arn, is_organization_trail=True,
            is_multi_region_trail=True, include_global_service_events=True, enable_log_file_validation=True,
            cloud_watch_logs_group_arn=f"{group.arn}:*", cloud_watch_logs_role_arn=role.arn,
            advanced_event_selector=event_selectors(data_events),
            insight_selector=[CloudtrailInsightSelector(insight_type=kind) for kind in insights] or None,
            depends_on=[*after, policy], provider=provider), "cloudtrail", "organization")
