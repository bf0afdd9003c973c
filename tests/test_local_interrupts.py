"""How interrupts escalate during a local run (local/processes.py), on real child processes that stand in for
Terraform: one that exits 0 when interrupted, as Terraform does after a graceful stop, and records each signal."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

from landingzone.gates.terraform import Terraform
from landingzone.local.processes import DRAINING, STOPPING, Children, Interrupted, stop_on_interrupt

_CHILD = """
import signal, sys, time
received = []
def note(signum, _frame):
    received.append(signum)
    open(sys.argv[1], "a").write(f"{signum}\\n")
    if len(received) >= int(sys.argv[2]):
        sys.exit(0)
signal.signal(signal.SIGINT, note)
signal.signal(signal.SIGTERM, note)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    time.sleep(0.02)
"""


def _children(tmp_path: Path) -> Children:
    script = tmp_path / "child.py"
    script.write_text(_CHILD)
    return Children(Terraform(sys.executable, dict(os.environ)))


def _start(children: Children, tmp_path: Path, signals_to_exit: int) -> tuple[threading.Thread, Path]:
    seen = tmp_path / "signals.txt"
    thread = threading.Thread(target=children.run, args=(tmp_path, str(tmp_path / "child.py"), str(seen),
                                                         str(signals_to_exit)))
    thread.start()
    deadline = time.monotonic() + 10
    while not children._running and time.monotonic() < deadline:  # noqa: SLF001 - the test waits for the start
        time.sleep(0.01)
    time.sleep(0.3)  # the child installs its handlers
    return thread, seen


def _signals(seen: Path, count: int, timeout: float = 20.0) -> list[str]:
    """The signals the child has recorded, once it has recorded `count` (a loaded machine runs it late)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if seen.is_file() and len(found := seen.read_text().split()) >= count:
            return found
        time.sleep(0.05)
    return seen.read_text().split() if seen.is_file() else []


def test_the_first_ctrl_c_drains_without_touching_terraform(tmp_path: Path) -> None:
    children, said = _children(tmp_path), []
    with stop_on_interrupt(children, say=said.append):
        thread, seen = _start(children, tmp_path, signals_to_exit=1)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)
        assert said == [DRAINING]
        assert children.interrupted and not children.stopping
        assert not seen.exists()  # the running Terraform got nothing and goes on
        children.run(tmp_path, "-c", "pass")  # a running stack's next command still runs
        children.stop(grace=5)
        thread.join(10)
    assert _signals(seen, 1) == [str(int(signal.SIGINT))]


def test_a_second_ctrl_c_interrupts_terraform_once_and_a_third_kills(tmp_path: Path) -> None:
    children, said = _children(tmp_path), []
    with stop_on_interrupt(children, grace=30, say=said.append):
        # Terraform exits at once on its second SIGINT ("Two interrupts received")
        thread, seen = _start(children, tmp_path, signals_to_exit=2)
        for _ in range(2):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.5)
        assert said == [DRAINING, STOPPING.format(grace=30)]
        assert children.stopping
        assert _signals(seen, 1) == [str(int(signal.SIGINT))]  # exactly one, not Terraform's "two"
        started = time.monotonic()
        os.kill(os.getpid(), signal.SIGINT)
        thread.join(20)
        assert not thread.is_alive() and time.monotonic() - started < 10  # not the 30 s grace
        # the second signal it took: its second SIGINT, or the SIGTERM right behind it when both arrive before the
        # child runs its handler (a pending SIGINT absorbs another)
        first, second = _signals(seen, 2)
        assert first == str(int(signal.SIGINT)) and second in (str(int(signal.SIGINT)), str(int(signal.SIGTERM)))
    try:
        children.run(tmp_path, "-c", "pass")
    except Interrupted:
        return
    raise AssertionError("a new Terraform process started after the run was stopped")


def test_sigterm_stops_at_once_without_draining(tmp_path: Path) -> None:
    children, said = _children(tmp_path), []
    with stop_on_interrupt(children, grace=30, say=said.append):
        thread, seen = _start(children, tmp_path, signals_to_exit=1)
        os.kill(os.getpid(), signal.SIGTERM)
        thread.join(10)
    assert said == [STOPPING.format(grace=30)] and children.stopping
    assert _signals(seen, 1) == [str(int(signal.SIGINT))]
