"""No input makes the CLI print a traceback: a few hundred mutations of the example (deleted required keys,
swapped types, truncated files, odd encodings, invisible characters, duplicated lines, deep nesting) go through
`landingzone validate`, which must exit 2 and place every problem at `file:line`. (Every fixture goes through
the CLI too, in test_config_failures.)

Mutations are drawn with a fixed seed, so a failure reproduces; each is kept only if it certainly breaks the
file (checked with PyYAML, json and the file's model on their own), so the test cannot pass by accident.
"""

from __future__ import annotations

import json
import random
import re
import typing
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, ValidationError

from landingzone.cli import EXIT_CONFIG, main
from landingzone.config.account import AccountManifest
from landingzone.config.delivery import DeliveryConfig
from landingzone.config.identity import IdentityConfig
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.pydantic_errors import _unwrap
from landingzone.config.suppressions import SuppressionsFile
from landingzone.config.yaml_source import MAX_DEPTH

SEED = 19
CASES_PER_KIND = 30
PLACED = re.compile(r"^\S[^:]*:\d+(?::\d+)?: ")
INTERNAL_WORDING = re.compile(r"Input should|after validation|\bNone\b|expected pattern|while (?:scanning|parsing)|"
                              r"Expecting|<block|codec can't")
MODELS: dict[str, type[BaseModel]] = {"config/organization.yaml": OrganizationConfig,
                                      "config/network.yaml": NetworkConfig, "config/identity.yaml": IdentityConfig,
                                      "config/delivery.yaml": DeliveryConfig,
                                      "policies/checkov/suppressions.yaml": SuppressionsFile}


def model_for(file: str) -> type[BaseModel]:
    return MODELS.get(file, AccountManifest)


def assert_rejected_with_places(root: Path, capsys: pytest.CaptureFixture[str], what: str) -> None:
    code = main(["validate", "--root", str(root)])
    err = capsys.readouterr().err
    assert code == EXIT_CONFIG, f"{what}: exit {code}\n{err}"
    assert "Traceback" not in err and "internal error" not in err, f"{what}:\n{err}"
    problems = [line for line in err.splitlines() if not line.startswith((" ", "note: ", "landingzone: "))]
    assert problems, f"{what}: no problem reported\n{err}"
    unplaced = [line for line in problems if not PLACED.match(line)]
    assert not unplaced, f"{what}: problems without file:line\n{err}"
    assert not INTERNAL_WORDING.search(err), f"{what}: pydantic's or a parser's own words\n{err}"


# --- mutations: each returns the new bytes of a file, or None when it does not apply to this file


def _lines(text: str) -> list[str]:
    return text.split("\n")


def required_keys(model: type[BaseModel], data: object, loc: tuple = ()) -> Iterator[tuple]:
    """Key paths in `data` whose key the model requires there (deleting one must be an error)."""
    model = _unwrap(model)
    if not (isinstance(model, type) and issubclass(model, BaseModel) and isinstance(data, dict)):
        return
    for name, info in model.model_fields.items():
        if name not in data:
            continue
        if info.is_required():
            yield (*loc, name)
        inner = _unwrap(info.annotation)
        items = data[name] if isinstance(data[name], list) else [data[name]]
        for index, item in enumerate(items):
            where = (*loc, name, index) if isinstance(data[name], list) else (*loc, name)
            yield from required_keys(inner, item, where)


def block_of(lines: list[str], start: int) -> int:
    """The index after the key on line `start` and the more-indented lines under it."""
    indent = len(lines[start]) - len(lines[start].lstrip(" -"))
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1
    return end


def delete_required_key(rng: random.Random, file: str, text: str) -> bytes | None:
    from landingzone.config.yaml_source import parse_yaml

    src, _ = parse_yaml(text, file)
    lines = _lines(text)
    candidates = [loc for loc in required_keys(model_for(file), src.data)
                  if re.match(rf"^\s*(?:-\s+)?{re.escape(str(loc[-1]))}:", lines[src.line(loc) - 1])]
    if not candidates:
        return None
    start = src.line(rng.choice(candidates)) - 1
    if lines[start].lstrip().startswith("- "):  # the key opens a list item: keep the item, drop the key
        lines[start] = lines[start].replace(lines[start].lstrip()[2:], "placeholder_key: 1", 1)
        return "\n".join(lines).encode()
    return "\n".join(lines[:start] + lines[block_of(lines, start):]).encode()


def swap_type(rng: random.Random, file: str, text: str) -> bytes | None:
    lines = _lines(text)
    if file.endswith(".json"):
        spots = [(i, m) for i, line in enumerate(lines) for m in re.finditer(r':\s*("(?:[^"\\]|\\.)*")', line)]
        if not spots:
            return None
        index, match = rng.choice(spots)
        lines[index] = lines[index][:match.start(1)] + '{"swapped": [1]}' + lines[index][match.end(1):]
        return "\n".join(lines).encode()
    spots = [i for i, line in enumerate(lines) if re.match(r"^\s*(?:-\s+)?[\w.-]+: [^\s\[{#|>&*][^#]*$", line)]
    if not spots:
        return None
    index = rng.choice(spots)
    key, _, _ = lines[index].partition(": ")
    lines[index] = f"{key}: {{swapped: [1]}}"
    return "\n".join(lines).encode()


def truncate(rng: random.Random, file: str, text: str) -> bytes | None:
    if file.endswith(".json"):
        return text[:rng.randrange(1, len(text.rstrip()) - 1)].encode()
    # inside a key that starts its line: what is left of the line is no `key: value`
    spots = [(i, m.end(1)) for i, line in enumerate(_lines(text)) if (m := re.match(r"^(\s*[A-Za-z_]{2,})", line))]
    index, end = rng.choice(spots)
    offset = sum(len(line) + 1 for line in _lines(text)[:index]) + rng.randrange(1, end)
    return text[:offset].encode()


def re_encode(rng: random.Random, file: str, text: str) -> bytes | None:
    encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252"])
    if encoding in ("latin-1", "cp1252"):  # a character only those encodings write differently
        text = text.replace('"Version"', '"Versión"', 1) if file.endswith(".json") else f"# résumé\n{text}"
    return text.encode(encoding)


def invisible(rng: random.Random, file: str, text: str) -> bytes | None:
    lines = _lines(text)
    spots = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
    index = rng.choice(spots)
    char = rng.choice(["\u00a0", "\u200b", "\u2009", "\ufeff", "\u202e"])
    column = len(lines[index]) - len(lines[index].lstrip())
    lines[index] = lines[index][:column] + char + lines[index][column:]
    return "\n".join(lines).encode()


def duplicate_key(rng: random.Random, file: str, text: str) -> bytes | None:
    lines = _lines(text)
    pattern = r'^\s*"[^"]+":' if file.endswith(".json") else r"^\s*[A-Za-z_][\w-]*:"
    spots = [i for i, line in enumerate(lines) if re.match(pattern, line)]
    index = rng.choice(spots)
    copy = lines[index] if file.endswith(".json") else lines[index].split(":")[0] + ": duplicated"
    if file.endswith(".json") and not copy.rstrip().endswith(","):
        copy = copy.rstrip() + ","
    if file.endswith(".json") and not re.search(r"[\"\d\]}el],?\s*$", copy):  # the key opens a block: give it a value
        copy = copy.split(":")[0] + ': "duplicated",'
    return "\n".join(lines[:index] + [copy] + lines[index:]).encode()


def deep(rng: random.Random, file: str, text: str) -> bytes | None:
    lines = _lines(text)
    depth = rng.randrange(60, 3000)
    if file.endswith(".json"):
        return text.replace('"Version": "2012-10-17"', '"Version": ' + "[" * depth + "]" * depth, 1).encode()
    spots = [i for i, line in enumerate(lines) if re.match(r"^\s*[\w-]+: \S", line)]
    index = rng.choice(spots)
    key = lines[index].split(":")[0]
    lines[index] = f"{key}: " + "[" * depth + "]" * depth
    return "\n".join(lines).encode()


def emptied(rng: random.Random, file: str, text: str) -> bytes | None:
    return None if file.endswith("suppressions.yaml") else rng.choice([b"", b"# nothing\n", b"[]\n", b"just text\n"])


MUTATIONS: dict[str, Callable[[random.Random, str, str], bytes | None]] = {
    "delete_required_key": delete_required_key, "swap_type": swap_type, "truncate": truncate,
    "re_encode": re_encode, "invisible": invisible, "duplicate_key": duplicate_key, "deep": deep,
    "emptied": emptied}


def certainly_broken(file: str, data: bytes) -> bool:
    """Whether the standard parsers and the file's own model refuse the mutated file (the oracle)."""
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark at the start is fine
    except UnicodeDecodeError:
        return True
    if any(c in text for c in "\u00a0\u200b\u2009\ufeff\u202e\x00") or _depth(text) > MAX_DEPTH:
        return True
    if file.endswith(".json"):
        try:
            json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError):
            return True
        return '"swapped"' in text  # a value replaced by an object where IAM takes a string
    try:
        data_ = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, RecursionError, ValueError):
        return True
    try:
        model_for(file).model_validate(data_ if data_ is not None else {})
    except ValidationError:
        return True
    return False


def _depth(text: str) -> int:
    depth = deepest = 0
    for token in re.findall(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        depth += 1 if token in "[{" else -1 if token in "]}" else 0
        deepest = max(deepest, depth)
    return deepest


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


class _StrictLoader(yaml.SafeLoader):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[typing.Any, typing.Any]:
        keys = [k.value for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge"]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate key")
        return super().construct_mapping(node, deep=deep)


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import copy_example

    return copy_example(tmp_path_factory.mktemp("fuzz") / "project")


def _files(root: Path) -> list[str]:
    patterns = ("config/*.yaml", "accounts/*.yaml", "policies/scp/*.json", "policies/identity/*.json",
                "policies/checkov/suppressions.yaml")
    return sorted(p.relative_to(root).as_posix() for pattern in patterns for p in root.glob(pattern))


@pytest.mark.parametrize("kind", sorted(MUTATIONS))
def test_mutations_of_the_example_exit_2_with_file_and_line(kind: str, example: Path, capsys) -> None:
    rng = random.Random(f"{SEED}-{kind}")
    files = _files(example)
    tried = kept = 0
    while kept < CASES_PER_KIND:
        tried += 1
        assert tried < CASES_PER_KIND * 20, f"{kind}: too few mutations break a file ({kept} of {tried})"
        file = rng.choice(files)
        original = (example / file).read_bytes()
        mutated = MUTATIONS[kind](rng, file, original.decode())
        if mutated is None or not certainly_broken(file, mutated):
            continue
        kept += 1
        (example / file).write_bytes(mutated)
        try:
            assert_rejected_with_places(example, capsys, f"{kind} #{kept} of {file}")
        finally:
            (example / file).write_bytes(original)  # the next case starts from the example again
