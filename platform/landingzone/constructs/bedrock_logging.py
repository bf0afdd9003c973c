"""Bedrock model-invocation logging of one account and region, into an encrypted log group of that account.

Bedrock delivers invocation logs only to CloudWatch Logs or S3 in its own account and region, so they cannot go
to the organization's log archive; the trail still records every call (who invoked which model, and when)."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.bedrock_model_invocation_logging_configuration import (
    BedrockModelInvocationLoggingConfiguration,
    BedrockModelInvocationLoggingConfigurationLoggingConfig,
    BedrockModelInvocationLoggingConfigurationLoggingConfigCloudwatchConfig,
)
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.part import Part
from landingzone.constructs.workload_role import WorkloadRole

SERVICE = "bedrock.amazonaws.com"


class BedrockInvocationLogging(Part):
    """With `with_text`, the log holds every prompt and response in full (for the meeting recorder: transcripts
    and summaries), readable by whoever may read the log group; without, only each call's metadata (model,
    caller, request ID, token counts). The setting is account-wide: one workload per account and region owns it.
    """

    def __init__(self, scope: Construct, id_: str, *, workload: str, account_id: str, region: str,
                 kms_key_arn: str, retention_days: int, with_text: bool, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        group = pin(CloudwatchLogGroup(self, "logs", name=f"/aws/bedrock/{workload}/invocations",
                                       retention_in_days=retention_days, kms_key_id=kms_key_arn, provider=provider),
                    "log_group", workload, "bedrock_invocations")
        trust = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": SERVICE}, "Action": "sts:AssumeRole", "Condition": {
                "StringEquals": {"aws:SourceAccount": account_id},
                "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{region}:{account_id}:*"}}}]}
        role = WorkloadRole(self, "role", workload=workload, name="bedrock-logging", account_id=account_id,
                            trust=trust, description="Bedrock writes the account's model-invocation logs.",
                            provider=provider, statements=[
                                {"Sid": "WriteInvocationLogs", "Effect": "Allow", "Resource": f"{group.arn}:*",
                                 "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]}])
        self.configuration = pin(BedrockModelInvocationLoggingConfiguration(
            self, "configuration", provider=provider, depends_on=[role.role],
            logging_config=BedrockModelInvocationLoggingConfigurationLoggingConfig(
                cloudwatch_config=BedrockModelInvocationLoggingConfigurationLoggingConfigCloudwatchConfig(
                    log_group_name=group.name, role_arn=role.arn),
                text_data_delivery_enabled=with_text, image_data_delivery_enabled=with_text,
                embedding_data_delivery_enabled=with_text, video_data_delivery_enabled=with_text)),
            "bedrock_invocation_logging", workload)
