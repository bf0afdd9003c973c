"""The JSON Schemas in schemas/ and docs/reference.md: generated from the models, committed current, and true of
every example file (which names its schema in its first line, a comment the loader reads past)."""

from __future__ import annotations

import datetime as dt
import json
import typing
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from pydantic import BaseModel

from conftest import PROJECT
from landingzone.schemas import MODELINE, config_files, modeline, render_schemas, schema_for
from landingzone.schemas.reference import REFERENCE_FILE, render_reference

EXAMPLES = sorted(p.relative_to(PROJECT).as_posix() for p in [*PROJECT.glob("config/*.yaml"),
                                                              *PROJECT.glob("accounts/**/*.yaml"),
                                                              PROJECT / "policies/checkov/suppressions.yaml"])
DRAFT_2019_ONLY = ("prefixItems", "$dynamicRef", "$dynamicAnchor", "dependentRequired", "dependentSchemas",
                   "unevaluatedProperties", "unevaluatedItems", "$anchor")


def as_json(value: Any) -> Any:
    """YAML's data as an editor's language server sees it (an unquoted date is a string in YAML 1.2)."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def flatten(errors: typing.Iterable[Any]) -> list[str]:
    """Every message, those under an anyOf (an optional value) included."""
    return [message for error in errors for message in [error.message, *flatten(error.context or ())]]


def validator(relative: str) -> Draft7Validator:
    config = schema_for(relative)
    assert config is not None, relative
    return Draft7Validator(json.loads((PROJECT / config.schema_file).read_text()))


def test_committed_schemas_are_current() -> None:
    rendered = render_schemas()
    committed = {p.relative_to(PROJECT).as_posix(): p.read_text() for p in (PROJECT / "schemas").rglob("*.json")}
    assert sorted(committed) == sorted(rendered), "run `landingzone schema`"
    stale = [name for name, text in rendered.items() if committed[name] != text]
    assert stale == [], f"stale: {stale}; run `landingzone schema` and commit schemas/"


def test_committed_reference_is_current() -> None:
    assert (PROJECT / REFERENCE_FILE).read_text() == render_reference(PROJECT), "run `landingzone docs`"


@pytest.mark.parametrize("config", config_files(), ids=lambda c: c.name)
def test_schemas_are_draft_07_for_editors(config) -> None:
    schema = json.loads((PROJECT / config.schema_file).read_text())
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert not set(node) & set(DRAFT_2019_ONLY), node
            assert "$ref" not in node or len(node) == 1, f"draft-07 ignores the siblings of $ref: {node}"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(schema)


@pytest.mark.parametrize("relative", EXAMPLES)
def test_every_example_file_names_its_schema_and_validates_against_it(relative: str) -> None:
    text = (PROJECT / relative).read_text()
    config = schema_for(relative)
    assert config is not None
    assert text.splitlines()[0] == modeline(relative, config)
    target = (PROJECT / relative).parent / text.splitlines()[0].removeprefix(MODELINE)
    assert target.resolve() == (PROJECT / config.schema_file).resolve() and target.is_file()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(relative).iter_errors(
        as_json(yaml.safe_load(text)))]
    assert errors == []


@pytest.mark.parametrize(("relative", "edit", "expected"), [
    ("accounts/prod.yaml", ("ou: Workloads/Prod", "ou: Workloads/Prod\nou_path: x"),
     "Additional properties are not allowed ('ou_path' was unexpected)"),
    ("accounts/prod.yaml", ("segment: prod", "segment: Prod_1"), "'Prod_1' does not match"),
    ("accounts/prod.yaml", ("meeting-recorder:\n", "meeting-recordr:\n"),
     "Additional properties are not allowed ('meeting-recordr' was unexpected)"),
    ("accounts/prod.yaml", ("log_retention_days: 90", "log_retention_days: 91"), "91 is not one of"),
    ("config/organization.yaml", ("home_region: us-east-1", "home_region: us-east-7"), "'us-east-7' is not one of"),
    ("config/network.yaml", ("amazon_side_asn: 64512", "amazon_side_asn: high"), "'high' is not of type 'integer'"),
    ("config/delivery.yaml", ("max_session_hours: 1", "max_session_hours: 13"), "13 is greater than the maximum"),
    ("policies/checkov/suppressions.yaml", ("owner: platform-team", "ownr: platform-team"), "'owner' is a required"),
])
def test_the_schemas_refuse_what_validation_refuses(relative: str, edit: tuple[str, str], expected: str) -> None:
    text = (PROJECT / relative).read_text()
    assert edit[0] in text
    messages = flatten(validator(relative).iter_errors(as_json(yaml.safe_load(text.replace(edit[0], edit[1], 1)))))
    assert any(expected in message for message in messages), messages


def test_a_pattern_is_explained_in_words_where_the_value_does_not_match() -> None:
    schema = json.loads((PROJECT / "schemas/account.schema.json").read_text())
    network = schema["$defs"]["AccountNetwork"]["properties"]
    assert network["vpc_cidr"]["patternErrorMessage"] == "expected an IPv4 CIDR like 10.20.0.0/16"
    models = schema["$defs"]["meeting-recorder.Models"]["properties"]["summary"]
    assert models["patternErrorMessage"].startswith("expected a Bedrock model ID like ")
    assert "```yaml" in schema["$defs"]["Budget"]["markdownDescription"]
    assert "```" not in schema["$defs"]["Budget"]["description"]


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _fields(model: type[BaseModel], seen: set[type[BaseModel]]) -> list[tuple[str, str]]:
    """(model name, field name) of the model and of every model under it."""
    if model in seen:
        return []
    seen.add(model)
    found = []
    for name, info in model.model_fields.items():
        found.append((model.__name__, name))
        for inner in _models_in(info.annotation):
            found += _fields(inner, seen)
    return found


@pytest.mark.parametrize("config", config_files(), ids=lambda c: c.name)
def test_the_reference_has_a_row_for_every_field_of_every_model(config) -> None:
    reference = (PROJECT / REFERENCE_FILE).read_text()
    section = reference.split(f"## `{config.files}`", 1)[1].split("\n## ", 1)[0]
    for model, name in _fields(config.model, set()):
        assert f"| `{name}` |" in section, f"{config.files}: {model}.{name}"


def test_the_reference_gives_type_default_and_example() -> None:
    reference = (PROJECT / REFERENCE_FILE).read_text()
    assert ("| `az_count` | whole number, 2-3 | no | `2` |  | `2` |") in reference
    assert ("| `home_region` | AWS region (any of the 40 botocore knows) | yes | - | Region of the management "
            "stacks' providers; must be allowed. | `us-east-1` |") in reference
    assert "| `locking` | one of `lockfile`, `dynamodb` | no | `lockfile` |" in reference
