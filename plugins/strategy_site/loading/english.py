"""Pydantic's validation errors in plain English, each in the file and on the line it comes
from: "funding.yaml:14: field 'amounts.2022/2023': expected ..., found ..." rather than a
traceback, with what was expected, what was found, and a close name where one was misspelt."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..model import Location, excerpt, field_name
from .problems import DataProblem
from .yaml_lines import YamlFile


def explain(
    error: ValidationError,
    model: type[BaseModel],
    documents: Mapping[Location, YamlFile],
    fallback: Path,
    data: Any,
) -> Iterator[DataProblem]:
    """Each pydantic error as a problem in the file and on the line it comes from."""
    details = error.errors(include_url=False)
    misspelt = {
        (*d["loc"][:-1], close[0])
        for d in details if d["type"] == "extra_forbidden"
        for close in [_close(str(d["loc"][-1]), _fields_at(model, tuple(d["loc"][:-1])))]
        if close
    }
    for detail in details:
        if detail["type"] == "missing" and tuple(detail["loc"]) in misspelt:
            continue  # "unknown field 'auther' (did you mean 'author'?)" says it already
        if detail["type"] == "too_short" and any(
                other["loc"][:len(detail["loc"])] == detail["loc"]
                and len(other["loc"]) > len(detail["loc"]) for other in details):
            continue  # the list is "too short" only because its entries are wrong: say those
        typed_loc: Location = tuple(part for part in detail["loc"] if part != "[key]")
        message = _message(detail, model, typed_loc)
        loc = _without_union_tags(data, typed_loc)
        ctx = detail.get("ctx") or {}
        if "at" in ctx:
            loc = (*loc, *ctx["at"])
            detail["input"] = _value_at(detail["input"], ctx["at"])
            message = _message(detail, model, typed_loc)
        elif detail["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, str(ctx.get("discriminator", "kind")).strip("'"))
        value = detail["input"]
        if detail["type"] == "string_type" and isinstance(value, (bool, int, float, dt.date)):
            found = _in_file(documents, (*loc, "[key]") if "[key]" in detail["loc"] else loc)
            message = _quotes_needed(value, found[0].written.get(found[1]) if found else None)
        yield placed(documents, fallback, loc, message)


def _quotes_needed(value: bool | int | float | dt.date, written: str | None) -> str:
    """Text that YAML read as a number, a date or true/false, and how to keep it text."""
    typed = written if written is not None else str(value)
    found = (f"{typed}, which YAML reads as the value {str(value).lower()}"
             if isinstance(value, bool) else _describe(value))
    return (f"expected text; found {found}: put it in quotes "
            f"({json.dumps(typed, ensure_ascii=False)}) to keep it as text")


def _in_file(documents: Mapping[Location, YamlFile],
             at: Location) -> tuple[YamlFile, Location] | None:
    """The file a field path of the whole strategy is in, and the path within that file."""
    prefix = max((key for key in documents if at[:len(key)] == key), key=len, default=None)
    return None if prefix is None else (documents[prefix], at[len(prefix):])


def placed(documents: Mapping[Location, YamlFile], fallback: Path, at: Location,
            message: str) -> DataProblem:
    """A problem found at a field path of the whole strategy, in its file and on its line."""
    found = _in_file(documents, at)
    if found is None:
        return DataProblem(fallback, None, field_name(at) or None, message)
    document, field_at = found
    return DataProblem(document.path, document.line(field_at),
                       field_name(field_at, document.data) or None, message)


def _without_union_tags(data: Any, loc: Location) -> Location:
    """Drop the `kind` tags pydantic puts in the path of a tagged union ('diagrams[1].tree').

    The tag comes first after the path enters the union's value, and may equal a field's name
    (a `groups` diagram has a `groups` field), so only that first step is dropped.
    """
    kept: list[str | int] = []
    entered = True
    for part in loc:
        if entered and isinstance(data, dict) and data.get("kind") == part:
            entered = False
            continue
        kept.append(part)
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            data = None
        entered = True
    return tuple(kept)


def _value_at(data: Any, loc: Location) -> Any:
    """The raw value found by following `loc` into a model's input (or the model itself)."""
    for part in loc:
        if isinstance(data, BaseModel):
            data = getattr(data, str(part), None)
        elif isinstance(data, (dict, list, tuple)):
            try:
                data = data[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                return None
        else:
            return None
    return data


def _message(detail: ErrorDetails, model: type[BaseModel], loc: Location) -> str:
    kind = detail["type"]
    value = detail.get("input")
    if kind == "missing":
        return f"required field '{loc[-1]}' is missing"
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        return (f"unknown field '{loc[-1]}'{suggest(str(loc[-1]), allowed)}; "
                f"expected one of: {', '.join(allowed)}")
    ctx = detail.get("ctx") or {}
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        tags = [tag.strip(" '") for tag in str(ctx.get("expected_tags", "")).split(",")]
        field = str(ctx.get("discriminator", "kind")).strip("'")
        if kind == "union_tag_not_found":
            return f"required field '{field}' is missing; expected one of: {', '.join(tags)}"
        found = str(ctx.get("tag", ""))
        return (f"expected '{field}' to be one of: {', '.join(tags)}; "
                f"found the text '{found}'{suggest(found, tags)}")
    if kind == "invalid" and (isinstance(value, (dict, list, tuple)) or ctx.get("says_found")):
        return str(ctx["message"])  # the rule's message says what was found
    if kind == "literal_error":
        choices = [choice.strip(" '") for choice in
                   str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        note = _CHOICE_NOTES.get(str(loc[-1])) if loc else None
        return (f"expected one of: {', '.join(choices)}; found {_describe(value)}"
                f"{suggest(str(value), choices)}" + (f" ({note})" if note else ""))
    expected = ctx.get("message") or _EXPECTED.get(kind)
    if expected is None:
        expected = detail["msg"][0].lower() + detail["msg"][1:]
    elif "{" in expected:
        expected = expected.format(**ctx)
    said = expected if ctx.get("says_found") else f"{expected}; found {_describe(value)}"
    return f"{said}: {ctx['fix']}" if ctx.get("fix") else said


_CHOICE_NOTES = {
    "region": "the Serious Violence Duty binds the partnerships of England and Wales; write "
              "england or wales, in lower case",
}
"""What a choice means, where its list alone would not tell an officer what to write."""

_EXPECTED = {
    "string_type": "expected text",
    "int_type": "expected a whole number, like 3",
    "int_parsing": "expected a whole number, like 3",
    "int_from_float": "expected a whole number, like 3",
    "greater_than_equal": "expected a number of at least {ge}",
    "too_short": "expected at least {min_length} entry in the list",
    "string_too_long": "expected at most {max_length} characters",
    "string_pattern_mismatch": "expected a value of the form {pattern} (as `strategy-site "
                               "publish` writes it)",
    "tuple_type": "expected a list (lines starting with '- ')",
    "list_type": "expected a list (lines starting with '- ')",
    "model_type": "expected a block of 'field: value' lines",
    "model_attributes_type": "expected a block of 'field: value' lines",
    "dict_type": "expected a block of 'name: value' lines",
    "bool_type": "expected true or false",
}


_SHOWN = {"\n": "\\n", "\r": "\\r"}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, str):
        # Control and direction characters and line breaks are named, not printed: printed,
        # they would garble the message itself (or forge a line of a log).
        shown = "".join(_SHOWN.get(c, c) if c.isprintable() or c == "\t" else
                        _SHOWN.get(c, f"\\u{ord(c):04x}") for c in excerpt(value))
        return f"the text '{shown}'" if value.strip() else "empty text"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a block of 'field: value' lines"
    if isinstance(value, (list, tuple)):
        return "a list" if value else "an empty list"
    return f"the {type(value).__name__} {value}"


def _close(word: str, choices: list[str]) -> list[str]:
    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)


def suggest(word: str, choices: list[str]) -> str:
    """" (did you mean 'title'?)" when one of the choices is close to the word, else ""."""
    close = _close(word, choices)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _fields_at(model: type[BaseModel], loc: Location) -> list[str]:
    """The field names of the model found by following `loc` down from `model`."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        arms = _tagged_arms(annotation)
        if part in arms:
            annotation = arms[str(part)]  # the union's tag names the arm: the next step
            continue
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = _keys(annotation).get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        else:
            args = typing.get_args(annotation)
            annotation = args[-1] if typing.get_origin(annotation) is dict else args[0]
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(_keys(annotation))
    return []


def _keys(model: type[BaseModel]) -> dict[str, Any]:
    """A model's fields by the key a YAML file gives them (the alias, where one is set)."""
    return {info.alias or name: info for name, info in model.model_fields.items()}


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] and Optional[...] down to the type that holds fields or items."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            arms = [arm for arm in typing.get_args(annotation) if arm is not type(None)]
            if len(arms) > 1:
                return annotation  # a tagged union: the next step of the path picks the arm
            annotation = arms[0]
        else:
            return annotation


def _tagged_arms(annotation: Any) -> dict[str, type[BaseModel]]:
    """The arms of a union of models, by the value of their `kind` tag."""
    if typing.get_origin(annotation) not in (Union, types.UnionType):
        return {}
    arms: dict[str, type[BaseModel]] = {}
    for arm in typing.get_args(annotation):
        if isinstance(arm, type) and issubclass(arm, BaseModel) and "kind" in arm.model_fields:
            for tag in typing.get_args(arm.model_fields["kind"].annotation):
                arms[str(tag)] = arm
    return arms
