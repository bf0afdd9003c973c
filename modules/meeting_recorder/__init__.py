"""The meeting recorder: chunked uploads to S3, an FFmpeg/Transcribe/Bedrock pipeline, a DynamoDB catalogue and
a Firebase sign-in, built with its architecture review's recommendations applied.

Registered as the `meeting-recorder` entry point of `landingzone.workloads`; the stack builder is imported only
when a `meeting-recorder-<account>` stack is synthesized.
"""

from landingzone.config.workloads import Workload
from meeting_recorder.checks import check_meeting_recorder
from meeting_recorder.names import data_buckets
from meeting_recorder.parameters import Parameters

WORKLOAD = Workload(
    name="meeting-recorder",
    parameters=Parameters,
    builder="meeting_recorder.stack:build_meeting_recorder_stack",
    check=check_meeting_recorder,
    reads=("network",),
    data_buckets=data_buckets,
)
