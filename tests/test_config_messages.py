"""Messages never show a raw regular expression: every pattern a config model uses is described in words."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from landingzone.config.account import AccountManifest
from landingzone.config.identity import IdentityConfig
from landingzone.config.network import NetworkConfig
from landingzone.config.organization import OrganizationConfig
from landingzone.config.pydantic_errors import PATTERN_HELP
from landingzone.config.suppressions import SuppressionsFile
from landingzone.config.workloads import available_workloads


def patterns(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        found = {schema["pattern"]} if isinstance(schema.get("pattern"), str) else set()
        return found | {p for value in schema.values() for p in patterns(value)}
    if isinstance(schema, list):
        return {p for item in schema for p in patterns(item)}
    return set()


MODELS: dict[str, tuple[type[BaseModel], dict[str, str]]] = {
    model.__name__: (model, {}) for model in
    (OrganizationConfig, AccountManifest, NetworkConfig, IdentityConfig, SuppressionsFile)}
MODELS |= {name: (w.parameters, dict(w.pattern_help)) for name, w in available_workloads().items()}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_pattern_has_words(name: str) -> None:
    model, extra = MODELS[name]
    assert patterns(model.model_json_schema()) - set(PATTERN_HELP) - set(extra) == set()
