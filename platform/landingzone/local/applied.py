"""What each stack was last applied from, so a re-run applies only what is missing or changed.

A stack's fingerprint is the hash of what Terraform reads in its folder (its JSON, the inputs written beside it, its
assets) and of any values passed to it. It is written only after a successful apply, and the whole record goes with
the local state whenever that is forgotten (a fresh local AWS holds none of it), so a match means: this exact input
is already deployed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

RECORD = "applied.sha256"


def fingerprint(folder: Path, values: Mapping[str, str] | None = None) -> str:
    digest = hashlib.sha256()
    files = [folder / "cdk.tf.json", *sorted(folder.glob("*.auto.tfvars.json")),
             *sorted((folder / "assets").rglob("*"))]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(json.dumps(dict(values or {}), sort_keys=True).encode())
    return digest.hexdigest()


def already_applied(folder: Path, values: Mapping[str, str] | None = None) -> bool:
    record = folder / RECORD
    return record.is_file() and record.read_text().strip() == fingerprint(folder, values)


def record_applied(folder: Path, values: Mapping[str, str] | None = None) -> None:
    (folder / RECORD).write_text(fingerprint(folder, values) + "\n")


def forget_applied(folder: Path) -> None:
    (folder / RECORD).unlink(missing_ok=True)
