"""The authoring guide names every field the schema accepts, and no field it does not: an
officer following only docs/guide/ can write a borough. Compared with the model itself."""

from __future__ import annotations

import re
import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel, BeforeValidator

from conftest import REPO
from strategy_site.model import (
    PART_NAMES,
    Edition,
    Identity,
    Manifest,
    SharedDefinition,
    Timetable,
)

GUIDE = REPO / "docs" / "guide"
REFERENCE = GUIDE / "reference.md"


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (through tuples, unions, Annotated), where YAML writes
    them as mappings: not dict keys, and not values written as text (a chart's "<10")."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        if any(isinstance(meta, BeforeValidator) for meta in annotation.__metadata__):
            return []  # read from a scalar, such as a chart's figure
        args = args[:1]
    elif origin not in (tuple, typing.Union, types.UnionType):
        return []  # dicts of names to values, and plain values: one field each
    return [model for arg in args if arg is not Ellipsis for model in _models(arg)]


def field_paths(model: type[BaseModel]) -> set[str]:
    """Every field a YAML file of this model may hold, as dotted paths: `contact.email`,
    `blocks.table.caption`. Each model is spelt out once, where it first appears (nearest the
    top); elsewhere it is the one field that holds it (`sections.blocks`)."""
    paths: set[str] = set()
    spelt_out = {model}
    queue: list[tuple[type[BaseModel], str]] = [(model, "")]
    while queue:
        current, prefix = queue.pop(0)
        for name, info in current.model_fields.items():
            path = f"{prefix}{info.alias or name}"  # the key in the file
            paths.add(path)
            for inner in _models(info.annotation):
                if inner not in spelt_out:
                    spelt_out.add(inner)
                    queue.append((inner, f"{path}."))
    return paths


def _files() -> dict[str, type[BaseModel]]:
    """Each file an officer writes (or the tool writes) and the model that reads it."""
    files: dict[str, type[BaseModel]] = {"strategy.yaml": Identity}
    for name, field in PART_NAMES.items():
        if name == "strategy":
            continue
        [model] = _models(Edition.model_fields[field].annotation)
        files[f"{name}.yaml"] = model
    files.update({"shared definitions": SharedDefinition, "timetable.yaml": Timetable,
                  "published.yaml": Manifest})
    return files


def _sections() -> dict[str, str]:
    """The reference's sections by heading."""
    text = REFERENCE.read_text(encoding="utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {heading: body for heading, body in zip(parts[1::2], parts[2::2], strict=True)}


def _section_for(name: str) -> str:
    found = [body for heading, body in _sections().items() if name in heading]
    assert len(found) == 1, f"expected one section of {REFERENCE.name} headed with {name}"
    return found[0]


def _documented(section: str) -> set[str]:
    """The fields a section's tables name: the first cell of each row, in backticks."""
    return set(re.findall(r"^\|\s*`([a-z_][a-z0-9_.]*)`\s*\|", section, re.M))


@pytest.mark.parametrize("name", list(_files()))
def test_the_reference_names_every_field_of_each_file(name: str) -> None:
    model = _files()[name]
    documented = _documented(_section_for(name))
    expected = field_paths(model)
    assert sorted(expected - documented) == [], f"fields of {name} the guide leaves out"
    assert sorted(documented - expected) == [], f"fields in the guide that {name} lacks"


def test_the_guide_covers_the_officers_tasks() -> None:
    pages = {path.name for path in GUIDE.glob("*.md")}
    text = " ".join(path.read_text(encoding="utf-8") for path in GUIDE.glob("*.md")).lower()
    assert "reference.md" in pages and "index.md" in pages
    for task in ("strategy-site new", "strategy-site check", "strategy-site publish",
                 "strategy-site submission", "withhold", "amendments", "editions/",
                 "diagrams.yaml", "mkdocs serve"):
        assert task in text, f"the guide does not explain {task}"


def test_the_guide_is_in_the_site() -> None:
    assert (GUIDE / "index.md").exists()
    mkdocs = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "nav:" not in mkdocs or "guide/" in mkdocs
