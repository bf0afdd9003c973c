"""Many stacks per tool process, each finding still attributed to its stack: checkov and terraform validate."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import PROJECT
from landingzone.gates.batches import balanced_batches
from landingzone.gates.checkov_gate import CHECKS_DIR, checkov_view, scan_stacks

REQUIRED = {"aws": {"source": "aws", "version": "5.100.0"}}
WILDCARD = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
                                                                 "Resource": "*"}]})


def stack(folder: Path, document: dict | str) -> Path:
    folder.mkdir(parents=True)
    text = document if isinstance(document, str) else json.dumps(document, indent=2)
    (folder / "cdk.tf.json").write_text(text)
    return folder


def queue_stack(default_tags: dict[str, str], **resources: dict) -> dict:
    """The same addresses in every stack: a batch must not mix them up. With cdktf's `//` comments, which the
    gate leaves out of what checkov reads (findings must still land on the right resource)."""
    comment = {"//": {"metadata": {"path": "stack/construct/resource", "uniqueId": "x"}}}
    return {"//": {"metadata": {"version": "0.21.0"}}, "terraform": {"required_providers": REQUIRED},
            "provider": {"aws": [{"region": "us-east-1", "default_tags": [{"tags": default_tags}]}]},
            "resource": {"aws_sqs_queue": {"jobs": {**comment, "name": "jobs", "sqs_managed_sse_enabled": True,
                                                    "tags": {"Environment": "prod"}}},
                         **{kind: {name: {**comment, **block} for name, block in items.items()}
                            for kind, items in resources.items()}}}


def test_batches_are_balanced_bounded_and_deterministic() -> None:
    sizes = {f"s{i}": size for i, size in enumerate([900, 100, 100, 100, 500, 500, 50])}
    batches = balanced_batches(sizes, max_items=3, max_bytes=10_000)
    assert sorted(name for batch in batches for name in batch) == sorted(sizes)
    assert len(batches) == 3 and all(len(batch) <= 3 for batch in batches)
    assert batches == balanced_batches(dict(reversed(sizes.items())), max_items=3, max_bytes=10_000)
    assert max(sum(sizes[n] for n in b) for b in batches) <= 900 + 50  # the largest goes alone with the smallest
    assert len(balanced_batches(sizes, max_items=100, max_bytes=1000)) == 3  # bytes bound the batch too
    assert balanced_batches({}, 3, 10) == []


def test_one_checkov_process_attributes_each_finding_to_its_stack_and_file(tmp_path: Path) -> None:
    tagged = stack(tmp_path / "out" / "tagged", queue_stack({"Project": "p", "Owner": "team"}, aws_iam_policy={
        "writer": {"name": "writer", "policy": WILDCARD, "tags": {"Environment": "prod"}}}))
    untagged = stack(tmp_path / "out" / "untagged", queue_stack({"Project": "p"}))
    broken = stack(tmp_path / "out" / "broken", '{"resource": {"aws_sqs_queue": ')  # cut short
    reports = scan_stacks({"tagged": tagged, "untagged": untagged, "broken": broken}, PROJECT / CHECKS_DIR,
                          ["Environment", "Project", "Owner"], {"untagged": {"aws_sqs_queue.jobs": "accounts/u.yaml"},
                                                                "tagged": {"aws_iam_policy.writer": "accounts/t.yaml"}})
    failed = {(f.stack, f.check_id, f.address, f.source) for r in reports.values() for f in r.findings}
    # the provider's default tags of each stack count for that stack only, though one process scanned both
    assert ("untagged", "CKV_LZ_1", "aws_sqs_queue.jobs", "accounts/u.yaml") in failed
    assert not any(s == "tagged" and c == "CKV_LZ_1" for s, c, _, _ in failed)
    assert ("tagged", "CKV_LZ_3", "aws_iam_policy.writer", "accounts/t.yaml") in failed
    assert not any(s == "untagged" and c == "CKV_LZ_3" for s, c, _, _ in failed)
    assert ("broken", "CHECKOV_PARSE", "", "") in failed
    assert reports["tagged"].checks_run > reports["untagged"].checks_run > 0
    assert "//" not in checkov_view(json.loads((tagged / "cdk.tf.json").read_text()))


def provider(region: str = "us-east-1", **extra: object) -> dict:
    return {"aws": [{"region": region, **extra}]}


def queue(name: str = "q", **extra: object) -> dict:
    return {"aws_sqs_queue": {"q": {"name": name, **extra}}}


# Each broken stack is one mistake Terraform catches; "valid*" stacks must pass beside them in one batch.
STACKS: dict[str, dict | str] = {
    "valid-a": {"terraform": {"required_providers": REQUIRED, "backend": {"s3": {"bucket": "b", "key": "k"}}},
                "provider": provider(), "resource": queue()},
    "valid-typed-variable": {"terraform": {"required_providers": REQUIRED}, "provider": provider(),
                             "variable": {"account_id": {"type": "string"}},
                             "resource": queue("${var.account_id}")},
    "valid-import": {"terraform": {"required_providers": REQUIRED}, "provider": provider(), "resource": queue(),
                     "import": [{"to": "aws_sqs_queue.q", "id": "https://sqs.example/q"}]},
    "unknown-argument": {"terraform": {"required_providers": REQUIRED}, "provider": provider(),
                         "resource": queue(namex="q")},
    "bad-provider-block": {"terraform": {"required_providers": REQUIRED}, "provider": {"aws": [{"regionx": "x"}]},
                           "resource": queue()},
    # its error names no file: the batch is split until the stack is validated alone
    "missing-provider-alias": {"terraform": {"required_providers": REQUIRED}, "resource": queue(provider="aws.nope")},
    # an error in loading the configuration fails the batch's init: split until it is alone
    "bad-terraform-block": {"terraform": {"required_providers": REQUIRED, "bogus": True}, "provider": provider(),
                            "resource": queue()},
    # the variable reaches the module as an unknown list, as it is when the stack is the root
    "variable-used-as-number": {"terraform": {"required_providers": REQUIRED}, "provider": provider(),
                                "variable": {"name": {"type": "list(string)"}}, "resource": queue("${var.name}")},
    "not-json": '{"resource": {"aws_sqs_queue": {"q": {"name": "q",}}}}',
}
EXPECTED = {
    "unknown-argument": 'No argument or block type is named "namex"',
    "bad-provider-block": 'No argument or block type is named "regionx"',
    "missing-provider-alias": "Provider configuration not present",
    "bad-terraform-block": 'No argument or block type is named "bogus"',
    "variable-used-as-number": "Incorrect attribute value type",
    "not-json": "terraform init failed",
}


@pytest.mark.terraform
def test_batched_validate_reports_every_broken_stack_by_name_and_passes_the_rest(tmp_path: Path) -> None:
    from landingzone.gates.terraform_batch import validate_each

    folders = {name: stack(tmp_path / "out" / name, doc) for name, doc in STACKS.items()}
    reports = validate_each(folders, tmp_path / "work")
    assert sorted(reports) == sorted(STACKS)
    messages = {name: " ".join(f.message for f in report.findings) for name, report in reports.items()}
    for name in STACKS:
        if name in EXPECTED:
            assert EXPECTED[name] in messages[name], (name, messages[name])
            assert {f.check_id for f in reports[name].findings} == {"TERRAFORM_VALIDATE"}
        else:
            assert messages[name] == "", (name, messages[name])
    assert all(report.checks_run == 1 for report in reports.values())


@pytest.mark.terraform
def test_shared_provider_serves_terraform_and_stops_with_the_run(tmp_path: Path) -> None:
    from landingzone.gates.provider_server import shared_provider

    with shared_provider(tmp_path) as env:
        reattach = json.loads(env["TF_REATTACH_PROVIDERS"])
        pid = reattach["registry.terraform.io/hashicorp/aws"]["Pid"]
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
