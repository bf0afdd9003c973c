"""The meeting recorder: chunked uploads to S3, an FFmpeg/Transcribe/Bedrock pipeline, a DynamoDB catalogue and
a Firebase sign-in, built with its architecture review's recommendations applied.

Registered as the `meeting-recorder` entry point of `landingzone.workloads`; the stack builder is imported only
when a `meeting-recorder-<account>` stack is synthesized.
"""

from pydantic import BaseModel

from landingzone.config.organization import OrganizationConfig
from landingzone.config.workloads import Workload
from meeting_recorder.checks import check_meeting_recorder
from meeting_recorder.parameters import PATTERN_HELP, Parameters

# Every role the stack creates is `meeting-recorder-<name>` (WorkloadRole and LambdaFunction name them so).
ROLES = ("app", "auth-exchange", "pipeline", "pipeline-starter", "summarise", "transcode", "transcode-execution")


def role_names(parameters: BaseModel, organization: OrganizationConfig) -> tuple[str, ...]:
    """The IAM roles the stack creates; its own backup role only where no organization policy backs it up."""
    own_backup = ("backup",) if organization.backup_policy is None else ()
    return tuple(f"meeting-recorder-{name}" for name in (*ROLES, *own_backup))


WORKLOAD = Workload(
    name="meeting-recorder",
    parameters=Parameters,
    builder="meeting_recorder.stack:build_meeting_recorder_stack",
    check=check_meeting_recorder,
    reads=("network",),
    roles=role_names,
    pattern_help=PATTERN_HELP,
)
