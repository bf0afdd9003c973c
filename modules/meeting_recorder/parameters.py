"""What an account's manifest may set for the meeting recorder: every difference between prod and non-prod."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, ValidationInfo, field_validator

from landingzone.config.types import Email, LogRetentionDays, Strict

# Fargate accepts only these memory sizes for each vCPU count.
FARGATE_MEMORY_MIB: dict[float, range] = {
    0.25: range(512, 2049, 512), 0.5: range(1024, 4097, 1024), 1: range(2048, 8193, 1024),
    2: range(4096, 16385, 1024), 4: range(8192, 30721, 1024),
}
# Bedrock model IDs (`anthropic.claude-haiku-4-5-20251001-v1:0`), optionally behind a cross-region inference
# profile's geography prefix (`us.`, `eu.`, `apac.`, `global.`).
MODEL_ID = r"^(?:(?:us|eu|apac|global)\.)?[a-z0-9-]+\.[a-z0-9.:-]+$"
IMAGE_TAG = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
CRON = r"^cron\(.+\)$"
PATTERN_HELP = {
    MODEL_ID: "a Bedrock model ID like anthropic.claude-haiku-4-5-20251001-v1:0, optionally behind an inference "
              "profile prefix (us., eu., apac., global.)",
    IMAGE_TAG: "a container image tag: letters, digits and _ . -, up to 128 characters",
    CRON: "an EventBridge cron expression like cron(0 2 * * ? *)",
}
ModelId = Annotated[str, StringConstraints(pattern=MODEL_ID)]


def _firebase_project(value: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", value):
        raise ValueError("is not a Firebase project ID (6-30 lowercase letters, digits and dashes, starting with a "
                         "letter)")
    return value


FirebaseProject = Annotated[str, AfterValidator(_firebase_project)]
ImageTag = Annotated[str, StringConstraints(pattern=IMAGE_TAG)]


class Models(Strict):
    """The review's split: a large model writes summaries, a small one extracts actions and decisions."""

    summary: ModelId = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    extraction: ModelId = "us.anthropic.claude-haiku-4-5-20251001-v1:0"


class Transcoding(Strict):
    """The FFmpeg job on AWS Batch (Fargate Spot): 1 vCPU and 2 GB suffice for concatenation and compression."""

    vcpu: Literal[0.25, 0.5, 1, 2, 4] = 1
    memory_mib: int = 2048
    max_vcpus: int = Field(default=16, ge=1, le=256, description="The compute environment's ceiling.")
    ephemeral_storage_gib: int = Field(default=50, ge=21, le=200, description="Scratch space for the video.")
    image_tag: ImageTag = Field(default="latest", description="Tag of the FFmpeg image in the workload's ECR "
                                "repository; tags are immutable, so pin a release.")

    @field_validator("memory_mib")
    @classmethod
    def _fargate_size(cls, memory: int, info: ValidationInfo) -> int:
        vcpu = info.data.get("vcpu")
        allowed = FARGATE_MEMORY_MIB.get(vcpu) if vcpu is not None else None
        if allowed is not None and memory not in allowed:
            raise ValueError(f"does not fit {vcpu:g} vCPU on Fargate (allowed: {allowed.start}-{allowed.stop - 1} "
                             f"in steps of {allowed.step})")
        return memory


class Backup(Strict):
    """The meetings table's AWS Backup: daily at 02:00 UTC, kept 30 days, unless the manifest says otherwise."""

    schedule: str = Field(default="cron(0 2 * * ? *)", pattern=CRON)
    retention_days: int = Field(default=30, ge=1, le=36500)


class Parameters(Strict):
    """`workloads: {meeting-recorder: {...}}` in an account manifest.

    ```yaml
    workloads:
      meeting-recorder:
        firebase_project_id: acme-recorder-prod
        alert_emails: [meeting-recorder-team@example.com]
        monthly_budget_usd: 800
        table_customer_key: true
    ```
    """

    firebase_project_id: FirebaseProject = Field(description="The Firebase project whose ID tokens sign users in.")
    alert_emails: tuple[Email, ...] = Field(min_length=1, max_length=10, description="Alarm, budget and cost "
                                            "anomaly notifications.")
    monthly_budget_usd: float = Field(gt=0, description="The workload's own monthly budget (by its Workload tag).")
    anomaly_threshold_usd: float = Field(default=50, gt=0, description="Smallest cost anomaly worth an email.")
    table_customer_key: bool = Field(default=False, description="Encrypt the meetings table with the workload's "
                                     "customer-managed key instead of the AWS-managed key.")
    data_class: Literal["public", "internal", "confidential", "restricted"] = "confidential"
    log_retention_days: LogRetentionDays = 30
    session_seconds: int = Field(default=3600, ge=900, le=43200, description="Lifetime of the app's credentials.")
    noncurrent_version_days: int = Field(default=30, ge=1, description="How long overwritten or deleted "
                                         "recordings stay recoverable.")
    models: Models = Field(default_factory=Models)
    transcoding: Transcoding = Field(default_factory=Transcoding)
    backup: Backup = Field(default_factory=Backup)
