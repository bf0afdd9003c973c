"""Running the installed `landingzone` console script, as a user's shell does: its own process, its exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENTRY = Path(sys.executable).with_name("landingzone")


def landingzone(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 180,
                merge_output: bool = False) -> subprocess.CompletedProcess[str]:
    """`landingzone ARGS...` in a fresh process (not a terminal, so the plain output); fails when not installed.
    With `merge_output`, stderr goes into stdout as a terminal would show both."""
    if not ENTRY.is_file():
        pytest.fail(f"the console script {ENTRY} is missing; install the project (pip install -e .)", pytrace=False)
    environment = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1", **(env or {})}
    return subprocess.run([str(ENTRY), *args], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT if merge_output else subprocess.PIPE, text=True, cwd=cwd,
                          env=environment, timeout=timeout, check=False)
