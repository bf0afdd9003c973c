"""Spacelift's plan policies (`policies/spacelift/*.rego`), evaluated in-process with regopy on the input a
Spacelift plan policy receives, so a local run is stopped by exactly the rules a Spacelift run is.

The input (Spacelift's documented shape, the parts our policies read): `spacelift.stack` (with its labels) and
`spacelift.run`, `terraform` (the plan as `terraform show -json` prints it) and
`third_party_metadata.custom.<name>`, one entry per `<name>.custom.spacelift.json` file the run's hooks left in the
project root. Each policy is evaluated alone, as Spacelift does (two policies' `deny` rules would otherwise merge in
one query).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

POLICY_DIR = Path("policies") / "spacelift"
CUSTOM_SUFFIX = ".custom.spacelift.json"


@dataclass(frozen=True)
class Verdict:
    policy: str  # its path under the project
    deny: tuple[str, ...]
    warn: tuple[str, ...]


def plan_policies(root: Path) -> list[Path]:
    """The project's plan policies, without their `*_test.rego` tests."""
    return sorted(p for p in (root / POLICY_DIR).glob("*.rego") if not p.stem.endswith("_test"))


def policy_input(stack: str, run_id: str, plan: Mapping[str, Any], project_root: Path,
                 labels: Sequence[str] = ()) -> dict[str, Any]:
    """What Spacelift hands a plan policy for a tracked run of `stack` (with its `labels`) whose hooks ran in
    `project_root`."""
    custom = {path.name[: -len(CUSTOM_SUFFIX)]: json.loads(path.read_text())
              for path in sorted(project_root.glob(f"*{CUSTOM_SUFFIX}"))}
    return {"spacelift": {"stack": {"id": stack, "name": stack, "labels": list(labels)},
                          "run": {"id": run_id, "type": "TRACKED"}},
            "terraform": dict(plan), "third_party_metadata": {"custom": custom}}


def evaluate(policy: Path, given: Mapping[str, Any], *, root: Path) -> Verdict:
    """`deny` and `warn` of one policy on `given`."""
    from regopy import Interpreter

    interpreter = Interpreter()
    interpreter.add_module(policy.name, policy.read_text())
    interpreter.set_input_term(json.dumps(given))
    return Verdict(str(policy.relative_to(root)), _strings(interpreter, "data.spacelift.deny"),
                   _strings(interpreter, "data.spacelift.warn"))


def evaluate_all(root: Path, given: Mapping[str, Any]) -> list[Verdict]:
    return [evaluate(policy, given, root=root) for policy in plan_policies(root)]


def _strings(interpreter: Any, query: str) -> tuple[str, ...]:
    # Serialise the Output itself: a node taken from a temporary Output outlives it and crashes regopy.
    text = str(interpreter.query(query))
    if text == "undefined":
        return ()
    return tuple(sorted(str(item) for item in json.loads(text)["expressions"][0]))
