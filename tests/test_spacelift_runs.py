"""A local Spacelift run's parts that need no local AWS: the committed runtime configuration it insists on, the
checkout and hooks it runs, the stack it requires them to leave, and the plan-policy input and verdicts. The
whole flow (hooks, plan, policies, apply) runs in `up --local` in tests/test_local_deploy.py, where a plan policy
stops a destructive change."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import PROJECT, copy_example
from landingzone.config import load_landing_zone
from landingzone.delivery import spacelift_config
from landingzone.errors import ConfigError
from landingzone.gates.plan_policies import evaluate_all, policy_input
from landingzone.gates.terraform import Terraform
from landingzone.local.processes import Children
from landingzone.local.runner import FAILED
from landingzone.local.spacelift_runs import HOOKS_LOG, AdminView, SpaceliftRuns, check_committed
from landingzone.topology import stack_specs

PLANS = Path(__file__).parent / "fixtures" / "plans"
CLEAN_CHECKOV = {"stacks": ["baseline-dev"], "failed": [], "suppressed": []}


def _custom(folder: Path, **files: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (folder / f"{name}.custom.spacelift.json").write_text(json.dumps(body))
    return folder


def _denials(plan: dict, folder: Path, stack: str = "baseline-dev") -> dict[str, tuple[str, ...]]:
    return {v.policy: v.deny for v in evaluate_all(PROJECT, policy_input(stack, "run-1", plan, folder))}


def test_the_input_holds_the_plan_the_stack_and_every_custom_file(tmp_path: Path) -> None:
    folder = _custom(tmp_path, decommission={"allow": ["aws_kms_key.*"]}, checkov=CLEAN_CHECKOV)
    (folder / "cdk.tf.json").write_text("{}")
    given = policy_input("baseline-dev", "run-1", {"resource_changes": []}, folder, ("account:dev", "landingzone"))
    assert given == {"spacelift": {"stack": {"id": "baseline-dev", "name": "baseline-dev",
                                             "labels": ["account:dev", "landingzone"]},
                                   "run": {"id": "run-1", "type": "TRACKED"}},
                     "terraform": {"resource_changes": []},
                     "third_party_metadata": {"custom": {"decommission": {"allow": ["aws_kms_key.*"]},
                                                         "checkov": CLEAN_CHECKOV}}}


def test_the_shipped_policies_deny_a_replaced_vpc_and_only_that(tmp_path: Path) -> None:
    case = json.loads((PLANS / "vpc-cidr-changed.json").read_text())
    folder = _custom(tmp_path, decommission={"allow": case["allow"]}, checkov=CLEAN_CHECKOV)
    assert _denials(case["plan"], folder) == {"policies/spacelift/checkov.rego": (),
                                              "policies/spacelift/plan-safety.rego": tuple(case["expected"])}
    decommissioned = _custom(tmp_path / "allowed", decommission={"allow": ["aws_vpc.*", "aws_subnet.*"]},
                             checkov=CLEAN_CHECKOV)
    assert _denials(case["plan"], decommissioned)["policies/spacelift/plan-safety.rego"] == ()


def test_a_run_whose_hooks_left_no_checkov_findings_is_denied(tmp_path: Path) -> None:
    folder = _custom(tmp_path, decommission={"allow": []})
    denied = _denials({"resource_changes": []}, folder)["policies/spacelift/checkov.rego"]
    assert len(denied) == 1 and "no checkov.custom.spacelift.json in the project root" in denied[0]
    other = _custom(tmp_path / "other", checkov={**CLEAN_CHECKOV, "stacks": ["network"]})
    assert "the hooks scanned the wrong stack" in _denials({}, other)["policies/spacelift/checkov.rego"][0]


@pytest.mark.parametrize(("change", "why"), [
    (lambda path: path.unlink(), "is missing"),
    (lambda path: path.write_text(path.read_text().replace("project_root: .spacelift/workdir", "project_root: x", 1)),
     "is not what synth writes for this configuration"),
])
def test_up_refuses_a_missing_or_stale_runtime_configuration(project: Path, change, why: str) -> None:
    lz = load_landing_zone(project)
    specs = stack_specs(lz)
    check_committed(lz, specs)  # the example's committed file is current
    change(project / spacelift_config.CONFIG_FILE)
    with pytest.raises(ConfigError) as raised:
        check_committed(lz, specs)
    [problem] = raised.value.problems
    assert (problem.file, problem.message) == (".spacelift/config.yml", f"{why}; run `landingzone synth` and "
                                               "commit the file it writes (Spacelift runs read it from the repository)")


def test_the_admin_stack_gives_each_stack_its_labels_and_routes_its_inputs() -> None:
    """Read from the admin stack as synthesized (its golden copy): what Spacelift would hold after applying it."""
    admin = AdminView.read(Path(__file__).parent / "golden" / "admin.cdk.tf.json")
    assert admin.labels["baseline-dev"] == ("account:dev", "landingzone", "team:platform")
    assert "protected" in admin.labels["org"]
    assert admin.references["baseline-dev"]["account_id_dev"] == ("org", "account_id_dev")
    assert set(admin.references) >= {"identity", "network", "security", "baseline-dev"}
    assert all(stack == "org" for routes in admin.references.values() for stack, _ in routes.values())


def _runs(project: Path, hooks: list[str], synthesized: Path) -> SpaceliftRuns:
    config = project / spacelift_config.CONFIG_FILE
    document = yaml.safe_load(config.read_text())
    document["stack_defaults"]["before_init"] = hooks
    config.write_text(yaml.safe_dump(document))
    workspace = project / ".landingzone" / "local"
    return SpaceliftRuns(Children(Terraform("terraform", dict(os.environ))), workspace / "stacks", project=project,
                         runs_dir=workspace / "runs", synthesized=synthesized, run_id="run-1")


def test_hooks_run_in_order_in_a_clean_checkout_and_the_first_failure_stops_the_run(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    (project / "cdktf.out").mkdir()  # generated and ignored by .gitignore: no clone has it
    shutil.copy(PROJECT / ".gitignore", project / ".gitignore")
    hooks = [spacelift_config.INSTALL_HOOK,
             'test "$TF_VAR_spacelift_stack_id" = org && test "$(pwd)" = "$(cd ../.. && pwd)/.spacelift/workdir"',
             "test -f ../../config/organization.yaml && test ! -L ../../config && test ! -e ../../cdktf.out "
             "&& test ! -e ../../.landingzone && test -f ../../.spacelift/config.yml "
             "&& python3 -c 'import landingzone'",
             "echo reached > reached.txt; echo 'the checkout is broken' >&2; exit 3",
             "echo never > never.txt"]
    run = _runs(project, hooks, tmp_path / "synth").apply("org")
    assert run.status == FAILED
    assert run.detail == f"before_init hook 4 of 5 failed (exit 3): {hooks[3]}\nthe checkout is broken"
    workdir = project / ".landingzone/local/runs/org/checkout/.spacelift/workdir"
    assert (workdir / "reached.txt").is_file() and not (workdir / "never.txt").exists()
    log = (project / ".landingzone/local/runs/org" / HOOKS_LOG).read_text()
    assert f"$ {hooks[0]}\n(not run: the local runner is " in log and "(exit 0)" in log


def test_a_run_fails_when_its_hooks_did_not_leave_the_stack_up_synthesized(tmp_path: Path) -> None:
    project = copy_example(tmp_path / "project")
    synthesized = tmp_path / "synth"
    (synthesized / "stacks" / "org").mkdir(parents=True)
    (synthesized / "stacks" / "org" / "cdk.tf.json").write_text('{"resource": {}}\n')
    missing = _runs(project, ["true"], synthesized).apply("org")
    assert (missing.status, missing.detail) == (FAILED, "the run's own synth of org differs from up's synth of the "
                                                        "organisation: cdk.tf.json is missing from the project root")
    other = _runs(project, ["echo '{}' > cdk.tf.json"], synthesized).apply("org")
    assert other.detail.endswith(": cdk.tf.json is not the same")
