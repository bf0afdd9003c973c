"""Placeholders, minification and the size limit of SCP documents."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from landingzone.config.organization import ServiceControlPolicy, Targets
from landingzone.config.scp import SCP_MAX_CHARACTERS, render_scp


def render(tmp_path: Path, document: dict | str, params: dict | None = None):
    (tmp_path / "p.json").write_text(document if isinstance(document, str) else json.dumps(document, indent=4))
    policy = ServiceControlPolicy(name="p", file="p.json", description="d", attach_to=Targets(root=True))
    return render_scp(policy, tmp_path, params or {})


def statement(**fields: object) -> dict:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*", **fields}]}


def test_whole_value_placeholder_takes_a_list(tmp_path: Path) -> None:
    doc = statement(Condition={"StringNotEquals": {"aws:RequestedRegion": "{{ allowed_regions }}"}})
    scp, problems = render(tmp_path, doc, {"allowed_regions": ["us-east-1", "us-west-2"]})
    assert problems == []
    cond = json.loads(scp.content)["Statement"][0]["Condition"]
    assert cond == {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}


def test_inline_placeholder_and_policy_variables_survive(tmp_path: Path) -> None:
    doc = statement(Resource="arn:aws:s3:::{{ bucket }}/users/${aws:username}/*")
    scp, _ = render(tmp_path, doc, {"bucket": "data"})
    assert json.loads(scp.content)["Statement"][0]["Resource"] == "arn:aws:s3:::data/users/${aws:username}/*"


def test_list_inside_a_string_is_refused(tmp_path: Path) -> None:
    _, problems = render(tmp_path, statement(Resource="arn:{{ regions }}"), {"regions": ["a"]})
    assert [p.message for p in problems] == [
        'placeholder {{ regions }} is a list; a list can only fill a whole JSON value ("{{ name }}" alone in its '
        "string)"]


def test_content_is_minified_in_author_order(tmp_path: Path) -> None:
    scp, _ = render(tmp_path, statement())
    assert scp.content == '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}'


@pytest.mark.parametrize(("extra", "fails"), [(0, False), (1, True)])
def test_size_limit_is_exact(tmp_path: Path, extra: int, fails: bool) -> None:
    base = len(json.dumps(statement(Sid=""), separators=(",", ":")))
    doc = statement(Sid="S" * (SCP_MAX_CHARACTERS - base + extra))
    _, problems = render(tmp_path, doc)
    assert bool(problems) is fails


def test_statement_shape_is_checked(tmp_path: Path) -> None:
    doc = {"Version": "2008-10-17", "Statement": [{"Effect": "Block", "Resource": "*"}]}
    _, problems = render(tmp_path, doc)
    assert [f"{p.path}: {p.message}" for p in problems] == [
        "Version: '2008-10-17' is not allowed (expected '2012-10-17', which policy variables need)",
        "Statement[0].Effect: 'Block' is not allowed (allowed: Allow, Deny)",
        "Statement[0]: needs exactly one of Action and NotAction",
    ]


def test_list_placeholder_inside_a_list_splices_in(tmp_path: Path) -> None:
    doc = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "NotAction": ["iam:*", "{{ more }}"], "Resource": "*",
         "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Deployer"}}}]}
    scp, problems = render(tmp_path, doc, {"more": ["sts:*", "support:*"]})
    assert problems == []
    assert json.loads(scp.content)["Statement"][0]["NotAction"] == ["iam:*", "sts:*", "support:*"]


def test_placeholder_in_a_key_is_refused(tmp_path: Path) -> None:
    doc = statement(Condition={"StringEquals": {"aws:ResourceTag/{{ key }}": "x"}})
    _, problems = render(tmp_path, doc, {"key": "team"})
    assert [p.message for p in problems] == ["placeholder in the key 'aws:ResourceTag/{{ key }}'; placeholders fill "
                                             "values only"]
