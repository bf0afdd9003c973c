"""The local AWS's WSGI application: moto's, one request at a time, answering an SDK retry of a call it has
already completed with the answer it gave, and logging every request.

Why each layer is there (measured with the request log and a packet capture of `up --local`, see README):

- **One request at a time.** moto's backends are plain dicts, not built for concurrent requests: under parallel
  Terraform runs a describe iterating a dict while a create inserts into it failed with "dictionary changed size
  during iteration" (HTTP 500), and a failure after a create's effect would be retried into a duplicate. A single
  lock costs little: the providers' CPU, not the server, is what a local run waits for.
- **Retries of completed calls are answered, not re-run.** The AWS provider (aws-sdk-go-v2 1.36 over smithy-go)
  sometimes closes the connection right after a response's headers: smithy-go closes the request body as soon as
  `Do` returns, and when Go's write loop has not yet made its final read of that body, the closed body's `WriteTo`
  returns io.EOF, which net/http takes for a failed write and closes the connection. The SDK then reads the response
  body from a closed connection and retries ("use of closed network connection" is retryable by default since
  aws-sdk-go-v2 #2949) a call the server had completed, and the retried create fails: "EntityAlreadyExists",
  "InvalidChangeBatch ... already exists". Against real AWS the window is closed by network latency; a loopback
  server answering in two milliseconds to a CPU-starved provider lands in it about once per thousand calls. The
  SDK marks a retry with the same `amz-sdk-invocation-id` and a higher attempt number, so a retry of a call that
  completed is answered with the recorded response, exactly what an idempotent API gives. A call that failed with a
  server error or throttling is run again, as a retry should be.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from landingzone.local.request_log import RequestLog, WsgiApp

_REMEMBERED = 20_000  # completed calls kept for replay; a retry follows its attempt within seconds
_MAX_REPLAY_BODY = 1 << 20
_IDEMPOTENT = {"GET", "HEAD", "OPTIONS"}
_RETRYABLE_STATUS = {429, 500, 502, 503, 504}  # the SDK retries these; the call did not complete


class Serialized:
    """Calls the app under one lock and materialises its body inside it."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        with self._lock:
            return list(self._app(environ, start_response))


@dataclass(frozen=True)
class _Answer:
    request: str  # a digest of method, path, query and body: a retry sends the same call again
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class ReplayRetries:
    """Answers an SDK retry (same invocation ID, attempt > 1) of a completed, non-idempotent call with the
    recorded answer. Sets `environ["landingzone.replayed"]` when it does, for the request log."""

    def __init__(self, app: WsgiApp) -> None:
        self._app = app
        self._answers: OrderedDict[str, _Answer] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
        if not invocation or environ.get("REQUEST_METHOD", "GET") in _IDEMPOTENT:
            return self._app(environ, start_response)
        digest = _request_digest(environ)
        with self._lock:
            answer = self._answers.get(invocation)
        if answer is not None and answer.request == digest and _attempt(environ) > 1:
            environ["landingzone.replayed"] = True
            start_response(answer.status, list(answer.headers))
            return [answer.body]
        captured: list[tuple[str, list[tuple[str, str]]]] = []

        def capturing(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.append((status, headers))
            return start_response(status, headers, exc_info)

        body = list(self._app(environ, capturing))
        content = b"".join(body)
        if captured and _completed(captured[-1][0]) and len(content) <= _MAX_REPLAY_BODY:
            status, headers = captured[-1]
            with self._lock:
                self._answers[invocation] = _Answer(digest, status, tuple(headers), content)
                while len(self._answers) > _REMEMBERED:
                    self._answers.popitem(last=False)
        return body


def _completed(status: str) -> bool:
    code = status.split(" ", 1)[0]
    return code.isdigit() and int(code) not in _RETRYABLE_STATUS


def _attempt(environ: dict[str, Any]) -> int:
    for part in environ.get("HTTP_AMZ_SDK_REQUEST", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == "attempt" and value.isdigit():
            return int(value)
    return 1


def _request_digest(environ: dict[str, Any]) -> str:
    """Method, path, query and body: the body is read and put back for the app."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    digest = hashlib.sha256()
    for part in (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", "")):
        digest.update(part.encode("latin-1") + b"\0")
    digest.update(body)
    return digest.hexdigest()


def local_aws_app(log_stream: Any) -> WsgiApp:
    """moto's application, serialized, replaying completed retries, with every request logged to `log_stream`."""
    from moto.iam.models import get_account_id_from
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    moto = DomainDispatcherApplication(create_backend_app)
    return RequestLog(ReplayRetries(Serialized(moto)), log_stream, get_account_id_from)
