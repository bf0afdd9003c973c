"""The CIS AWS Foundations monitoring set (section 4 of v3.0, 3.x in earlier versions): a metric filter on the
organization trail's CloudWatch Logs copy and an alarm for each, to an encrypted topic the security team
subscribes to. The patterns are CIS's own, so benchmark scanners (Security Hub's CIS standard, Prowler)
recognise them."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.cloudwatch_log_metric_filter import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
)
from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.alarm_topic import AlarmTopic
from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part

NAMESPACE = "LandingZone/CIS"


def _any_event(*names: str) -> str:
    return " || ".join(f"($.eventName = {name})" for name in names)


# name -> (what it catches, filter pattern)
CIS_ALARMS: dict[str, tuple[str, str]] = {
    "unauthorized-api-calls": ("API calls refused for lack of permission (CIS 4.1)",
                               '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) && '
                               '($.sourceIPAddress != "delivery.logs.amazonaws.com") && '
                               '($.eventName != "HeadBucket") }'),
    "console-sign-in-without-mfa": ("Console sign-in by an IAM user without MFA (CIS 4.2)",
                                    '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && '
                                    '($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = '
                                    '"Success") }'),
    "root-usage": ("The root user did something (CIS 4.3)",
                   '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                   '$.eventType != "AwsServiceEvent" }'),
    "iam-policy-changes": ("An IAM policy was created, changed, attached or detached (CIS 4.4)",
                           "{ " + _any_event(
                               "DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy",
                               "PutRolePolicy", "PutUserPolicy", "CreatePolicy", "DeletePolicy",
                               "CreatePolicyVersion", "DeletePolicyVersion", "AttachRolePolicy", "DetachRolePolicy",
                               "AttachUserPolicy", "DetachUserPolicy", "AttachGroupPolicy", "DetachGroupPolicy") +
                           " }"),
    "cloudtrail-changes": ("A trail was created, changed, stopped or deleted (CIS 4.5)",
                           "{ " + _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging",
                                             "StopLogging") + " }"),
    "console-authentication-failures": ("A console sign-in failed (CIS 4.6)",
                                        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed '
                                        'authentication") }'),
    "kms-key-disabled-or-deleted": ("A customer managed KMS key was disabled or scheduled for deletion (CIS 4.7)",
                                    "{ ($.eventSource = kms.amazonaws.com) && (" +
                                    _any_event("DisableKey", "ScheduleKeyDeletion") + ") }"),
    "s3-bucket-policy-changes": ("A bucket's policy, ACL, CORS, lifecycle or replication changed (CIS 4.8)",
                                 "{ ($.eventSource = s3.amazonaws.com) && (" + _any_event(
                                     "PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle",
                                     "PutBucketReplication", "DeleteBucketPolicy", "DeleteBucketCors",
                                     "DeleteBucketLifecycle", "DeleteBucketReplication") + ") }"),
    "config-changes": ("AWS Config recording or delivery changed (CIS 4.9)",
                       "{ ($.eventSource = config.amazonaws.com) && (" + _any_event(
                           "StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                           "PutConfigurationRecorder") + ") }"),
    "security-group-changes": ("A security group or its rules changed (CIS 4.10)",
                               "{ " + _any_event(
                                   "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress",
                                   "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "CreateSecurityGroup",
                                   "DeleteSecurityGroup") + " }"),
    "network-acl-changes": ("A network ACL or its rules changed (CIS 4.11)",
                            "{ " + _any_event(
                                "CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl",
                                "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation") +
                            " }"),
    "network-gateway-changes": ("A customer or internet gateway changed (CIS 4.12)",
                                "{ " + _any_event(
                                    "CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                                    "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway") +
                                " }"),
    "route-table-changes": ("A route table or route changed (CIS 4.13)",
                            "{ ($.eventSource = ec2.amazonaws.com) && (" + _any_event(
                                "CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                                "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable") + ") }"),
    "vpc-changes": ("A VPC or its peering changed (CIS 4.14)",
                    "{ " + _any_event(
                        "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                        "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                        "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink",
                        "EnableVpcClassicLink") + " }"),
    "organizations-changes": ("The organization, its OUs, accounts or policies changed (CIS 4.15)",
                              "{ ($.eventSource = organizations.amazonaws.com) && (" + _any_event(
                                  "AcceptHandshake", "AttachPolicy", "CancelHandshake", "CreateAccount",
                                  "CreateOrganization", "CreateOrganizationalUnit", "CreatePolicy",
                                  "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit",
                                  "DeletePolicy", "DetachPolicy", "DisablePolicyType", "EnableAllFeatures",
                                  "EnablePolicyType", "InviteAccountToOrganization", "LeaveOrganization",
                                  "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy",
                                  "UpdateOrganizationalUnit") + ") }"),
}


class TrailAlarms(Part):
    """In the account and region of the trail's log group: each alarm fires on the first matching event in five
    minutes. The topic has its own key, since CloudWatch must be allowed to use it and the trail's key admits
    only CloudWatch Logs."""

    def __init__(self, scope: Construct, id_: str, *, log_group_name: str, account_id: str, emails: Sequence[str],
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        key = pin(KmsKey(self, "key", description="CIS alarms of the organization trail", enable_key_rotation=True,
                         deletion_window_in_days=30, lifecycle={"prevent_destroy": True}, provider=provider,
                         policy=json.dumps({
                             "Version": "2012-10-17", "Statement": [
                                 {"Sid": "AccountRootAdministers", "Effect": "Allow",
                                  "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"}, "Action": "kms:*",
                                  "Resource": "*"},
                                 {"Sid": "AlarmsPublishToEncryptedTopic", "Effect": "Allow",
                                  "Principal": {"Service": "cloudwatch.amazonaws.com"},
                                  "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                                  "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}}]})),
                  "kms_key", "security_alarms")
        pin(KmsAlias(self, "alias", name="alias/landingzone/security-alarms", target_key_id=key.key_id,
                     provider=provider), "kms_alias", "security_alarms")
        topic = AlarmTopic(self, "topic", name="landingzone-security-alarms", address="security_alarms",
                           account_id=account_id, kms_key_arn=key.arn, emails=emails, provider=provider)
        self.topic_arn = topic.arn
        for name, (description, pattern) in CIS_ALARMS.items():
            metric = "".join(part.capitalize() for part in name.split("-"))
            pin(CloudwatchLogMetricFilter(
                self, f"filter-{name}", name=f"cis-{name}", log_group_name=log_group_name, pattern=pattern,
                metric_transformation=CloudwatchLogMetricFilterMetricTransformation(
                    name=metric, namespace=NAMESPACE, value="1"), provider=provider), "log_metric_filter", name)
            pin(CloudwatchMetricAlarm(
                self, f"alarm-{name}", alarm_name=f"cis-{name}", alarm_description=description,
                namespace=NAMESPACE, metric_name=metric, statistic="Sum", period=300, evaluation_periods=1,
                threshold=1, comparison_operator="GreaterThanOrEqualToThreshold", treat_missing_data="notBreaching",
                alarm_actions=[topic.arn], provider=provider), "cloudwatch_alarm", "cis", name)
