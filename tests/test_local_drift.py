"""`drift --local` on a local AWS of its own with two small stacks (not the whole organisation: cheap): a change
made behind Terraform's back with boto3 is reported for that stack only, and the exit code says whether any stack
drifted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from landingzone.cli import main
from landingzone.cli_local import drift_report
from landingzone.local import server
from landingzone.local.drift import DriftResult, StackDrift, detect_drift
from landingzone.local.processes import Children
from landingzone.local.retarget import LOCAL_ACCESS_KEY, LOCAL_SECRET_KEY, local_backend, local_provider
from landingzone.local.runner import StackRun, run_in_order
from landingzone.local.stack_terraform import StackTerraform, drifted_attributes
from landingzone.local.workspace import Workspace

pytestmark = [pytest.mark.terraform]

BUCKET = "drift-test-state"
STACKS = ("alpha", "beta")


def _client(endpoint: str, service: str):  # noqa: ANN202 - a boto3 client
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=LOCAL_ACCESS_KEY,
                        aws_secret_access_key=LOCAL_SECRET_KEY, config=Config(proxies={}))


def _stack(name: str, endpoint: str) -> dict:
    """A stack as `up --local` leaves it: its state in the S3 backend on the local AWS, its provider retargeted."""
    backend = {"bucket": BUCKET, "key": f"landingzone/{name}.tfstate", "region": "us-east-1", "use_lockfile": True}
    return {
        "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws", "version": "5.100.0"}},
                      "backend": {"s3": local_backend(backend, endpoint)}},
        "provider": {"aws": [local_provider({"region": "us-east-1"}, endpoint)]},
        "resource": {"aws_ssm_parameter": {name: {"name": f"/drift/{name}", "type": "String", "value": "as applied",
                                                  "tags": {"stack": name}}}},
    }


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    project = tmp_path_factory.mktemp("drift")
    workspace = Workspace.of(project)
    endpoint = server.start(workspace.root).endpoint
    try:
        _client(endpoint, "s3").create_bucket(Bucket=BUCKET)
        for name in STACKS:
            (workspace.stacks_dir / name).mkdir(parents=True)
            (workspace.stacks_dir / name / "cdk.tf.json").write_text(json.dumps(_stack(name, endpoint)))
        stacks = StackTerraform(Children(workspace.terraform()), workspace.stacks_dir)
        applied = run_in_order({name: () for name in STACKS}, stacks.apply, workers=2)
        assert all(run.ok for run in applied.values()), applied
        # A folder without state (a stack left out, or never applied) is not planned.
        (workspace.stacks_dir / "never-applied").mkdir()
        (workspace.stacks_dir / "never-applied" / "cdk.tf.json").write_text(json.dumps(_stack("never", endpoint)))
        yield project, endpoint
    finally:
        server.stop(workspace.root)


def test_a_change_behind_terraforms_back_is_drift_in_that_stack_only(deployed) -> None:
    project, endpoint = deployed
    _client(endpoint, "ssm").put_parameter(Name="/drift/alpha", Value="edited in the console", Type="String",
                                           Overwrite=True)
    result = detect_drift(project, workers=2)
    assert sorted(result.stacks) == list(STACKS) and not result.ok
    alpha, beta = result.stacks["alpha"], result.stacks["beta"]
    assert alpha.drifted and alpha.run.detail.splitlines() == ["update aws_ssm_parameter.alpha"]
    [outside] = alpha.outside
    assert outside.startswith("aws_ssm_parameter.alpha: ") and "value" in outside.split(": ")[1].split(", ")
    assert not beta.drifted and beta.run.status == "ok" and beta.outside == ()

    lines, code = drift_report(result)
    assert code == 1
    rows = {line.split()[0]: line.split()[1:4] for line in lines if line.startswith("  ") and len(line.split()) == 5}
    assert rows == {"alpha": ["1", "DRIFT", "1"], "beta": ["1", "none", "0"]}
    at = lines.index("drift in alpha: the next apply would")
    assert lines[at + 1:at + 3] == ["  update aws_ssm_parameter.alpha", f"  changed outside Terraform: {outside}"]
    assert not any(line.startswith("drift in beta") for line in lines)
    assert lines[-1].startswith("drift in 1 of 2 stacks: alpha;")


def test_no_drift_exits_0_and_a_failed_plan_exits_1() -> None:
    planned = DriftResult("http://127.0.0.1:1", {"beta": StackDrift(StackRun("beta", "ok", 1, 2.0))})
    lines, code = drift_report(planned)
    assert code == 0 and lines[-1] == "drift in 0 of 1 stacks"
    failed = DriftResult("http://127.0.0.1:1", {"beta": StackDrift(StackRun("beta", "failed", 1, 2.0, "Error: x"))})
    lines, code = drift_report(failed)
    assert code == 1 and "plan beta failed:\n  Error: x" in lines
    assert ["beta", "1", "FAILED", "0", "2.0"] in [line.split() for line in lines]


def test_drift_with_nothing_deployed_checks_nothing(tmp_path: Path, capsys) -> None:
    workspace = Workspace.of(tmp_path)
    local = server.start(workspace.root)
    try:
        (workspace.stacks_dir / "org").mkdir(parents=True)  # a folder without state: nothing deployed
        assert main(["drift", "--local", "--root", str(tmp_path)]) == 0
    finally:
        server.stop(workspace.root)
    out = capsys.readouterr().out
    assert f"no stack holds resources on the local AWS at {local.endpoint}; nothing to check" in out


def test_drift_without_a_running_local_aws_is_an_environment_error(tmp_path: Path, capsys) -> None:
    assert main(["drift", "--local", "--root", str(tmp_path)]) == 4
    assert "no local AWS is running in this project; `landingzone up --local` deploys one" in capsys.readouterr().err


def test_drift_names_its_only_target(tmp_path: Path, capsys) -> None:
    assert main(["drift", "--root", str(tmp_path)]) == 3
    assert "landingzone: drift: only --local is supported" in capsys.readouterr().err


def test_deleted_and_changed_resources_are_told_apart_in_the_refresh() -> None:
    plan = {"resource_drift": [
        {"address": "aws_s3_bucket.gone", "change": {"actions": ["delete"], "before": {"bucket": "b"}, "after": None}},
        {"address": "aws_iam_role.r", "change": {"actions": ["update"], "before": {"description": "a", "name": "r"},
                                                  "after": {"description": "b", "name": "r"}}}]}
    assert drifted_attributes(plan) == ["aws_s3_bucket.gone: deleted outside Terraform", "aws_iam_role.r: description"]
    assert drifted_attributes({}) == []
