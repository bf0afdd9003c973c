"""`terraform validate` of many stacks: each batch of stacks validated as the modules of one scratch root.

One validate per stack costs ~2.8 s, most of it loading the provider's schema. As modules of one root, a
batch loads it once. A stack is only ever reported valid by a run that reported no error at all, so a batch
never hides one stack's error behind another's:

- a stack whose JSON has blocks a module may not hold (`import`, which only the root may hold, and anything
  this module does not know) is validated alone, as are stacks with nested `module` calls;
- the stack's input variables become root variables of the same type, passed through, so they stay unknown
  as they are when a stack is validated as a root;
- a batch with errors: each stack an error's file names is validated again alone (the message the user sees
  is the one of the stack on its own), and the rest are validated again as a batch, since an error can stop
  Terraform before it reaches other modules; an error naming no stack file (or a failed init) splits the
  batch in halves, down to single stacks validated alone.

The "Backend configuration ignored" warning every module gets is not reported: it concerns the scratch
root, and validate checks no backend settings when the stack is the root either (`init -backend=false`).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from landingzone.gates.batches import balanced_batches, reported
from landingzone.gates.findings import Finding, GateReport
from landingzone.gates.provider_server import shared_provider
from landingzone.gates.terraform import (
    Terraform,
    TerraformFailed,
    find_terraform,
    validate_json,
    validate_stack,
)

GATE = "terraform-validate"
# Bounded so a Terraform process stays well under a gigabyte (measured: 50 stacks of ~100 resources, 0.4 GB).
BATCH_STACKS, BATCH_BYTES = 50, 6_000_000
MODULE_KEYS = frozenset({"//", "terraform", "provider", "resource", "data", "locals", "output", "variable",
                         "moved", "removed", "check"})
RUN_ERRORS = frozenset({"TERRAFORM_ERROR"})


def validate_each(stacks: Mapping[str, Path], workdir: Path, workers: int | None = None,
                  cache: Path | None = None,
                  done: Callable[[str], None] = lambda _stack: None) -> dict[str, GateReport]:
    """A report per stack (checks_run 1 each); TerraformUnavailable when Terraform or its mirror is missing.
    `done(stack)` is called as each stack's batch ends."""
    terraform = find_terraform(workdir, cache=cache)
    if not stacks:
        return {}
    documents = {name: _read(folder / "cdk.tf.json") for name, folder in stacks.items()}
    alone = sorted(name for name, doc in documents.items() if doc is None or not fits_module(doc))
    sizes = {name: (stacks[name] / "cdk.tf.json").stat().st_size for name in stacks if name not in alone}
    batches = balanced_batches(sizes, BATCH_STACKS, BATCH_BYTES) + [[name] for name in alone]
    _fill_plugin_cache(terraform, workdir)
    with shared_provider(workdir) as reattach:
        validator = _Validator(terraform, workdir, stacks, documents, reattach)
        with ThreadPoolExecutor(max_workers=max(1, min(len(batches), workers or os.cpu_count() or 1))) as pool:
            found = [report for result in pool.map(lambda batch: reported(validator.check(batch), done), batches)
                     for report in result.items()]
    return dict(sorted(found))


def _read(path: Path) -> dict[str, Any] | None:
    """The stack's JSON; None when it is not a JSON object (Terraform, alone, will say what is wrong)."""
    try:
        document = json.loads(path.read_text())
    except ValueError:
        return None
    return document if isinstance(document, dict) else None


def fits_module(document: Mapping[str, Any]) -> bool:
    """Whether the stack means the same as a child module as it does as a root module."""
    return set(document) <= MODULE_KEYS


def _fill_plugin_cache(terraform: Terraform, workdir: Path) -> None:
    """One init before the parallel ones: concurrent installs into an empty plugin cache can race."""
    warm = workdir / "warm"
    warm.mkdir(parents=True, exist_ok=True)
    (warm / "main.tf.json").write_text(json.dumps(
        {"terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}}}}))
    terraform.run(warm, "init", "-backend=false", "-input=false", "-no-color")


class _Validator:
    def __init__(self, terraform: Terraform, workdir: Path, stacks: Mapping[str, Path],
                 documents: Mapping[str, Mapping[str, Any] | None], reattach: Mapping[str, str]) -> None:
        self.terraform, self.workdir, self.stacks = terraform, workdir, stacks
        self.documents, self.reattach = documents, reattach

    def check(self, names: Sequence[str]) -> dict[str, GateReport]:
        if len(names) == 1:
            return {names[0]: self.alone(names[0])}
        errors = self.batch(names)
        if errors is None:
            half = len(names) // 2
            return {**self.check(names[:half]), **self.check(names[half:])}
        reports = {name: self.alone(name) for name in sorted(errors)}
        rest = [name for name in names if name not in errors]
        if errors and rest:
            reports.update(self.check(rest))
        elif rest:
            reports.update({name: GateReport((), 1) for name in rest})
        return reports

    def alone(self, name: str) -> GateReport:
        """The stack as its own root: exactly what a per-stack validate reports."""
        folder = Path(tempfile.mkdtemp(prefix="stack-", dir=self.workdir))
        try:
            shutil.copyfile(self.stacks[name] / "cdk.tf.json", folder / "cdk.tf.json")
            messages = validate_stack(self.terraform, folder, self.reattach)
            findings = [Finding(GATE, name, "TERRAFORM_VALIDATE", "", message) for message in messages]
        except TerraformFailed as exc:
            findings = [Finding(GATE, name, "TERRAFORM_ERROR", "", f"terraform validate printed no report: {exc}")]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return GateReport(tuple(sorted(findings)), 1)

    def batch(self, names: Sequence[str]) -> set[str] | None:
        """The stacks an error names, empty when all are valid; None when the errors name no stack file."""
        root = Path(tempfile.mkdtemp(prefix="batch-", dir=self.workdir))
        try:
            keys = self._write_root(root, names)
            init = self.terraform.run(root, "init", "-backend=false", "-input=false", "-no-color")
            if init.returncode != 0:
                return None
            report = validate_json(self.terraform, root, self.reattach)
        except TerraformFailed:
            return None
        finally:
            shutil.rmtree(root, ignore_errors=True)
        named: set[str] = set()
        for diagnostic in report.get("diagnostics", []):
            if diagnostic["severity"] != "error":
                continue
            filename = (diagnostic.get("range") or {}).get("filename", "")
            key, _, rest = filename.partition("/")
            if key not in keys or rest != "cdk.tf.json":
                return None
            named.add(keys[key])
        return named if named or report.get("valid") else None

    def _write_root(self, root: Path, names: Sequence[str]) -> dict[str, str]:
        """Module `s<i>` in folder `s<i>/` per stack (names may hold characters a module name may not)."""
        keys = {f"s{i}": name for i, name in enumerate(names)}
        modules: dict[str, dict[str, str]] = {}
        variables: dict[str, dict[str, Any]] = {}
        for key, name in keys.items():
            (root / key).mkdir()
            shutil.copyfile(self.stacks[name] / "cdk.tf.json", root / key / "cdk.tf.json")
            modules[key] = {"source": f"./{key}"}
            for variable, spec in sorted((self.documents[name] or {}).get("variable", {}).items()):
                variables[f"{key}__{variable}"] = {"type": spec["type"]} if "type" in spec else {}
                modules[key][variable] = f"${{var.{key}__{variable}}}"
        (root / "main.tf.json").write_text(json.dumps({"module": modules, **({"variable": variables} if variables
                                                                               else {})}, indent=2))
        return keys
