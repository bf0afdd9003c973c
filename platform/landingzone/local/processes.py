"""The Terraform processes (and Spacelift hooks) a local run starts, so that an interrupt stops them without
losing anything.

Each child runs in a session of its own, so a Ctrl-C at the terminal reaches only us. Interrupts escalate:

1. The first Ctrl-C *drains*: no new stack starts and the running ones finish on their own. Terraform's own
   graceful stop is not graceful enough to be the default: on SIGINT it stops its providers, and the providers
   cancel every call in flight, so a create the AWS API had already carried out comes back as "context canceled"
   and is missing from the state. The next run then fails on "already exists" (the fault test reproduces it: 11
   roles created, 10 in the state).
2. A second Ctrl-C, or a SIGTERM (a supervisor that wants us gone soon), *stops*: each running Terraform gets
   exactly one SIGINT (a second would make it exit at once, lock held: "Two interrupts received"), GRACE_SECONDS
   to write its state and release its lock, then SIGTERM and SIGKILL to its session.
3. Anything after that kills what is left at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
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
        self._draining = False
        self._stopping = False

    @property
    def stopping(self) -> bool:
        """Running Terraform was interrupted: no new process starts."""
        return self._stopping

    @property
    def interrupted(self) -> bool:
        """No new stack starts (the run drains or stops)."""
        return self._draining or self._stopping

    def drain(self) -> None:
        """Start no new stack; whatever runs now finishes, with every Terraform command its stack still needs."""
        self._draining = True

    def run(self, workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """`terraform ARGS…` in `workdir`."""
        return self.command([self.terraform.binary, *args], workdir, self.terraform.env,
                            what=f"terraform {args[0]} in {workdir.name}")

    def command(self, argv: Sequence[str], workdir: Path, env: Mapping[str, str], *,
                what: str) -> subprocess.CompletedProcess[str]:
        """Any child of the run (a Spacelift hook, say), stopped with the Terraform ones."""
        with self._lock:
            if self._stopping:
                raise Interrupted(f"interrupted before {what}")
            process = subprocess.Popen(list(argv), cwd=workdir, env=dict(env),
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


DRAINING = ("interrupted: no new stack starts, and the running ones finish first, so nothing they create is "
            "left outside their state; Ctrl-C again stops them now (a create in flight at that moment may then "
            "exist in AWS without being in the state)")
STOPPING = ("stopping the running Terraform: each finishes the calls in flight, writes its state and releases its "
            "lock (up to {grace:.0f} s); Ctrl-C again kills them at once")


@contextmanager
def stop_on_interrupt(children: Children, grace: float = GRACE_SECONDS,
                      say: Callable[[str], None] = lambda _text: None) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM escalate as the module says instead of raising in the middle of the run,
    and `say` tells the user what happens and what another Ctrl-C would do. Outside the main thread (where Python
    cannot take signals) it does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def handler(signum: int, _frame: FrameType | None) -> None:
        received.append(signum)
        if received == [signal.SIGINT]:
            children.drain()
            say(DRAINING)
            return
        stops = len(received) - (received[0] == signal.SIGINT)
        if stops == 1:
            say(STOPPING.format(grace=grace))
        # Runs off the signal handler: stop() waits, and the main thread must keep collecting finished stacks.
        threading.Thread(target=children.stop, args=(grace if stops == 1 else 0.0,), name="landingzone-stop",
                         daemon=True).start()

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
