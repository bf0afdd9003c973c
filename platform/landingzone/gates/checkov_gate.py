"""checkov over every synthesized stack: batches of stacks per checkov process, a few processes at once.

checkov's start-up (~3 s of imports and check loading) is most of a small stack's cost, so one process scans
a batch of files (`-f` once per stack; one report whose records carry each file's path, unlike repeated `-d`,
which prints one cumulative report per folder). Batches stay small because checkov's graph resolves each
reference against every file of the same name in the run, which grows faster than linearly.

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

from landingzone.errors import MissingTool
from landingzone.gates.batches import balanced_batches, reported
from landingzone.gates.findings import Finding, GateReport

CHECKS_DIR = "policies/checkov/checks"
LOAD_FAILURE = "Cannot load external check"
# Per process: enough stacks that start-up is a small share, few enough that the graph stays near linear
# (measured at 100 accounts: 0.31 s a stack in batches of 25, 0.45 s in one batch of 100).
BATCH_STACKS, BATCH_BYTES = 40, 4_000_000
# What the gate tells the organisation's checks (policies/checkov/checks/RequiredTags.py reads them).
REQUIRED_TAGS_ENV, DEFAULT_TAGS_ENV = "LANDINGZONE_REQUIRED_TAGS", "LANDINGZONE_DEFAULT_TAGS_BY_FILE"
# Findings that say the run itself went wrong, not the stack: never cached, always re-run.
RUN_ERRORS = frozenset({"CHECKOV_LOAD", "CHECKOV_ERROR"})
COMMENT = "//"


class CheckovUnavailable(MissingTool):
    """checkov is neither beside this Python nor on PATH."""


def checkov_binary() -> str:
    beside = Path(sys.executable).with_name("checkov")
    found = str(beside) if beside.exists() else shutil.which("checkov")
    if not found:
        raise CheckovUnavailable("checkov is not installed in this environment (pip install checkov)")
    return found


def run_checkov(stacks: Mapping[str, Path], checks_dir: Path, required_tags: Sequence[str],
                sources: Mapping[str, Mapping[str, str]], workers: int | None = None) -> GateReport:
    """Scan each stack folder; `sources` maps stack → address → the config file the resource came from."""
    return sum(scan_stacks(stacks, checks_dir, required_tags, sources, workers).values(), GateReport(()))


def scan_stacks(stacks: Mapping[str, Path], checks_dir: Path, required_tags: Sequence[str],
                sources: Mapping[str, Mapping[str, str]], workers: int | None = None,
                done: Callable[[str], None] = lambda _stack: None) -> dict[str, GateReport]:
    """One report per stack, every stack present, from as few checkov processes as the batch limits allow.
    `done(stack)` is called as each stack's batch ends."""
    if not (checks_dir / "__init__.py").is_file():
        # checkov skips such a folder with an INFO line, and every custom check then passes by absence.
        problem = f"{checks_dir} has no __init__.py, so checkov would load none of its checks"
        return {name: GateReport((Finding("checkov", name, "CHECKOV_LOAD", "", problem, CHECKS_DIR),))
                for name in stacks}
    files = {name: folder / "cdk.tf.json" for name, folder in stacks.items()}
    batches = balanced_batches({name: path.stat().st_size for name, path in files.items()},
                               BATCH_STACKS, BATCH_BYTES)
    workers = max(1, min(len(batches) or 1, workers or os.cpu_count() or 1))
    reports: dict[str, GateReport] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for found in pool.map(lambda batch: reported(_scan_batch({n: files[n] for n in batch}, checks_dir,
                                                                 required_tags, sources), done), batches):
            reports.update(found)
    return reports


def _scan_batch(files: Mapping[str, Path], checks_dir: Path, required_tags: Sequence[str],
                sources: Mapping[str, Mapping[str, str]]) -> dict[str, GateReport]:
    documents = {name: _document(path.read_text()) for name, path in files.items()}
    texts = {name: checkov_view(doc) if isinstance(doc, dict) else files[name].read_text()
             for name, doc in documents.items()}
    relative = {name: f"{name}/cdk.tf.json" for name in files}
    with tempfile.TemporaryDirectory(prefix="landingzone-checkov-") as scratch:
        cwd = Path(scratch) / "stacks"
        for name, text in texts.items():
            (cwd / name).mkdir(parents=True)
            (cwd / relative[name]).write_text(text)
        # keyed the way checkov names a file to a check: "/" + its path relative to the working folder
        tags_file = Path(scratch) / "default-tags.json"
        tags_file.write_text(json.dumps({f"/{relative[name]}": _default_tags(doc) for name, doc in documents.items()}))
        env = {**os.environ, REQUIRED_TAGS_ENV: json.dumps(list(required_tags)), DEFAULT_TAGS_ENV: str(tags_file),
               "LOG_LEVEL": "WARNING", "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false"}
        command = [checkov_binary(), "--framework", "terraform_json", "--skip-download",
                   "--external-checks-dir", str(checks_dir), "-o", "json", "--compact"]
        for name in sorted(relative):
            command += ["-f", relative[name]]
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, check=False)
    stack_of = _StackOf(cwd, {os.path.normpath(cwd / path): name for name, path in relative.items()})
    return _read_results(result, stack_of, texts, sources)


class _StackOf:
    """The stack a path in checkov's report belongs to (records carry it as given, relative to the cwd)."""

    def __init__(self, cwd: Path, by_path: Mapping[str, str]) -> None:
        self.cwd, self.by_path = cwd, by_path

    @property
    def names(self) -> list[str]:
        return sorted(self.by_path.values())

    def __call__(self, path: str) -> str:
        name = self.by_path.get(os.path.normpath(self.cwd / path))
        if name is None:
            raise KeyError(f"checkov reported a file the gate did not give it: {path}")
        return name


def _read_results(result: subprocess.CompletedProcess[str], stack_of: _StackOf, texts: Mapping[str, str],
                  sources: Mapping[str, Mapping[str, str]]) -> dict[str, GateReport]:
    stacks = stack_of.names
    findings: dict[str, list[Finding]] = {name: [] for name in stacks}
    checks_run = dict.fromkeys(stacks, 0)
    if LOAD_FAILURE in result.stderr:
        line = next(line for line in result.stderr.splitlines() if LOAD_FAILURE in line)
        for name in stacks:
            findings[name].append(Finding("checkov", name, "CHECKOV_LOAD", "", f"{line.strip()}; a broken check "
                                          "would otherwise pass everything silently", CHECKS_DIR))
    try:
        output = json.loads(result.stdout)
    except json.JSONDecodeError:
        message = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return {name: GateReport((Finding("checkov", name, "CHECKOV_ERROR", "", f"checkov failed: {message}"),))
                for name in stacks}
    blocks = {name: resource_lines(text) for name, text in texts.items()}
    for run in output if isinstance(output, list) else [output]:
        results = run.get("results", {})
        for path in results.get("parsing_errors", []):
            name = stack_of(path)
            findings[name].append(Finding("checkov", name, "CHECKOV_PARSE", "", "checkov could not parse the stack"))
        for outcome in ("passed_checks", "failed_checks"):
            for item in results.get(outcome, []):
                name = stack_of(item["file_abs_path"])
                checks_run[name] += 1
                if outcome == "failed_checks":
                    findings[name].append(_finding(name, item, sources.get(name, {}), blocks[name]))
    return {name: GateReport(tuple(sorted(findings[name])), checks_run[name]) for name in stacks}


def checkov_view(document: Mapping[str, Any]) -> str:
    """The stack as checkov is given it: without its `import` blocks and the plain values of its `terraform`
    block (`required_version`). checkov 3.3's terraform_json parser reads every entry there as a block, fails
    the whole file on a plain value, and then checks nothing at all; it has no check on either. Without the
    `//` comments either (cdktf's construct path on every resource): a third of the lines, which checkov would
    parse and render as attributes for no check. Findings are placed by this text's own lines
    (`resource_lines`)."""
    view = {key: _without_comments(value) for key, value in document.items() if key not in ("import", COMMENT)}
    if isinstance(view.get("terraform"), dict):
        view["terraform"] = {key: value for key, value in view["terraform"].items() if isinstance(value, dict)}
    return json.dumps(view, indent=2)


def _without_comments(value: Any) -> Any:
    """`value` without `//` keys at any depth (Terraform JSON's comments; no check reads one)."""
    if isinstance(value, dict):
        return {key: _without_comments(item) for key, item in value.items() if key != COMMENT}
    if isinstance(value, list):
        return [_without_comments(item) for item in value]
    return value


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


def _document(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None  # given to checkov as it is, which reports it as unparseable


def _default_tags(document: Any) -> dict[str, str]:
    providers = document.get("provider", {}).get("aws", []) if isinstance(document, dict) else []
    tags: dict[str, str] = {}
    for provider in providers if isinstance(providers, list) else [providers]:
        for block in provider.get("default_tags", []):
            tags.update(block.get("tags", {}))
    return tags
