"""The synthesized S3 backend, initialised for real by Terraform against a local AWS (moto on loopback): state
objects land under their keys, and a held lock makes a second apply fail cleanly instead of writing over it.

`terraform init -backend=false` (what validate uses) never reads the backend block at all, so only a real init
proves Terraform accepts it: the first test shows the difference.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from landingzone.local.retarget import local_backend
from moto_server import moto_fixtures

pytestmark = [pytest.mark.synth, pytest.mark.terraform]

moto_endpoint, aws = moto_fixtures()

BUCKET = "acme-landingzone-terraform-state"
HELD = {"ID": "held-by-the-test", "Operation": "OperationTypeApply", "Info": "", "Who": "test", "Version": "1.11.4",
        "Created": "2026-01-01T00:00:00Z", "Path": ""}


def _backend(example_synth: Path, stack: str) -> dict[str, Any]:
    return json.loads((example_synth / "stacks" / stack / "cdk.tf.json").read_text())["terraform"]["backend"]["s3"]


def _root_module(folder: Path, backend: dict[str, Any], endpoint: str) -> Path:
    """A root module with the stack's backend (aimed at the local AWS) and one output that changes every apply."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.tf.json").write_text(json.dumps({
        "terraform": {"backend": {"s3": local_backend(backend, endpoint)}},
        "output": {"applied_at": {"value": "${timestamp()}"}}}))
    return folder


def _run(terraform, folder: Path, command: str, *args: str):  # noqa: ANN202 - a CompletedProcess
    interactive = ("-input=false",) if command in ("init", "apply") else ()
    return terraform.run(folder, command, *args, *interactive, "-no-color")


def test_only_a_real_init_reads_the_backend_block(example_synth: Path, terraform, aws: str, tmp_path: Path) -> None:
    backend = {**_backend(example_synth, "org"), "no_such_setting": True}
    folder = _root_module(tmp_path / "bogus", backend, aws)
    assert _run(terraform, folder, "init", "-backend=false").returncode == 0
    assert _run(terraform, folder, "validate").returncode == 0
    result = _run(terraform, folder, "init")
    assert result.returncode != 0 and "no_such_setting" in result.stderr


def test_state_lands_under_the_stacks_key_and_a_held_lock_fails_the_next_apply_cleanly(
        example_synth: Path, terraform, aws: str, tmp_path: Path) -> None:
    s3 = boto3.client("s3")
    s3.create_bucket(Bucket=BUCKET)
    backend = _backend(example_synth, "baseline-prod")
    assert backend["use_lockfile"] is True
    folder = _root_module(tmp_path / "stack", backend, aws)
    assert _run(terraform, folder, "init").returncode == 0
    assert _run(terraform, folder, "apply", "-auto-approve").returncode == 0
    key = "landingzone/baseline-prod.tfstate"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == [key]
    state = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    s3.put_object(Bucket=BUCKET, Key=f"{key}.tflock", Body=json.dumps({**HELD, "Path": f"{BUCKET}/{key}"}).encode())
    held = _run(terraform, folder, "apply", "-auto-approve", "-lock-timeout=2s")
    assert held.returncode == 1
    assert "Error acquiring the state lock" in held.stderr and "held-by-the-test" in held.stderr
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == state  # nothing written over the held state
    s3.delete_object(Bucket=BUCKET, Key=f"{key}.tflock")
    assert _run(terraform, folder, "apply", "-auto-approve").returncode == 0
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() != state


def test_a_dynamodb_lock_is_honoured_the_same_way(example_synth: Path, terraform, aws: str, tmp_path: Path) -> None:
    s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")
    s3.create_bucket(Bucket=BUCKET)
    dynamodb.create_table(TableName="acme-state-lock", BillingMode="PAY_PER_REQUEST",
                          KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}])
    # the block backends.configure writes with locking: dynamodb (test_bootstrap_stack checks the synthesized one)
    backend = {key: value for key, value in _backend(example_synth, "org").items() if key != "use_lockfile"}
    folder = _root_module(tmp_path / "stack", {**backend, "dynamodb_table": "acme-state-lock"}, aws)
    assert _run(terraform, folder, "init").returncode == 0
    assert _run(terraform, folder, "apply", "-auto-approve").returncode == 0
    lock_id = f"{BUCKET}/landingzone/org.tfstate"
    dynamodb.put_item(TableName="acme-state-lock", Item={"LockID": {"S": lock_id}, "Info": {"S": json.dumps(
        {**HELD, "Path": lock_id})}})
    held = _run(terraform, folder, "apply", "-auto-approve", "-lock-timeout=2s")
    assert held.returncode == 1 and "Error acquiring the state lock" in held.stderr
