"""What, besides a stack's own files, decides a gate's verdict on it: one hash per gate for the gate cache.

Tool versions are read without starting the tools where that is exact (checkov from this environment's
package metadata, which also catches an upgrade of any library a check imports); Terraform is asked once.
The provider binary (700 MB) is identified by its path, size and modification time, not hashed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from landingzone.gates.cache import digest, files_digest
from landingzone.gates.checkov_gate import checkov_binary
from landingzone.gates.terraform import mirror_folder

GATE_CODE = Path(__file__).parent


def checkov_fingerprint(checks_dir: Path, required_tags: Sequence[str]) -> str:
    return digest("checkov", _checkov_version(), files_digest(checks_dir), json.dumps(list(required_tags)),
                  files_digest(GATE_CODE))


def terraform_fingerprint(mirror: Path | None = None) -> str:
    binary = shutil.which("terraform")
    if binary is None:
        return digest("terraform", "absent")
    version = subprocess.run([binary, "version", "-json"], capture_output=True, text=True, check=False).stdout
    return digest("terraform", _file_identity(Path(binary)), version, _mirror_identity(mirror_folder(mirror)),
                  files_digest(GATE_CODE))


def _checkov_version() -> str:
    binary = Path(checkov_binary())
    if binary.parent == Path(sys.executable).parent:
        packages = sorted(f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions())
        return "\n".join([sys.version, *packages])
    # checkov from another environment: only its own word on its version is available
    return subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=False).stdout


def _mirror_identity(mirror: Path) -> str:
    files = sorted(p for p in mirror.rglob("*") if p.is_file()) if mirror.is_dir() else []
    return "\n".join([str(mirror), *(_file_identity(p) for p in files)])


def _file_identity(path: Path) -> str:
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
