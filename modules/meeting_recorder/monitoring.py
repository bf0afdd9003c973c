"""Alarms on the review's failure signals, sent to an encrypted topic the workload's people subscribe to."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.alarm_topic import AlarmTopic
from landingzone.constructs.naming import pin
from meeting_recorder.names import WORKLOAD

PERIOD = 300
LAMBDA_ERRORS = 5  # more than 5 errors in 5 minutes


class Alerts(Construct):
    def __init__(self, scope: Construct, id_: str, *, account_id: str, kms_key_arn: str, emails: Sequence[str],
                 functions: Sequence[str], state_machine_arn: str, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.topic_arn = AlarmTopic(self, "alarm-topic", name=f"{WORKLOAD}-alerts", address=WORKLOAD,
                                    account_id=account_id, kms_key_arn=kms_key_arn, emails=emails,
                                    provider=provider).arn
        for function in functions:
            self._alarm(f"lambda-errors-{function}", f"{function} failed more than {LAMBDA_ERRORS} times in 5 minutes",
                        "AWS/Lambda", "Errors", {"FunctionName": function}, LAMBDA_ERRORS, provider)
        for metric in ("ExecutionsFailed", "ExecutionsTimedOut"):
            self._alarm(f"pipeline-{metric}", f"A meeting's processing ended {metric[10:].lower()}", "AWS/States",
                        metric, {"StateMachineArn": state_machine_arn}, 0, provider)

    def _alarm(self, name: str, description: str, namespace: str, metric: str, dimensions: dict[str, str],
               threshold: int, provider: AwsProvider | None) -> None:
        pin(CloudwatchMetricAlarm(
            self, name, alarm_name=f"{WORKLOAD}-{name}", alarm_description=description, namespace=namespace,
            metric_name=metric, dimensions=dimensions, statistic="Sum", period=PERIOD, evaluation_periods=1,
            threshold=threshold, comparison_operator="GreaterThanThreshold", treat_missing_data="notBreaching",
            alarm_actions=[self.topic_arn], ok_actions=[self.topic_arn], provider=provider),
            "cloudwatch_alarm", WORKLOAD, name)
