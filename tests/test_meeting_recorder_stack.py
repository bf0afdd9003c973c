"""The meeting recorder's stacks (`meeting-recorder-prod`, `meeting-recorder-staging`) read from the synthesized
example, one test per recommendation of its architecture review: the recordings bucket and its lifecycle, the
catalogue table and its backups, the pipeline, transcoding, Bedrock, sign-in, observability, cost and least
privilege. Then one variant of the example (other parameters, no organization backup policy) and
`terraform validate`."""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PROJECT, copy_example
from helpers import addresses, assert_subset, resources
from landingzone.config import LandingZone, load_landing_zone
from landingzone.gates.terraform import validate_stack

pytestmark = pytest.mark.synth

WORKLOAD = "meeting-recorder"
STACKS = {"prod": f"{WORKLOAD}-prod", "staging": f"{WORKLOAD}-staging"}
KEY = "${aws_kms_key.kms_key_meeting-recorder.arn}"
RECORDINGS = "s3_recordings"
ACCESS_LOGS = "s3_recordings_access_logs"
TABLE = "dynamodb_table_meeting-recorder-meetings"
TABLE_ARN = f"${{aws_dynamodb_table.{TABLE}.arn}}"
SUMMARISER = "lambda_function_meeting-recorder_summarise"
AUTH_EXCHANGE = "lambda_function_meeting-recorder_auth-exchange"
APP_ROLE, APP_POLICY = "iam_role_meeting-recorder_app", "iam_role_policy_meeting-recorder_app"
SUMMARISER_POLICY = "iam_role_policy_meeting-recorder_summarise"
BOUNDARY = "arn:aws:iam::${{var.account_id_{account}}}:policy/landingzone/landingzone-boundary"
HANDLER = PROJECT / "modules" / "meeting_recorder" / "handlers" / "auth_exchange.py"
DEFAULT_MODELS = {"summary": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                  "extraction": "us.anthropic.claude-haiku-4-5-20251001-v1:0"}
# The variant's manifest (prod) sets these; the example leaves models and job size at their defaults.
VARIANT_MODELS = {"summary": "us.anthropic.claude-opus-4-1-20250805-v1:0", "extraction": "amazon.nova-micro-v1:0"}
BACKUP_SCHEDULE, BACKUP_DAYS = "cron(0 2 * * ? *)", 30

# Actions AWS authorizes only against Resource "*" (they have no resource-level permissions), so an Allow of them on
# "*" is as narrow as IAM can express. Any other action on "*" is a least-privilege failure. Entries may be
# patterns (`ec2:Describe*`); compared case-insensitively, as IAM does.
STAR_ONLY_ACTIONS = (
    # X-Ray: writing traces and reading sampling rules
    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
    # ECR hands out registry tokens for the whole registry
    "ecr:GetAuthorizationToken",
    # Batch: following a job (Step Functions' .sync integration)
    "batch:DescribeJobs",
    # EC2 describe calls (Lambda's VPC networking)
    "ec2:Describe*",
    # CloudWatch Logs' vended log delivery (Step Functions logging)
    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
)


# ---- fixtures and helpers ----

def load_stack(out: Path, name: str) -> dict[str, Any]:
    return json.loads((out / "stacks" / name / "cdk.tf.json").read_text())


@pytest.fixture(scope="module")
def prod(example_synth: Path) -> dict[str, Any]:
    return load_stack(example_synth, STACKS["prod"])


@pytest.fixture(scope="module")
def staging(example_synth: Path) -> dict[str, Any]:
    return load_stack(example_synth, STACKS["staging"])


@pytest.fixture(scope="module", params=sorted(STACKS))
def either(request: pytest.FixtureRequest, example_synth: Path) -> tuple[str, dict[str, Any]]:
    """Each of the two stacks, with its account's name."""
    return request.param, load_stack(example_synth, STACKS[request.param])


@pytest.fixture(scope="module")
def variant(tmp_path_factory: pytest.TempPathFactory, synth_stack: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`meeting-recorder-prod` of the example with other models and job size in its manifest, and without the
    organization backup policy."""
    root = copy_example(tmp_path_factory.mktemp("meeting-recorder-variant") / "project")
    organization = root / "config" / "organization.yaml"
    org = yaml.safe_load(organization.read_text())
    del org["backup_policy"]
    organization.write_text(yaml.safe_dump(org, sort_keys=False))
    manifest_file = root / "accounts" / "prod.yaml"
    manifest = yaml.safe_load(manifest_file.read_text())
    params = manifest["workloads"][WORKLOAD]
    params["transcoding"].update(vcpu=2, memory_mib=4096)
    params["models"] = dict(VARIANT_MODELS)
    manifest_file.write_text(yaml.safe_dump(manifest, sort_keys=False))
    return synth_stack(root, STACKS["prod"])


def parameters(lz: LandingZone, account: str) -> Any:
    return lz.account(account).workloads[WORKLOAD]


def document(resource: dict[str, Any], key: str = "policy") -> dict[str, Any]:
    return json.loads(resource[key])


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return as_list(doc["Statement"])


def by_sid(doc: dict[str, Any], sid: str) -> dict[str, Any]:
    [statement] = [s for s in statements(doc) if s.get("Sid") == sid]
    return statement


def ref(kind: str, name: str, attribute: str) -> str:
    return f"${{{kind}.{name}.{attribute}}}"


def one(stack: dict[str, Any], kind: str) -> tuple[str, dict[str, Any]]:
    [(name, resource)] = resources(stack, kind).items()
    return name, resource


def of_bucket(stack: dict[str, Any], kind: str, bucket: str = RECORDINGS) -> dict[str, Any]:
    """The `kind` resource (versioning, logging, policy...) that configures `bucket`."""
    [resource] = [r for r in resources(stack, kind).values() if r["bucket"] == ref("aws_s3_bucket", bucket, "id")]
    return resource


def lifecycle_rules(stack: dict[str, Any], bucket: str = RECORDINGS) -> list[dict[str, Any]]:
    return of_bucket(stack, "aws_s3_bucket_lifecycle_configuration", bucket)["rule"]


def rule_for(stack: dict[str, Any], kind: str) -> dict[str, Any]:
    """The lifecycle rule selecting objects tagged `type=<kind>` under `users/`."""
    found = [rule for rule in lifecycle_rules(stack) for f in rule["filter"] for both in f.get("and", [])
             if both.get("tags") == {"type": kind}]
    assert len(found) == 1, f"{len(found)} rules select type={kind}"
    [rule] = found
    [selection] = rule["filter"][0]["and"]
    assert selection["prefix"] == "users/"
    return rule


def container(stack: dict[str, Any]) -> dict[str, Any]:
    return json.loads(one(stack, "aws_batch_job_definition")[1]["container_properties"])


def requirements(stack: dict[str, Any]) -> dict[str, str]:
    return {r["type"]: r["value"] for r in container(stack)["resourceRequirements"]}


def state_machine(stack: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    name, machine = one(stack, "aws_sfn_state_machine")
    return name, machine, json.loads(machine["definition"])


def walk(node: Any, key: str) -> Iterator[Any]:
    """Every value stored under `key` anywhere in `node`."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v, key)


def provider_block(stack: dict[str, Any], alias: str | None) -> dict[str, Any]:
    [block] = [p for p in stack["provider"]["aws"] if p.get("alias") == alias]
    return block


def star_grants(doc: dict[str, Any]) -> list[str]:
    """What an identity policy allows too widely: every action, NotAction/NotResource, or an action with
    resource-level permissions on Resource "*"."""
    problems = []
    for number, statement in enumerate(statements(doc)):
        if statement.get("Effect") != "Allow":
            continue
        sid = statement.get("Sid", f"#{number}")
        if "NotAction" in statement or "NotResource" in statement:
            problems.append(f"{sid}: Allow with NotAction/NotResource")
        granted = as_list(statement.get("Action"))
        if "*" in granted:
            problems.append(f"{sid}: Action *")
        if "*" in as_list(statement.get("Resource")):
            loose = [a for a in granted if not any(fnmatch.fnmatchcase(a.lower(), allowed.lower())
                                                   for allowed in STAR_ONLY_ACTIONS)]
            if loose:
                problems.append(f"{sid}: {', '.join(loose)} on Resource *")
    return problems


# ---- the recordings bucket ----

def test_recordings_bucket_is_versioned(prod: dict[str, Any]) -> None:
    versioning = of_bucket(prod, "aws_s3_bucket_versioning")
    assert versioning["versioning_configuration"]["status"] == "Enabled"


def test_recordings_are_encrypted_with_the_workload_key(prod: dict[str, Any]) -> None:
    [rule] = of_bucket(prod, "aws_s3_bucket_server_side_encryption_configuration")["rule"]
    assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "aws:kms", "kms_master_key_id": KEY}


def test_recordings_bucket_blocks_public_access(prod: dict[str, Any]) -> None:
    assert_subset(of_bucket(prod, "aws_s3_bucket_public_access_block"), {
        "block_public_acls": True, "block_public_policy": True, "ignore_public_acls": True,
        "restrict_public_buckets": True})


def test_recordings_bucket_refuses_plain_http(prod: dict[str, Any]) -> None:
    bucket = resources(prod, "aws_s3_bucket")[RECORDINGS]["bucket"]
    arn = f"arn:aws:s3:::{bucket}"
    tls = [s for s in statements(document(of_bucket(prod, "aws_s3_bucket_policy")))
           if s["Effect"] == "Deny" and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}]
    assert len(tls) == 1
    assert tls[0]["Principal"] == "*" and tls[0]["Action"] == "s3:*"
    assert sorted(as_list(tls[0]["Resource"])) == [arn, f"{arn}/*"]


def test_recordings_access_is_logged_in_every_environment(either: tuple[str, dict[str, Any]]) -> None:
    _, stack = either
    logging = of_bucket(stack, "aws_s3_bucket_logging")
    assert logging["target_bucket"] == ref("aws_s3_bucket", ACCESS_LOGS, "id")
    # S3 delivers server access logs only to a bucket encrypted with S3-managed keys.
    [rule] = of_bucket(stack, "aws_s3_bucket_server_side_encryption_configuration", ACCESS_LOGS)["rule"]
    assert rule["apply_server_side_encryption_by_default"] == {"sse_algorithm": "AES256"}


def test_recordings_bucket_cannot_be_destroyed(prod: dict[str, Any]) -> None:
    assert resources(prod, "aws_s3_bucket")[RECORDINGS]["lifecycle"] == {"prevent_destroy": True}


# ---- the recordings lifecycle ----

def test_chunks_expire_after_7_days(prod: dict[str, Any]) -> None:
    rule = rule_for(prod, "chunk")
    assert rule["status"] == "Enabled" and rule["expiration"] == [{"days": 7}]


def test_videos_go_to_intelligent_tiering_at_once(prod: dict[str, Any]) -> None:
    rule = rule_for(prod, "video")
    assert rule["status"] == "Enabled"
    assert rule["transition"] == [{"days": 0, "storage_class": "INTELLIGENT_TIERING"}]
    assert "expiration" not in rule


def test_metadata_goes_to_standard_ia_after_90_days(prod: dict[str, Any]) -> None:
    rule = rule_for(prod, "metadata")
    assert rule["status"] == "Enabled" and rule["transition"] == [{"days": 90, "storage_class": "STANDARD_IA"}]


def test_extracted_audio_expires_after_30_days(prod: dict[str, Any]) -> None:
    rule = rule_for(prod, "audio")
    assert rule["status"] == "Enabled" and rule["expiration"] == [{"days": 30}]


def test_expired_chunks_and_audio_leave_no_hidden_versions(prod: dict[str, Any]) -> None:
    """The bucket is versioned: an expired object stays billed as a noncurrent version unless that goes too."""
    for kind in ("chunk", "audio"):
        assert rule_for(prod, kind)["noncurrent_version_expiration"] == [{"noncurrent_days": 1}], kind


def test_incomplete_multipart_uploads_are_aborted_after_a_day(prod: dict[str, Any]) -> None:
    aborting = [rule for rule in lifecycle_rules(prod) if "abort_incomplete_multipart_upload" in rule]
    assert len(aborting) == 1
    assert aborting[0]["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 1}]
    assert aborting[0]["filter"] == [{"prefix": ""}] and aborting[0]["status"] == "Enabled"


def test_nothing_is_archived_to_glacier(either: tuple[str, dict[str, Any]]) -> None:
    """A user opening an old recording cannot wait hours for a restore."""
    _, stack = either
    for lifecycle in resources(stack, "aws_s3_bucket_lifecycle_configuration").values():
        classes = {t["storage_class"] for key in ("transition", "noncurrent_version_transition")
                   for transitions in walk(lifecycle, key) for t in transitions}
        assert not classes & {"DEEP_ARCHIVE", "GLACIER"}, classes


def test_no_lifecycle_prefix_has_a_wildcard(either: tuple[str, dict[str, Any]]) -> None:
    """Lifecycle prefixes are literal: `users/*/chunks/` would select only a folder named `*`."""
    _, stack = either
    prefixes = [p for lifecycle in resources(stack, "aws_s3_bucket_lifecycle_configuration").values()
                for p in walk(lifecycle, "prefix")]
    assert prefixes and [p for p in prefixes if "*" in p] == []


def test_chunk_uploads_must_carry_their_lifecycle_tag(prod: dict[str, Any]) -> None:
    bucket = resources(prod, "aws_s3_bucket")[RECORDINGS]["bucket"]
    [deny] = [s for s in statements(document(of_bucket(prod, "aws_s3_bucket_policy")))
              if s["Effect"] == "Deny" and "s3:PutObject" in as_list(s["Action"])]
    assert deny["Principal"] == "*"
    assert as_list(deny["Resource"]) == [f"arn:aws:s3:::{bucket}/users/*/chunks/*"]
    assert deny["Condition"] == {"StringNotEquals": {"s3:RequestObjectTag/type": "chunk"}}


# ---- the meetings table ----

def table(stack: dict[str, Any]) -> dict[str, Any]:
    return resources(stack, "aws_dynamodb_table")[TABLE]


def test_table_is_on_demand(prod: dict[str, Any]) -> None:
    assert table(prod)["billing_mode"] == "PAY_PER_REQUEST"


def test_table_has_only_the_date_index(prod: dict[str, Any]) -> None:
    [index] = table(prod)["global_secondary_index"]
    assert (index["hash_key"], index["range_key"]) == ("pk", "created_at")
    assert "local_secondary_index" not in table(prod)


def test_table_has_point_in_time_recovery(prod: dict[str, Any]) -> None:
    assert table(prod)["point_in_time_recovery"] == {"enabled": True}


def test_table_items_expire_by_expires_at(prod: dict[str, Any]) -> None:
    assert table(prod)["ttl"] == {"attribute_name": "expires_at", "enabled": True}


def test_prod_table_uses_the_workload_key(prod: dict[str, Any]) -> None:
    assert table(prod)["server_side_encryption"] == {"enabled": True, "kms_key_arn": KEY}


def test_staging_table_uses_the_aws_managed_key(staging: dict[str, Any]) -> None:
    assert table(staging)["server_side_encryption"] == {"enabled": True}


def test_table_cannot_be_deleted(either: tuple[str, dict[str, Any]]) -> None:
    _, stack = either
    assert table(stack)["deletion_protection_enabled"] is True
    assert table(stack)["lifecycle"] == {"prevent_destroy": True}


def test_table_is_saved_daily_by_the_organization_backup_policy(prod: dict[str, Any],
                                                                org_stack: dict[str, Any]) -> None:
    assert table(prod)["tags"] == {"Backup": "daily"}
    policy = load_landing_zone(PROJECT).organization.backup_policy
    assert policy is not None
    assert (policy.schedule, policy.retention_days) == (BACKUP_SCHEDULE, BACKUP_DAYS)
    [backup] = [p for p in resources(org_stack, "aws_organizations_policy").values() if p["type"] == "BACKUP_POLICY"]
    [plan] = json.loads(backup["content"])["plans"].values()
    rule = plan["rules"]["daily"]
    assert rule["schedule_expression"] == {"@@assign": BACKUP_SCHEDULE}
    assert rule["lifecycle"] == {"delete_after_days": {"@@assign": str(BACKUP_DAYS)}}
    [selection] = plan["selections"]["tags"].values()
    assert (selection["tag_key"], selection["tag_value"]) == ({"@@assign": "Backup"}, {"@@assign": ["daily"]})


def test_table_has_no_plan_of_its_own_beside_the_organization_policy(either: tuple[str, dict[str, Any]]) -> None:
    _, stack = either
    assert not resources(stack, "aws_backup_plan") and not resources(stack, "aws_backup_selection")


def test_without_the_organization_policy_the_stack_backs_up_its_table(variant: dict[str, Any]) -> None:
    plan_name, plan = one(variant, "aws_backup_plan")
    [rule] = plan["rule"]
    assert rule["schedule"] == BACKUP_SCHEDULE and rule["lifecycle"] == {"delete_after": BACKUP_DAYS}
    _, selection = one(variant, "aws_backup_selection")
    assert selection["plan_id"] == ref("aws_backup_plan", plan_name, "id")
    assert selection["resources"] == [TABLE_ARN]


# ---- processing ----

def test_processing_times_out_after_an_hour(prod: dict[str, Any]) -> None:
    assert state_machine(prod)[2]["TimeoutSeconds"] == 3600


def test_every_task_state_retries_with_backoff(prod: dict[str, Any]) -> None:
    task_states = {n: s for n, s in state_machine(prod)[2]["States"].items() if s["Type"] == "Task"}
    assert task_states
    for name, state in task_states.items():
        assert state.get("Retry"), name
        assert all(retrier["BackoffRate"] > 1 for retrier in state["Retry"]), name


def test_processing_is_traced(prod: dict[str, Any]) -> None:
    assert state_machine(prod)[1]["tracing_configuration"] == {"enabled": True}


def test_processing_logs_to_its_log_group(prod: dict[str, Any]) -> None:
    logging = state_machine(prod)[1]["logging_configuration"]
    assert logging["log_destination"] == ref("aws_cloudwatch_log_group", "log_group_meeting-recorder_pipeline",
                                             "arn") + ":*"
    assert logging["level"] in {"ALL", "ERROR", "FATAL"}


def test_transcript_polling_waits_by_seconds_path(prod: dict[str, Any]) -> None:
    waits = [s for s in state_machine(prod)[2]["States"].values() if s["Type"] == "Wait"]
    assert waits and all("SecondsPath" in s and "Seconds" not in s for s in waits)


# ---- transcoding ----

def test_transcoding_runs_on_fargate_spot_in_private_subnets(either: tuple[str, dict[str, Any]]) -> None:
    account, stack = either
    compute = one(stack, "aws_batch_compute_environment")[1]["compute_resources"]
    assert compute["type"] == "FARGATE_SPOT"
    subnets = re.fullmatch(r"\$\{data\.aws_subnets\.([\w-]+)\.ids\}", compute["subnets"])
    assert subnets, compute["subnets"]
    filters = {f["name"]: f["values"] for f in stack["data"]["aws_subnets"][subnets.group(1)]["filter"]}
    assert filters["tag:Tier"] == ["private"]
    assert filters["vpc-id"] == [ref("data.aws_vpc", f"vpc_{account}", "id")]
    assert compute["security_group_ids"] == [ref("aws_security_group", "security_group_meeting-recorder_tasks", "id")]


def test_transcode_job_defaults_to_1_vcpu_and_2_gb(either: tuple[str, dict[str, Any]]) -> None:
    _, stack = either
    assert requirements(stack) == {"VCPU": "1", "MEMORY": "2048"}


def test_transcode_job_has_no_public_ip_and_runs_on_fargate(either: tuple[str, dict[str, Any]]) -> None:
    _, stack = either
    assert container(stack)["networkConfiguration"] == {"assignPublicIp": "DISABLED"}
    assert one(stack, "aws_batch_job_definition")[1]["platform_capabilities"] == ["FARGATE"]


def test_transcode_job_size_follows_the_manifest(variant: dict[str, Any]) -> None:
    assert requirements(variant) == {"VCPU": "2", "MEMORY": "4096"}


def test_transcode_retries_interruptions_not_its_own_failures(prod: dict[str, Any]) -> None:
    """Spot reclaims are retried; a job failing on its own input is not. A rule with no condition matches every
    exit, so each must keep its `on_status_reason` / `on_reason` / `on_exit_code`."""
    strategy = one(prod, "aws_batch_job_definition")[1]["retry_strategy"]
    conditions = ("on_status_reason", "on_reason", "on_exit_code")
    rules = strategy["evaluate_on_exit"]
    assert [r for r in rules if not any(c in r for c in conditions)] == [], rules
    retried = [r.get("on_status_reason", "") for r in rules if r["action"].upper() == "RETRY"]
    assert any("Spot" in reason for reason in retried)
    assert rules[-1]["action"].upper() == "EXIT"


def anonymized(text: str) -> str:
    """`text` with the account's name replaced, so two accounts' stacks compare by structure."""
    return re.sub(r"(?<![a-z])(prod|staging)(?![a-z])", "<account>", text)


def normalized(stack: dict[str, Any]) -> dict[str, Any]:
    return json.loads(anonymized(json.dumps(stack["resource"])))


def leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "//":
                yield from leaves(value, f"{path}.{key}")
    elif isinstance(node, list):
        for number, value in enumerate(node):
            yield from leaves(value, f"{path}[{number}]")
    else:
        yield path, node


def test_prod_and_staging_differ_only_through_parameters(prod: dict[str, Any], staging: dict[str, Any]) -> None:
    assert {anonymized(a) for a in addresses(prod)} == {anonymized(a) for a in addresses(staging)}
    ours, theirs = dict(leaves(normalized(prod))), dict(leaves(normalized(staging)))
    differing = {path for path in ours.keys() | theirs.keys() if ours.get(path) != theirs.get(path)}
    logs = ".aws_cloudwatch_log_group.log_group_meeting-recorder_{}.retention_in_days"
    assert differing == {
        # log_retention_days
        *(logs.format(name) for name in ("auth-exchange", "pipeline", "summarise", "transcode")),
        # transcoding.max_vcpus
        ".aws_batch_compute_environment.batch_compute_environment_meeting-recorder.compute_resources.max_vcpus",
        # table_customer_key
        f".aws_dynamodb_table.{TABLE}.server_side_encryption.kms_key_arn",
        # noncurrent_version_days
        ".aws_s3_bucket_lifecycle_configuration.s3_lifecycle_recordings.rule[5].noncurrent_version_expiration[0]"
        ".noncurrent_days",
        # monthly_budget_usd
        ".aws_budgets_budget.budget_<account>-meeting-recorder.limit_amount",
    }


# ---- Bedrock ----

def summariser_env(stack: dict[str, Any]) -> dict[str, str]:
    return resources(stack, "aws_lambda_function")[SUMMARISER]["environment"]["variables"]


def model_arns(model: str, account: str) -> set[str]:
    """What invoking `model` takes: a cross-region profile and its model in any region, or the regional model."""
    geography, _, base = model.partition(".")
    if geography in {"us", "eu", "apac", "global"}:
        return {f"arn:aws:bedrock:us-east-1:${{var.account_id_{account}}}:inference-profile/{model}",
                f"arn:aws:bedrock:*::foundation-model/{base}"}
    return {f"arn:aws:bedrock:us-east-1::foundation-model/{model}"}


def endpoint(stack: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    [(name, data)] = stack["data"]["aws_vpc_endpoint"].items()
    return name, data


def test_summariser_models_come_from_the_manifest(prod: dict[str, Any], variant: dict[str, Any]) -> None:
    env = summariser_env(prod)
    assert (env["SUMMARY_MODEL_ID"], env["EXTRACTION_MODEL_ID"]) == (DEFAULT_MODELS["summary"],
                                                                    DEFAULT_MODELS["extraction"])
    assert "sonnet" in env["SUMMARY_MODEL_ID"] and "haiku" in env["EXTRACTION_MODEL_ID"]
    env = summariser_env(variant)
    assert (env["SUMMARY_MODEL_ID"], env["EXTRACTION_MODEL_ID"]) == (VARIANT_MODELS["summary"],
                                                                    VARIANT_MODELS["extraction"])


@pytest.mark.parametrize("which", ["example", "variant"])
def test_summariser_may_invoke_only_its_models_through_the_central_endpoint(
        which: str, prod: dict[str, Any], variant: dict[str, Any]) -> None:
    stack, models = (prod, DEFAULT_MODELS) if which == "example" else (variant, VARIANT_MODELS)
    doc = document(resources(stack, "aws_iam_role_policy")[SUMMARISER_POLICY])
    invoking = [s for s in statements(doc) if s["Effect"] == "Allow"
                and any(a.startswith("bedrock:Invoke") for a in as_list(s["Action"]))]
    assert len(invoking) == 1
    [allow] = invoking
    assert set(as_list(allow["Resource"])) == model_arns(models["summary"], "prod") | model_arns(
        models["extraction"], "prod")
    assert allow["Condition"] == {"StringEquals": {"aws:SourceVpce": ref("data.aws_vpc_endpoint", endpoint(stack)[0],
                                                                         "id")}}


def test_summariser_is_denied_bedrock_outside_the_central_endpoint(prod: dict[str, Any]) -> None:
    doc = document(resources(prod, "aws_iam_role_policy")[SUMMARISER_POLICY])
    [deny] = [s for s in statements(doc) if s["Effect"] == "Deny"]
    assert deny["Action"] == "bedrock:*" and deny["Resource"] == "*"
    assert deny["Condition"] == {"StringNotEquals": {"aws:SourceVpce": ref("data.aws_vpc_endpoint", endpoint(prod)[0],
                                                                           "id")}}


def test_summariser_goes_through_a_published_guardrail(prod: dict[str, Any]) -> None:
    guardrail, _ = one(prod, "aws_bedrock_guardrail")
    version_name, version = one(prod, "aws_bedrock_guardrail_version")
    assert version["guardrail_arn"] == ref("aws_bedrock_guardrail", guardrail, "guardrail_arn")
    env = summariser_env(prod)
    assert env["GUARDRAIL_ID"] == ref("aws_bedrock_guardrail", guardrail, "guardrail_id")
    assert env["GUARDRAIL_VERSION"] == ref("aws_bedrock_guardrail_version", version_name, "version")


def test_central_endpoint_is_read_in_shared_services_by_its_name(prod: dict[str, Any]) -> None:
    _, data = endpoint(prod)
    assert data["service_name"] == "com.amazonaws.us-east-1.bedrock-runtime"
    assert data["filter"] == [{"name": "tag:Name", "values": ["endpoints-bedrock-runtime"]}]
    alias = data["provider"].removeprefix("aws.")
    [assumed] = provider_block(prod, alias)["assume_role"]
    assert assumed["role_arn"] == "arn:aws:iam::${var.account_id_shared_services}:role/LandingZoneDeployer"


def test_central_bedrock_endpoint_admits_only_runtime_calls_of_the_organization(example_synth: Path) -> None:
    network = load_stack(example_synth, "network")
    [runtime] = [e for e in resources(network, "aws_vpc_endpoint").values()
                 if e["service_name"].endswith(".bedrock-runtime")]
    [statement] = statements(document(runtime))
    assert statement["Effect"] == "Allow"
    assert sorted(as_list(statement["Action"])) == ["bedrock:ApplyGuardrail", "bedrock:InvokeModel",
                                                    "bedrock:InvokeModelWithResponseStream"]
    assert list(statement["Condition"]["StringEquals"]) == ["aws:PrincipalOrgID"]


# ---- sign-in ----

def test_sign_in_is_a_function_url_not_api_gateway(prod: dict[str, Any]) -> None:
    assert [k for k in prod["resource"] if k.startswith(("aws_apigatewayv2_", "aws_api_gateway_"))] == []
    _, url = one(prod, "aws_lambda_function_url")
    assert url["function_name"] == ref("aws_lambda_function", AUTH_EXCHANGE, "function_name")
    assert url["authorization_type"] == "NONE"  # the Firebase token is the credential


def test_function_url_admits_public_callers(prod: dict[str, Any]) -> None:
    """With authorization NONE the function's resource policy must still grant lambda:InvokeFunctionUrl to "*",
    or every call to the URL is answered 403."""
    function = resources(prod, "aws_lambda_function")[AUTH_EXCHANGE]["function_name"]
    names = {function, ref("aws_lambda_function", AUTH_EXCHANGE, "function_name"),
             ref("aws_lambda_function", AUTH_EXCHANGE, "arn")}
    granted = [p for p in resources(prod, "aws_lambda_permission").values()
               if p["function_name"] in names and p["action"] == "lambda:InvokeFunctionUrl"]
    assert len(granted) == 1, "no lambda:InvokeFunctionUrl permission for the auth-exchange function"
    assert_subset(granted[0], {"principal": "*", "function_url_auth_type": "NONE"})


def test_firebase_is_the_identity_provider(either: tuple[str, dict[str, Any]], example: LandingZone) -> None:
    account, stack = either
    project = parameters(example, account).firebase_project_id
    _, oidc = one(stack, "aws_iam_openid_connect_provider")
    assert oidc["url"] == f"https://securetoken.google.com/{project}"
    assert oidc["client_id_list"] == [project]


def test_app_role_trusts_firebase_tokens_for_their_own_subject(either: tuple[str, dict[str, Any]],
                                                               example: LandingZone) -> None:
    account, stack = either
    project = parameters(example, account).firebase_project_id
    oidc, _ = one(stack, "aws_iam_openid_connect_provider")
    raw = resources(stack, "aws_iam_role")[APP_ROLE]["assume_role_policy"]
    [trust] = statements(json.loads(raw))
    assert trust["Principal"] == {"Federated": ref("aws_iam_openid_connect_provider", oidc, "arn")}
    assert trust["Action"] == "sts:AssumeRoleWithWebIdentity"
    # `$${` is Terraform's escape: AWS receives `${securetoken.google.com/<project>:sub}`, its policy variable.
    assert trust["Condition"] == {"StringEquals": {
        f"securetoken.google.com/{project}:aud": project,
        "sts:RoleSessionName": f"$${{securetoken.google.com/{project}:sub}}"}}
    assert f'"$${{securetoken.google.com/{project}:sub}}"' in raw


def test_app_role_policy_variables_reach_aws_literally(prod: dict[str, Any]) -> None:
    """Terraform would interpolate (and fail on) a bare `${aws:...}`; escaped as `$${...}` it reaches AWS as the
    policy variable. The same per-user variable scopes the objects, the listing and the catalogue items."""
    raw = resources(prod, "aws_iam_role_policy")[APP_POLICY]["policy"]
    terraform_references = r"(?:aws_[a-z0-9_]+|data|local|var)\."
    assert re.findall(rf"(?<!\$)\$\{{(?!{terraform_references})[^}}]*\}}", raw) == []
    doc = json.loads(raw)
    own = by_sid(doc, "OwnRecordings")
    match = re.fullmatch(r"\$\{aws_s3_bucket\.s3_recordings\.arn\}/users/(\$\$\{[^}]+\})/\*", own["Resource"])
    assert match, own["Resource"]
    variable = match.group(1)
    assert f'/users/{variable}/*"' in raw
    assert by_sid(doc, "ListOwnPrefix")["Condition"] == {"StringLike": {"s3:prefix": f"users/{variable}/*"}}
    assert by_sid(doc, "OwnCatalogueItems")["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [f"USER#{variable}"]}}


# Request-context keys IAM sets for IAM users only: in a role session (AssumeRoleWithWebIdentity included) they are
# absent, so a policy variable naming one never resolves and its statement grants nothing.
ABSENT_FROM_ROLE_SESSIONS = {"aws:username"}


def test_app_role_scopes_users_by_a_key_their_sessions_carry(prod: dict[str, Any]) -> None:
    raw = resources(prod, "aws_iam_role_policy")[APP_POLICY]["policy"]
    variables = {v.lower() for v in re.findall(r"\$\$\{([^}]+)\}", raw)}
    assert variables, "the app role is not scoped per user"
    assert variables & ABSENT_FROM_ROLE_SESSIONS == set(), \
        f"{sorted(variables)}: a web-identity session has no aws:username, so no user reaches their own prefix"


def test_sign_in_code_ships_beside_the_stack(example_synth: Path, prod: dict[str, Any]) -> None:
    function = resources(prod, "aws_lambda_function")[AUTH_EXCHANGE]
    assert function["filename"] == "${path.module}/assets/meeting-recorder-auth-exchange.zip"
    bundle = example_synth / "stacks" / STACKS["prod"] / "assets" / "meeting-recorder-auth-exchange.zip"
    data = bundle.read_bytes()
    assert function["source_code_hash"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    with zipfile.ZipFile(bundle) as archive:
        assert archive.namelist() == ["auth_exchange.py"]
        assert archive.read("auth_exchange.py") == HANDLER.read_bytes()
    assert function["handler"] == "auth_exchange.handler"


# ---- observability ----

def test_every_log_group_is_encrypted_and_kept_as_the_manifest_says(either: tuple[str, dict[str, Any]],
                                                                    example: LandingZone) -> None:
    account, stack = either
    days = parameters(example, account).log_retention_days
    assert days == {"prod": 90, "staging": 30}[account]
    groups = resources(stack, "aws_cloudwatch_log_group")
    assert len(groups) == 4
    for name, group in groups.items():
        assert group.get("retention_in_days") == days, name
        assert group.get("kms_key_id") == KEY, name


def test_every_function_is_traced(prod: dict[str, Any]) -> None:
    functions = resources(prod, "aws_lambda_function")
    assert functions
    for name, function in functions.items():
        assert function.get("tracing_config") == {"mode": "Active"}, name


def alarms(stack: dict[str, Any]) -> list[dict[str, Any]]:
    return list(resources(stack, "aws_cloudwatch_metric_alarm").values())


def test_every_function_alarms_on_errors(prod: dict[str, Any]) -> None:
    for function in resources(prod, "aws_lambda_function").values():
        watching = [a for a in alarms(prod) if a.get("dimensions") == {"FunctionName": function["function_name"]}]
        assert len(watching) == 1, function["function_name"]
        assert_subset(watching[0], {"namespace": "AWS/Lambda", "metric_name": "Errors", "statistic": "Sum",
                                    "period": 300, "threshold": 5, "comparison_operator": "GreaterThanThreshold"})


def test_failed_processing_raises_an_alarm(prod: dict[str, Any]) -> None:
    name, _, _ = state_machine(prod)
    failed = [a for a in alarms(prod) if a["metric_name"] == "ExecutionsFailed"]
    assert len(failed) == 1
    assert_subset(failed[0], {"namespace": "AWS/States", "statistic": "Sum", "threshold": 0,
                              "comparison_operator": "GreaterThanThreshold",
                              "dimensions": {"StateMachineArn": ref("aws_sfn_state_machine", name, "arn")}})


def test_alarms_go_to_the_encrypted_topic(prod: dict[str, Any]) -> None:
    topic_name, topic = one(prod, "aws_sns_topic")
    assert topic["kms_master_key_id"] == KEY
    assert alarms(prod)
    for alarm in alarms(prod):
        assert alarm["alarm_actions"] == [ref("aws_sns_topic", topic_name, "arn")], alarm["alarm_name"]


# ---- cost and tags ----

def test_workload_has_its_own_budget(either: tuple[str, dict[str, Any]], example: LandingZone) -> None:
    account, stack = either
    _, budget = one(stack, "aws_budgets_budget")
    assert budget["cost_filter"] == [{"name": "TagKeyValue", "values": ["user:Workload$meeting-recorder"]}]
    assert float(budget["limit_amount"]) == parameters(example, account).monthly_budget_usd
    assert (budget["limit_unit"], budget["time_unit"]) == ("USD", "MONTHLY")


def test_workload_cost_anomalies_are_watched(prod: dict[str, Any]) -> None:
    monitor_name, monitor = one(prod, "aws_ce_anomaly_monitor")
    assert monitor["monitor_type"] == "CUSTOM"
    assert json.loads(monitor["monitor_specification"]) == {
        "Tags": {"Key": "Workload", "Values": ["meeting-recorder"], "MatchOptions": ["EQUALS"]}}
    _, subscription = one(prod, "aws_ce_anomaly_subscription")
    assert subscription["monitor_arn_list"] == [ref("aws_ce_anomaly_monitor", monitor_name, "arn")]
    assert subscription["subscriber"]


def test_every_resource_is_tagged_for_cost_and_ownership(either: tuple[str, dict[str, Any]],
                                                         example: LandingZone) -> None:
    account, stack = either
    manifest = example.account(account).manifest
    tags = provider_block(stack, None)["default_tags"][0]["tags"]
    assert_subset(tags, {"Workload": WORKLOAD, "DataClass": parameters(example, account).data_class,
                         "CostCenter": manifest.cost_center, "Owner": manifest.owner})
    assert table(stack)["tags"] == {"Backup": "daily"}


# ---- least privilege ----

def role_policies(stack: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: document(p) for name, p in resources(stack, "aws_iam_role_policy").items()}


@pytest.mark.parametrize("which", ["prod", "staging", "variant"])
def test_no_identity_policy_grants_on_every_resource(which: str, prod: dict[str, Any], staging: dict[str, Any],
                                                     variant: dict[str, Any]) -> None:
    stack = {"prod": prod, "staging": staging, "variant": variant}[which]
    policies = role_policies(stack)
    assert len(policies) >= 7
    assert {name: star_grants(doc) for name, doc in policies.items() if star_grants(doc)} == {}


@pytest.mark.parametrize(("statement", "problem"), [
    ({"Sid": "Loose", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}, "s3:GetObject on Resource *"),
    ({"Sid": "Loose", "Effect": "Allow", "Action": ["xray:PutTraceSegments", "kms:Decrypt"], "Resource": ["*"]},
     "kms:Decrypt on Resource *"),
    ({"Sid": "Loose", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}, "ec2:* on Resource *"),
    ({"Sid": "Loose", "Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"}, "Action *"),
    ({"Sid": "Loose", "Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::bucket"}, "NotAction"),
])
def test_fails_when_a_policy_grants_too_widely(statement: dict[str, Any], problem: str) -> None:
    found = star_grants({"Version": "2012-10-17", "Statement": [statement]})
    assert len(found) == 1 and problem in found[0], found


def test_star_only_actions_on_every_resource_pass_the_check() -> None:
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["xray:PutTraceSegments", "ec2:DescribeSubnets", "ECR:GetAuthorizationToken"],
         "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    assert star_grants(doc) == []


def test_every_role_is_a_bounded_workload_role(either: tuple[str, dict[str, Any]]) -> None:
    account, stack = either
    roles = resources(stack, "aws_iam_role")
    assert len(roles) >= 7
    for name, role in roles.items():
        assert role["permissions_boundary"] == BOUNDARY.format(account=account), name
        assert role["path"] == f"/workloads/{WORKLOAD}/", name


def test_the_variants_backup_role_is_bounded_too(variant: dict[str, Any]) -> None:
    roles = resources(variant, "aws_iam_role")
    assert "iam_role_meeting-recorder_backup" in roles
    for name, role in roles.items():
        assert role["permissions_boundary"] == BOUNDARY.format(account="prod"), name
        assert role["path"] == f"/workloads/{WORKLOAD}/", name


# ---- terraform validate ----

@pytest.mark.terraform
@pytest.mark.parametrize("account", sorted(STACKS))
def test_stack_passes_terraform_validate(account: str, example_synth: Path, terraform, tmp_path: Path) -> None:
    workdir = tmp_path / STACKS[account]
    shutil.copytree(example_synth / "stacks" / STACKS[account], workdir)
    assert validate_stack(terraform, workdir) == []
