"""The meeting recorder's Lambda handlers against a moto server on loopback.

moto answers S3 and STS over real HTTP. Two gaps are filled in-process, each where it is used:
moto 5.2.5 has no bedrock-runtime Converse, and its AssumeRoleWithWebIdentity neither checks the
token nor returns SubjectFromWebIdentityToken.
"""

from __future__ import annotations

import ast
import base64
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from moto_server import moto_fixtures

HANDLERS = Path(__file__).resolve().parents[1] / "modules" / "meeting_recorder" / "handlers"


def _load(name: str) -> ModuleType:
    # By file path, the way Lambda loads the zipped file: it proves each handler stands alone, and the
    # tests do not wait for the meeting_recorder package to be registered with the editable install.
    spec = importlib.util.spec_from_file_location(f"lambda_{name}", HANDLERS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


auth_exchange = _load("auth_exchange")
summarise = _load("summarise")
moto_endpoint, aws = moto_fixtures()


def record_params(client: Any, operation: str) -> list[dict[str, Any]]:
    """Every request `client` builds for `operation`, as the parameters the handler passed."""
    seen: list[dict[str, Any]] = []
    service = client.meta.service_model.service_id.hyphenize()
    client.meta.events.register(
        f"before-parameter-build.{service}.{operation}", lambda params, **_: seen.append(dict(params))
    )
    return seen


@pytest.mark.parametrize("name", ["auth_exchange", "summarise"])
def test_handler_imports_only_what_the_lambda_runtime_has(name: str) -> None:
    tree = ast.parse((HANDLERS / f"{name}.py").read_text())
    nodes = list(ast.walk(tree))
    roots = {alias.name.split(".")[0] for node in nodes if isinstance(node, ast.Import) for alias in node.names}
    roots |= {node.module.split(".")[0] for node in nodes if isinstance(node, ast.ImportFrom) and node.module}
    foreign = {root for root in roots if root not in sys.stdlib_module_names} - {"__future__", "boto3", "botocore"}
    assert not foreign


# --- auth_exchange ---------------------------------------------------------------------------------------

PROJECT = "meeting-recorder-test"
ACCOUNT = "111122223333"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/meeting-recorder-app"
UID = "Xk3vQ9pLr2TbN8sWmY4cZa1dEf7g"  # the shape Firebase gives: 28 ASCII letters and digits


def b64url(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def make_token(header: dict[str, Any] | None = None, drop: tuple[str, ...] = (), **claims: Any) -> str:
    """An unsigned Firebase-shaped ID token; STS checks signatures, the handler only reads claims."""
    now = int(time.time())
    body = {
        "iss": f"https://securetoken.google.com/{PROJECT}",
        "aud": PROJECT,
        "auth_time": now - 10,
        "iat": now - 10,
        "exp": now + 3600,
        "sub": UID,
        "user_id": UID,
    }
    body.update(claims)
    for name in drop:
        body.pop(name)
    head = {"alg": "RS256", "kid": "test-key", "typ": "JWT"} | (header or {})
    return ".".join([b64url(json.dumps(head)), b64url(json.dumps(body)), b64url(b"not-a-real-signature")])


def request(body: Any, method: str = "POST", encode: bool = False) -> dict[str, Any]:
    text = body if isinstance(body, str) else json.dumps(body)
    return {
        "version": "2.0",
        "requestContext": {"http": {"method": method, "path": "/"}},
        "headers": {"content-type": "application/json"},
        "body": base64.b64encode(text.encode()).decode() if encode else text,
        "isBase64Encoded": encode,
    }


def call(event: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
    response = auth_exchange.handler(event, None)
    return response["statusCode"], json.loads(response["body"]), response["headers"]


@pytest.fixture
def sts(aws: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The handler's own STS client, created against the moto server."""
    monkeypatch.setenv("APP_ROLE_ARN", ROLE_ARN)
    monkeypatch.setenv("FIREBASE_PROJECT_ID", PROJECT)
    monkeypatch.delenv("SESSION_SECONDS", raising=False)
    monkeypatch.setattr(auth_exchange, "_sts_client", None)
    return auth_exchange._sts()


@pytest.fixture
def sts_requests(sts: Any) -> list[dict[str, Any]]:
    return record_params(sts, "AssumeRoleWithWebIdentity")


@pytest.fixture
def sts_subject(sts: Any, sts_requests: list[dict[str, Any]]) -> dict[str, str]:
    """Fills a moto gap: its AssumeRoleWithWebIdentity response has no SubjectFromWebIdentityToken.

    Real STS copies the verified token's `sub` claim there; so does this, unless a test sets
    ``["subject"]`` to play an STS that bound the session to someone else.
    """
    state: dict[str, str] = {}

    def add_subject(parsed: dict[str, Any], **_: Any) -> None:
        claims = sts_requests[-1]["WebIdentityToken"].split(".")[1]
        sub = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"]
        parsed["SubjectFromWebIdentityToken"] = state.get("subject", sub)

    sts.meta.events.register("after-call.sts.AssumeRoleWithWebIdentity", add_subject)
    return state


def caller_arn(body: dict[str, Any]) -> str:
    """Who moto says the issued credentials belong to."""
    session = boto3.client(
        "sts",
        aws_access_key_id=body["accessKeyId"],
        aws_secret_access_key=body["secretAccessKey"],
        aws_session_token=body["sessionToken"],
    )
    return session.get_caller_identity()["Arn"]


@pytest.mark.parametrize("encode", [False, True], ids=["plain", "base64"])
def test_exchange_issues_credentials_bound_to_the_firebase_uid(
    sts_requests: list[dict[str, Any]], sts_subject: dict[str, str], encode: bool
) -> None:
    token = make_token()
    status, body, headers = call(request({"token": token}, encode=encode))

    assert status == 200
    assert headers == {"content-type": "application/json", "cache-control": "no-store"}
    assert set(body) == {"accessKeyId", "secretAccessKey", "sessionToken", "expiration", "prefix"}
    assert body["prefix"] == f"users/{UID}/"
    assert sts_requests == [
        {"RoleArn": ROLE_ARN, "RoleSessionName": UID, "WebIdentityToken": token, "DurationSeconds": 3600}
    ]
    assert caller_arn(body) == f"arn:aws:sts::{ACCOUNT}:assumed-role/meeting-recorder-app/{UID}"
    expires_in = datetime.fromisoformat(body["expiration"]) - datetime.now(UTC)
    assert timedelta(minutes=58) < expires_in <= timedelta(hours=1)


def test_session_seconds_sets_the_credential_lifetime(
    monkeypatch: pytest.MonkeyPatch, sts_requests: list[dict[str, Any]], sts_subject: dict[str, str]
) -> None:
    monkeypatch.setenv("SESSION_SECONDS", "900")
    status, body, _ = call(request({"token": make_token()}))

    assert status == 200
    assert sts_requests[0]["DurationSeconds"] == 900
    expires_in = datetime.fromisoformat(body["expiration"]) - datetime.now(UTC)
    assert timedelta(minutes=13) < expires_in <= timedelta(minutes=15)


@pytest.mark.parametrize("seconds", ["899", "43201", "an hour"])
def test_session_seconds_out_of_range_is_a_server_error(
    monkeypatch: pytest.MonkeyPatch, sts_requests: list[dict[str, Any]], seconds: str
) -> None:
    monkeypatch.setenv("SESSION_SECONDS", seconds)
    status, body, headers = call(request({"token": make_token()}))
    assert (status, body) == (500, {"error": "server misconfigured"})
    assert headers["cache-control"] == "no-store"
    assert sts_requests == []


@pytest.mark.parametrize("method", ["GET", "PUT", "OPTIONS", "DELETE"])
def test_only_post_is_allowed(sts_requests: list[dict[str, Any]], method: str) -> None:
    status, body, headers = call(request({"token": make_token()}, method=method))
    assert status == 405
    assert "error" in body
    assert headers["content-type"] == "application/json"
    assert sts_requests == []


def test_extra_body_keys_are_named_and_sts_is_never_called(sts_requests: list[dict[str, Any]]) -> None:
    payload = {"token": make_token(), "session_name": "admin", "role_arn": "arn:aws:iam::1:role/x", "duration": 43200}
    status, body, _ = call(request(payload))

    assert status == 400
    assert body == {"error": "unexpected keys: duration, role_arn, session_name"}
    assert sts_requests == []


@pytest.mark.parametrize(
    "event",
    [
        request("not json"),
        request(["token"]),
        request("null"),
        request({}),
        request({"token": 42}),
        request({"token": ""}),
        {"requestContext": {"http": {"method": "POST"}}},
        {"requestContext": {"http": {"method": "POST"}}, "body": "%%%not base64", "isBase64Encoded": True},
    ],
    ids=["not-json", "array", "null", "no-token", "token-not-string", "empty-token", "no-body", "bad-base64"],
)
def test_bad_bodies_are_400(sts_requests: list[dict[str, Any]], event: dict[str, Any]) -> None:
    status, body, _ = call(event)
    assert status == 400
    assert "error" in body
    assert sts_requests == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_token(iss="https://securetoken.google.com/another-project"),
        lambda: make_token(iss="https://accounts.google.com"),
        lambda: make_token(aud="another-project"),
        lambda: make_token(aud=[PROJECT]),
        lambda: make_token(exp=int(time.time()) - 120),
        lambda: make_token(iat=int(time.time()) + 300),
        lambda: make_token(header={"alg": "none"}),
        lambda: make_token(header={"alg": "HS256"}),
        lambda: make_token(header={"alg": None}),
        lambda: make_token(drop=("sub",)),
        lambda: make_token(sub=""),
        lambda: make_token(sub=12345),
        lambda: make_token(drop=("exp",)),
        lambda: make_token(exp="tomorrow"),
        lambda: make_token(exp=True),
    ],
    ids=[
        "wrong-iss",
        "google-iss",
        "wrong-aud",
        "aud-list",
        "expired",
        "iat-in-future",
        "alg-none",
        "alg-hs256",
        "alg-null",
        "no-sub",
        "empty-sub",
        "sub-not-string",
        "no-exp",
        "exp-string",
        "exp-bool",
    ],
)
def test_claims_that_cannot_pass_are_refused_before_sts(sts_requests: list[dict[str, Any]],
                                                        make: Callable[[], str]) -> None:
    # Made when the test runs, not at collection: "expired" and "iat-in-future" are relative to now, and a
    # long test before this one would otherwise age them past their point.
    token = make()
    status, body, _ = call(request({"token": token}))
    assert status == 401
    assert token not in json.dumps(body)
    assert sts_requests == []


@pytest.mark.parametrize("times", ['"iat": 0, "exp": NaN', '"iat": 0, "exp": Infinity', '"iat": NaN, "exp": 9e9'])
def test_non_finite_times_are_refused(sts_requests: list[dict[str, Any]], times: str) -> None:
    # Python's JSON reader accepts NaN and Infinity, and NaN compares false against every bound.
    claims = f'{{"iss": "https://securetoken.google.com/{PROJECT}", "aud": "{PROJECT}", "sub": "{UID}", {times}}}'
    token = ".".join([b64url(json.dumps({"alg": "RS256"})), b64url(claims), b64url(b"sig")])
    assert call(request({"token": token}))[0] == 401
    assert sts_requests == []


def test_clock_skew_of_under_a_minute_is_tolerated(
    sts_requests: list[dict[str, Any]], sts_subject: dict[str, str]
) -> None:
    now = int(time.time())
    assert call(request({"token": make_token(exp=now - 30)}))[0] == 200
    assert call(request({"token": make_token(iat=now + 30)}))[0] == 200
    assert len(sts_requests) == 2


@pytest.mark.parametrize(
    "token",
    [
        "abc",
        "a.b",
        "a.b.c.d",
        "..",
        "!!!.???.sig",
        b64url("not json") + "." + b64url("{}") + ".sig",
        b64url("[1, 2]") + "." + b64url("{}") + ".sig",
        b64url(json.dumps({"alg": "RS256"})) + "." + b64url(b"\xff\xfe") + ".sig",
        "ünïcödé.tøkén.sig",
    ],
)
def test_malformed_tokens_are_401_not_a_traceback(sts_requests: list[dict[str, Any]], token: str) -> None:
    status, body, _ = call(request({"token": token}))
    assert (status, body) == (401, {"error": "malformed token"})
    assert sts_requests == []


@pytest.mark.parametrize(
    "uid",
    [
        "u" * 65,
        "a",
        "user/../admin",
        "two words",
        "üser-with-umlaut",
        "uid-with-newline\n",
        "semi;colon",
    ],
    ids=["too-long", "too-short", "slash", "space", "non-ascii", "trailing-newline", "semicolon"],
)
def test_uid_that_is_not_a_session_name_is_refused_not_rewritten(
    sts_requests: list[dict[str, Any]], uid: str
) -> None:
    status, body, _ = call(request({"token": make_token(sub=uid)}))
    assert status == 403
    assert "accessKeyId" not in body
    # Nothing reaches STS, so no shortened or cleaned-up session name can be minted for this user.
    assert sts_requests == []


def test_longest_valid_uid_is_used_whole(sts_requests: list[dict[str, Any]], sts_subject: dict[str, str]) -> None:
    uid = "user.name+tag=x,y@example-" + "9" * 38
    assert len(uid) == 64
    status, body, _ = call(request({"token": make_token(sub=uid)}))

    assert status == 200
    assert sts_requests[0]["RoleSessionName"] == uid
    assert body["prefix"] == f"users/{uid}/"
    assert caller_arn(body).endswith("/" + uid)


def test_sts_without_a_subject_gets_no_credentials_out(sts_requests: list[dict[str, Any]]) -> None:
    # moto as it is: the session is created, but nothing proves whose token it was for.
    status, body, headers = call(request({"token": make_token()}))
    assert len(sts_requests) == 1
    assert status == 403
    assert set(body) == {"error"}
    assert headers["cache-control"] == "no-store"


def test_sts_subject_other_than_the_uid_gets_no_credentials_out(
    sts_requests: list[dict[str, Any]], sts_subject: dict[str, str]
) -> None:
    sts_subject["subject"] = "someone-else"
    status, body, _ = call(request({"token": make_token()}))

    assert len(sts_requests) == 1
    assert status == 403
    assert set(body) == {"error"}


def test_assumed_role_arn_for_another_session_gets_no_credentials_out(sts: Any) -> None:
    # Stubbed: moto always names the session after RoleSessionName, so it cannot produce a mismatch.
    with Stubber(sts) as stub:
        stub.add_response(
            "assume_role_with_web_identity",
            {
                "Credentials": {
                    "AccessKeyId": "ASIAEXAMPLEEXAMPLE00",
                    "SecretAccessKey": "s" * 40,
                    "SessionToken": "session-token",
                    "Expiration": datetime.now(UTC) + timedelta(hours=1),
                },
                "AssumedRoleUser": {
                    "AssumedRoleId": "AROAEXAMPLE:admin",
                    "Arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/meeting-recorder-app/admin{UID}",
                },
                "SubjectFromWebIdentityToken": UID,
            },
        )
        status, body, _ = call(request({"token": make_token()}))
        stub.assert_no_pending_responses()
    assert status == 403
    assert "s" * 40 not in json.dumps(body)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("InvalidIdentityToken", 401),
        ("ExpiredTokenException", 401),
        ("IDPRejectedClaim", 401),
        ("AccessDenied", 403),
        ("IDPCommunicationError", 502),
        ("RegionDisabledException", 502),
    ],
)
def test_sts_errors_map_to_statuses_without_echoing(sts: Any, code: str, expected: int) -> None:
    # Stubbed: moto accepts any string as a web identity token, so it never returns these errors.
    token = make_token()
    aws_text = f"Couldn't verify {token}: signature by key test-key is invalid"
    with Stubber(sts) as stub:
        stub.add_client_error(
            "assume_role_with_web_identity", service_error_code=code, service_message=aws_text, http_status_code=400
        )
        status, body, _ = call(request({"token": token}))
        stub.assert_no_pending_responses()
    assert status == expected
    assert set(body) == {"error"}
    assert token not in body["error"]
    assert "signature" not in body["error"]


def test_unreachable_sts_is_502(sts: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Port 9 on loopback (discard) has nothing listening, so the connection is refused at once.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    monkeypatch.setattr(auth_exchange, "_sts_client", None)
    status, body, _ = call(request({"token": make_token()}))
    assert (status, body) == (502, {"error": "credential service error"})


def test_token_and_credentials_never_reach_the_logs(
    caplog: pytest.LogCaptureFixture, sts_subject: dict[str, str]
) -> None:
    caplog.set_level(logging.DEBUG)
    token = make_token()
    status, body, _ = call(request({"token": token}))
    assert status == 200

    # The moto server shares this process; what it logs about requests it received is not the handler's.
    ours = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("moto", "werkzeug")))
    assert UID in ours
    for secret in (token, body["secretAccessKey"], body["sessionToken"]):
        assert secret not in ours


def test_sts_client_is_created_once_per_container(sts: Any) -> None:
    assert auth_exchange._sts() is sts


# --- summarise -------------------------------------------------------------------------------------------

BUCKET = "meeting-recorder-test-recordings"
USER = "alice0uid0000000000000000001"
OTHER = "bob00uid0000000000000000002"
MEETING = "2024-06-03T10-00.standup"
TRANSCRIPT_KEY = f"users/{USER}/transcripts/{MEETING}.json"
SUMMARY_KEY = f"users/{USER}/summaries/{MEETING}.json"
SUMMARY_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
EXTRACTION_MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
GUARDRAIL = {"guardrailIdentifier": "gr-meeting-recorder", "guardrailVersion": "3"}


def segment(n: int, speaker: str, text: str) -> dict[str, Any]:
    return {
        "id": n,
        "transcript": text,
        "start_time": f"{n * 4}.0",
        "end_time": f"{n * 4 + 3}.5",
        "speaker_label": speaker,
        "items": [n],
    }


TRANSCRIBE_OUTPUT = {
    "jobName": f"{USER}-{MEETING}",
    "accountId": ACCOUNT,
    "status": "COMPLETED",
    "results": {
        "transcripts": [
            {
                "transcript": "Morning all. Launch date first. We ship on the fourteenth. "
                "Fine by me, I'll update the plan by Friday. Thanks."
            }
        ],
        "speaker_labels": {"channel_label": "ch_0", "speakers": 2, "segments": []},
        "items": [],
        "audio_segments": [
            segment(0, "spk_0", "Morning all."),
            segment(1, "spk_0", "Launch date first."),
            segment(2, "spk_1", "We ship on the fourteenth."),
            segment(3, "spk_1", "Fine by me, I'll update the plan by Friday."),
            segment(4, "spk_0", "Thanks."),
        ],
    },
}
SPEAKER_TRANSCRIPT = (
    "spk_0: Morning all. Launch date first.\n"
    "spk_1: We ship on the fourteenth. Fine by me, I'll update the plan by Friday.\n"
    "spk_0: Thanks."
)
EXTRACTION = {
    "actions": [{"owner": "spk_1", "task": "Update the launch plan", "due": "Friday"}],
    "decisions": [{"decision": "Ship on the fourteenth", "rationale": None}],
}


def converse_reply(text: str, stop: str = "end_turn", tokens: tuple[int, int] = (900, 120)) -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": tokens[0], "outputTokens": tokens[1], "totalTokens": sum(tokens)},
        "metrics": {"latencyMs": 420},
    }


def expect_converse(model: str) -> dict[str, Any]:
    return {"modelId": model, "messages": ANY, "inferenceConfig": ANY, "guardrailConfig": GUARDRAIL}


@pytest.fixture
def s3(aws: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A moto bucket holding this user's transcript and another user's."""
    for name, value in {
        "BUCKET": BUCKET,
        "SUMMARY_MODEL_ID": SUMMARY_MODEL,
        "EXTRACTION_MODEL_ID": EXTRACTION_MODEL,
        "GUARDRAIL_ID": GUARDRAIL["guardrailIdentifier"],
        "GUARDRAIL_VERSION": GUARDRAIL["guardrailVersion"],
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("MAX_TRANSCRIPT_CHARS", raising=False)
    monkeypatch.setattr(summarise, "_clients", {})
    client = boto3.client("s3")
    client.create_bucket(Bucket=BUCKET)
    for key in (TRANSCRIPT_KEY, f"users/{OTHER}/transcripts/{MEETING}.json"):
        client.put_object(Bucket=BUCKET, Key=key, Body=json.dumps(TRANSCRIBE_OUTPUT).encode())
    return client


@pytest.fixture
def bedrock(s3: Any) -> Any:
    """The handler's bedrock-runtime client, stubbed: moto 5.2.5 implements InvokeModel but not Converse."""
    with Stubber(summarise._client("bedrock-runtime")) as stub:
        yield stub


@pytest.fixture
def converse_requests(bedrock: Stubber) -> list[dict[str, Any]]:
    return record_params(summarise._client("bedrock-runtime"), "Converse")


def keys(s3: Any) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def tags(s3: Any, key: str) -> list[dict[str, str]]:
    return s3.get_object_tagging(Bucket=BUCKET, Key=key)["TagSet"]


def event(**overrides: str) -> dict[str, str]:
    return {"user": USER, "meeting_id": MEETING, "transcript_key": TRANSCRIPT_KEY} | overrides


def prompt_of(params: dict[str, Any]) -> str:
    return params["messages"][0]["content"][0]["text"]


def test_summarise_writes_a_tagged_summary_and_tags_the_transcript(
    s3: Any, bedrock: Stubber, converse_requests: list[dict[str, Any]]
) -> None:
    bedrock.add_response(
        "converse", converse_reply("The team set the launch date.", tokens=(900, 40)), expect_converse(SUMMARY_MODEL)
    )
    bedrock.add_response(
        "converse",
        converse_reply("```json\n" + json.dumps(EXTRACTION) + "\n```", tokens=(950, 60)),
        expect_converse(EXTRACTION_MODEL),
    )

    result = summarise.handler(event(), None)

    bedrock.assert_no_pending_responses()
    assert result == {
        "summary_key": SUMMARY_KEY,
        "actions": 1,
        "decisions": 1,
        "input_tokens": 1850,
        "output_tokens": 100,
        "guardrail_intervened": False,
    }
    for params in converse_requests:
        assert prompt_of(params).startswith(f"<transcript>\n{SPEAKER_TRANSCRIPT}\n</transcript>")
    assert "JSON" in prompt_of(converse_requests[1])

    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=SUMMARY_KEY)["Body"].read())
    assert stored["summary"] == "The team set the launch date."
    assert stored["actions"] == EXTRACTION["actions"]
    assert stored["decisions"] == [{"decision": "Ship on the fourteenth", "rationale": ""}]
    assert stored["models"] == {"summary": SUMMARY_MODEL, "extraction": EXTRACTION_MODEL}
    assert stored["usage"]["input_tokens"] == 1850 and stored["usage"]["output_tokens"] == 100
    assert stored["guardrail_intervened"] == {"summary": False, "extraction": False}
    assert stored["transcript_truncated"] is False
    assert tags(s3, SUMMARY_KEY) == [{"Key": "type", "Value": "metadata"}]
    assert tags(s3, TRANSCRIPT_KEY) == [{"Key": "type", "Value": "metadata"}]
    assert tags(s3, f"users/{OTHER}/transcripts/{MEETING}.json") == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"transcript_key": f"users/{OTHER}/transcripts/{MEETING}.json"},
        {"transcript_key": f"users/{USER}/../{OTHER}/transcripts/{MEETING}.json"},
        {"transcript_key": f"users/{USER}x/transcripts/{MEETING}.json"},
        {"transcript_key": f"{TRANSCRIPT_KEY[:-5]}/../../../{OTHER}/x.json"},
        {"user": OTHER},
        {"user": f"{USER}/../{OTHER}"},
        {"meeting_id": f"../../{OTHER}/summaries/x"},
        {"meeting_id": ".."},
        {"meeting_id": "a/b"},
        {"meeting_id": "m" * 129},
    ],
    ids=[
        "other-users-key",
        "dot-dot-in-key",
        "prefix-lookalike",
        "dot-dot-after-prefix",
        "other-user",
        "user-with-path",
        "meeting-id-path",
        "meeting-id-dot-dot",
        "meeting-id-slash",
        "meeting-id-too-long",
    ],
)
def test_summarise_refuses_keys_outside_the_users_prefix(
    s3: Any, bedrock: Stubber, overrides: dict[str, str]
) -> None:
    before = keys(s3)
    with pytest.raises(summarise.RefusedInput):
        summarise.handler(event(**overrides), None)
    assert issubclass(summarise.RefusedInput, ValueError)
    assert keys(s3) == before
    assert tags(s3, f"users/{OTHER}/transcripts/{MEETING}.json") == []


def test_invalid_extraction_json_fails_the_task_and_stores_nothing(s3: Any, bedrock: Stubber) -> None:
    bedrock.add_response("converse", converse_reply("A summary."), expect_converse(SUMMARY_MODEL))
    bedrock.add_response(
        "converse", converse_reply("Actions: Bob updates the plan."), expect_converse(EXTRACTION_MODEL)
    )
    with pytest.raises(summarise.InvalidExtraction):
        summarise.handler(event(), None)
    assert SUMMARY_KEY not in keys(s3)
    assert tags(s3, TRANSCRIPT_KEY) == []


def test_summary_blocked_by_the_guardrail_is_recorded_not_stored(s3: Any, bedrock: Stubber) -> None:
    blocked = "Sorry, the model cannot answer this question."
    bedrock.add_response(
        "converse", converse_reply(blocked, stop="guardrail_intervened"), expect_converse(SUMMARY_MODEL)
    )
    bedrock.add_response("converse", converse_reply(json.dumps(EXTRACTION)), expect_converse(EXTRACTION_MODEL))

    result = summarise.handler(event(), None)

    assert result["guardrail_intervened"] is True
    assert result["actions"] == 1
    raw = s3.get_object(Bucket=BUCKET, Key=SUMMARY_KEY)["Body"].read().decode()
    stored = json.loads(raw)
    assert stored["summary"] is None
    assert stored["guardrail_intervened"] == {"summary": True, "extraction": False}
    assert blocked not in raw


def test_extraction_blocked_by_the_guardrail_is_not_parsed_as_json(s3: Any, bedrock: Stubber) -> None:
    blocked = "Sorry, the model cannot answer this question."
    bedrock.add_response("converse", converse_reply("A summary."), expect_converse(SUMMARY_MODEL))
    bedrock.add_response(
        "converse", converse_reply(blocked, stop="guardrail_intervened"), expect_converse(EXTRACTION_MODEL)
    )

    result = summarise.handler(event(), None)

    assert (result["guardrail_intervened"], result["actions"], result["decisions"]) == (True, 0, 0)
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=SUMMARY_KEY)["Body"].read())
    assert stored["summary"] == "A summary."
    assert stored["guardrail_intervened"] == {"summary": False, "extraction": True}


def test_long_transcripts_are_truncated_before_bedrock(
    s3: Any, bedrock: Stubber, converse_requests: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAX_TRANSCRIPT_CHARS", "20")
    bedrock.add_response("converse", converse_reply("Short."), expect_converse(SUMMARY_MODEL))
    bedrock.add_response("converse", converse_reply(json.dumps(EXTRACTION)), expect_converse(EXTRACTION_MODEL))

    summarise.handler(event(), None)

    assert prompt_of(converse_requests[0]).startswith(f"<transcript>\n{SPEAKER_TRANSCRIPT[:20]}\n</transcript>")
    stored = json.loads(s3.get_object(Bucket=BUCKET, Key=SUMMARY_KEY)["Body"].read())
    assert stored["transcript_truncated"] is True


def test_transcript_without_speech_is_not_sent_to_bedrock(s3: Any, bedrock: Stubber) -> None:
    silent = {"results": {"transcripts": [{"transcript": ""}], "items": [], "audio_segments": []}}
    s3.put_object(Bucket=BUCKET, Key=TRANSCRIPT_KEY, Body=json.dumps(silent).encode())
    with pytest.raises(summarise.EmptyTranscript):
        summarise.handler(event(), None)
    assert SUMMARY_KEY not in keys(s3)


def test_speaker_transcript_falls_back_to_the_plain_transcript() -> None:
    plain = {"results": {"transcripts": [{"transcript": " Just one voice. "}], "items": []}}
    assert summarise.speaker_transcript(plain) == "Just one voice."
    assert summarise.speaker_transcript(TRANSCRIBE_OUTPUT) == SPEAKER_TRANSCRIPT


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(EXTRACTION),
        "```json\n" + json.dumps(EXTRACTION) + "\n```",
        "```\n" + json.dumps(EXTRACTION) + "\n```",
        "Here is the JSON you asked for:\n" + json.dumps(EXTRACTION, indent=2) + "\nLet me know.",
    ],
    ids=["bare", "json-fence", "plain-fence", "prose-around"],
)
def test_parse_extraction_accepts_what_models_actually_return(text: str) -> None:
    actions, decisions = summarise.parse_extraction(text)
    assert actions == [{"owner": "spk_1", "task": "Update the launch plan", "due": "Friday"}]
    assert decisions == [{"decision": "Ship on the fourteenth", "rationale": ""}]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "No actions were agreed.",
        "```json\n{\"actions\": [\n```",
        "[]",
        json.dumps({"actions": []}),
        json.dumps({"actions": "none", "decisions": []}),
        json.dumps({"actions": ["call Bob"], "decisions": []}),
    ],
    ids=["empty", "prose", "truncated", "array", "missing-decisions", "actions-string", "action-not-object"],
)
def test_parse_extraction_rejects_anything_else(text: str) -> None:
    with pytest.raises(summarise.InvalidExtraction):
        summarise.parse_extraction(text)
