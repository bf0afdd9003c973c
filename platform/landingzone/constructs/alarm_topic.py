"""An SNS topic that CloudWatch alarms of one account publish to, encrypted, with email subscribers."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part


class AlarmTopic(Part):
    """Only this account's alarms publish (the key given must let `cloudwatch.amazonaws.com` use it), only over
    TLS; each email gets a subscription, which AWS holds pending until its owner confirms it."""

    def __init__(self, scope: Construct, id_: str, *, name: str, address: str, account_id: str, kms_key_arn: str,
                 emails: Sequence[str], provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        topic = pin(SnsTopic(self, "topic", name=name, kms_master_key_id=kms_key_arn, provider=provider),
                    "sns_topic", address)
        self.arn = topic.arn
        pin(SnsTopicPolicy(self, "topic-policy", arn=topic.arn, provider=provider, policy=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Sid": "AlarmsOfThisAccount", "Effect": "Allow", "Principal": {"Service": "cloudwatch.amazonaws.com"},
                 "Action": "sns:Publish", "Resource": topic.arn,
                 "Condition": {"StringEquals": {"aws:SourceAccount": account_id}}},
                {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish",
                 "Resource": topic.arn, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]})),
            "sns_topic_policy", address)
        for email in sorted(emails):
            pin(SnsTopicSubscription(self, f"email-{email}", topic_arn=topic.arn, protocol="email", endpoint=email,
                                     provider=provider), "sns_subscription", address, email.replace("@", "_at_"))
