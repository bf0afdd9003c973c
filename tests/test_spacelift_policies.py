"""Every Spacelift plan policy has `opa test`-style tests (`policies/spacelift/<policy>_test.rego`: `test_` rules in
the policy's package, `with input as`), evaluated here in-process with regopy, each policy with its own tests only:
Spacelift evaluates each policy alone, and two policies' `deny` rules would merge in one query.

regopy 1.5.2 crashes (SIGSEGV) evaluating a rule that calls a builtin under `with input as`, so the runner does
what `with` means itself: it evaluates the test's input term, sets it as the input, and evaluates the test rule
with the `with` clause taken out. A test therefore replaces the input once (one `with input as` per rule).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from regopy import Interpreter

from conftest import PROJECT

POLICIES = PROJECT / "policies" / "spacelift"
PLANS = sorted(p for p in POLICIES.glob("*.rego") if not p.stem.endswith("_test"))
TEST_RULE = re.compile(r"^(test_\w+)\s+if\b", re.MULTILINE)


WITH_INPUT = " with input as "


def _term_end(text: str, start: int) -> int:
    """Where the Rego term starting at `start` ends: brackets balanced, strings skipped, up to the line's end."""
    depth, index, quoted = 0, start, False
    while index < len(text):
        char = text[index]
        if quoted:
            index += 2 if char == "\\" else 1
            quoted = char != '"' if char != "\\" else quoted
            continue
        if char == '"':
            quoted = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "\n" and depth == 0:
            return index
        index += 1
    return index


def _query(modules: dict[str, str], query: str, given: object = None) -> object:
    interpreter = Interpreter()
    for name, source in modules.items():
        interpreter.add_module(name, source)
    if given is not None:
        interpreter.set_input_term(json.dumps(given))
    # Serialise the Output itself: a node taken from a temporary Output outlives it and crashes regopy.
    text = str(interpreter.query(query))
    return None if text == "undefined" else json.loads(text)["expressions"][0]


def _without_with(tests: str) -> tuple[str, dict[str, str]]:
    """The tests with every `with input as` clause taken out, and each test rule's input term."""
    terms: dict[str, str] = {}
    while (clause := tests.find(WITH_INPUT)) >= 0:
        end = _term_end(tests, clause + len(WITH_INPUT))
        rule = TEST_RULE.findall(tests[:clause])[-1]
        terms[rule] = tests[clause + len(WITH_INPUT):end]
        tests = tests[:clause] + tests[end:]
    return tests, terms


def run_tests(policy: Path, tests: str) -> dict[str, bool]:
    """Each test rule's result, as `opa test` reports pass or fail: a rule that is not true fails."""
    plain, terms = _without_with(tests)
    modules = {policy.stem: policy.read_text(), "tests": plain}
    results = {}
    for name in TEST_RULE.findall(tests):
        given: object = {}
        if name in terms:
            given = _query({**modules, "given": f"package spacelift\n\nlandingzone_given := {terms[name]}\n"},
                           "data.spacelift.landingzone_given")
        results[name] = _query(modules, f"data.spacelift.{name}", given) is True
    return results


@pytest.mark.parametrize("policy", PLANS, ids=lambda p: p.stem)
def test_policy_passes_its_tests(policy: Path) -> None:
    tests = policy.with_name(f"{policy.stem}_test.rego")
    assert tests.is_file(), f"{policy.name} has no {tests.name}"
    results = run_tests(policy, tests.read_text())
    assert len(results) >= 4, f"{tests.name} tests too little: {sorted(results)}"
    assert [name for name, passed in results.items() if not passed] == []


def test_the_runner_reports_a_failing_test() -> None:
    tests = ("package spacelift\n\nimport rego.v1\n\ntest_passes if {\n\tcount(deny) == 0 with input as {}\n}\n\n"
             "test_fails if {\n\tcount(deny) == 5 with input as {}\n}\n")
    assert run_tests(POLICIES / "plan-safety.rego", tests) == {"test_passes": True, "test_fails": False}
