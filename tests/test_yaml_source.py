"""Line numbers, identity-named paths and duplicate keys in the YAML reader."""

from __future__ import annotations

from pathlib import Path

from landingzone.config.yaml_source import read_yaml

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
    assert [str(p) for p in problems] == ["config/f.yaml:3: a: key is given twice (first on line 1); keep one"]


def test_syntax_error_names_line(tmp_path: Path) -> None:
    src, problems = read(tmp_path, "a: 1\nb: [1, 2\n")
    assert src is None
    assert [p.line for p in problems] == [3]


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
