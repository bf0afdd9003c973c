"""FFmpeg on AWS Batch with Fargate Spot: interruptible capacity for an asynchronous job that retries, in the
account's private subnets with no public IP, its image from the workload's own ECR repository."""

from __future__ import annotations

import json
from collections.abc import Sequence

from cdktf_cdktf_provider_aws.batch_compute_environment import (
    BatchComputeEnvironment,
    BatchComputeEnvironmentComputeResources,
)
from cdktf_cdktf_provider_aws.batch_job_definition import (
    BatchJobDefinition,
    BatchJobDefinitionRetryStrategy,
    BatchJobDefinitionRetryStrategyEvaluateOnExit,
    BatchJobDefinitionTimeout,
)
from cdktf_cdktf_provider_aws.batch_job_queue import BatchJobQueue, BatchJobQueueComputeEnvironmentOrder
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from landingzone.constructs.naming import pin
from landingzone.constructs.workload_role import WorkloadRole, service_trust
from meeting_recorder.key import s3_through_key
from meeting_recorder.names import AUDIO_FOLDER, CHUNKS, VIDEOS, WORKLOAD, user_folder
from meeting_recorder.parameters import Transcoding

NAME = f"{WORKLOAD}-transcode"
# Within the state machine's hour, with room for a retry of a short meeting.
ATTEMPT_SECONDS = 2400
# ECR hands out registry tokens only for `*`.
ECR_TOKEN = "ecr:GetAuthorizationToken"
GUARDDUTY_AGENT = "aws-guardduty-agent-fargate"


def image_lifecycle(image_tag: str, kept: int) -> dict[str, object]:
    """The image the job definition names is never expired (an image matched by a rule is not looked at by the
    rules after it); untagged images go after a day, and all but the newest `kept` others go."""
    return {"rules": [
        {"rulePriority": 1, "description": "Keep the image the job definition runs",
         "selection": {"tagStatus": "tagged", "tagPatternList": [image_tag], "countType": "imageCountMoreThan",
                       "countNumber": 1}, "action": {"type": "expire"}},
        {"rulePriority": 2, "description": "Untagged images after a day",
         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days",
                       "countNumber": 1}, "action": {"type": "expire"}},
        {"rulePriority": 3, "description": f"All but the newest {kept} images",
         "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": kept},
         "action": {"type": "expire"}},
    ]}


class Transcoder(Construct):
    def __init__(self, scope: Construct, id_: str, *, settings: Transcoding, account_id: str, region: str,
                 bucket_arn: str, key_arn: str, subnet_ids: Sequence[str], security_group_id: str,
                 retention_days: int, provider: AwsProvider | None = None) -> None:
        super().__init__(scope, id_)
        self.repository = pin(EcrRepository(
            self, "repository", name=f"{WORKLOAD}/ffmpeg", image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=True),
            encryption_configuration=[EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=key_arn)],
            provider=provider), "ecr_repository", WORKLOAD, "ffmpeg")
        pin(EcrLifecyclePolicy(self, "lifecycle", repository=self.repository.name, provider=provider,
                               policy=json.dumps(image_lifecycle(settings.image_tag, settings.images_kept))),
            "ecr_lifecycle", WORKLOAD, "ffmpeg")
        logs = pin(CloudwatchLogGroup(self, "logs", name=f"/aws/batch/{NAME}", retention_in_days=retention_days,
                                      kms_key_id=key_arn, provider=provider), "log_group", WORKLOAD, "transcode")
        execution = WorkloadRole(self, "execution-role", workload=WORKLOAD, name="transcode-execution",
                                 account_id=account_id, trust=service_trust("ecs-tasks.amazonaws.com", account_id),
                                 description="Pulls the FFmpeg image and writes the job's logs.", provider=provider,
                                 statements=[
                                     {"Sid": "RegistryToken", "Effect": "Allow", "Action": ECR_TOKEN, "Resource": "*"},
                                     {"Sid": "PullFfmpegImage", "Effect": "Allow", "Resource": self.repository.arn,
                                      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                                 "ecr:BatchCheckLayerAvailability"]},
                                     {"Sid": "ImageLayersKey", "Effect": "Allow", "Action": "kms:Decrypt",
                                      "Resource": key_arn},
                                     # GuardDuty runtime monitoring adds its agent to each task, from its own
                                     # repository in an AWS account that differs per region.
                                     {"Sid": "PullGuardDutyAgent", "Effect": "Allow",
                                      "Resource": f"arn:aws:ecr:{region}:*:repository/{GUARDDUTY_AGENT}",
                                      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                                                 "ecr:BatchCheckLayerAvailability"]},
                                     {"Sid": "OwnLogGroup", "Effect": "Allow", "Resource": f"{logs.arn}:*",
                                      "Action": ["logs:CreateLogStream", "logs:PutLogEvents"]}])
        job = WorkloadRole(self, "job-role", workload=WORKLOAD, name="transcode", account_id=account_id,
                           trust=service_trust("ecs-tasks.amazonaws.com", account_id), provider=provider,
                           description="Reads a meeting's chunks; writes its video and extracted audio.", statements=[
                               {"Sid": "ReadChunks", "Effect": "Allow", "Action": "s3:GetObject",
                                "Resource": f"{bucket_arn}/{user_folder(CHUNKS)}"},
                               {"Sid": "WriteVideoAndAudio", "Effect": "Allow",
                                "Action": ["s3:PutObject", "s3:PutObjectTagging"],
                                "Resource": [f"{bucket_arn}/{user_folder(VIDEOS)}",
                                             f"{bucket_arn}/{user_folder(AUDIO_FOLDER)}"]},
                               s3_through_key(key_arn, region)])
        environment = pin(BatchComputeEnvironment(
            self, "compute", compute_environment_name=NAME, type="MANAGED", provider=provider,
            compute_resources=BatchComputeEnvironmentComputeResources(
                type="FARGATE_SPOT", max_vcpus=settings.max_vcpus, subnets=list(subnet_ids),
                security_group_ids=[security_group_id])), "batch_compute_environment", WORKLOAD)
        self.queue = pin(BatchJobQueue(
            self, "queue", name=NAME, state="ENABLED", priority=1, provider=provider,
            compute_environment_order=[BatchJobQueueComputeEnvironmentOrder(
                order=1, compute_environment=environment.arn)]), "batch_job_queue", WORKLOAD)
        container = {
            "image": f"{self.repository.repository_url}:{settings.image_tag}",
            "resourceRequirements": [{"type": "VCPU", "value": f"{settings.vcpu:g}"},
                                     {"type": "MEMORY", "value": str(settings.memory_mib)}],
            "executionRoleArn": execution.arn, "jobRoleArn": job.arn,
            "networkConfiguration": {"assignPublicIp": "DISABLED"},
            "fargatePlatformConfiguration": {"platformVersion": "LATEST"},
            "ephemeralStorage": {"sizeInGiB": settings.ephemeral_storage_gib},
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": logs.name, "awslogs-region": region, "awslogs-stream-prefix": "ffmpeg"}},
        }
        # Spot reclaims and host failures are retried; a job that fails on its own input is not.
        self.job_definition = pin(BatchJobDefinition(
            self, "job", name=NAME, type="container", platform_capabilities=["FARGATE"], provider=provider,
            container_properties=json.dumps(container), propagate_tags=True,
            timeout=BatchJobDefinitionTimeout(attempt_duration_seconds=ATTEMPT_SECONDS),
            retry_strategy=BatchJobDefinitionRetryStrategy(attempts=3, evaluate_on_exit=[
                BatchJobDefinitionRetryStrategyEvaluateOnExit(on_status_reason="Your Spot Task was interrupted*",
                                                              action="RETRY"),
                BatchJobDefinitionRetryStrategyEvaluateOnExit(on_status_reason="Host EC2*", action="RETRY"),
                BatchJobDefinitionRetryStrategyEvaluateOnExit(on_reason="*", action="EXIT")])),
            "batch_job_definition", WORKLOAD)
        self.log_group_arn = logs.arn
