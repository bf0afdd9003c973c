"""One local run at a time per project: `up` and `down` hold an exclusive lock on the workspace for as long as
they run. The kernel releases it when the process ends, however it ends, so a killed run never leaves it behind."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from landingzone.local.server import LocalAwsError

LOCK_FILE = "run.lock"


@contextmanager
def exclusive(workdir: Path, command: str) -> Iterator[None]:
    """Hold the workspace for `command`; fail at once, naming the holder, if another run holds it."""
    workdir.mkdir(parents=True, exist_ok=True)
    with (workdir / LOCK_FILE).open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise LocalAwsError(f"{holder} is using {workdir}; wait for it to finish (or stop it) and run "
                                f"`{command} --local` again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"landingzone {command} --local (pid {os.getpid()})\n")
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
