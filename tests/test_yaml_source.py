"""Line numbers, identity-named paths, duplicate keys, merge keys, encodings and depth in the YAML and JSON readers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from landingzone.config.json_source import read_json
from landingzone.config.yaml_source import MAX_DEPTH, read_yaml
from landingzone.errors import Problem, render_problem

DOC = """\
organization:
  name: acme
units:
  - path: Security
  - path: Workloads
    extra: [a, b]
plain: [x, y]
"""


def read(tmp_path: Path, text: str):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    return read_yaml(path, "config/f.yaml")


def test_lines_and_identity_paths(tmp_path: Path) -> None:
    src, problems = read(tmp_path, DOC)
    assert problems == []
    assert src.line(("organization", "name")) == 2
    assert src.line(("units", 1, "extra", 1)) == 6
    assert src.path(("units", 1, "extra", 1)) == "units[path=Workloads].extra[1]"
    assert src.path(("plain", 0)) == "plain[0]"
    # a key the file lacks points at its nearest ancestor
    assert src.line(("units", 0, "missing")) == 4


def test_duplicate_keys_are_problems(tmp_path: Path) -> None:
    _, problems = read(tmp_path, "a: 1\nb: 2\na: 3\n")
    assert [render_problem(p) for p in problems] == [
        "config/f.yaml:3:1: a: key is given twice (first on line 1); keep one\n  3 | a: 3\n    | ^"]


def test_syntax_error_names_the_line_where_it_starts(tmp_path: Path) -> None:
    src, problems = read(tmp_path, "a: 1\nb: [1, 2\n")
    assert src is None
    assert [(p.line, p.column) for p in problems] == [(2, 4)]


def test_merge_key_with_overrides_is_valid(tmp_path: Path) -> None:
    """`<<: *base` then keys of its own: the mapping's own keys win, the others come from the anchor."""
    src, problems = read(tmp_path, "base: &base {owner: a, cost_center: CC-1, tags: {x: 1}}\n"
                                   "dev:\n  <<: *base\n  owner: b\n  extra: [1]\n"
                                   "both:\n  <<: [*base, {owner: c, more: 2}]\n")
    assert problems == []
    assert src.data["dev"] == {"owner": "b", "extra": [1], "cost_center": "CC-1", "tags": {"x": 1}}
    assert src.data["both"] == {"owner": "a", "cost_center": "CC-1", "tags": {"x": 1}, "more": 2}
    assert src.line(("dev", "owner")) == 4
    assert src.line(("dev", "cost_center")) == 1  # where the merged key is written


def test_merge_key_does_not_hide_a_real_duplicate(tmp_path: Path) -> None:
    _, problems = read(tmp_path, "base: &b {x: 1}\nc:\n  <<: *b\n  y: 1\n  y: 2\n")
    assert [p.message for p in problems] == ["key is given twice (first on line 4); keep one"]


@pytest.mark.parametrize("reader", ["yaml", "json"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, reader: str) -> None:
    path = tmp_path / f"f.{reader}"
    path.write_bytes(codecs.BOM_UTF8 + (b"a: 1\n" if reader == "yaml" else b'{"a": 1}\n'))
    src, problems = (read_yaml if reader == "yaml" else read_json)(path, "f")
    assert (src.data, problems) == ({"a": 1}, [])


@pytest.mark.parametrize(("data", "message"), [
    ("a: 1\n".encode("utf-16"), "is saved as UTF-16 LE (with a byte-order mark), not UTF-8"),
    ("a: 1\n".encode("utf-16-be"), "is saved as UTF-16 BE, not UTF-8"),
    ("a: 1\n".encode("utf-32"), "is saved as UTF-32 LE (with a byte-order mark), not UTF-8"),
    ("a: café\n".encode("latin-1"), "is not UTF-8: byte 0xE9 here is 'é' in Windows-1252 (Latin-1)"),
    (b"a: 1\x00\n", "holds a NUL byte; it is not a text file"),
])
def test_other_encodings_are_named(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes(data)
    src, [problem] = read_yaml(path, "f.yaml")
    assert src is None
    assert problem.message.startswith(message)


def test_depth_is_bounded_in_both_readers(tmp_path: Path) -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    (tmp_path / "f.yaml").write_text(f"a: {deep}\n")
    (tmp_path / "f.json").write_text(f'{{"a": {deep}}}')
    for reader, name in ((read_yaml, "f.yaml"), (read_json, "f.json")):
        src, [problem] = reader(tmp_path / name, name)
        assert src is None and problem.message.startswith(f"nests deeper than {MAX_DEPTH} levels here")
    (tmp_path / "f.json").write_text("[" * 100_000)  # the standard parser would raise RecursionError
    assert read_json(tmp_path / "f.json", "f.json")[0] is None


def test_json_records_the_line_of_every_key_and_item(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{\n  "Statement": [\n    {"Sid": "A",\n     "Action": ["s3:*",\n'
                                     '      "ec2:*"]}\n  ],\n  "n": 1.5e3, "t": true, "z": null\n}\n')
    src, problems = read_json(tmp_path / "p.json", "p.json")
    assert problems == []
    assert src.data == {"Statement": [{"Sid": "A", "Action": ["s3:*", "ec2:*"]}], "n": 1500.0, "t": True, "z": None}
    assert src.line(("Statement", 0, "Action", 1)) == 5
    assert src.path(("Statement", 0, "Action")) == "Statement[Sid=A].Action"


def test_json_duplicate_keys_are_refused_wherever_they_are(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text('{"a": {"b": 1,\n "b": 2}, "c": [{"d": 1, "d": 1}]}')
    _, problems = read_json(tmp_path / "p.json", "p.json")
    assert [(p.line, p.path) for p in problems] == [(2, "a.b"), (2, "c[0].d")]


def test_invisible_characters_in_comments_are_fine(tmp_path: Path) -> None:
    src, problems = read(tmp_path, "a: 1  # caf\u00e9\u00a0costs \u200b nothing\n")
    assert (src.data, problems) == ({"a": 1}, [])


def test_caret_sits_under_the_column_with_tabs_and_invisible_characters() -> None:
    problem = Problem("f", 3, "", "m", 5, "\tx: \u00a0y")  # column 5: the no-break space
    assert render_problem(problem) == "f:3:5: m\n  3 |     x: <U+00A0>y\n    |        ^"


def test_empty_file_is_empty_mapping(tmp_path: Path) -> None:
    src, problems = read(tmp_path, "# nothing\n")
    assert (src.data, problems) == ({}, [])


def test_unreadable_values_and_keys_are_problems(tmp_path: Path) -> None:
    """YAML reads 2027-13-01 as a date and fails to build it; that is the user's typo, not a crash."""
    src, problems = read(tmp_path, "expires: 2027-13-01\n2027-02-30: x\n")
    assert src.data == {"expires": "2027-13-01", "2027-02-30": "x"}
    assert [str(p) for p in problems] == [
        "config/f.yaml:1: expires: '2027-13-01' cannot be read (month must be in 1..12); quote it if it is meant "
        "as text",
        "config/f.yaml:2: '2027-02-30' cannot be read (day is out of range for month); quote it if it is meant "
        "as text",
    ]


def test_a_project_using_merge_keys_loads(project: Path) -> None:
    from landingzone.config import load_landing_zone

    network = project / "config" / "network.yaml"
    text = network.read_text()
    old = "  - name: nonprod\n    reaches: [shared]\n    isolated_from: [prod]\n"
    assert old in text
    network.write_text(text.replace("  - name: prod\n", "  - &segment\n    name: prod\n").replace(
        old, "  - <<: *segment\n    name: nonprod\n    isolated_from: [prod]\n"))
    lz = load_landing_zone(project)
    assert [(s.name, s.reaches, s.isolated_from) for s in lz.network.segments] == [
        ("shared", (), ()), ("prod", ("shared",), ("nonprod",)), ("nonprod", ("shared",), ("prod",))]
