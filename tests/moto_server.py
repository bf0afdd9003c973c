"""A moto server on a loopback port, so tests talk to a local AWS over real HTTP instead of patching boto3."""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from moto.server import ThreadedMotoServer

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
# A developer's profile, session token or config file must never decide where a test's requests go.
_UNSET = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")


@contextmanager
def moto_server(host: str = "127.0.0.1") -> Iterator[str]:
    """Run moto in server mode on `host` and yield its endpoint URL, e.g. ``http://127.0.0.1:54321``."""
    # Port 0 lets the kernel pick a free port at bind time; probing for one first would race other workers.
    server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    try:
        bound_host, port = server.get_host_and_port()
        yield f"http://{bound_host}:{port}"
    finally:
        server.stop()


def reset_moto(endpoint: str) -> None:
    """Forget every resource the server holds (its backends are process-wide, so tests would otherwise leak)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", data=b"", method="POST")
    # An empty ProxyHandler: a proxy from the environment must not see, or intercept, loopback traffic.
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=10) as response:
        response.read()


def point_boto3_at(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """Fake credentials and a region in the environment, and every boto3 client aimed at `endpoint`."""
    for name in _UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    # botocore honours HTTP(S)_PROXY; keep loopback requests off any proxy the environment names.
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")


def moto_fixtures() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """Two fixtures for a test module: a session-wide server, and a per-test ``aws`` that resets it.

    Bind both at module level so pytest finds them::

        moto_endpoint, aws = moto_fixtures()

    ``aws`` is the endpoint URL, with the environment already pointing boto3 at an emptied server.
    """

    @pytest.fixture(scope="session", name="moto_endpoint")
    def endpoint_fixture() -> Iterator[str]:
        with moto_server() as endpoint:
            yield endpoint

    @pytest.fixture(name="aws")
    def aws_fixture(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
        reset_moto(moto_endpoint)
        point_boto3_at(monkeypatch, moto_endpoint)
        return moto_endpoint

    return endpoint_fixture, aws_fixture
