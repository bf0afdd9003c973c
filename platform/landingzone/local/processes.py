"""The Terraform processes a local run starts, so that an interrupt stops them the way Terraform wants.

Each child runs in a session of its own. A Ctrl-C at the terminal then reaches only us, and we pass exactly one
SIGINT to each child: Terraform stops gracefully on the first (finishes what is in flight, writes its state,
releases its lock) but exits at once on a second ("Two interrupts received"), which is what a terminal's SIGINT to
the whole process group followed by ours would have been.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from landingzone.gates.terraform import Terraform

# Long enough for Terraform to finish the calls in flight and write its state; a provider's own wait (a lifecycle
# configuration reading back for minutes) is cut short by the SIGTERM after it.
GRACE_SECONDS = 60.0
_KILL_AFTER = 10.0


class Interrupted(RuntimeError):
    """The run was interrupted: no new Terraform process starts."""


class Children:
    """Runs Terraform commands and can stop every one that is still running."""

    def __init__(self, terraform: Terraform) -> None:
        self.terraform = terraform
        self._running: set[subprocess.Popen[str]] = set()
        self._lock = threading.Lock()
        self._stopping = False

    @property
    def stopping(self) -> bool:
        return self._stopping

    def run(self, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        with self._lock:
            if self._stopping:
                raise Interrupted(f"interrupted before terraform {args[0]} in {workdir.name}")
            process = subprocess.Popen([self.terraform.binary, *args], cwd=workdir, env=self.terraform.env,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                       text=True, start_new_session=True)
            self._running.add(process)
        try:
            stdout, stderr = process.communicate()
        finally:
            with self._lock:
                self._running.discard(process)
        return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)

    def stop(self, grace: float = GRACE_SECONDS) -> int:
        """Interrupt every running child once, wait up to `grace` seconds for each to finish cleanly, then
        terminate and finally kill what is left. Returns how many children were running."""
        with self._lock:
            self._stopping = True
            children = list(self._running)
        for child in children:
            _signal(child, signal.SIGINT)
        deadline = time.monotonic() + grace
        for child in children:
            _wait(child, deadline - time.monotonic())
        for child in children:
            if child.poll() is None:
                _signal(child, signal.SIGTERM, group=True)
                if not _wait(child, _KILL_AFTER):
                    _signal(child, signal.SIGKILL, group=True)
                    child.wait()
        return len(children)


def _signal(child: subprocess.Popen[str], signum: int, *, group: bool = False) -> None:
    """SIGINT goes to Terraform alone (it stops its providers itself); SIGTERM and SIGKILL go to its whole
    session, so no provider plugin outlives it."""
    try:
        if group:
            os.killpg(child.pid, signum)
        else:
            child.send_signal(signum)
    except (ProcessLookupError, PermissionError):
        return


def _wait(child: subprocess.Popen[str], seconds: float) -> bool:
    try:
        child.wait(timeout=max(0.0, seconds))
    except subprocess.TimeoutExpired:
        return False
    return True


@contextmanager
def stop_on_interrupt(children: Children, grace: float = GRACE_SECONDS) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM stop `children` cleanly instead of raising in the middle of the run: no new
    stack starts, running ones get one SIGINT and `grace` seconds. A second signal cuts the grace short. Outside the
    main thread (where Python cannot take signals) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def handler(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        wait = grace if len(received) == 1 else 0.0
        threading.Thread(target=children.stop, args=(wait,), name="landingzone-stop", daemon=True).start()

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
