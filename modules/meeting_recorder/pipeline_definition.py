"""The processing state machine in Amazon States Language: transcode, transcribe, summarise, catalogue.

Plain data, so its behaviour (timeout, retries, the polling back-off) is tested without synthesizing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 3600  # the review: most runs finish within 30 minutes; two hours only hid stuck ones
FIRST_POLL_SECONDS = 15
MAX_POLL_SECONDS = 300  # Transcribe polling doubles from 15 s up to 5 minutes, instead of a fixed 30 s
LANGUAGE = "en-US"
MAX_SPEAKERS = 10


@dataclass(frozen=True)
class Targets:
    """ARNs and names the definition calls (Terraform references at synth time)."""

    job_queue: str
    job_definition: str
    summariser: str
    table: str
    key: str


def _retry(errors: list[str], attempts: int = 4, interval: int = 2, max_delay: int = 60) -> dict[str, Any]:
    return {"ErrorEquals": errors, "IntervalSeconds": interval, "MaxAttempts": attempts, "BackoffRate": 2.0,
            "MaxDelaySeconds": max_delay, "JitterStrategy": "FULL"}


TRANSIENT = ["ThrottlingException", "ServiceUnavailable", "InternalServerError", "States.Timeout"]
LAMBDA_TRANSIENT = ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException"]
FAILED = [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "RecordFailure"}]


def _key(user: str = "$.user", meeting: str = "$.meeting_id") -> dict[str, Any]:
    return {"pk": {"S.$": f"States.Format('USER#{{}}', {user})"},
            "sk": {"S.$": f"States.Format('MEETING#{{}}', {meeting})"}}


def _status(name: str, table: str, status: str, next_state: str | None,
            extra: dict[str, str] | None = None) -> dict[str, Any]:
    """Set the meeting item's status; `extra` maps more attributes to the paths (or intrinsics) of their values."""
    fields = {"updated_at": "$$.State.EnteredTime", **(extra or {})}
    update = "SET #status = :status, " + ", ".join(f"{attr} = :{attr}" for attr in fields)
    values: dict[str, Any] = {":status": {"S": status}, **{f":{attr}": {"S.$": path} for attr, path in fields.items()}}
    state: dict[str, Any] = {
        "Type": "Task", "Resource": "arn:aws:states:::dynamodb:updateItem", "ResultPath": None,
        "Parameters": {"TableName": table, "Key": _key(), "UpdateExpression": update,
                       "ExpressionAttributeNames": {"#status": "status"}, "ExpressionAttributeValues": values},
        "Retry": [_retry(["DynamoDB.ProvisionedThroughputExceededException", "DynamoDB.ThrottlingException",
                          "DynamoDB.InternalServerErrorException", *TRANSIENT])]}
    if next_state:
        state["Next"] = next_state
    else:
        state["End"] = True
    return {name: state}


def _polling() -> dict[str, Any]:
    return {
        "StartPolling": {"Type": "Pass", "Result": {"wait": FIRST_POLL_SECONDS}, "ResultPath": "$.poll",
                         "Next": "WaitForTranscript"},
        "WaitForTranscript": {"Type": "Wait", "SecondsPath": "$.poll.wait", "Next": "GetTranscription"},
        "GetTranscription": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:transcribe:getTranscriptionJob",
            "Parameters": {"TranscriptionJobName.$": "$.job_name"},
            "ResultSelector": {"status.$": "$.TranscriptionJob.TranscriptionJobStatus"}, "ResultPath": "$.job",
            "Retry": [_retry(["Transcribe.LimitExceededException", "Transcribe.InternalFailureException",
                              *TRANSIENT])], "Catch": FAILED, "Next": "TranscriptReady"},
        "TranscriptReady": {"Type": "Choice", "Default": "BackOff", "Choices": [
            {"Variable": "$.job.status", "StringEquals": "COMPLETED", "Next": "Summarise"},
            {"Variable": "$.job.status", "StringEquals": "FAILED", "Next": "TranscriptionFailed"}]},
        "TranscriptionFailed": {"Type": "Pass", "Result": {"Error": "TranscriptionFailed"}, "ResultPath": "$.error",
                                "Next": "RecordFailure"},
        "BackOff": {"Type": "Choice", "Default": "DoubleWait", "Choices": [
            {"Variable": "$.poll.wait", "NumericGreaterThan": MAX_POLL_SECONDS // 2, "Next": "LongestWait"}]},
        "DoubleWait": {"Type": "Pass", "Parameters": {"wait.$": "States.MathAdd($.poll.wait, $.poll.wait)"},
                       "ResultPath": "$.poll", "Next": "WaitForTranscript"},
        "LongestWait": {"Type": "Pass", "Result": {"wait": MAX_POLL_SECONDS}, "ResultPath": "$.poll",
                        "Next": "WaitForTranscript"},
    }


def definition(targets: Targets) -> dict[str, Any]:
    """Started by an upload's `manifest.json` landing in `users/<uid>/chunks/<meeting>/` (an EventBridge event)."""
    key_parts = "States.StringSplit($.detail.object.key, '/')"
    states: dict[str, Any] = {
        "ParseUpload": {"Type": "Pass", "Next": "RecordProcessing", "Parameters": {
            "bucket.$": "$.detail.bucket.name",
            "user.$": f"States.ArrayGetItem({key_parts}, 1)",
            "meeting_id.$": f"States.ArrayGetItem({key_parts}, 3)"}},
        **_status("RecordProcessing", targets.table, "PROCESSING", "NameJobs"),
        "NameJobs": {"Type": "Pass", "ResultPath": "$.names", "Next": "Transcode", "Parameters": {
            "job.$": "States.Format('{}-{}', $.user, $.meeting_id)"}},
        "Transcode": {
            "Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", "ResultPath": None,
            "Parameters": {"JobName": "transcode", "JobQueue": targets.job_queue,
                           "JobDefinition": targets.job_definition,
                           "ContainerOverrides": {"Environment": [
                               {"Name": "BUCKET", "Value.$": "$.bucket"},
                               {"Name": "USER_ID", "Value.$": "$.user"},
                               {"Name": "MEETING_ID", "Value.$": "$.meeting_id"}]}},
            "Retry": [_retry(["Batch.AWSBatchException", "Batch.ServerException", *TRANSIENT])],
            "Catch": FAILED, "Next": "StartTranscription"},
        "StartTranscription": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:transcribe:startTranscriptionJob",
            "Parameters": {
                "TranscriptionJobName.$": "$.names.job", "LanguageCode": LANGUAGE,
                "Media": {"MediaFileUri.$": "States.Format('s3://{}/users/{}/audio/{}.flac', $.bucket, $.user, "
                                            "$.meeting_id)"},
                "OutputBucketName.$": "$.bucket",
                "OutputKey.$": "States.Format('users/{}/transcripts/{}.json', $.user, $.meeting_id)",
                "OutputEncryptionKMSKeyId": targets.key,
                "Settings": {"ShowSpeakerLabels": True, "MaxSpeakerLabels": MAX_SPEAKERS}},
            "ResultSelector": {"name.$": "$.TranscriptionJob.TranscriptionJobName"}, "ResultPath": "$.transcription",
            "Retry": [_retry(["Transcribe.LimitExceededException", "Transcribe.InternalFailureException",
                              *TRANSIENT], attempts=6, interval=5, max_delay=300)],
            "Catch": FAILED, "Next": "KeepJobName"},
        "KeepJobName": {"Type": "Pass", "Parameters": {"job_name.$": "$.transcription.name", "user.$": "$.user",
                                                       "meeting_id.$": "$.meeting_id", "bucket.$": "$.bucket"},
                        "Next": "StartPolling"},
        **_polling(),
        "Summarise": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": targets.summariser, "Payload": {
                "user.$": "$.user", "meeting_id.$": "$.meeting_id",
                "transcript_key.$": "States.Format('users/{}/transcripts/{}.json', $.user, $.meeting_id)"}},
            "ResultSelector": {"summary_key.$": "$.Payload.summary_key"}, "ResultPath": "$.result",
            # A model's answer that is not the JSON asked for is worth one more ask; any other error of the handler's
            # own (a refused key, an empty transcript) is not.
            "Retry": [_retry([*LAMBDA_TRANSIENT, "ThrottlingException"], attempts=5, interval=5, max_delay=120),
                      _retry(["InvalidExtraction"], attempts=2, interval=10)],
            "Catch": FAILED, "Next": "RecordComplete"},
        **_status("RecordComplete", targets.table, "COMPLETE", None, {"summary_key": "$.result.summary_key"}),
        **_status("RecordFailure", targets.table, "FAILED", "Failed", {"failure": "States.JsonToString($.error)"}),
        "Failed": {"Type": "Fail", "Error": "MeetingProcessingFailed",
                   "Cause": "A step failed after its retries; the meeting's item records it."},
    }
    return {"Comment": "Meeting recorder: transcode, transcribe, summarise, catalogue.",
            "StartAt": "ParseUpload", "TimeoutSeconds": TIMEOUT_SECONDS, "States": states}

