"""Local mode's rewrite of a synthesized stack: providers aimed at loopback, what the local AWS cannot hold left
out with everything that needs it, and the moto workarounds applied to exactly their resource types."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from landingzone.local.capabilities import POLICY_WORKAROUNDS, UNSUPPORTED, WORKAROUNDS, unsupported
from landingzone.local.endpoints import ENDPOINT_ALIASES, PROVIDER_ENDPOINTS
from landingzone.local.retarget import LeftOut, retarget

ENDPOINT = "http://127.0.0.1:5000"


def _stack(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"provider": {"aws": [{"region": "us-east-1"}, {"alias": "b", "region": "us-west-2"}],
                         "azuread": [{"tenant_id": "t"}]},
            "resource": resources}


def test_every_aws_provider_points_at_the_local_endpoint_with_fake_credentials() -> None:
    doc, _ = retarget("s", _stack(), ENDPOINT)
    for provider in doc["provider"]["aws"]:
        assert provider["endpoints"] == [{name: ENDPOINT for name in PROVIDER_ENDPOINTS}]
        assert provider["access_key"] == provider["secret_key"] == "landingzone-local"
        assert provider["skip_credentials_validation"] is True
        assert provider["max_retries"] <= 3
        assert provider["s3_use_path_style"] is True
    assert doc["provider"]["aws"][1]["alias"] == "b"
    assert doc["provider"]["azuread"] == [{"tenant_id": "t"}]


def test_endpoints_name_each_service_once() -> None:
    assert not set(PROVIDER_ENDPOINTS) & set(ENDPOINT_ALIASES)
    assert len(set(PROVIDER_ENDPOINTS)) == len(PROVIDER_ENDPOINTS)
    assert {"organizations", "sts", "iam", "ec2", "s3", "route53", "dynamodb", "cloudwatch"} <= set(PROVIDER_ENDPOINTS)


def test_an_unsupported_type_is_left_out_with_everything_that_refers_to_it() -> None:
    doc = _stack(
        aws_budgets_budget={"b": {"name": "x"}},
        aws_sns_topic={"t": {"name": "y", "tags": {"Budget": "${aws_budgets_budget.b.name}"}}},
        aws_sns_topic_policy={"p": {"arn": "${aws_sns_topic.t.arn}"}},
        aws_s3_bucket={"keep": {"bucket": "z"}},
    )
    doc["output"] = {"o": {"value": "${aws_sns_topic_policy.p.id}"}, "kept": {"value": "${aws_s3_bucket.keep.id}"}}
    doc["locals"] = {"l": "${aws_budgets_budget.b.id}"}
    doc["data"] = {"aws_iam_policy_document": {"d": {"statement": [{"resources": ["${local.l}"]}]}}}
    doc["import"] = [{"to": "aws_budgets_budget.b", "id": "1:x"}, {"to": "aws_s3_bucket.keep", "id": "z"}]
    local, left = retarget("s", doc, ENDPOINT)
    assert local["resource"] == {"aws_s3_bucket": {"keep": {"bucket": "z"}}}
    assert local["output"] == {"kept": {"value": "${aws_s3_bucket.keep.id}"}}
    assert "locals" not in local and "data" not in local
    assert local["import"] == [{"to": "aws_s3_bucket.keep", "id": "z"}]
    reasons = {item.address: item.reason for item in left}
    assert reasons["aws_budgets_budget.b"] == unsupported("aws_budgets_budget", {}).reason  # type: ignore[union-attr]
    assert reasons["aws_sns_topic.t"] == "refers to aws_budgets_budget.b, which is left out"
    assert reasons["aws_sns_topic_policy.p"] == "refers to aws_sns_topic.t, which is left out"
    assert reasons["data.aws_iam_policy_document.d"] == "refers to local.l, which is left out"
    assert set(reasons) == {"aws_budgets_budget.b", "aws_sns_topic.t", "aws_sns_topic_policy.p", "output.o",
                            "local.l", "data.aws_iam_policy_document.d", "import[0]"}
    assert all(item.stack == "s" for item in left)


def test_escaped_interpolation_is_not_a_reference() -> None:
    doc = _stack(aws_budgets_budget={"b": {"name": "x"}},
                 aws_iam_policy={"p": {"policy": "$${aws_budgets_budget.b.name} and $${aws:username}"}})
    local, left = retarget("s", doc, ENDPOINT)
    assert "p" in local["resource"]["aws_iam_policy"]
    assert [item.address for item in left] == ["aws_budgets_budget.b"]


def test_a_conditional_entry_leaves_out_only_matching_blocks() -> None:
    doc = _stack(aws_organizations_policy={"scp": {"type": "SERVICE_CONTROL_POLICY"},
                                           "backup": {"type": "BACKUP_POLICY"}})
    doc["data"] = {"aws_route53_zone": {"private": {"name": "a", "private_zone": True}, "public": {"name": "b"}}}
    local, left = retarget("s", doc, ENDPOINT)
    assert list(local["resource"]["aws_organizations_policy"]) == ["scp"]
    assert list(local["data"]["aws_route53_zone"]) == ["public"]
    assert {item.address for item in left} == {"aws_organizations_policy.backup", "data.aws_route53_zone.private"}


def test_spoke_attachments_to_a_looked_up_hub_are_left_out_but_the_hubs_own_are_kept() -> None:
    doc = _stack(aws_ec2_transit_gateway_vpc_attachment={
        "spoke": {"transit_gateway_id": "${data.aws_ec2_transit_gateway.hub.id}"},
        "own": {"transit_gateway_id": "${aws_ec2_transit_gateway.hub.id}",
                "lifecycle": {"ignore_changes": ["tags"]}}})
    local, _ = retarget("s", doc, ENDPOINT)
    own = local["resource"]["aws_ec2_transit_gateway_vpc_attachment"]["own"]
    assert list(local["resource"]["aws_ec2_transit_gateway_vpc_attachment"]) == ["own"]
    workarounds = [w for w in WORKAROUNDS if w.resource_type == "aws_ec2_transit_gateway_vpc_attachment"]
    settings = {k: v for w in workarounds for k, v in w.settings}
    assert settings["transit_gateway_default_route_table_association"] is True
    assert {k: own[k] for k in settings} == settings
    ignored = {"tags", *(a for w in workarounds for a in w.ignore_changes)}
    assert own["lifecycle"]["ignore_changes"] == sorted(ignored)
    assert "transit_gateway_default_route_table_propagation" in ignored


def test_configured_ids_become_the_local_ones_where_they_stand_alone() -> None:
    doc = _stack(aws_iam_role={"r": {"arn": "arn:aws:iam::111122223333:role/x", "note": "1111222233334",
                                     "condition": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}})
    doc["import"] = [{"to": "aws_organizations_organization.organization", "id": "o-a1b2c3d4e5"}]
    local, _ = retarget("s", doc, ENDPOINT, {"111122223333": "123456789012", "o-a1b2c3d4e5": "o-localorg01"})
    role = local["resource"]["aws_iam_role"]["r"]
    assert role["arn"] == "arn:aws:iam::123456789012:role/x"
    assert role["note"] == "1111222233334"  # a longer number that merely contains the ID is not the ID
    assert role["condition"] == {"aws:PrincipalOrgID": "o-localorg01"}
    assert local["import"] == [{"to": "aws_organizations_organization.organization", "id": "o-localorg01"}]


def test_the_s3_backend_reaches_the_local_bucket_and_variables_stay_to_be_filled() -> None:
    doc = _stack()
    backend = {"bucket": "state", "key": "lz/s.tfstate", "region": "us-east-1", "encrypt": True, "use_lockfile": True,
               "kms_key_id": "arn:aws:kms:us-east-1:123456789012:alias/landingzone/terraform-state"}
    doc["terraform"] = {"backend": {"s3": backend}, "required_version": "~> 1.11.4"}
    doc["variable"] = {"account_id_prod": {"type": "string"}}
    local, _ = retarget("s", doc, ENDPOINT)
    s3 = local["terraform"]["backend"]["s3"]
    assert {k: s3[k] for k in backend} == backend  # bucket, key, encryption and locking as synthesized
    assert s3["endpoints"] == {"s3": ENDPOINT, "dynamodb": ENDPOINT, "sts": ENDPOINT, "iam": ENDPOINT}
    assert s3["use_path_style"] is s3["skip_credentials_validation"] is s3["skip_requesting_account_id"] is True
    assert s3["access_key"] == s3["secret_key"] == "landingzone-local"
    assert local["terraform"]["required_version"] == "~> 1.11.4"
    assert local["variable"] == doc["variable"]


def test_policy_workarounds_leave_out_exactly_their_statement() -> None:
    fix = POLICY_WORKAROUNDS[0]
    statements = [{"Sid": fix.sid, "Effect": "Deny"}, {"Sid": "Keep", "Effect": "Allow"}]
    doc = _stack(**{fix.resource_type: {fix.name: {"policy": json.dumps({"Statement": statements})},
                                        "other": {"policy": json.dumps({"Statement": statements})}}})
    local, _ = retarget("s", doc, ENDPOINT)
    bodies = local["resource"][fix.resource_type]
    assert [s["Sid"] for s in json.loads(bodies[fix.name]["policy"])["Statement"]] == ["Keep"]
    assert json.loads(bodies["other"]["policy"])["Statement"] == statements


def test_the_input_is_not_changed() -> None:
    doc = _stack(aws_budgets_budget={"b": {"name": "x"}})
    before = json.dumps(doc, sort_keys=True)
    retarget("s", doc, ENDPOINT)
    assert json.dumps(doc, sort_keys=True) == before


@pytest.fixture(scope="module")
def example_left_out(example_synth: Path) -> list[LeftOut]:
    left: list[LeftOut] = []
    for folder in sorted((example_synth / "stacks").iterdir()):
        if folder.name == "entra":
            continue
        _, omitted = retarget(folder.name, json.loads((folder / "cdk.tf.json").read_text()), ENDPOINT)
        left += omitted
    return left


def test_every_capability_entry_is_met_in_the_example_and_every_omission_is_explained(example_left_out) -> None:
    """The left-out list and the capability table agree: each entry leaves something out of the example (so no
    entry is stale), and whatever is left out is either an entry's type or refers to something that is."""
    table_reasons = {entry.reason for entry in UNSUPPORTED}
    used = {item.reason for item in example_left_out if item.reason in table_reasons}
    assert used == table_reasons
    for item in example_left_out:
        assert item.reason in table_reasons or item.reason.startswith("refers to "), item


def test_the_example_keeps_what_verification_reads(example_left_out) -> None:
    left = {(item.stack, item.address) for item in example_left_out}
    for kept in (("org", "aws_organizations_policy.scp_deny-unapproved-regions"),
                 ("network", "aws_vpc_endpoint.vpc_endpoint_bedrock-runtime"),
                 ("network", "aws_route53_zone.zone_bedrock-runtime"),
                 ("meeting-recorder-prod", "aws_dynamodb_table.dynamodb_meetings")):
        assert kept not in left
