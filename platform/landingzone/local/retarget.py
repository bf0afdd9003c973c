"""Turn a synthesized stack into one that deploys to the local AWS: providers aimed at the loopback endpoint,
and the resources the emulator cannot hold left out, visibly, together with everything that needs them."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from landingzone.local.capabilities import POLICY_WORKAROUNDS, WORKAROUNDS, unsupported
from landingzone.local.endpoints import PROVIDER_ENDPOINTS

# moto accepts any key pair; these only have to be non-empty and never real.
LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY = "landingzone-local", "landingzone-local"
# An unimplemented call otherwise retries 25 times with backoff and hangs a stack for minutes; a few retries
# still ride out a loopback connection the local server closed under load.
LOCAL_MAX_RETRIES = 3

_ESCAPED = re.compile(r"\$\$\{[^}]*\}")
_NAME = r"[A-Za-z0-9_-]+"
_REFERENCE = re.compile(rf"\b(data\.[a-z0-9_]+\.{_NAME}|local\.{_NAME}|[a-z0-9]+_[a-z0-9_]+\.{_NAME})")


@dataclass(frozen=True, order=True)
class LeftOut:
    """A block of a stack that the local deployment does not create, and why."""

    stack: str
    address: str
    reason: str


def local_provider(provider: Mapping[str, Any], endpoint: str) -> dict[str, Any]:
    """`provider` with every service endpoint at `endpoint`, fake credentials, and no calls that need real AWS."""
    return {
        **provider,
        "access_key": LOCAL_ACCESS_KEY,
        "secret_key": LOCAL_SECRET_KEY,
        "endpoints": [{name: endpoint for name in PROVIDER_ENDPOINTS}],
        "max_retries": LOCAL_MAX_RETRIES,
        "s3_use_path_style": True,  # virtual-host buckets would need DNS for <bucket>.127.0.0.1
        "skip_credentials_validation": True,
        "skip_metadata_api_check": "true",
        "skip_region_validation": True,
        # The account ID is still requested (moto's GetCallerIdentity answers for each assumed account): without
        # it S3 Control's endpoint rules refuse account-level calls and budgets get the ID ":<name>".
    }


def local_backend(backend: Mapping[str, Any], endpoint: str) -> dict[str, Any]:
    """An S3 backend block (bucket, key, locking as synthesized) that reaches its bucket on the local AWS."""
    return {
        **backend,
        "endpoints": {"s3": endpoint, "dynamodb": endpoint, "sts": endpoint, "iam": endpoint},
        "use_path_style": True,
        "access_key": LOCAL_ACCESS_KEY,
        "secret_key": LOCAL_SECRET_KEY,
        "skip_credentials_validation": True,
        "skip_requesting_account_id": True,
        "skip_metadata_api_check": True,
        "skip_region_validation": True,
    }


def retarget(stack: str, doc: Mapping[str, Any], endpoint: str, ids: Mapping[str, str] | None = None
             ) -> tuple[dict[str, Any], list[LeftOut]]:
    """A copy of the stack's Terraform JSON for the local AWS at `endpoint`, and what it leaves out.

    `ids` maps IDs written in the config (`organization.id`, a manifest `id`) to the ones the local AWS gave
    out: moto picks its own organization and account IDs. Variables (`account_id_<name>`, ...) stay declared
    and unfilled: the local run passes them from the org stack's outputs, as Spacelift does.

    Resource types the capability table lists are dropped; then, until nothing changes, every resource, data
    source, local, output and import that refers to a dropped one. Nothing is replaced by a stand-in.
    """
    doc = _substitute(copy.deepcopy(dict(doc)), ids or {})
    doc["provider"] = {name: [local_provider(p, endpoint) for p in blocks] if name == "aws" else blocks
                       for name, blocks in doc.get("provider", {}).items()}
    s3 = doc.get("terraform", {}).get("backend", {}).get("s3")
    if s3 is not None:
        doc["terraform"]["backend"]["s3"] = local_backend(s3, endpoint)
    dropped: dict[str, str] = {}
    for address, body in [*_resources(doc, "resource"), *_resources(doc, "data")]:
        if (error := unsupported(address.rpartition(".")[0], body)) is not None:
            dropped[address] = error.reason
    changed = True
    while changed:
        changed = False
        for address, body in _blocks(doc):
            if address in dropped:
                continue
            needs = sorted(_references(body) & dropped.keys())
            if needs:
                dropped[address] = f"refers to {needs[0]}, which is left out"
                changed = True
    _remove(doc, dropped)
    _apply_workarounds(doc)
    return doc, [LeftOut(stack, address, reason) for address, reason in sorted(dropped.items())]


def _substitute(doc: dict[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    """`doc` with each configured ID replaced wherever it stands alone (in ARNs, conditions, import blocks)."""
    if not ids:
        return doc
    pattern = re.compile(r"(?<![0-9A-Za-z])(" + "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
                         + r")(?![0-9A-Za-z])")
    return dict(json.loads(pattern.sub(lambda m: ids[m[1]], json.dumps(doc))))


def _resources(doc: Mapping[str, Any], kind: str) -> Iterator[tuple[str, Any]]:
    prefix = "data." if kind == "data" else ""
    for type_, named in doc.get(kind, {}).items():
        for name, body in named.items():
            yield f"{prefix}{type_}.{name}", body


def _blocks(doc: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    yield from _resources(doc, "resource")
    yield from _resources(doc, "data")
    for name, value in doc.get("locals", {}).items():
        yield f"local.{name}", value
    for name, value in doc.get("output", {}).items():
        yield f"output.{name}", value
    for index, block in enumerate(doc.get("import", [])):
        yield f"import[{index}]", {"to": "${" + block["to"] + "}"}


def _references(body: Any) -> set[str]:
    text = _ESCAPED.sub("", json.dumps(body))
    return set(_REFERENCE.findall(text))


def _remove(doc: dict[str, Any], dropped: Mapping[str, str]) -> None:
    for kind, prefix in (("resource", ""), ("data", "data.")):
        blocks = doc.get(kind, {})
        for type_ in list(blocks):
            blocks[type_] = {name: body for name, body in blocks[type_].items()
                             if f"{prefix}{type_}.{name}" not in dropped}
        _prune(doc, kind, {type_: named for type_, named in blocks.items() if named})
    for kind, prefix in (("locals", "local."), ("output", "output.")):
        _prune(doc, kind, {name: v for name, v in doc.get(kind, {}).items() if prefix + name not in dropped})
    _prune(doc, "import", [b for i, b in enumerate(doc.get("import", [])) if f"import[{i}]" not in dropped])


def _prune(doc: dict[str, Any], kind: str, kept: Any) -> None:
    """Set `doc[kind]` to `kept`, leaving the key out when nothing is kept (Terraform rejects empty blocks)."""
    if kept:
        doc[kind] = kept
    else:
        doc.pop(kind, None)


def _apply_workarounds(doc: dict[str, Any]) -> None:
    for fix in POLICY_WORKAROUNDS:
        body = doc.get("resource", {}).get(fix.resource_type, {}).get(fix.name)
        if body is not None:
            policy = json.loads(body["policy"])
            policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != fix.sid]
            body["policy"] = json.dumps(policy)
    for workaround in WORKAROUNDS:
        for body in doc.get("resource", {}).get(workaround.resource_type, {}).values():
            body.update(dict(workaround.settings))
            if workaround.ignore_changes:
                lifecycle = body.setdefault("lifecycle", {})
                lifecycle["ignore_changes"] = sorted({*lifecycle.get("ignore_changes", []),
                                                      *workaround.ignore_changes})

