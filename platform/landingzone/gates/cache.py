"""The gate cache: a stack's raw gate results, reused while nothing that decides them has changed.

A result is stored under a content hash of everything it depends on: the stack's `cdk.tf.json` (and for
checkov its `sources.json`, which names the files findings point at) and the gate's fingerprint (the tool's
version and its whole Python environment or binary, the organisation's checks, the required tags, the
provider in the mirror, this package's own gate code). Change any of them and the key no longer matches, so
the stack is checked again: a stale entry is never read, it is only overwritten.

Results are stored before suppressions apply. Suppressions are applied on every run, to cached and fresh
findings alike, so an entry that expires or is removed shows its finding on the next run without re-running
checkov, and an edited suppression file costs nothing.

The file lives beside the output folder (`.cdktf.out.gate-cache.json` for `cdktf.out`), not in it: synth
replaces the output folder whole. It also records, per stack, the `cdk.tf.json` hash of the last run that
passed it, for `landingzone check --changed`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landingzone.gates.findings import Finding, GateReport
from landingzone.output import SOURCES_FILE

CACHE_FORMAT = 1
_LOCK = threading.Lock()


def cache_path(outdir: Path) -> Path:
    return outdir.parent / f".{outdir.name}.gate-cache.json"


def digest(*parts: bytes | str) -> str:
    """sha256 over the parts, each length-prefixed so that no two different lists hash alike."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def stack_json_digest(folder: Path) -> str:
    return digest((folder / "cdk.tf.json").read_bytes())


def stack_key(fingerprint: str, folder: Path, *, with_sources: bool) -> str:
    """The key of one gate's result on one stack."""
    parts: list[bytes | str] = [fingerprint, (folder / "cdk.tf.json").read_bytes()]
    if with_sources:
        sources = folder / SOURCES_FILE
        parts.append(sources.read_bytes() if sources.is_file() else b"")
    return digest(*parts)


def files_digest(folder: Path) -> str:
    """Every file under `folder` (names and contents), byte caches left out."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return digest(*(part for p in files for part in (p.relative_to(folder).as_posix(), p.read_bytes())))


@dataclass
class GateCache:
    """Entries by stack and gate; `gated` holds the `cdk.tf.json` digest of each stack's last passing run."""

    path: Path
    entries: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    gated: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> GateCache:
        """The stored cache, or an empty one when there is none or it cannot be read (it is only a cache)."""
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return cls(path)
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            return cls(path)
        return cls(path, dict(data.get("entries", {})), dict(data.get("gated", {})))

    def get(self, stack: str, gate: str, key: str) -> GateReport | None:
        entry = self.entries.get(stack, {}).get(gate)
        if not entry or entry.get("key") != key:
            return None
        findings = tuple(Finding(item[0], stack, *item[1:]) for item in entry["findings"])
        return GateReport(findings, int(entry["checks_run"]))

    def put(self, stack: str, gate: str, key: str, report: GateReport) -> None:
        """Store a result (gates running at the same time each put their own)."""
        with _LOCK:
            self._put(stack, gate, key, report)

    def _put(self, stack: str, gate: str, key: str, report: GateReport) -> None:
        self.entries.setdefault(stack, {})[gate] = {
            "key": key, "checks_run": report.checks_run,
            "findings": [[f.gate, f.check_id, f.address, f.message, f.source] for f in report.findings]}

    def changed(self, folders: Mapping[str, Path]) -> list[str]:
        """Stacks whose `cdk.tf.json` differs from the one their last passing run saw (or that never passed)."""
        return [name for name, folder in folders.items() if self.gated.get(name) != stack_json_digest(folder)]

    def mark(self, folders: Mapping[str, Path], passed: Iterable[str], failed: Iterable[str]) -> None:
        for name in passed:
            self.gated[name] = stack_json_digest(folders[name])
        for name in failed:
            self.gated.pop(name, None)

    def save(self, existing: Iterable[str]) -> None:
        """Write atomically, keeping only stacks that still exist in the output."""
        keep = set(existing)
        data = {"format": CACHE_FORMAT,
                "entries": {k: v for k, v in sorted(self.entries.items()) if k in keep},
                "gated": {k: v for k, v in sorted(self.gated.items()) if k in keep}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=self.path.name, dir=self.path.parent)
        with os.fdopen(handle, "w") as out:
            json.dump(data, out, separators=(",", ":"))
        os.chmod(temporary, 0o644)  # mkstemp makes it private; like the output, it is not secret
        os.replace(temporary, self.path)
