"""Every request the local AWS receives, one line each in `server.log`: when, which thread, the call, the
account moto answers as, the SDK's invocation ID and attempt (a retry repeats the ID with a higher attempt),
the status and how long it took. It is how a duplicated create is told apart from a server race.
"""

from __future__ import annotations

import io
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import parse_qs

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")
# Query-protocol bodies are small; never buffer an upload (S3 PutObject) to find an action it does not have.
_MAX_FORM_BODY = 1 << 20
FIELDS = ("time", "thread", "method", "path", "action", "account", "invocation", "attempt", "status", "ms", "replayed",
          "assumes")


@dataclass(frozen=True)
class Entry:
    """One logged request, parsed back from its line (tests and the soak script read the log this way)."""

    time: float
    thread: str
    method: str
    path: str
    action: str
    account: str
    invocation: str
    attempt: int
    status: int
    ms: float
    replayed: bool  # answered from the record of the completed attempt it retries (see server_app.py)
    assumes: str  # for AssumeRole: `<role ARN> as <session name>`, so the log shows who acted in which account

    @classmethod
    def parse(cls, line: str) -> Entry | None:
        parts = line.rstrip("\n").split("\t")
        if len(parts) != len(FIELDS) or parts[0] == "time":
            return None
        try:
            return cls(float(parts[0]), parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], int(parts[7]),
                       int(parts[8]), float(parts[9]), parts[10] == "1", parts[11])
        except ValueError:
            return None


def read_log(lines: Iterable[str]) -> Iterator[Entry]:
    for line in lines:
        if (entry := Entry.parse(line)) is not None:
            yield entry


class RequestLog:
    """WSGI middleware around moto's app that writes one tab-separated line per request."""

    def __init__(self, app: WsgiApp, stream: IO[str], account_of: Callable[[str], str]) -> None:
        self._app, self._stream, self._account_of = app, stream, account_of
        self._lock = threading.Lock()
        self._write("\t".join(FIELDS))

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        started = time.time()
        action, form = _action(environ)
        key = _access_key(environ)
        # Resolved before the call, as moto resolves it: the account the request is answered as.
        account = self._account_of(key) if key else "-"
        status: list[str] = []

        def recording(code: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            status.append(code.split(" ", 1)[0])
            return start_response(code, headers, exc_info)

        try:
            # Materialised here so the time includes producing the body, and the line is written exactly once.
            body = list(self._app(environ, recording))
        except BaseException:
            status.append("EXC")
            raise
        finally:
            self._log(environ, started, action, account, status, _assumes(action, form))
        return body

    def _log(self, environ: dict[str, Any], started: float, action: str, account: str, status: list[str],
             assumes: str) -> None:
        attempt = re.search(r"attempt=(\d+)", environ.get("HTTP_AMZ_SDK_REQUEST", ""))
        self._write("\t".join((
            f"{started:.3f}", threading.current_thread().name, environ.get("REQUEST_METHOD", ""),
            environ.get("PATH_INFO", "")[:120], action, account,
            environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "-"), attempt.group(1) if attempt else "0",
            status[0] if status and status[0].isdigit() else "0", f"{(time.time() - started) * 1000:.1f}",
            "1" if environ.get("landingzone.replayed") else "0", assumes or "-")))

    def _write(self, line: str) -> None:
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


def _access_key(environ: dict[str, Any]) -> str:
    match = _ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else ""


def _action(environ: dict[str, Any]) -> tuple[str, dict[str, list[str]]]:
    """The API action and the query-protocol form: the JSON protocol's target, the query protocol's Action (from
    the query string or the form body, which is read and put back), or '-' for REST calls, whose method and path
    say it."""
    if target := environ.get("HTTP_X_AMZ_TARGET"):
        return str(target).rpartition(".")[2], {}
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if query.get("Action"):
        return query["Action"][0], query
    if "x-www-form-urlencoded" not in environ.get("CONTENT_TYPE", ""):
        return "-", {}
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return "-", {}
    if not 0 < length <= _MAX_FORM_BODY:
        return "-", {}
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)
    form = parse_qs(body.decode("utf-8", errors="replace"))
    return (form["Action"][0] if form.get("Action") else "-"), form


def _assumes(action: str, form: dict[str, list[str]]) -> str:
    if action != "AssumeRole":
        return ""
    role, session = form.get("RoleArn", ["?"])[0], form.get("RoleSessionName", ["?"])[0]
    return f"{role} as {session}"
