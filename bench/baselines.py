"""The two baselines our synth is measured against, in the same invocation.

- `plain_cdktf`: a plain CDKTF program, without our library, that creates the same resources and data sources
  (same types, counts and attributes per stack, read back from our output) through the provider binding's
  typed classes: scalar attributes as constructor arguments, nested blocks and lists through `add_override`.
  A resource its class refuses (a token where the class wants a number) falls back to CDKTF's generic
  `TerraformResource`; how many did is reported. Our overhead over it is the ratio per resource.
- `write_json`: the same Terraform JSON written with `json.dumps`, the floor for the writing itself.
"""

from __future__ import annotations

import importlib
import inspect
import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

META = {"provider", "depends_on", "lifecycle", "count", "for_each", "connection", "provisioner"}


def read_output(outdir: Path) -> dict[str, dict[str, Any]]:
    manifest = json.loads((outdir / "manifest.json").read_text())
    return {name: json.loads((outdir / entry["workingDirectory"] / "cdk.tf.json").read_text())
            for name, entry in sorted(manifest["stacks"].items())}


def write_json(documents: Mapping[str, dict[str, Any]], outdir: Path) -> float:
    """Seconds to write every stack's JSON as our synth writes it (indented, one folder per stack)."""
    started = time.perf_counter()
    for name, document in documents.items():
        folder = outdir / "stacks" / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cdk.tf.json").write_text(json.dumps(document, indent=2))
    return time.perf_counter() - started


def plain_cdktf(documents: Mapping[str, dict[str, Any]], outdir: Path) -> dict[str, float]:
    """Build and synthesize the plain program; seconds for each, and the count of generic fallbacks."""
    from cdktf import App, TerraformStack
    from cdktf_cdktf_provider_aws.provider import AwsProvider

    started = time.perf_counter()
    app = App(outdir=str(outdir), stack_traces=False)
    fallbacks = resources = 0
    for name, document in documents.items():
        stack = TerraformStack(app, name)
        providers = {}
        for block in _blocks(document.get("provider", {}).get("aws", [])):
            alias = block.get("alias")
            providers[f"aws.{alias}" if alias else "aws"] = AwsProvider(
                stack, f"aws_{alias or 'default'}", region=block.get("region"), alias=alias)
        for kind, prefix in (("resource", ""), ("data", "data_")):
            for type_name, items in document.get(kind, {}).items():
                for item_name, attributes in items.items():
                    fallbacks += _create(stack, prefix + type_name, f"{prefix}{type_name}.{item_name}",
                                         attributes, providers)
                    resources += 1
    built = time.perf_counter()
    app.synth()
    return {"build_s": built - started, "synth_s": time.perf_counter() - built, "fallbacks": fallbacks,
            "resources": resources}


def _blocks(value: Any) -> list[dict[str, Any]]:
    return value if isinstance(value, list) else [value]


def _create(stack: Any, type_name: str, construct_id: str, attributes: dict[str, Any],
            providers: Mapping[str, Any]) -> int:
    """One resource through its typed class; 1 if it had to fall back to the generic resource, else 0."""
    cls = _binding_class(type_name)
    params, required = _parameters(cls) if cls else (set(), set())
    scalars = {key: value for key, value in attributes.items() if key not in META and (
        key in required or key in params and isinstance(value, str | int | float | bool))}
    provider = providers.get(attributes.get("provider", "aws"))
    try:
        if cls is None:
            raise TypeError(type_name)
        resource = cls(stack, construct_id, provider=provider, **scalars)
        rest = {k: v for k, v in attributes.items() if k not in scalars and k not in ("provider", "//")}
        fallback = 0
    except TypeError:
        from cdktf import TerraformResource

        base = type_name.removeprefix("data_")
        resource = TerraformResource(stack, construct_id, terraform_resource_type=base, provider=provider)
        rest = {k: v for k, v in attributes.items() if k not in ("provider", "//")}
        fallback = 1
    for key, value in rest.items():
        resource.add_override(key, value)
    return fallback


_CLASSES: dict[str, Any] = {}


def _binding_class(type_name: str) -> Any:
    """cdktf_cdktf_provider_aws.<type without aws_>.<CamelCase>, e.g. aws_s3_bucket → s3_bucket.S3Bucket."""
    if type_name not in _CLASSES:
        module_name = type_name.removeprefix("aws_")
        class_name = "".join(part.capitalize() for part in module_name.split("_"))
        try:
            module = importlib.import_module(f"cdktf_cdktf_provider_aws.{module_name}")
            _CLASSES[type_name] = getattr(module, class_name, None)
        except ImportError:
            _CLASSES[type_name] = None
    return _CLASSES[type_name]


_PARAMETERS: dict[Any, tuple[set[str], set[str]]] = {}


def _parameters(cls: Any) -> tuple[set[str], set[str]]:
    """The class's keyword arguments, and those of them without a default."""
    if cls not in _PARAMETERS:
        keywords = [p for p in inspect.signature(cls.__init__).parameters.values()
                    if p.kind is inspect.Parameter.KEYWORD_ONLY]
        _PARAMETERS[cls] = ({p.name for p in keywords}, {p.name for p in keywords if p.default is p.empty})
    return _PARAMETERS[cls]
