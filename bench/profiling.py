"""Where the time goes, ours against jsii's, checkov's and Terraform's: `python bench/profiling.py PART ...`.

    python bench/profiling.py synth PROJECT              # cProfile of building + synth of every stack
    python bench/profiling.py checkov PROJECT OUT        # cProfile of one checkov process over one batch
    python bench/profiling.py validate OUT               # CPU of Terraform and of the shared provider, one batch

Each prints one JSON line: seconds by owner (from cProfile's own time per function, a built-in's time given to
whoever called it) and, for synth, the jsii round trips by kind. cProfile slows Python down several times, so
the shares matter, not the totals. run.py runs these at 100 accounts.
"""

from __future__ import annotations

import collections
import cProfile
import json
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "18,20")
TYPE_CHECKS = "bindings: runtime type checks (typeguard, typing; off under python -O)"
BATCH = 40  # checkov_gate.BATCH_STACKS and about terraform_batch.BATCH_STACKS: one batch as the gates run it


def owner(filename: str, function: str) -> str:
    if "/landingzone/" in filename or "/modules/" in filename or "/policies/checkov/" in filename:
        return "ours"
    if filename == "~" and function.startswith("<method 'readline'"):
        return "jsii: waiting for Node (the construct code in JavaScript)"
    for marker, name in (("/jsii/", "jsii: Python side (calls, serialisation)"), ("/cattrs/", "jsii: Python side "
                         "(calls, serialisation)"), ("/typeguard/", TYPE_CHECKS), ("/typing.py", TYPE_CHECKS),
                         ("cdktf_cdktf_provider_aws", "bindings (generated Python)"), ("/cdktf/", "bindings "
                         "(generated Python)"), ("/yaml/", "checkov: parsing (PyYAML)"), ("/asteval/",
                         "checkov: expression evaluation"), ("cloudsplaining", "cloudsplaining (CKV_LZ_3)"),
                         ("/checkov/", "checkov: graph and checks")):
        if marker in filename:
            return name
    return ""


def split(stats: pstats.Stats) -> dict[str, float]:
    """Own time by owner; the standard library's and built-ins' time goes to whoever called them, through
    chains of standard-library calls (in proportion to the time each caller spent in them)."""
    table = stats.stats  # type: ignore[attr-defined]
    memo: dict[tuple, dict[str, float]] = {}

    def shares(function: tuple, seen: frozenset) -> dict[str, float]:
        mine = owner(function[0], function[2])
        if mine:
            return {mine: 1.0}
        if function in memo:
            return memo[function]
        callers = {c: timing[3] for c, timing in table.get(function, (0, 0, 0, 0, {}))[4].items() if c not in seen}
        whole = sum(callers.values())
        if not whole:
            return {"Python standard library": 1.0}
        mix: collections.Counter[str] = collections.Counter()
        for caller, weight in callers.items():
            for name, share in shares(caller, seen | {function}).items():
                mix[name] += share * weight / whole
        memo[function] = dict(mix)
        return memo[function]

    totals: collections.Counter[str] = collections.Counter()
    for function, (_, _, own, _, _) in table.items():
        for name, share in shares(function, frozenset()).items():
            totals[name] += own * share
    return {name: round(seconds, 2) for name, seconds in totals.most_common()}


def profile_synth(project: Path) -> dict[str, object]:
    import cdktf_cdktf_provider_aws  # noqa: F401 - the import is measured elsewhere; not here
    import jsii

    from landingzone.config import load_landing_zone
    from landingzone.stacks import stack_specs
    from landingzone.stacks.synth import synthesize

    calls: collections.Counter[str] = collections.Counter()
    for kind in ("create", "get", "set", "invoke", "sget", "sinvoke"):
        setattr(jsii, kind, _counted(getattr(jsii, kind), kind, calls))
    lz = load_landing_zone(project)
    with tempfile.TemporaryDirectory() as out:
        profiler = cProfile.Profile()
        profiler.enable()
        synthesize(lz, list(stack_specs(lz)), Path(out))
        profiler.disable()
        documents = [json.loads(p.read_text()) for p in Path(out).glob("stacks/*/cdk.tf.json")]
        resources = sum(len(v) for d in documents for v in d.get("resource", {}).values())
        items = resources + sum(len(v) for d in documents for v in d.get("data", {}).values())
        ours = dict(calls)
        calls.clear()
        plain = _plain_calls(Path(out), calls)
    stats = pstats.Stats(profiler)
    return {"seconds": split(stats), "profiled_s": round(stats.total_tt, 1),  # type: ignore[attr-defined]
            "jsii_calls": ours, "resources": resources,
            "calls_per_resource": round(sum(ours.values()) / items, 2), "plain": plain}


def _plain_calls(ours: Path, calls: collections.Counter[str]) -> dict[str, object]:
    """The plain-CDKTF baseline's jsii round trips over the same stacks (not profiled), per resource or data
    source (both ratios count both)."""
    from baselines import plain_cdktf, read_output

    with tempfile.TemporaryDirectory() as out:
        measured = plain_cdktf(read_output(ours), Path(out))
    return {"jsii_calls": dict(calls), "resources_and_data": measured["resources"],
            "calls_per_resource": round(sum(calls.values()) / measured["resources"], 2)}


def _counted(call, kind: str, calls: collections.Counter[str]):
    def counted(*args, **kwargs):
        calls[kind] += 1
        return call(*args, **kwargs)

    return counted


def profile_checkov(project: Path, out: Path) -> dict[str, object]:
    from landingzone.gates import checkov_gate
    from landingzone.gates.runner import stack_sources
    from landingzone.output import stack_folders

    folders = stack_folders(out)
    names = sorted(folders, key=lambda name: (not name.startswith("baseline-"), name))[:BATCH]
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / "checkov.prof"
        wrapper = Path(scratch) / "checkov"
        wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} -m cProfile -o {dump} "
                           f"{Path(sys.executable).with_name('checkov')} \"$@\"\n")
        wrapper.chmod(0o755)
        checkov_gate.checkov_binary = lambda: str(wrapper)
        reports = checkov_gate._scan_batch({n: folders[n] / "cdk.tf.json" for n in names},
                                           project / checkov_gate.CHECKS_DIR, ["Environment", "Project", "Owner"],
                                           {n: stack_sources(folders[n]) for n in names})
        stats = pstats.Stats(str(dump))
    return {"seconds": split(stats), "profiled_s": round(stats.total_tt, 1),  # type: ignore[attr-defined]
            "stacks": len(names), "checks_run": sum(r.checks_run for r in reports.values())}


def profile_validate(out: Path) -> dict[str, object]:
    """CPU seconds of one batch's init, Terraform's validate and the shared provider serving it; then the same
    resources with one provider configuration for the whole batch, to show what each configuration costs."""
    from landingzone.gates import terraform_batch
    from landingzone.gates.provider_server import shared_provider
    from landingzone.gates.terraform import USER_CACHE, find_terraform
    from landingzone.output import stack_folders

    folders = stack_folders(out)
    names = sorted(name for name in folders if name.startswith("baseline-"))[:BATCH]
    documents = {name: json.loads((folders[name] / "cdk.tf.json").read_text()) for name in names}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        terraform = find_terraform(work, cache=USER_CACHE)
        terraform_batch._fill_plugin_cache(terraform, work)
        with shared_provider(work) as reattach:
            provider = _provider_pid()
            validator = terraform_batch._Validator(terraform, work, {n: folders[n] for n in names}, documents,
                                                   reattach)
            (work / "as-gated").mkdir()
            validator._write_root(work / "as-gated", names)
            as_gated = _validate_cpu(terraform, work / "as-gated", reattach, provider)
            _one_provider_root(work / "one-provider", documents)
            one = _validate_cpu(terraform, work / "one-provider", reattach, provider)
    configurations = sum(len(_blocks(doc.get("provider", {}).get("aws", []))) for doc in documents.values())
    return {"stacks": len(names), "provider_configurations": configurations, "cpu_s": as_gated,
            "cpu_s_one_provider_configuration": one}


def _validate_cpu(terraform, root: Path, reattach: dict[str, str], provider: int) -> dict[str, float]:
    from landingzone.gates.terraform import validate_json

    before = _children_cpu()
    terraform.run(root, "init", "-backend=false", "-input=false", "-no-color")
    init = _children_cpu() - before
    before, served = _children_cpu(), _cpu_of(provider)
    report = validate_json(terraform, root, reattach)
    if not report.get("valid"):
        raise SystemExit(f"the profiled batch is not valid: {report.get('diagnostics')}")
    return {"terraform init": round(init, 2), "terraform validate": round(_children_cpu() - before, 2),
            "the AWS provider": round(_cpu_of(provider) - served, 2)}


def _one_provider_root(root: Path, documents: dict[str, dict]) -> None:
    """Every stack a module whose provider configurations are all the root's single one (a measurement only:
    the gate keeps each stack's own, since validation checks them)."""
    modules, variables = {}, {}
    for index, document in enumerate(documents.values()):
        key, module = f"s{index}", dict(document)
        configurations = _blocks(module.pop("provider", {}).get("aws", []))
        aliases = [f"aws.{c['alias']}" for c in configurations if c.get("alias")]
        terraform_block = dict(module.get("terraform", {}))
        terraform_block.pop("backend", None)
        terraform_block["required_providers"] = {"aws": {"source": "hashicorp/aws", "version": "5.100.0",
                                                         "configuration_aliases": aliases}}
        module["terraform"] = terraform_block
        (root / key).mkdir(parents=True)
        (root / key / "cdk.tf.json").write_text(json.dumps(module))
        modules[key] = {"source": f"./{key}", "providers": {name: "aws" for name in ["aws", *aliases]}}
        for variable in module.get("variable", {}):  # unknown, as when the stack is validated as a root
            variables[f"{key}__{variable}"] = {"type": "string"}
            modules[key][variable] = f"${{var.{key}__{variable}}}"
    (root / "main.tf.json").write_text(json.dumps({
        "module": modules, "variable": variables, "provider": {"aws": [{"region": "us-east-1"}]},
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}}}}))


def _blocks(value: object) -> list[dict]:
    return value if isinstance(value, list) else [value]  # type: ignore[list-item]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _provider_pid() -> int:
    from phases import _command, _descendants

    return max(pid for pid in _descendants(os.getpid()) if "terraform-provider-aws" in _command(pid))


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    part, *args = argv
    started = time.perf_counter()
    if part == "synth":
        result = profile_synth(Path(args[0]))
    elif part == "checkov":
        result = profile_checkov(Path(args[0]), Path(args[1]))
    elif part == "validate":
        result = profile_validate(Path(args[0]))
    else:
        raise SystemExit(f"unknown part {part}")
    print(json.dumps({**result, "wall_s": round(time.perf_counter() - started, 1), "load": os.getloadavg()[0]}))


if __name__ == "__main__":
    main(sys.argv[1:])
