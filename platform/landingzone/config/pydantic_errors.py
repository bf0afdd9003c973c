"""Pydantic validation errors turned into problems that name the file, line and key, in plain words."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from landingzone.config.delivery import (
    BUCKET_PATTERN,
    KEY_PREFIX_PATTERN,
    KMS_KEY_PATTERN,
    PRINCIPAL_PATTERN,
    ROLE_NAME_PATTERN,
    TABLE_PATTERN,
    VERSION_PATTERN,
)
from landingzone.config.types import NAME_PATTERN, OU_SEGMENT, REGION_PATTERN, TAG_KEY_PATTERN, TAG_VALUE_PATTERN
from landingzone.config.yaml_source import Source
from landingzone.errors import Problem

PATTERN_HELP = {
    NAME_PATTERN: "lowercase letters, digits and dashes, 1-50 characters, not starting or ending with a dash",
    rf"^{OU_SEGMENT}(?:/{OU_SEGMENT})*$": "OU names of letters, digits and dashes joined by '/', like Workloads/Prod",
    REGION_PATTERN: "an AWS region code like us-east-1",
    r"^\d{12}$": "a 12-digit AWS account ID, quoted so YAML keeps it a string",
    TAG_KEY_PATTERN: "1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:",
    TAG_VALUE_PATTERN: "up to 256 letters, digits, spaces and _ . : / = + - @",
    r"^[^/\\][^\\]*$": "a path relative to the project root",
    BUCKET_PATTERN: "an S3 bucket name: 3-63 lowercase letters, digits, dots and dashes, a letter or digit at each end",
    KEY_PREFIX_PATTERN: "an S3 key prefix like landingzone or state/landingzone, without a leading or trailing /",
    TABLE_PATTERN: "a DynamoDB table name: 3-255 letters, digits and _ . -",
    KMS_KEY_PATTERN: "a KMS key or alias ARN like arn:aws:kms:us-east-1:123456789012:alias/terraform-state",
    VERSION_PATTERN: "an exact release like 1.11.4",
    PRINCIPAL_PATTERN: "an IAM role, user or account-root ARN like arn:aws:iam::123456789012:role/spacelift, "
                       "without wildcards",
    ROLE_NAME_PATTERN: "an IAM role name: 1-64 letters, digits and _ + = , . @ -",
}


def problems_from(error: ValidationError, source: Source, model: type[BaseModel]) -> list[Problem]:
    """One problem per place: a union's members each report, and saying it once is enough."""
    by_place: dict[tuple[Any, ...], Problem] = {}
    for err in error.errors(include_url=False):
        loc, key_error = _data_loc(source.data, tuple(err["loc"]))
        problem = _one(err, loc, key_error, source, model)
        if loc in by_place and by_place[loc].message != problem.message:
            kinds = {"string_type": "text", "list_type": "a list", "tuple_type": "a list", "dict_type": "a mapping"}
            if err["type"] in kinds:
                problem = source.problem(loc, f"{_show(err.get('input'))} has the wrong type (expected text or a "
                                         "list of text)")
        by_place[loc] = problem
    return list(by_place.values())


def _data_loc(data: Any, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
    """The part of pydantic's location that exists in the data; the rest names union members or `[key]`."""
    kept: list[Any] = []
    node = data
    for part in loc:
        present = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node))
        if present:
            node = node[part]
        else:
            return tuple(kept), part == "[key]"
        kept.append(part)
    return tuple(kept), False


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict | list):
        return "this value"
    return repr(str(value)) if hasattr(value, "isoformat") else repr(value)


_SHAPES = {"model_type": "must be a mapping of keys to values", "dict_type": "must be a mapping of keys to values",
           "model_attributes_type": "must be a mapping of keys to values",
           "list_type": "must be a list", "tuple_type": "must be a list"}


def _one(err: Any, loc: tuple[Any, ...], key_error: bool, source: Source, model: type[BaseModel]) -> Problem:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    if key_error:
        return source.problem(loc, f"key {_show(loc[-1])} is not allowed ({_pattern_help(ctx)})")
    if kind == "missing":
        return source.problem(loc, f"{err['loc'][-1]}: is required but missing")
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        guess = f"; did you mean '{hint[0]}'?" if hint else ""
        return source.problem(loc, f"is not a known key (allowed: {', '.join(allowed)}){guess}")
    if kind == "string_pattern_mismatch":
        return source.problem(loc, f"{_show(value)} is not allowed (expected {_pattern_help(ctx)})")
    if kind == "literal_error":
        return source.problem(loc, f"{_show(value)} is not allowed (allowed: {ctx.get('expected')})")
    if kind == "value_error":
        # A mapping's own rule (exactly one of two keys) reads better without "this value" before it.
        shown = "" if isinstance(value, dict) else f"{_show(value)} "
        return source.problem(loc, f"{shown}{str(ctx.get('error', err['msg']))}")
    if kind in _SHAPES:
        return source.problem(loc, f"{_SHAPES[kind]}, not {_show(value)}")
    if kind == "string_type" and isinstance(value, int | float | bool):
        return source.problem(loc, f"{_show(value)} is read as {type(value).__name__}, not text; quote it")
    message = err["msg"][0].lower() + err["msg"][1:]
    return source.problem(loc, f"{_show(value)}: {message}")


def _pattern_help(ctx: dict[str, Any]) -> str:
    return PATTERN_HELP.get(ctx.get("pattern", ""), f"pattern {ctx.get('pattern')}")


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
