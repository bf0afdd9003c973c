"""Summarise one Amazon Transcribe result with Bedrock and store the summary next to the user's recordings.

Called by a Step Functions task once Transcribe has written its JSON. Exceptions are left to propagate:
Step Functions matches on their class names to retry or fail the execution. Self-contained: zipped alone
as the function's code.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any

import boto3
from botocore.config import Config

LOG = logging.getLogger(__name__)
LOG.setLevel(logging.INFO)

METADATA_TAG = {"Key": "type", "Value": "metadata"}
DEFAULT_MAX_TRANSCRIPT_CHARS = 200_000
# Same alphabet as the STS session name the UID had to fit when the user signed in.
USER_ID = re.compile(r"\A[\w+=,.@-]{2,64}\Z", re.ASCII)
MEETING_ID = re.compile(r"\A[A-Za-z0-9._-]{1,128}\Z")

SUMMARY_PROMPT = (
    "Summarise the meeting transcript above for its attendees in at most 200 words: purpose, main points, "
    "outcomes. Plain text, no preamble."
)
EXTRACTION_PROMPT = (
    "From the meeting transcript above, return only this JSON, no prose: "
    '{"actions": [{"owner": "", "task": "", "due": ""}], "decisions": [{"decision": "", "rationale": ""}]}. '
    'Use "" for anything not stated and empty lists when there are none.'
)
ACTION_FIELDS = ("owner", "task", "due")
DECISION_FIELDS = ("decision", "rationale")

_clients: dict[str, Any] = {}


class RefusedInput(ValueError):
    """The event names a key outside the user's own prefix, or an unusable id."""


class InvalidExtraction(ValueError):
    """The extraction model's answer is not the JSON we asked for."""


class EmptyTranscript(ValueError):
    """Transcribe found no speech, so there is nothing to summarise."""


def _client(service: str) -> Any:
    # Created on first use, not at import, so tests can point AWS_ENDPOINT_URL somewhere first.
    if service not in _clients:
        # A long transcript can keep a model busy past botocore's 60 s default, yet a hung call must fail
        # early enough to be retried inside the function's 300 s timeout.
        config = Config(read_timeout=120, retries={"max_attempts": 3, "mode": "standard"})
        _clients[service] = boto3.client(service, config=config)
    return _clients[service]


def _env(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


def _max_chars() -> int:
    limit = int(os.environ.get("MAX_TRANSCRIPT_CHARS", DEFAULT_MAX_TRANSCRIPT_CHARS))
    if limit < 1:
        raise RuntimeError("MAX_TRANSCRIPT_CHARS must be positive")
    return limit


def _check_event(event: dict[str, Any]) -> tuple[str, str, str]:
    user, meeting_id, key = event.get("user"), event.get("meeting_id"), event.get("transcript_key")
    if not isinstance(user, str) or not USER_ID.match(user):
        raise RefusedInput("user is not a valid user id")
    if not isinstance(meeting_id, str) or not MEETING_ID.match(meeting_id) or ".." in meeting_id:
        raise RefusedInput("meeting_id is not a valid meeting id")
    if not isinstance(key, str) or not key.startswith(f"users/{user}/") or ".." in key:
        raise RefusedInput("transcript_key is outside the user's prefix")
    return user, meeting_id, key


def speaker_transcript(transcribe_output: dict[str, Any]) -> str:
    """One line per speaker turn (consecutive segments of one speaker merged), else the plain transcript."""
    results = transcribe_output.get("results") or {}
    turns: list[list[str]] = []
    for segment in results.get("audio_segments") or []:
        text = (segment.get("transcript") or "").strip()
        if not text:
            continue
        speaker = segment.get("speaker_label") or "unknown"
        if turns and turns[-1][0] == speaker:
            turns[-1].append(text)
        else:
            turns.append([speaker, text])
    if turns:
        return "\n".join(f"{turn[0]}: {' '.join(turn[1:])}" for turn in turns)
    transcripts = results.get("transcripts") or [{}]
    return (transcripts[0].get("transcript") or "").strip()


def _converse(model_id: str, prompt: str, max_tokens: int) -> dict[str, Any]:
    answer = _client("bedrock-runtime").converse(
        modelId=model_id,
        messages=[{"role": "user", "content": [{"text": prompt}]}],
        inferenceConfig={"maxTokens": max_tokens, "temperature": 0},
        guardrailConfig={"guardrailIdentifier": _env("GUARDRAIL_ID"), "guardrailVersion": _env("GUARDRAIL_VERSION")},
    )
    usage = answer.get("usage") or {}
    content = ((answer.get("output") or {}).get("message") or {}).get("content") or []
    return {
        "text": "".join(block.get("text", "") for block in content).strip(),
        "intervened": answer.get("stopReason") == "guardrail_intervened",
        "input_tokens": int(usage.get("inputTokens", 0)),
        "output_tokens": int(usage.get("outputTokens", 0)),
    }


def _items(data: dict[str, Any], key: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    items = data.get(key)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise InvalidExtraction(f"extraction JSON needs {key!r} as a list of objects")
    return [{field: "" if item.get(field) is None else str(item[field]) for field in fields} for item in items]


def parse_extraction(text: str) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Actions and decisions from the extraction model's answer; raises InvalidExtraction rather than guess."""
    body = text.strip()
    # Models wrap JSON in code fences or a sentence despite being asked not to; the outermost braces
    # hold the object either way.
    start, end = body.find("{"), body.rfind("}")
    if start > 0 and end > start:
        body = body[start : end + 1]
    try:
        data = json.loads(body)
    except ValueError as error:
        raise InvalidExtraction(f"extraction model did not return JSON: {error}") from None
    if not isinstance(data, dict):
        raise InvalidExtraction("extraction JSON is not an object")
    return _items(data, "actions", ACTION_FIELDS), _items(data, "decisions", DECISION_FIELDS)


def _read_transcript(bucket: str, key: str) -> tuple[str, bool]:
    raw = _client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
    text = speaker_transcript(json.loads(raw))
    if not text:
        raise EmptyTranscript(f"no speech in {key}")
    limit = _max_chars()
    return text[:limit], len(text) > limit


def _store(bucket: str, user: str, meeting_id: str, transcript_key: str, document: dict[str, Any]) -> str:
    s3 = _client("s3")
    summary_key = f"users/{user}/summaries/{meeting_id}.json"
    # The lifecycle rule moves objects tagged type=metadata to Standard-IA; a prefix rule cannot
    # say users/*/summaries/ because lifecycle prefixes take no wildcards.
    s3.put_object(
        Bucket=bucket,
        Key=summary_key,
        Body=json.dumps(document, ensure_ascii=False).encode("utf-8"),
        ContentType="application/json",
        Tagging=f"{METADATA_TAG['Key']}={METADATA_TAG['Value']}",
    )
    # Replaces the tag set: Transcribe writes its output untagged, so there is nothing to keep.
    s3.put_object_tagging(Bucket=bucket, Key=transcript_key, Tagging={"TagSet": [dict(METADATA_TAG)]})
    return summary_key


def _prompt(transcript: str, instruction: str) -> str:
    # Transcript first, instruction last: models follow the instruction nearest the end best.
    return f"<transcript>\n{transcript}\n</transcript>\n\n{instruction}"


def _summarise(transcript: str, models: dict[str, str]) -> dict[str, Any]:
    calls = {
        "summary": _converse(models["summary"], _prompt(transcript, SUMMARY_PROMPT), max_tokens=1024),
        "extraction": _converse(models["extraction"], _prompt(transcript, EXTRACTION_PROMPT), max_tokens=2048),
    }
    summary, extraction = calls["summary"], calls["extraction"]
    # When a guardrail intervenes the reply is its canned message, not a summary or JSON: record the fact.
    actions, decisions = ([], []) if extraction["intervened"] else parse_extraction(extraction["text"])
    counters = ("input_tokens", "output_tokens")
    usage: dict[str, Any] = {name: {k: call[k] for k in counters} for name, call in calls.items()}
    usage.update({k: sum(call[k] for call in calls.values()) for k in counters})
    return {
        "summary": None if summary["intervened"] else summary["text"],
        "actions": actions,
        "decisions": decisions,
        "guardrail_intervened": {name: call["intervened"] for name, call in calls.items()},
        "models": models,
        "usage": usage,
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    user, meeting_id, transcript_key = _check_event(event)
    bucket = _env("BUCKET")
    models = {"summary": _env("SUMMARY_MODEL_ID"), "extraction": _env("EXTRACTION_MODEL_ID")}
    transcript, truncated = _read_transcript(bucket, transcript_key)
    document = {
        "meeting_id": meeting_id,
        "transcript_key": transcript_key,
        "transcript_truncated": truncated,
        **_summarise(transcript, models),
    }
    summary_key = _store(bucket, user, meeting_id, transcript_key, document)
    intervened = any(document["guardrail_intervened"].values())
    LOG.info("summarised %s (guardrail intervened: %s)", summary_key, intervened)
    return {
        "summary_key": summary_key,
        "actions": len(document["actions"]),
        "decisions": len(document["decisions"]),
        "input_tokens": document["usage"]["input_tokens"],
        "output_tokens": document["usage"]["output_tokens"],
        "guardrail_intervened": intervened,
    }
