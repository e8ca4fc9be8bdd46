"""A strategy in Welsh and English. `strategy.yaml` says `languages: [cy, en]` (the first the
default), and each text is then given in each language, `title: {cy: ..., en: ...}`.

The folder is read once and its data projected into one tree per language before validation,
so the model and everything after it see one language at a time: an edition in the default
language, with its versions in the others as `translations`. Because a language map may hold
only text, never a list or a part, every version has the same structure (the same objectives,
the same dates and amounts); only the words differ.

The Welsh Language Standards ask that a Welsh version be treated no less favourably than the
English, so a bilingual strategy must give every text in every language: a map without one of
them and text given once (other than a person's name or an edition's, `Untranslated`) are
each an error on the line it is about. A text the data may leave out (a foreword's title) has
no English default in the model: the pages give the site's own word for it in each language
(catalog.py), so leaving it out is no less favourable to Welsh.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Union

from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo

from ..model import LANGUAGE_NAMES, LANGUAGE_TAGS, Location, values


def is_language_map(value: Any) -> bool:
    """Whether a YAML value is a map of languages to texts (`{cy: ..., en: ...}`)."""
    return (isinstance(value, dict) and bool(value)
            and all(isinstance(key, str) and key in LANGUAGE_NAMES for key in value))


def declared(identity: Any) -> tuple[str, ...]:
    """The languages `strategy.yaml` declares, as read (the model checks them); none for a
    strategy in one language."""
    listed = identity.get("languages") if isinstance(identity, dict) else None
    if not isinstance(listed, list):
        return ()
    return tuple(str(code) for code in listed if str(code) in LANGUAGE_NAMES)


@dataclass
class Projection:
    """The data of a strategy in one language, and what in it was not given per language."""

    language: str
    data: Any
    given_once: set[Location] = field(default_factory=set)
    """Where a text was given once rather than per language."""
    problems: list[tuple[Location, str]] = field(default_factory=list)
    """Language maps that lack this language or hold more than text."""


def project(data: Any, language: str, languages: tuple[str, ...]) -> Projection:
    """The data in `language`: each language map replaced by its text in that language."""
    projection = Projection(language, None)
    projection.data = _project(data, (), projection, languages)
    return projection


def _project(value: Any, at: Location, projection: Projection,
             languages: tuple[str, ...]) -> Any:
    if is_language_map(value):
        return _chosen(value, at, projection, languages)
    if isinstance(value, dict):
        return {key: _project(item, (*at, key), projection, languages)
                for key, item in value.items()}
    if isinstance(value, list):
        return [_project(item, (*at, index), projection, languages)
                for index, item in enumerate(value)]
    if isinstance(value, str):
        projection.given_once.add(at)
    return value


def _chosen(value: dict[str, Any], at: Location, projection: Projection,
            languages: tuple[str, ...]) -> Any:
    """One language's text from a language map, noting what is wrong with the map."""
    language = projection.language
    unknown = [code for code in value if code not in languages]
    if unknown:
        projection.problems.append((at, (
            f"expected only this strategy's languages ({', '.join(languages)}); found "
            f"{', '.join(unknown)}: add it to 'languages' in strategy.yaml, or remove it here")))
    if language not in value or value[language] is None:
        given = ", ".join(LANGUAGE_NAMES[code] for code in value if code in languages)
        projection.problems.append((at, (
            f"expected the {LANGUAGE_NAMES[language]} ({language}) text beside the "
            f"{given or 'other'}: every text of a bilingual strategy is given in each of its "
            f"languages ({', '.join(languages)}), like {language}: ...")))
        return None
    chosen = value[language]
    if isinstance(chosen, (dict, list)):
        projection.problems.append((at, (
            f"expected text for {language}, not a list or a map: give each text in each "
            "language, inside the list, not the whole list per language")))
        return None
    return chosen


def with_language(data: dict[str, Any], language: str) -> dict[str, Any]:
    """A projected strategy's data, marked as the version in `language`: its location says
    which, and its identity's language tag is that language's."""
    identity = dict(data.get("identity") or {})
    identity["language"] = LANGUAGE_TAGS[language]
    return {**data, "language": language, "identity": identity}


def texts_given_once(model: type[BaseModel], data: Any,
                     given_once: set[Location]) -> Iterator[Location]:
    """Where a text that a bilingual strategy gives per language was given once."""
    for at, annotation in _typed_values(model, data, ()):
        if at in given_once and _translated(annotation):
            yield at


def _typed_values(annotation: Any, value: Any, at: Location) -> Iterator[tuple[Location, Any]]:
    """Each text value of the data with the type the model gives it, walking both at once."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated and typing.get_args(annotation)[0] is str:
        yield at, annotation  # a kind of text: translated or given once
    elif origin is typing.Annotated:
        yield from _typed_values(typing.get_args(annotation)[0], value, at)
    elif origin in (Union, types.UnionType):
        arms = [arm for arm in typing.get_args(annotation) if arm is not type(None)]
        yield from _typed_values(_arm(arms, value), value, at)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if isinstance(value, dict):
            fields = {info.alias or name: info for name, info in
                      annotation.model_fields.items()}
            for key, item in value.items():
                if key in fields:
                    yield from _typed_values(_declared(fields[key]), item, (*at, key))
    elif origin in (tuple, list) and isinstance(value, list):
        args = typing.get_args(annotation)
        for index, item in enumerate(value):
            yield from _typed_values(args[0], item, (*at, index))
    elif origin is dict and isinstance(value, dict):
        inner = typing.get_args(annotation)[1]
        for key, item in value.items():
            yield from _typed_values(inner, item, (*at, key))


def _declared(info: FieldInfo) -> Any:
    """A field's type as declared: pydantic keeps `title: Text`'s validators apart from its
    `str`, so they are put back (`Text` is then `Text` again)."""
    if info.metadata:
        return typing.Annotated[(info.annotation, *info.metadata)]
    return info.annotation


def _translated(annotation: Any) -> bool:
    """Whether a type is text a bilingual strategy gives per language (`Text`, `Markdown`,
    `Cell`, with any constraint added), not text given once (`Untranslated`)."""
    return typing.get_origin(annotation) is typing.Annotated and any(
        isinstance(meta, AfterValidator) and meta.func is values._translatable
        for meta in annotation.__metadata__)


def _arm(arms: list[Any], value: Any) -> Any:
    """The arm of a union the data takes: by its `kind` tag, else the only model or the
    first arm."""
    if isinstance(value, dict) and "kind" in value:
        for arm in arms:
            model = typing.get_args(arm)[0] if typing.get_origin(arm) is typing.Annotated \
                else arm
            if isinstance(model, type) and issubclass(model, BaseModel) and "kind" in \
                    model.model_fields and value["kind"] in typing.get_args(
                        model.model_fields["kind"].annotation):
                return model
    models = [arm for arm in arms if isinstance(arm, type) and issubclass(arm, BaseModel)]
    if isinstance(value, dict) and len(models) == 1:
        return models[0]
    return arms[0] if arms else Any
