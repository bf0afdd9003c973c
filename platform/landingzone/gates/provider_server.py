"""One AWS provider process that every `terraform validate` of a gate run attaches to.

Terraform starts a provider process per provider configuration it validates, and the AWS provider builds
its whole schema at start-up: a baseline stack with four configurations paid ~0.4 s of CPU for each, more
than its resources cost. Started with `-debug`, the provider serves any number of Terraform processes, which
find it through TF_REATTACH_PROVIDERS (Terraform's documented way to use a provider it did not start).

It is the very binary of the offline mirror, and `terraform init` still runs without it, so version
constraints are checked as before; validation calls the same provider functions, only in one process.
Validation never configures a provider, so instances sharing the process share no state.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from landingzone.gates.terraform import provider_binary

STARTUP_SECONDS = 120.0  # under load, the 700 MB binary takes tens of seconds to page in and start
_REATTACH = re.compile(r"TF_REATTACH_PROVIDERS='(\{.*\})'")
# The provider logs every request at trace level in debug mode; nobody reads it, and it grows without bound.
_QUIET = {key: "OFF" for key in ("TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_MUX",
                                  "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_HELPER_SCHEMA")}


@contextmanager
def shared_provider(scratch: Path, mirror: Path | None = None) -> Iterator[dict[str, str]]:
    """Environment to add to `terraform validate` so it uses one running provider; empty if none would start.

    Without it validation is slower, never weaker, so a provider that fails to start costs time only.
    """
    binary = provider_binary(mirror)
    if binary is None:
        yield {}
        return
    log = scratch / "provider.log"
    # TMPDIR: the provider's socket goes into the scratch folder, which the gate removes afterwards.
    env = {**os.environ, **_QUIET, "TMPDIR": str(scratch)}
    with log.open("w") as out:
        process = subprocess.Popen([str(binary), "-debug"], stdout=out, stderr=subprocess.STDOUT, env=env,
                                   stdin=subprocess.DEVNULL)
    try:
        reattach = _wait_for_reattach(process, log)
        yield {"TF_REATTACH_PROVIDERS": reattach} if reattach else {}
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for_reattach(process: subprocess.Popen[bytes], log: Path) -> str | None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        match = _REATTACH.search(log.read_text(errors="replace"))
        if match:
            return match.group(1)
        time.sleep(0.1)
    return None
