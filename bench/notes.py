"""RESULTS.md's notes under the budgets: for each budget, what the time was spent on, from the phases and the
profile (bench/profiling.py), so a missed budget says where the time goes and whose code it is."""

from __future__ import annotations

import statistics

Row = dict


def _share(seconds: dict[str, float], *prefixes: str) -> float:
    whole = sum(seconds.values()) or 1.0
    return 100 * sum(v for k, v in seconds.items() if k.startswith(prefixes)) / whole


def _gates(at: Row, profile: dict | None, cores: int) -> str:
    cold = at["gates_cold"]
    text = (f"**Cold gates**: checkov took {cold['seconds']['checkov']:.0f} s and terraform validate "
            f"{cold['seconds']['terraform validate']:.0f} s, at the same time, for {cold['stacks']} stacks "
            f"(load average {cold['load'][0]:.1f} at the start, {cold['load'][1]:.1f} at the end).")
    if "cpu_s" in cold:
        text += (f" Their processes used {cold['cpu_s']:.0f} CPU seconds in all: {cold['cpu_s'] / cores:.0f} s "
                 f"on {cores} idle cores, the rest of the {cold['wall_s']:.0f} s was the other users' share of them.")
    if profile:
        checkov, validate = profile["checkov"]["seconds"], profile["validate"]
        cpu, one = validate["cpu_s"], validate.get("cpu_s_one_provider_configuration", {})
        provider = cpu.get("the AWS provider", 0.0)
        text += (f" Inside a checkov process, checkov's own code holds {_share(checkov, 'checkov'):.0f}% (its "
                 f"PyYAML parse of the JSON {_share(checkov, 'checkov: parsing'):.0f}%, graph and checks "
                 f"{_share(checkov, 'checkov: graph'):.0f}%, expression evaluation "
                 f"{_share(checkov, 'checkov: expression'):.0f}%), the standard library it calls most of the rest; "
                 f"ours (the organisation's checks and the gate) {_share(checkov, 'ours'):.1f}%. Of terraform "
                 f"validate's CPU, the AWS provider takes {100 * provider / (sum(cpu.values()) or 1):.0f}%, and "
                 f"{provider - one.get('the AWS provider', 0.0):.1f} of its {provider:.1f} s go to validating the "
                 f"batch's {validate.get('provider_configurations', '?')} provider configurations (one "
                 f"configuration for the batch: {one.get('the AWS provider', 0.0):.1f} s): the provider's cost per "
                 "configuration, not per resource. Neither is our code; the gate already runs each tool as few "
                 "times as the batches allow and both at once.")
    return text


def _synth(at: Row, profile: dict | None, results: dict) -> str:
    jobs2 = at["synth_jobs2"]["total_s"]
    imports = results.get("import") or [statistics.median(s["import_s"] for s in at["synth"])]
    text = (f"**Synth**: `--jobs 2` took {jobs2:.0f} s as a whole process, the serial synth "
            f"{statistics.median(s['wall_s'] for s in at['synth']):.0f} s; each worker first pays the binding "
            f"import, {statistics.median(imports):.0f} s alone in a fresh process in this run.")
    if profile:
        synth = profile["synth"]
        seconds = synth["seconds"]
        text += (f" Per the profile, jsii holds {_share(seconds, 'jsii'):.0f}% of the synth ("
                 f"{_share(seconds, 'jsii: waiting'):.0f}% waiting for Node), the bindings' runtime type checks "
                 f"{_share(seconds, 'bindings: runtime'):.0f}%, ours {_share(seconds, 'ours'):.1f}%. Our overhead "
                 f"over plain CDKTF is in round trips to Node: {synth['calls_per_resource']} a resource against "
                 f"the baseline's {synth.get('plain', {}).get('calls_per_resource', '?')} (ours pins each address, "
                 "records each construct's path for sources.json and passes references as attribute reads; the "
                 "baseline writes every reference as a literal string).")
    return text


def _regate(at: Row) -> str:
    changed = at["gates_changed"]
    return (f"**Re-gate**: {changed['wall_s']:.1f} s as a whole process after {at['changed_stack']} changed: "
            f"checkov {changed['seconds']['checkov']:.1f} s and validate {changed['seconds']['terraform validate']:.1f}"
            f" s for the one stack (each a tool process's start-up), the other {changed['stacks'] - 1} stacks from "
            "the cache.")


def budget_notes(rows: list[Row], results: dict) -> list[str]:
    at = next((r for r in rows if r["accounts"] == 1000), None)
    if at is None:
        return []
    profile = next((r["profile"] for r in rows if "profile" in r), None)
    return [_gates(at, profile, results.get("cores") or 2), "", _regate(at), "", _synth(at, profile, results), ""]
