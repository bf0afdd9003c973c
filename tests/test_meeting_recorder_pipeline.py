"""The meeting recorder's state machine as plain data: its shape (every transition lands on a state, every state is
reachable), its retries and failure path, and the Transcribe polling back-off, simulated state by state.

No synthesis: `definition()` is a pure function of the ARNs it calls."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from meeting_recorder.pipeline_definition import Targets, definition

TARGETS = Targets(job_queue="arn:test:job-queue", job_definition="arn:test:job-definition",
                  summariser="arn:test:summariser", table="test-table", key="arn:test:key")
STATUS_TASK = "arn:aws:states:::dynamodb:updateItem"
STATUS_TASKS = {"RecordProcessing", "RecordComplete", "RecordFailure"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return definition(TARGETS)


@pytest.fixture(scope="module")
def states(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return document["States"]


def tasks(states: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: state for name, state in states.items() if state["Type"] == "Task"}


def transitions(state: dict[str, Any]) -> Iterator[str]:
    """Every state name `state` can hand over to: Next, a Choice's branches and default, a Catch's target."""
    if "Next" in state:
        yield state["Next"]
    for choice in state.get("Choices", []):
        yield choice["Next"]
    if "Default" in state:
        yield state["Default"]
    for catcher in state.get("Catch", []):
        yield catcher["Next"]


# ---- a tiny interpreter for the polling loop's Pass, Wait, Choice and (stubbed) Task states ----

def read(data: dict[str, Any], path: str) -> Any:
    assert path.startswith("$."), path
    value: Any = data
    for part in path[2:].split("."):
        value = value[part]
    return value


def write(data: dict[str, Any], path: str, value: Any) -> None:
    assert path.startswith("$."), path
    *parents, last = path[2:].split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def evaluate(expression: str, data: dict[str, Any]) -> Any:
    """The intrinsics the polling loop uses; anything else is a path."""
    call = re.fullmatch(r"States\.MathAdd\((\$[\w.]+),\s*(\$[\w.]+)\)", expression)
    if call:
        return read(data, call.group(1)) + read(data, call.group(2))
    return read(data, expression)


def parameters(template: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    return {key.removesuffix(".$"): evaluate(value, data) if key.endswith(".$") else value
            for key, value in template.items()}


def matches(rule: dict[str, Any], data: dict[str, Any]) -> bool:
    value = read(data, rule["Variable"])
    if "StringEquals" in rule:
        return value == rule["StringEquals"]
    if "NumericGreaterThan" in rule:
        return value > rule["NumericGreaterThan"]
    raise AssertionError(f"the simulation does not know this rule: {rule}")


def poll(states: dict[str, dict[str, Any]], statuses: list[str], max_waits: int = 50) -> tuple[list[int], str]:
    """Run from StartPolling with GetTranscription answering `statuses` in turn (the last one repeats); returns the
    waits taken and the state the loop leaves to."""
    data: dict[str, Any] = {"job_name": "job", "user": "u", "meeting_id": "m", "bucket": "b"}
    waits: list[int] = []
    answers = iter(statuses)
    status = statuses[0]
    name = "StartPolling"
    while len(waits) < max_waits:
        state = states[name]
        kind = state["Type"]
        if kind == "Pass":
            result = parameters(state["Parameters"], data) if "Parameters" in state else state["Result"]
            write(data, state["ResultPath"], result)
        elif kind == "Wait":
            assert "Seconds" not in state, f"{name} waits a fixed time"
            waits.append(read(data, state["SecondsPath"]))
        elif kind == "Task":
            assert name == "GetTranscription", f"the polling loop reached the task {name}"
            status = next(answers, status)
            write(data, state["ResultPath"], {"status": status})
        elif kind == "Choice":
            name = next((rule["Next"] for rule in state["Choices"] if matches(rule, data)), state["Default"])
            if name not in {"BackOff", "DoubleWait", "LongestWait", "WaitForTranscript", "GetTranscription"}:
                return waits, name
            continue
        else:
            raise AssertionError(f"the polling loop reached {name} ({kind})")
        name = state["Next"]
    return waits, name


# ---- shape ----

def test_times_out_after_an_hour(document: dict[str, Any]) -> None:
    assert document["TimeoutSeconds"] == 3600


def test_every_transition_names_an_existing_state(document: dict[str, Any], states: dict[str, Any]) -> None:
    assert document["StartAt"] in states
    dangling = {(name, target) for name, state in states.items() for target in transitions(state)
                if target not in states}
    assert dangling == set()


def test_every_state_is_reachable_from_the_start(document: dict[str, Any], states: dict[str, Any]) -> None:
    seen, todo = set(), [document["StartAt"]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(transitions(states[name]))
    assert set(states) - seen == set()


def test_every_state_ends_or_moves_on(states: dict[str, Any]) -> None:
    stuck = [name for name, state in states.items()
             if state["Type"] not in {"Choice", "Fail", "Succeed"} and not state.get("End") and "Next" not in state]
    assert stuck == []


# ---- retries and failures ----

def test_every_task_retries_with_exponential_backoff_and_a_ceiling(states: dict[str, Any]) -> None:
    for name, task in tasks(states).items():
        assert task.get("Retry"), f"{name} has no Retry"
        for retrier in task["Retry"]:
            assert retrier["BackoffRate"] == 2, name
            assert isinstance(retrier.get("MaxDelaySeconds"), int) and retrier["MaxDelaySeconds"] > 0, name
            assert retrier["MaxAttempts"] >= 1 and retrier["IntervalSeconds"] >= 1, name


def test_status_tasks_are_the_catalogue_updates(states: dict[str, Any]) -> None:
    assert {name for name, task in tasks(states).items() if task["Resource"] == STATUS_TASK} == STATUS_TASKS


def test_every_task_catches_into_record_failure_except_the_status_tasks(states: dict[str, Any]) -> None:
    for name, task in tasks(states).items():
        if name in STATUS_TASKS:
            continue
        # The error goes beside the input, so RecordFailure still finds the user and meeting it updates.
        assert task.get("Catch") == [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                                      "Next": "RecordFailure"}], name


def test_record_failure_records_the_error_then_fails(states: dict[str, Any]) -> None:
    record = states["RecordFailure"]
    values = record["Parameters"]["ExpressionAttributeValues"]
    assert values[":status"] == {"S": "FAILED"}
    assert values[":failure"] == {"S.$": "States.JsonToString($.error)"}
    assert states[record["Next"]]["Type"] == "Fail"


def test_a_completed_run_records_its_summary(states: dict[str, Any]) -> None:
    assert states["Summarise"]["Next"] == "RecordComplete"
    complete = states["RecordComplete"]
    assert complete.get("End") is True
    assert complete["Parameters"]["ExpressionAttributeValues"][":status"] == {"S": "COMPLETE"}


# ---- the transcript's status ----

def test_a_completed_transcript_goes_to_summarise(states: dict[str, Any]) -> None:
    [completed] = [c for c in states["TranscriptReady"]["Choices"] if c.get("StringEquals") == "COMPLETED"]
    assert completed["Variable"] == "$.job.status" and completed["Next"] == "Summarise"


def test_a_failed_transcript_goes_to_the_failure_path(states: dict[str, Any]) -> None:
    [failed] = [c for c in states["TranscriptReady"]["Choices"] if c.get("StringEquals") == "FAILED"]
    assert failed["Variable"] == "$.job.status"
    name = failed["Next"]
    while states[name]["Type"] == "Pass":
        assert "ResultPath" in states[name] and states[name]["ResultPath"] != "$", "the Pass drops the input"
        name = states[name]["Next"]
    assert name == "RecordFailure"


def test_transcribe_results_are_read_where_the_choice_looks(states: dict[str, Any]) -> None:
    get = states["GetTranscription"]
    assert get["ResultSelector"] == {"status.$": "$.TranscriptionJob.TranscriptionJobStatus"}
    assert get["ResultPath"] == "$.job"


# ---- polling back-off ----

def test_polling_waits_are_read_from_the_state_not_fixed(states: dict[str, Any]) -> None:
    waits = {name: state for name, state in states.items() if state["Type"] == "Wait"}
    assert waits, "no Wait state"
    for name, state in waits.items():
        assert "SecondsPath" in state and "Seconds" not in state, name


def test_polling_backs_off_exponentially_up_to_five_minutes(states: dict[str, Any]) -> None:
    waits, left_to = poll(states, ["IN_PROGRESS"], max_waits=7)
    assert waits == [15, 30, 60, 120, 240, 300, 300]
    assert left_to == "GetTranscription"


def test_polling_never_waits_longer_than_five_minutes(states: dict[str, Any]) -> None:
    waits, _ = poll(states, ["QUEUED"], max_waits=40)
    assert len(waits) == 40 and max(waits) == 300 and waits[-30:] == [300] * 30


@pytest.mark.parametrize(("statuses", "waits", "then"), [
    (["COMPLETED"], [15], "Summarise"),
    (["IN_PROGRESS", "IN_PROGRESS", "COMPLETED"], [15, 30, 60], "Summarise"),
    (["IN_PROGRESS", "FAILED"], [15, 30], "TranscriptionFailed"),
])
def test_polling_stops_when_the_transcript_is_done(states: dict[str, Any], statuses: list[str], waits: list[int],
                                                  then: str) -> None:
    assert poll(states, statuses) == (waits, then)


# ---- what the tasks call ----

def test_start_transcription_labels_speakers(states: dict[str, Any]) -> None:
    settings = states["StartTranscription"]["Parameters"]["Settings"]
    assert settings["ShowSpeakerLabels"] is True
    assert 2 <= settings["MaxSpeakerLabels"] <= 30  # Transcribe's range


def test_transcripts_are_encrypted_with_the_workload_key(states: dict[str, Any]) -> None:
    assert states["StartTranscription"]["Parameters"]["OutputEncryptionKMSKeyId"] == TARGETS.key


def test_targets_reach_the_tasks_that_call_them(states: dict[str, Any]) -> None:
    transcode = states["Transcode"]
    assert transcode["Resource"] == "arn:aws:states:::batch:submitJob.sync"
    assert transcode["Parameters"]["JobQueue"] == TARGETS.job_queue
    assert transcode["Parameters"]["JobDefinition"] == TARGETS.job_definition
    assert states["Summarise"]["Parameters"]["FunctionName"] == TARGETS.summariser
    assert {states[name]["Parameters"]["TableName"] for name in STATUS_TASKS} == {TARGETS.table}
