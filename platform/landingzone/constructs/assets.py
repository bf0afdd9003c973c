"""Files a stack ships beside its `cdk.tf.json` (Lambda code bundles), collected while it is built and written by
synth into the stack's folder, so Terraform finds them relative to the stack wherever it runs."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Mapping

from cdktf import TerraformStack
from constructs import Construct

ASSETS_DIR = "assets"
_pending: dict[str, dict[str, bytes]] = {}
# A fixed timestamp and mode: the same code gives the same bytes, hence the same hash, and no diff to deploy.
_EPOCH = (1980, 1, 1, 0, 0, 0)


def add_asset(scope: Construct, name: str, data: bytes) -> str:
    """Register `data` as `assets/<name>` of the stack `scope` is in; returns the path Terraform reads it from."""
    stack = TerraformStack.of(scope).node.id
    _pending.setdefault(stack, {})[f"{ASSETS_DIR}/{name}"] = data
    return f"${{path.module}}/{ASSETS_DIR}/{name}"


def take_assets(stack: str) -> dict[str, bytes]:
    """The files registered for `stack` (relative path -> bytes), forgotten once taken."""
    return _pending.pop(stack, {})


def deterministic_zip(files: Mapping[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def base64_sha256(data: bytes) -> str:
    """The form Lambda's `source_code_hash` compares with."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()
