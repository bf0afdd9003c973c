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
    endpoint: str
    pid: int

    def alive(self) -> bool:
        """The recorded process exists and accepts connections on its port (moto's own state dump is too slow
        to ask: seconds once a landing zone is deployed)."""
        try:
            os.kill(self.pid, 0)
            host, _, port = self.endpoint.removeprefix("http://").partition(":")
            socket.create_connection((host, int(port)), timeout=5).close()
        except OSError:
            return False
        return True


def server_env() -> dict[str, str]:
    """The server's environment: AWS managed policies loaded (roles attach ReadOnlyAccess and the like, and
    moto leaves them out by default to start faster)."""
    return {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


def start(workdir: Path) -> LocalAws:
    """The running local AWS on record in `workdir`, or a new one started in the background and recorded."""
    existing = running(workdir)
    if existing is not None:
        return existing
    workdir.mkdir(parents=True, exist_ok=True)
    port_file = workdir / "server.port"
    port_file.unlink(missing_ok=True)
    log = (workdir / "server.log").open("ab")
    process = subprocess.Popen([sys.executable, "-m", "landingzone.local.server", str(port_file)],
                               stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               env=server_env(), start_new_session=True)
    deadline = time.monotonic() + _START_TIMEOUT
    while not port_file.is_file() or not port_file.read_text().strip():
        if process.poll() is not None:
            raise LocalAwsError(f"the local AWS exited with {process.returncode} at start; see {log.name}")
        if time.monotonic() > deadline:
            process.kill()
            raise LocalAwsError(f"the local AWS did not start within {_START_TIMEOUT:.0f} s; see {log.name}")
        time.sleep(0.1)
    server = LocalAws(f"http://{LOOPBACK}:{int(port_file.read_text())}", process.pid)
    (workdir / SERVER_FILE).write_text(json.dumps({"endpoint": server.endpoint, "pid": server.pid}) + "\n")
    return server


def running(workdir: Path) -> LocalAws | None:
    """The local AWS recorded in `workdir` if it still answers."""
    try:
        record = json.loads((workdir / SERVER_FILE).read_text())
    except (OSError, json.JSONDecodeError):
        return None
    server = LocalAws(record["endpoint"], int(record["pid"]))
    return server if server.alive() else None


def stop(workdir: Path) -> bool:
    """Stop the recorded local AWS; False when none was running."""
    server = running(workdir)
    (workdir / SERVER_FILE).unlink(missing_ok=True)
    if server is None:
        return False
    try:
        os.kill(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + _STOP_TIMEOUT
    while server.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    return True


def _serve(port_file: Path) -> None:
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from waitress.server import create_server

    # waitress rather than moto's own werkzeug development server: under a dozen Terraform providers at once
    # the development server drops connections mid-response, and the provider's retry of a request that had
    # succeeded (a Route 53 record, say) then fails with "already exists". Enough threads that no request
    # waits in waitress's queue: with 16, queues of 14 came with the same duplicate creates (a subnet).
    # Port 0: the kernel picks a free port at bind time, so two runs never race for one.
    server = create_server(DomainDispatcherApplication(create_backend_app), host=LOOPBACK, port=0, threads=64,
                           channel_timeout=300, connection_limit=1000)
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
