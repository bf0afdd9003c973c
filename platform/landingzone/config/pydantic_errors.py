"""Pydantic validation errors turned into problems that name the file, line and key, in plain words."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from landingzone.config.types import NAME_PATTERN, OU_SEGMENT, REGION_PATTERN, TAG_KEY_PATTERN
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

PATTERN_HELP = {
    NAME_PATTERN: "lowercase letters, digits and dashes, 1-50 characters, not starting or ending with a dash",
    rf"^{OU_SEGMENT}(?:/{OU_SEGMENT})*$": "OU names of letters, digits and dashes joined by '/', like Workloads/Prod",
    REGION_PATTERN: "an AWS region code like us-east-1",
    r"^\d{12}$": "a 12-digit AWS account ID, quoted so YAML keeps it a string",
    TAG_KEY_PATTERN: "1-128 letters, digits, spaces and _ . : / = + - @",
    r"^[^/\\][^\\]*$": "a path relative to the project root",
}


def problems_from(error: ValidationError, source: Source, model: type[BaseModel]) -> list[Problem]:
    return [_one(err, source, model) for err in error.errors(include_url=False)]


def _one(err: Any, source: Source, model: type[BaseModel]) -> Problem:
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if kind == "missing":
        return source.problem(loc[:-1], f"{loc[-1]}: is required but missing")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        guess = f"; did you mean '{hint[0]}'?" if hint else ""
        return source.problem(loc, f"is not a known key (allowed: {', '.join(allowed)}){guess}")
    if kind == "string_pattern_mismatch":
        wanted = PATTERN_HELP.get(ctx.get("pattern", ""), f"pattern {ctx.get('pattern')}")
        return source.problem(loc, f"{value!r} is not allowed (expected {wanted})")
    if kind == "literal_error":
        return source.problem(loc, f"{value!r} is not allowed (allowed: {ctx.get('expected')})")
    if kind == "value_error":
        return source.problem(loc, f"{value!r} {str(ctx.get('error', err['msg']))}")
    message = err["msg"][0].lower() + err["msg"][1:]
    shown = "" if isinstance(value, dict | list) else f"{value!r}: "
    return source.problem(loc, f"{shown}{message}")


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel) and part in current.model_fields:
            current = current.model_fields[part].annotation
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """From `tuple[X, ...]`, `X | None` and `Annotated[X, ...]` down to the model class X."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (tuple, list, typing.Union, types.UnionType):
            models = [a for a in typing.get_args(annotation) if a is not Ellipsis and a is not type(None)]
            if len(models) != 1:
                return annotation
            annotation = models[0]
        else:
            return annotation
