"""What a generated page's own rendering is made from, as a fingerprint: the preview renders a
page again only when it changed (at N = 33, our templates were half of a rebuild after a save,
for the one partnership in 33 whose data changed).

A page is rendered from its spec (template, titles, where it sits) and its context, which
holds the model's objects and other pages' specs (its parts, its landing page, the rows of
the site's timetable), from its address, its edition's PDF, and the PDFs it looks up in the
others (`RecordedLookups`). Every value the context reaches is taken into the fingerprint:
the model's objects by their data, and every other page's spec it reaches, with that spec's
own context in turn. A value of a kind this module does not know stops the page being
reused rather than being left out: a stale page is worse than a slow one.

The model's objects are frozen and, when their files did not change, the load before's own
objects (loading/yaml_lines.py): their data is fingerprinted once, and again only when a save
made a new object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pydantic import BaseModel

from .pages import PageSpec
from .preview import fingerprint, templates_state


class Unkeyable(Exception):
    """A page's context holds a value whose kind the fingerprint does not know."""


class RenderInputs:
    """The fingerprints of pages' rendering inputs, for the builds of one preview."""

    def __init__(self) -> None:
        self._models: dict[int, tuple[BaseModel, str]] = {}
        """Each model object's data fingerprint, by the object (kept, so that its id is not
        given to another object while the entry stands)."""
        self._models_now: dict[int, tuple[BaseModel, str]] = {}
        self._specs: dict[int, tuple[str, list[PageSpec]]] = {}
        """This build's specs: each one's own fingerprint and the specs its context reaches."""
        self._templates = ""
        """Our templates as this build found them."""

    def build_starts(self) -> None:
        """A build starts: its objects are the ones to remember (the load before's that it
        still uses, and its own); our templates are looked at again."""
        self._models = {**self._models, **self._models_now}
        self._models_now, self._specs = {}, {}
        self._templates = fingerprint(templates_state([str(TEMPLATES)]))

    def build_ends(self) -> None:
        """Only what this build used is kept for the next."""
        self._models, self._models_now = self._models_now, {}
        self._specs = {}

    def key(self, spec: PageSpec, *others: object) -> str:
        """The fingerprint of the page of `spec`, rendered with our templates and `others` (its
        address, its PDF): raises Unkeyable for a value of an unknown kind."""
        reached: dict[int, str] = {}
        todo = [spec]
        while todo:
            found = todo.pop()
            if id(found) in reached:
                continue
            own, nested = self._spec(found)
            reached[id(found)] = own
            todo += nested
        return fingerprint([self._templates, _token(list(others), self._model),
                            sorted(reached.values())])

    def _spec(self, spec: PageSpec) -> tuple[str, list[PageSpec]]:
        known = self._specs.get(id(spec))
        if known is None:
            nested: list[PageSpec] = []
            own = fingerprint([_shallow(spec), _token(dict(spec.context), self._model, nested)])
            known = self._specs[id(spec)] = (own, nested)
        return known

    def _model(self, model: BaseModel) -> str:
        """A model object's data, once for each object."""
        for remembered in (self._models_now, self._models):
            entry = remembered.get(id(model))
            if entry is not None and entry[0] is model:
                self._models_now[id(model)] = entry
                return entry[1]
        digest = _model_data(model)
        self._models_now[id(model)] = (model, digest)
        return digest


class RecordedLookups(Mapping[str, Any]):
    """A mapping given to a page's templates that notes each key they look up, and what it
    gave, so that a page taken from the build before is taken only when each lookup gives the
    same now."""

    def __init__(self, mapping: Mapping[str, Any]) -> None:
        self._mapping = mapping
        self.looked_up: dict[str, Any] = {}
        self.listed = False

    def __getitem__(self, key: str) -> Any:
        found = self._mapping.get(key)
        self.looked_up[key] = found
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[str]:
        self.listed = True
        return iter(self._mapping)

    def __len__(self) -> int:
        self.listed = True
        return len(self._mapping)

    def token(self) -> dict[str, Any]:
        """What each key looked up gave, as plain values, for `same_lookups` to compare in
        the next build; raises Unkeyable if the templates went through the whole mapping."""
        if self.listed:
            raise Unkeyable("a page's templates listed the whole mapping")
        return {key: _token(found, _model_data) for key, found in self.looked_up.items()}


def same_lookups(before: Mapping[str, Any], now: Mapping[str, Any]) -> bool:
    """Whether `now` gives for each key what a page's lookups gave (`before`,
    RecordedLookups.token)."""
    try:
        return all(_token(now.get(key), _model_data) == found for key, found in before.items())
    except Unkeyable:
        return False


TEMPLATES = Path(__file__).parent / "templates"
"""Our page templates (pages.py renders them from here; an edited one renders every page
again, as Jinja reads it again)."""


def _shallow(spec: PageSpec) -> list[str]:
    return [spec.src_uri, spec.title, spec.template, spec.heading, spec.place]


def _model_data(model: BaseModel) -> str:
    """The fingerprint of a model object's data."""
    return fingerprint([type(model).__qualname__, model.model_dump(mode="json")])


def _token(value: Any, model: Callable[[BaseModel], str],
           nested: list[PageSpec] | None = None) -> Any:
    """`value` as plain JSON values; each spec it reaches is given by its own fields and put
    in `nested` (its context is fingerprinted on its own: specs reach one another)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return ["markup", str(value)] if isinstance(value, Markup) else value
    if isinstance(value, PageSpec):
        if nested is None:
            raise Unkeyable("a page's spec outside a page's context")
        nested.append(value)
        return ["spec", *_shallow(value)]
    if isinstance(value, BaseModel):
        return ["model", model(value)]
    if isinstance(value, dt.date | dt.datetime):
        return [type(value).__name__, value.isoformat()]
    if isinstance(value, enum.Enum):
        return [type(value).__qualname__, _token(value.value, model, nested)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__, {field.name: _token(getattr(value, field.name), model,
                                                              nested)
                                           for field in dataclasses.fields(value)}]
    if isinstance(value, Mapping):
        return ["map", sorted(([_key(key), _token(item, model, nested)]
                               for key, item in value.items()), key=lambda pair: pair[0])]
    if isinstance(value, list | tuple):
        return [_token(item, model, nested) for item in value]
    if isinstance(value, set | frozenset):
        return ["set", sorted(json.dumps(_token(item, model, nested), sort_keys=True)
                              for item in value)]
    raise Unkeyable(f"a {type(value).__qualname__} in a page's context")


def _key(key: Any) -> str:
    if not isinstance(key, str | int):
        raise Unkeyable(f"a mapping keyed by {type(key).__qualname__}")
    return str(key)
