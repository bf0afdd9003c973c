"""Pydantic validation errors turned into problems that name the file, line and key, in plain words.

Pydantic's own wording ("Input should be a valid tuple", "after validation") and the raw regular expression
of a pattern never reach the user: every error type a config model can raise has a sentence here, and
every pattern a model uses has a description in PATTERN_HELP (a test walks the models to keep it so).
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from landingzone.config.delivery import (
    BUCKET_PATTERN,
    KEY_PREFIX_PATTERN,
    KMS_KEY_PATTERN,
    PRINCIPAL_PATTERN,
    TABLE_PATTERN,
    VERSION_PATTERN,
)
from landingzone.config.source import Source, read_as
from landingzone.config.spacelift import (
    BRANCH_PATTERN,
    IMAGE_PATTERN,
    LABEL_PATTERN,
    REPOSITORY_PATTERN,
    SPACE_PATTERN,
    SPACELIFT_NAME_PATTERN,
    STACK_PATTERN,
)
from landingzone.config.text import odd_characters
from landingzone.config.types import NAME_PATTERN, OU_SEGMENT, TAG_KEY_PATTERN, TAG_VALUE_PATTERN
from landingzone.errors import Problem

PATTERN_HELP = {
    NAME_PATTERN: "lowercase letters, digits and dashes, 1-50 characters, not starting or ending with a dash",
    rf"^{OU_SEGMENT}(?:/{OU_SEGMENT})*$": "OU names of letters, digits and dashes joined by '/', like Workloads/Prod",
    r"^\d{12}$": "a 12-digit AWS account ID, quoted so YAML keeps it a string",
    TAG_KEY_PATTERN: "1-128 letters, digits, spaces and _ . : / = + - @, not starting with aws:",
    TAG_VALUE_PATTERN: "up to 256 letters, digits, spaces and _ . : / = + - @",
    r"^[^/\\][^\\]*$": "a path relative to the project root",
    r"^o-[a-z0-9]{10,32}$": "an organization ID like o-a1b2c3d4e5",
    r"^[\w+=,.@-]{1,64}$": "an IAM role name: 1-64 letters, digits and _ + = , . @ -",
    r"^[\w+=,.@-]{1,32}$": "a permission set name: 1-32 letters, digits and _ + = , . @ -",
    r"^CKV2?_[A-Z0-9_]+$": "a checkov check ID like CKV_AWS_18 or CKV2_AWS_62",
    r"^\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}$": "an IPv4 CIDR like 10.20.0.0/16",
    r"^[a-z]+\d+-az\d+$": "an Availability Zone ID like use1-az1 (a zone ID, not a zone name like us-east-1a)",
    r"^[a-z0-9][a-z0-9.-]{0,62}$": "an endpoint service's short name like sts or bedrock-runtime",
    r"^cron\(\S+( \S+){5}\)$": "an AWS cron expression of six fields, like cron(0 2 * * ? *)",
    BUCKET_PATTERN: "an S3 bucket name: 3-63 lowercase letters, digits, dots and dashes, a letter or digit at each end",
    KEY_PREFIX_PATTERN: "an S3 key prefix like landingzone or state/landingzone, without a leading or trailing /",
    TABLE_PATTERN: "a DynamoDB table name: 3-255 letters, digits and _ . -",
    KMS_KEY_PATTERN: "a KMS key or alias ARN like arn:aws:kms:us-east-1:123456789012:alias/terraform-state",
    VERSION_PATTERN: "an exact release like 1.11.4",
    PRINCIPAL_PATTERN: "an IAM role, user or account-root ARN like arn:aws:iam::123456789012:role/spacelift, "
                       "without wildcards",
    SPACELIFT_NAME_PATTERN: "a Spacelift account name: lowercase letters, digits and dashes, as in "
                            "<account>.app.spacelift.io",
    SPACE_PATTERN: "a Spacelift space ID like root or platform-01HXYZ",
    REPOSITORY_PATTERN: "a repository name without its owner, like landingzone",
    BRANCH_PATTERN: "a Git branch name like main or release/2025",
    IMAGE_PATTERN: "a container image like ghcr.io/acme/landingzone-runner:1.4.0 (lowercase)",
    LABEL_PATTERN: "a label: up to 255 characters without commas, not starting with a space",
    STACK_PATTERN: "a stack name like org or baseline-prod, or a pattern with * and ? like baseline-*",
    r"^[0-9A-Z]{26}$": "a Spacelift worker pool ID (26 capital letters and digits, like 01HXYZ...)",
}

_SHAPES = {"model_type": "a mapping of keys to values", "dict_type": "a mapping of keys to values",
           "model_attributes_type": "a mapping of keys to values", "list_type": "a list", "tuple_type": "a list",
           "set_type": "a list", "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
           "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
           "bool_type": "true or false", "bool_parsing": "true or false", "date_type": "a date (YYYY-MM-DD)",
           "date_parsing": "a date (YYYY-MM-DD)", "date_from_datetime_parsing": "a date (YYYY-MM-DD)",
           "date_from_datetime_inexact": "a date without a time (YYYY-MM-DD)"}
_UNION_SHAPES = ("string_type", "list_type", "tuple_type", "dict_type")  # scp_parameters: text or a list of text
_BOUNDS = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
           "greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}


def problems_from(error: ValidationError, source: Source, model: type[BaseModel],
                  pattern_help: Mapping[str, str] | None = None) -> list[Problem]:
    """One problem per place (a union's members each report, and saying it once is enough), and one per
    missing key."""
    by_place: dict[tuple[Any, ...], Problem] = {}
    helps = {**PATTERN_HELP, **(pattern_help or {})}
    for err in error.errors(include_url=False):
        loc, key_error = _data_loc(source.data, tuple(err["loc"]))
        problem = _one(err, loc, key_error, source, model, helps)
        place = (*loc, err["loc"][-1]) if err["type"] == "missing" else loc
        if place in by_place and by_place[place].message != problem.message and err["type"] in _UNION_SHAPES:
            problem = source.problem(loc, f"{_show(err.get('input'))} has the wrong type (expected text or a list "
                                     "of text)")
        by_place[place] = problem
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


def _show(value: Any, raw: str | None = None) -> str:
    """A value as the user wrote it: text quoted, `null` for nothing, a mapping or list by its kind."""
    if raw is not None:
        return raw if raw.strip() else "an empty value"
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return repr(str(value)) if hasattr(value, "isoformat") else str(value)


def _one(err: Any, loc: tuple[Any, ...], key_error: bool, source: Source, model: type[BaseModel],
         helps: Mapping[str, str]) -> Problem:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = _show(value, source.raw.get(loc) if not key_error else None)
    if key_error:
        return source.problem(loc, f"key {_show(loc[-1])} is not allowed (expected {_help(ctx, helps)})"
                              f"{odd_characters(str(loc[-1]))}")
    if kind == "missing":
        return source.problem(loc, f"{err['loc'][-1]}: is required but missing")
    if kind == "extra_forbidden":
        return source.problem(loc, _unknown_key(model, loc))
    if kind == "string_pattern_mismatch":
        odd = odd_characters(str(value))
        problem = f"{shown} is not allowed (expected {_help(ctx, helps)}){odd}"
        return source.caret(loc, problem, _first_odd(str(value))) if odd else source.problem(loc, problem)
    if kind in ("literal_error", "enum"):
        return source.problem(loc, f"{shown} is not allowed (allowed: {_choices(ctx)}){_guess(value, ctx)}")
    if kind == "value_error":
        # A mapping's own rule (exactly one of two keys) reads better without the value before it.
        prefix = "" if isinstance(value, dict) else f"{shown} "
        return source.problem(loc, f"{prefix}{str(ctx.get('error', err['msg']))}")
    if kind == "string_type" and isinstance(value, int | float | bool) and not isinstance(value, str):
        return source.problem(loc, f"{shown} is read as {read_as(value, source.raw.get(loc))}, not text; quote it "
                              f"('{source.raw.get(loc, value)}')")
    if kind in _SHAPES:
        return source.problem(loc, f"must be {_SHAPES[kind]}, not {shown}")
    return source.problem(loc, _sized(kind, ctx, value, shown) or _fallback(err["msg"], shown))


def _sized(kind: str, ctx: dict[str, Any], value: Any, shown: str) -> str | None:
    if kind == "too_short":
        count = ctx.get("actual_length", 0)
        return f"needs at least {ctx['min_length']} item{'s' * (ctx['min_length'] != 1)} (it has " \
               f"{count or 'none'})"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} items; at most {ctx['max_length']} are allowed"
    if kind == "string_too_short":
        return f"{shown} is {len(value)} characters long; at least {ctx['min_length']} are needed" if value else \
            f"is empty; at least {ctx['min_length']} characters are needed"
    if kind == "string_too_long":
        return f"{shown} is {len(value)} characters long; at most {ctx['max_length']} are allowed"
    if kind in _BOUNDS:
        name, words = _BOUNDS[kind]
        bound = ctx[name]
        return f"{shown} is not allowed (must be {words} {bound:g})" if isinstance(bound, float) else \
            f"{shown} is not allowed (must be {words} {bound})"
    return None


def _fallback(message: str, shown: str) -> str:
    """Any other pydantic error, reworded: "Input should be" becomes "must be"."""
    text = re.sub(r"^Input should", "should", message).replace(" after validation", "")
    text = text.replace("should be", "must be").replace("should have", "must have")
    return f"{shown} {text[0].lower()}{text[1:]}"


def _unknown_key(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    allowed = _allowed_keys(model, loc[:-1])
    hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    odd = odd_characters(str(loc[-1]))
    guess = f"; did you mean '{hint[0]}'?" if hint else ""
    return f"is not a known key (allowed: {', '.join(allowed)}){odd}{guess}"


def _help(ctx: dict[str, Any], helps: Mapping[str, str]) -> str:
    return helps.get(ctx.get("pattern", ""), "a value in the documented format")


def _choices(ctx: dict[str, Any]) -> str:
    return ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", "")))) or str(ctx.get("expected"))


def _guess(value: Any, ctx: dict[str, Any]) -> str:
    options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.6) if isinstance(value, str) else []
    return f"; did you mean '{close[0]}'?" if close else ""


def _first_odd(text: str) -> str:
    return next((c for c in text if not c.isascii()), "")


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
