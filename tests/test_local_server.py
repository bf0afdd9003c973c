"""The local AWS server itself: every request logged, requests never racing inside moto, an SDK retry of a completed
call answered with its recorded answer instead of run twice, and stopping that escalates to SIGKILL."""

from __future__ import annotations

import io
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config

from landingzone.local import server
from landingzone.local.request_log import read_log
from landingzone.local.server_app import ReplayRetries

_NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"}, proxies={})


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[server.LocalAws, Path]]:
    workdir = tmp_path_factory.mktemp("server")
    started = server.start(workdir)
    yield started, workdir
    server.stop(workdir)


def _client(endpoint: str, service: str, **credentials: str) -> Any:
    keys = credentials or {"aws_access_key_id": "landingzone-local", "aws_secret_access_key": "landingzone-local"}
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", config=_NO_RETRIES, **keys)


def _create_role(endpoint: str, name: str, invocation: str, attempt: int) -> tuple[int, bytes]:
    """CreateRole as the SDK sends it, with its invocation ID and attempt number (a retry repeats the ID)."""
    body = (f"Action=CreateRole&RoleName={name}&Version=2010-05-08&AssumeRolePolicyDocument="
            "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D").encode()
    request = urllib.request.Request(f"{endpoint}/", data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "amz-sdk-invocation-id": invocation,
        "amz-sdk-request": f"attempt={attempt}; max=3",
        "Authorization": "AWS4-HMAC-SHA256 Credential=landingzone-local/20261201/us-east-1/iam/aws4_request, "
                         "SignedHeaders=host, Signature=0"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_a_retry_of_a_completed_create_gets_the_recorded_answer_and_creates_nothing(local) -> None:
    endpoint = local[0].endpoint
    first = _create_role(endpoint, "ReplayedRole", "invocation-1", attempt=1)
    retry = _create_role(endpoint, "ReplayedRole", "invocation-1", attempt=2)
    assert first[0] == 200 and retry == first
    roles = [r["RoleName"] for r in _client(endpoint, "iam").list_roles()["Roles"]]
    assert roles.count("ReplayedRole") == 1


def test_a_new_invocation_of_the_same_create_runs_and_fails_as_aws_would(local) -> None:
    endpoint = local[0].endpoint
    assert _create_role(endpoint, "TwiceRole", "invocation-a", attempt=1)[0] == 200
    status, body = _create_role(endpoint, "TwiceRole", "invocation-b", attempt=2)
    assert status == 409 and b"EntityAlreadyExists" in body


def test_every_request_is_logged_with_its_action_account_and_attempt(local) -> None:
    endpoint, workdir = local[0].endpoint, local[1]
    sts = _client(endpoint, "sts")
    credentials = sts.assume_role(RoleArn="arn:aws:iam::210987654321:role/LandingZoneDeployer",
                                  RoleSessionName="log-test")["Credentials"]
    member = _client(endpoint, "ssm", aws_access_key_id=credentials["AccessKeyId"],
                     aws_secret_access_key=credentials["SecretAccessKey"],
                     aws_session_token=credentials["SessionToken"])
    member.put_parameter(Name="/logged/one", Value="v", Type="String")
    _create_role(endpoint, "LoggedRole", "invocation-logged", attempt=1)
    _create_role(endpoint, "LoggedRole", "invocation-logged", attempt=2)
    entries = list(read_log((workdir / "server.log").read_text().splitlines()))
    put = next(e for e in entries if e.action == "PutParameter")
    assert (put.method, put.account, put.status, put.attempt, put.replayed) == ("POST", "210987654321", 200, 1, False)
    assert put.invocation != "-" and put.ms >= 0
    assumed = next(e for e in entries if e.action == "AssumeRole")
    assert assumed.account == server.MANAGEMENT_ACCOUNT_ID
    assert assumed.assumes == "arn:aws:iam::210987654321:role/LandingZoneDeployer as log-test"
    logged = [(e.attempt, e.status, e.replayed) for e in entries if e.invocation == "invocation-logged"]
    assert logged == [(1, 200, False), (2, 200, True)]


def test_parallel_writes_and_reads_never_race_inside_moto(local) -> None:
    """Unserialized, moto's DescribeParameters iterates the dict PutParameter inserts into and fails with HTTP 500
    ("dictionary changed size during iteration") a few times in a few hundred calls."""
    endpoint, workdir = local[0].endpoint, local[1]
    ssm = boto3.client("ssm", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="landingzone-local",
                       aws_secret_access_key="landingzone-local", config=_NO_RETRIES.merge(
                           Config(max_pool_connections=16)))

    def work(worker: int) -> int:
        errors = 0
        for index in range(50):
            name = f"/race/{worker}/{index}"
            try:
                ssm.put_parameter(Name=name, Value="v", Type="String")
                ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Option": "Equals", "Values": [name]}])
            except ssm.exceptions.ClientError:
                errors += 1
        return errors

    with ThreadPoolExecutor(max_workers=16) as pool:
        assert sum(pool.map(work, range(16))) == 0
    entries = list(read_log((workdir / "server.log").read_text().splitlines()))
    assert not [e for e in entries if e.status >= 500 or e.status == 0]


def _fake_app(status: str):  # noqa: ANN202 - a WSGI app
    calls = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(environ["REQUEST_METHOD"])
        start_response(status, [("Content-Type", "text/plain")])
        return [f"call {len(calls)}".encode()]

    return app, calls


def _environ(attempt: int, method: str = "POST", body: bytes = b"x=1") -> dict[str, Any]:
    return {"REQUEST_METHOD": method, "PATH_INFO": "/", "QUERY_STRING": "", "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body), "HTTP_AMZ_SDK_INVOCATION_ID": "inv",
            "HTTP_AMZ_SDK_REQUEST": f"attempt={attempt}; max=3"}


@pytest.mark.parametrize(("status", "replayed"), [("200 OK", True), ("409 Conflict", True),
                                                  ("500 Internal Server Error", False), ("503 Slow Down", False),
                                                  ("429 Too Many Requests", False)])
def test_only_calls_that_completed_are_replayed(status: str, replayed: bool) -> None:
    app, calls = _fake_app(status)
    replay = ReplayRetries(app)
    first = replay(_environ(1), lambda *_: None)
    again = replay(second := _environ(2), lambda *_: None)
    assert (again == first) is replayed
    assert len(calls) == (1 if replayed else 2)
    assert second.get("landingzone.replayed", False) is replayed


def test_a_retry_with_another_body_or_a_read_is_run_again() -> None:
    app, calls = _fake_app("200 OK")
    replay = ReplayRetries(app)
    replay(_environ(1), lambda *_: None)
    replay(_environ(2, body=b"x=2"), lambda *_: None)
    replay(_environ(1, method="GET"), lambda *_: None)
    replay(_environ(2, method="GET"), lambda *_: None)
    assert calls == ["POST", "POST", "GET", "GET"]


def test_stop_kills_a_server_that_ignores_sigterm(tmp_path: Path) -> None:
    stubborn = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, "
                                 "signal.SIG_IGN); print('ready', flush=True); time.sleep(120)",
                                 "landingzone.local.server"], stdout=subprocess.PIPE, text=True)
    assert stubborn.stdout is not None and stubborn.stdout.readline().strip() == "ready"
    (tmp_path / server.SERVER_FILE).write_text(f'{{"endpoint": "http://127.0.0.1:9", "pid": {stubborn.pid}}}\n')
    stopped = server.stop(tmp_path)
    assert stopped is not None and stopped.pid == stubborn.pid
    assert stubborn.wait(timeout=5) == -9
    assert not (tmp_path / server.SERVER_FILE).exists()


def test_a_recorded_pid_that_is_not_the_local_aws_is_never_signalled(tmp_path: Path) -> None:
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / server.SERVER_FILE).write_text(f'{{"endpoint": "", "pid": {bystander.pid}}}\n')
        assert server.stop(tmp_path) is None
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
