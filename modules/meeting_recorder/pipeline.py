"""The state machine that runs the pipeline, the role it runs as, and the upload event that starts it."""

from __future__ import annotations

import json

from cdktf_cdktf_provider_aws.cloudwatch_event_rule import CloudwatchEventRule
from cdktf_cdktf_provider_aws.cloudwatch_event_target import CloudwatchEventTarget, CloudwatchEventTargetRetryPolicy
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.provider import AwsProvider
from cdktf_cdktf_provider_aws.sfn_state_machine import (
    SfnStateMachine,
    SfnStateMachineEncryptionConfiguration,
    SfnStateMachineLoggingConfiguration,
    SfnStateMachineTracingConfiguration,
)
from constructs import Construct

from landingzone.constructs.lambda_function import XRAY_WRITE
from landingzone.constructs.naming import pin
from landingzone.constructs.workload_role import WorkloadRole, service_trust
from meeting_recorder.key import s3_through_key
from meeting_recorder.names import AUDIO_FOLDER, CHUNKS, TRANSCRIPTS, WORKLOAD, user_folder
from meeting_recorder.pipeline_definition import Targets, definition

NAME = f"{WORKLOAD}-pipeline"
MANIFEST = "manifest.json"
# Step Functions delivers its logs through CloudWatch Logs' vended-log API, whose calls accept only `*` as
# resource (the review's advice to name the log group there would make logging fail to switch on).
LOG_DELIVERY = ["logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups"]
# `.sync` Batch jobs are followed through a managed EventBridge rule of this name.
BATCH_SYNC_RULE = "StepFunctionsGetEventsForBatchJobsRule"


class Pipeline(Construct):
    def __init__(self, scope: Construct, id_: str, *, targets: Targets, account_id: str, region: str,
                 bucket_name: str, bucket_arn: str, table_arn: str, retention_days: int,
                 provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        logs = pin(CloudwatchLogGroup(self, "logs", name=f"/aws/vendedlogs/states/{NAME}",
                                      retention_in_days=retention_days, kms_key_id=targets.key, provider=provider),
                   "log_group", WORKLOAD, "pipeline")
        arn = f"arn:aws:states:{region}:{account_id}:stateMachine:{NAME}"
        role = WorkloadRole(self, "role", workload=WORKLOAD, name="pipeline", account_id=account_id,
                            trust=_states_trust(account_id, arn), provider=provider,
                            description="Runs the pipeline: Batch, Transcribe, the summariser, the table.",
                            statements=_statements(targets, account_id, region, bucket_arn, table_arn))
        self.state_machine = pin(SfnStateMachine(
            self, "state-machine", name=NAME, type="STANDARD", role_arn=role.arn,
            definition=json.dumps(definition(targets), sort_keys=True),
            logging_configuration=SfnStateMachineLoggingConfiguration(
                log_destination=f"{logs.arn}:*", level="ERROR", include_execution_data=False),
            tracing_configuration=SfnStateMachineTracingConfiguration(enabled=True),
            encryption_configuration=SfnStateMachineEncryptionConfiguration(
                type="CUSTOMER_MANAGED_KMS_KEY", kms_key_id=targets.key, kms_data_key_reuse_period_seconds=300),
            provider=provider), "sfn_state_machine", WORKLOAD)
        self.arn = self.state_machine.arn
        self.name = NAME
        rule = pin(CloudwatchEventRule(self, "upload-complete", name=f"{WORKLOAD}-upload-complete",
                                       description="A meeting's upload is complete: its manifest landed.",
                                       event_pattern=json.dumps(upload_complete_pattern(bucket_name)),
                                       provider=provider), "event_rule", WORKLOAD, "upload_complete")
        starter = WorkloadRole(self, "starter-role", workload=WORKLOAD, name="pipeline-starter",
                               account_id=account_id, trust=service_trust("events.amazonaws.com", account_id),
                               description="Lets the upload event start the pipeline.", provider=provider,
                               statements=[{"Sid": "StartPipeline", "Effect": "Allow",
                                            "Action": "states:StartExecution", "Resource": self.arn},
                                           # Starting an execution of a state machine under a customer key
                                           # encrypts its input with that key, as the caller.
                                           {"Sid": "EncryptExecutionInput", "Effect": "Allow",
                                            "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": targets.key,
                                            "Condition": {"StringEquals": {
                                                "kms:EncryptionContext:aws:states:stateMachineArn": arn}}}])
        pin(CloudwatchEventTarget(self, "start", rule=rule.name, arn=self.arn, role_arn=starter.arn,
                                  retry_policy=CloudwatchEventTargetRetryPolicy(maximum_event_age_in_seconds=3600,
                                                                                maximum_retry_attempts=20),
                                  provider=provider), "event_target", WORKLOAD, "upload_complete")


def upload_complete_pattern(bucket: str) -> dict[str, object]:
    return {"source": ["aws.s3"], "detail-type": ["Object Created"], "detail": {
        "bucket": {"name": [bucket]}, "object": {"key": [{"wildcard": f"users/*/{CHUNKS}/*/{MANIFEST}"}]}}}


def _states_trust(account_id: str, arn: str) -> dict[str, object]:
    trust = service_trust("states.amazonaws.com", account_id)
    trust["Statement"][0]["Condition"]["ArnLike"] = {"aws:SourceArn": arn}  # type: ignore[index]
    return trust


def _statements(targets: Targets, account_id: str, region: str, bucket_arn: str,
                table_arn: str) -> list[dict[str, object]]:
    prefix = f"arn:aws:%s:{region}:{account_id}:%s"
    return [
        {"Sid": "SubmitTranscodeJobs", "Effect": "Allow", "Action": "batch:SubmitJob",
         "Resource": [targets.job_queue, f"arn:aws:batch:{region}:{account_id}:job-definition/{WORKLOAD}-transcode*"]},
        {"Sid": "FollowAndStopTranscodeJobs", "Effect": "Allow", "Action": "batch:TerminateJob",
         "Resource": prefix % ("batch", "job/*")},
        # DescribeJobs has no resource-level permissions.
        {"Sid": "DescribeJobs", "Effect": "Allow", "Action": "batch:DescribeJobs", "Resource": "*"},
        {"Sid": "BatchSyncRule", "Effect": "Allow", "Action": ["events:PutTargets", "events:PutRule",
                                                             "events:DescribeRule"],
         "Resource": prefix % ("events", f"rule/{BATCH_SYNC_RULE}")},
        {"Sid": "Transcription", "Effect": "Allow",
         "Action": ["transcribe:StartTranscriptionJob", "transcribe:GetTranscriptionJob"],
         "Resource": prefix % ("transcribe", "transcription-job/*")},
        # Transcribe reads the audio and writes the transcript with the caller's permissions.
        {"Sid": "TranscribeReadsAudio", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": f"{bucket_arn}/{user_folder(AUDIO_FOLDER)}"},
        {"Sid": "TranscribeWritesTranscripts", "Effect": "Allow", "Action": "s3:PutObject",
         "Resource": f"{bucket_arn}/{user_folder(TRANSCRIPTS)}"},
        s3_through_key(targets.key, region),
        {"Sid": "TranscriptEncryption", "Effect": "Allow", "Resource": targets.key,
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]},
        {"Sid": "Summarise", "Effect": "Allow", "Action": "lambda:InvokeFunction",
         "Resource": [targets.summariser, f"{targets.summariser}:*"]},
        {"Sid": "Catalogue", "Effect": "Allow", "Action": "dynamodb:UpdateItem", "Resource": table_arn},
        {"Sid": "VendedLogDelivery", "Effect": "Allow", "Action": LOG_DELIVERY, "Resource": "*"},
        {"Sid": "Tracing", "Effect": "Allow", "Action": [*XRAY_WRITE, "xray:GetSamplingRules",
                                                         "xray:GetSamplingTargets"], "Resource": "*"},
    ]
