"""checkov over every synthesized stack, in parallel, with the organisation's own checks.

`--framework terraform_json` is required: the `terraform` framework silently scans nothing in
`cdk.tf.json`. `--skip-download` keeps checkov off the network (it otherwise fetches guideline mappings).
The gate fails on check IDs, not severities: offline, built-in checks carry no severity.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from landingzone.gates.findings import Finding, GateReport

CHECKS_DIR = "policies/checkov/checks"
LOAD_FAILURE = "Cannot load external check"


def checkov_binary() -> str:
    beside = Path(sys.executable).with_name("checkov")
    found = str(beside) if beside.exists() else shutil.which("checkov")
    if not found:
        raise FileNotFoundError("checkov is not installed in this environment (pip install checkov)")
    return found


def run_checkov(stacks: Mapping[str, Path], checks_dir: Path, required_tags: Sequence[str],
                sources: Mapping[str, Mapping[str, str]], workers: int | None = None,
                progress: Callable[[str, str], None] | None = None) -> GateReport:
    """Scan each stack folder; `sources` maps stack → address → the config file the resource came from.
    `progress("checkov", stack)` is called as each stack's scan ends."""
    if not (checks_dir / "__init__.py").is_file():
        # checkov skips such a folder with an INFO line, and every custom check then passes by absence.
        return GateReport((Finding("checkov", "", "CHECKOV_LOAD", "", f"{checks_dir} has no __init__.py, so "
                                   "checkov would load none of its checks", CHECKS_DIR),))
    workers = max(1, min(len(stacks) or 1, workers or os.cpu_count() or 1))

    def scan(stack: str, folder: Path) -> GateReport:
        report = _scan(stack, folder, checks_dir, required_tags, sources.get(stack, {}))
        if progress is not None:
            progress("checkov", stack)
        return report

    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = list(pool.map(lambda item: scan(*item), sorted(stacks.items())))
    total = GateReport(())
    for report in reports:
        total = total + report
    return total


def _scan(stack: str, folder: Path, checks_dir: Path, required_tags: Sequence[str],
          sources: Mapping[str, str]) -> GateReport:
    document = json.loads((folder / "cdk.tf.json").read_text())
    view = checkov_view(document)
    blocks = resource_lines(view)
    env = {**os.environ, "LANDINGZONE_REQUIRED_TAGS": json.dumps(list(required_tags)),
           "LANDINGZONE_DEFAULT_TAGS": json.dumps(_default_tags(document)), "LOG_LEVEL": "WARNING",
           "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
    with tempfile.TemporaryDirectory(prefix="landingzone-checkov-") as scratch:
        (Path(scratch) / "cdk.tf.json").write_text(view)
        command = [checkov_binary(), "-d", scratch, "--framework", "terraform_json", "--skip-download",
                   "--external-checks-dir", str(checks_dir), "-o", "json", "--compact"]
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    findings: list[Finding] = []
    if LOAD_FAILURE in result.stderr:
        line = next(line for line in result.stderr.splitlines() if LOAD_FAILURE in line)
        findings.append(Finding("checkov", stack, "CHECKOV_LOAD", "", f"{line.strip()}; a broken check "
                                "would otherwise pass everything silently", CHECKS_DIR))
    try:
        output = json.loads(result.stdout)
    except json.JSONDecodeError:
        message = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return GateReport((Finding("checkov", stack, "CHECKOV_ERROR", "", f"checkov failed: {message}"),))
    runs = output if isinstance(output, list) else [output]
    checks_run = 0
    for run in runs:
        summary = run.get("summary", {})
        checks_run += summary.get("passed", 0) + summary.get("failed", 0)
        if summary.get("parsing_errors"):
            findings.append(Finding("checkov", stack, "CHECKOV_PARSE", "", "checkov could not parse the stack"))
        findings += [_finding(stack, item, sources, blocks)
                     for item in run.get("results", {}).get("failed_checks", [])]
    return GateReport(tuple(sorted(findings)), checks_run)


def checkov_view(document: Mapping[str, Any]) -> str:
    """The stack as checkov is given it: without its `import` blocks and the plain values of its `terraform`
    block (`required_version`). checkov 3.3's terraform_json parser reads every entry there as a block, fails
    the whole file on a plain value, and then checks nothing at all; it has no check on either. Findings are
    placed by this text's own lines (`resource_lines`)."""
    view = {key: value for key, value in document.items() if key != "import"}
    if isinstance(view.get("terraform"), dict):
        view["terraform"] = {key: value for key, value in view["terraform"].items() if isinstance(value, dict)}
    return json.dumps(view, indent=2)


def resource_lines(text: str) -> dict[int, str]:
    """Line of each resource block (`"name": {` under `"type": {` under `"resource"`) to its address.

    checkov labels some results on JSON input as `resource.<name>`, dropping the type; the line range it
    reports is right, so the address is read back from our own file instead.
    """
    lines: dict[int, str] = {}
    in_resources, kind = False, ""
    for number, line in enumerate(text.splitlines(), start=1):
        match = _KEY.match(line)
        if not match:
            continue
        depth, key = len(match.group(1)), match.group(2)
        if depth == 2:
            in_resources = key == "resource"
        elif in_resources and depth == 4:
            kind = key
        elif in_resources and depth == 6:
            lines[number] = f"{kind}.{key}"
    return lines


_KEY = re.compile(r'^( *)"([^"]+)": \{$')


def _finding(stack: str, item: dict[str, Any], sources: Mapping[str, str], blocks: Mapping[int, str]) -> Finding:
    address = blocks.get((item.get("file_line_range") or [0])[0], item["resource"])
    details = "; ".join(item.get("details") or [])
    message = item["check_name"] + (f": {details}" if details else "")
    return Finding("checkov", stack, item["check_id"], address, message, sources.get(address, ""))


def _default_tags(document: dict[str, Any]) -> dict[str, str]:
    providers = document.get("provider", {}).get("aws", [])
    tags: dict[str, str] = {}
    for provider in providers if isinstance(providers, list) else [providers]:
        for block in provider.get("default_tags", []):
            tags.update(block.get("tags", {}))
    return tags
