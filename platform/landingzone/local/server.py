"""The local AWS: moto in server mode on a loopback port, in a process of its own so it outlives `up` and
`down --local` finds the same accounts, and a record of it in the local work folder."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SERVER_FILE = "server.json"
LOOPBACK = "127.0.0.1"
# The account moto answers as for credentials that assumed no role: locally, the management account.
MANAGEMENT_ACCOUNT_ID = "123456789012"
_START_TIMEOUT = 60.0
_STOP_TIMEOUT = 10.0


class LocalAwsError(RuntimeError):
    """The local AWS could not be started, or the one on record is gone."""


@dataclass(frozen=True)
class LocalAws:
    endpoint: str  # empty while the server has not yet said which port it has
    pid: int

    def exists(self) -> bool:
        """The recorded process is still ours: alive and running the local AWS (a pid can be reused)."""
        try:
            cmdline = Path(f"/proc/{self.pid}/cmdline").read_bytes()
        except OSError:
            return False
        return _MODULE.encode() in cmdline

    def alive(self) -> bool:
        """The recorded process exists and accepts connections on its port (moto's own state dump is too slow
        to ask: seconds once a landing zone is deployed)."""
        if not self.endpoint or not self.exists():
            return False
        host, _, port = self.endpoint.removeprefix("http://").partition(":")
        try:
            socket.create_connection((host, int(port)), timeout=5).close()
        except OSError:
            return False
        return True


_MODULE = "landingzone.local.server"


def server_env() -> dict[str, str]:
    """The server's environment: AWS managed policies loaded (roles attach ReadOnlyAccess and the like, and
    moto leaves them out by default to start faster)."""
    return {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


def start(workdir: Path) -> LocalAws:
    """The running local AWS on record in `workdir`, or a new one started in the background and recorded.

    The record is written as soon as the process exists, before it has a port: whatever happens to this run, a
    server it started is never left without a record that `down --local` can find.
    """
    existing = running(workdir)
    if existing is not None:
        return existing
    stop(workdir)  # a recorded server that exists but does not answer is stopped, not left behind
    workdir.mkdir(parents=True, exist_ok=True)
    port_file = workdir / "server.port"
    port_file.unlink(missing_ok=True)
    log = (workdir / "server.log").open("ab")
    process = subprocess.Popen([sys.executable, "-m", _MODULE, str(port_file)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=server_env(), start_new_session=True)
    _record(workdir, LocalAws("", process.pid))
    deadline = time.monotonic() + _START_TIMEOUT
    while not port_file.is_file() or not port_file.read_text().strip():
        if process.poll() is not None:
            raise LocalAwsError(f"the local AWS exited with {process.returncode} at start; see {log.name}")
        if time.monotonic() > deadline:
            stop(workdir)
            raise LocalAwsError(f"the local AWS did not start within {_START_TIMEOUT:.0f} s; see {log.name}")
        time.sleep(0.1)
    server = LocalAws(f"http://{LOOPBACK}:{int(port_file.read_text())}", process.pid)
    _record(workdir, server)
    return server


def recorded(workdir: Path) -> LocalAws | None:
    """The local AWS on record in `workdir`, whether or not it still runs."""
    try:
        record = json.loads((workdir / SERVER_FILE).read_text())
        return LocalAws(str(record["endpoint"]), int(record["pid"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def running(workdir: Path) -> LocalAws | None:
    """The local AWS recorded in `workdir` if it still answers."""
    server = recorded(workdir)
    return server if server is not None and server.alive() else None


def stop(workdir: Path) -> LocalAws | None:
    """Stop the recorded local AWS: SIGTERM, then SIGKILL if it has not gone within a few seconds. Returns the
    server that was stopped, None when none was running; the record is removed either way."""
    server = recorded(workdir)
    if server is None or not server.exists():
        (workdir / SERVER_FILE).unlink(missing_ok=True)
        return None
    for signum, wait in ((signal.SIGTERM, _STOP_TIMEOUT), (signal.SIGKILL, _STOP_TIMEOUT)):
        try:
            os.kill(server.pid, signum)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while server.exists() and time.monotonic() < deadline:
            _reap(server.pid)
            time.sleep(0.05)
        if not server.exists():
            break
    if server.exists():
        raise LocalAwsError(f"the local AWS (pid {server.pid}) survived SIGKILL; it is still recorded in "
                            f"{workdir / SERVER_FILE}")
    (workdir / SERVER_FILE).unlink(missing_ok=True)
    return server


def _reap(pid: int) -> None:
    """Collect the server's exit status when this process started it, so it does not linger as a zombie."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return


def _record(workdir: Path, server: LocalAws) -> None:
    temporary = workdir / f"{SERVER_FILE}.tmp"
    temporary.write_text(json.dumps({"endpoint": server.endpoint, "pid": server.pid}) + "\n")
    temporary.replace(workdir / SERVER_FILE)


def _serve(port_file: Path) -> None:
    from waitress.server import create_server

    from landingzone.local.server_app import local_aws_app

    # waitress serves it; server_app.py says why requests are serialized and completed retries replayed. Threads
    # only read and queue requests: the app runs one at a time. Port 0: the kernel picks a free port at bind time,
    # so two runs never race for one.
    server = create_server(local_aws_app(sys.stdout), host=LOOPBACK, port=0, threads=32, channel_timeout=300,
                           connection_limit=1000)
    port_file.write_text(f"{server.effective_port}\n")
    signal.signal(signal.SIGTERM, lambda *_: server.close())
    try:
        server.run()
    except (OSError, ValueError):  # run() ends on the closed socket once SIGTERM closed it
        return


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run the local AWS until SIGTERM; write its port to PORT_FILE.")
    parser.add_argument("port_file", type=Path)
    _serve(parser.parse_args().port_file)
