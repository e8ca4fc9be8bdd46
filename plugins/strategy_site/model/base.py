"""What every model shares: frozen and strict (`StrictModel`), lists within limits, and how a
rule that spans fields points an error at the one field it is about (`invalid`)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, model_validator
from pydantic_core import PydanticCustomError

from .values import excerpt

Location = tuple[str | int, ...]


def invalid(at: Location, message: str, says_found: bool = False) -> PydanticCustomError:
    """An error about a field below the model being checked; `at` is its path from there
    (`says_found`: the message says what was found, the value there need not be quoted).

    Model-level rules (a reference to something that must exist) are checked after the fields,
    so pydantic would place the error on the whole model; `at` lets the loader point at the line.
    """
    return PydanticCustomError("invalid", "{message}",
                               {"message": message, "at": at, "says_found": says_found})


PROBLEMS = "problems"
"""A validation context key: a list that collects every cross-reference problem of a strategy
instead of stopping at the first, so an officer sees them all in one run."""


def refuse(info: ValidationInfo, at: Location, message: str) -> None:
    """Refuse a broken cross-reference: stop there, or note it and go on when the caller
    collects (`PROBLEMS`)."""
    collected = info.context.get(PROBLEMS) if isinstance(info.context, dict) else None
    if collected is None:
        raise invalid(at, message)
    collected.append((at, message))


# --- limits -------------------------------------------------------------------------------
# Far beyond any real document (the seeds' largest figures are in brackets), and low enough
# that a document at every limit at once builds its pages and PDF in seconds
# (tests/test_limits.py): without them a 95-level tree passed `check` and crashed the PDF
# worker, a 10,000-category chart took 2 minutes and 3 GB, 100,000 actions over 5 minutes.

MAX_ITEMS = 200
"""Entries in any one list or block of names (19: a needs-assessment theme's findings)."""
MAX_ENTRIES = 2000
"""Entries in all the lists of one document together (210: Barking and Dagenham)."""
TREE_DEPTH = 8
"""Levels of boxes in a tree diagram (2)."""
TREE_NODES = 200
"""Boxes in one tree diagram (19)."""
CHART_CATEGORIES = 60
"""Categories of one chart (10)."""
CHART_SERIES = 12
"""Series of one chart (3)."""
SECTION_DEPTH = 5
"""Sections inside sections (2): headings run from level 2 to 6, HTML's last."""

_SPLIT = "split it, or move part of it into a document of its own"


class StrictModel(BaseModel):
    """Base of every model: frozen, strict about unknown keys, no silent type coercion, and
    no list longer than `MAX_ITEMS` (but those `UNBOUNDED` names)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False,
                              use_attribute_docstrings=True)

    UNBOUNDED: ClassVar[frozenset[str]] = frozenset()
    """Lists the loader assembles rather than an officer types (the site's documents), which
    grow with the number of partnerships, not with one document."""

    @model_validator(mode="after")
    def _lists_within_limit(self) -> StrictModel:
        for name in type(self).model_fields:
            value = getattr(self, name)
            if name in self.UNBOUNDED:
                continue
            if isinstance(value, (tuple, dict)) and len(value) > MAX_ITEMS:
                at: Location = (name, MAX_ITEMS) if isinstance(value, tuple) else (name,)
                raise invalid(at, f"expected at most {MAX_ITEMS} entries in '{name}' (no real "
                                  f"strategy comes near), so that its pages and PDF are built "
                                  f"in seconds; found {len(value)}: {_SPLIT}", True)
        return self


def entry_count(value: Any) -> int:
    """How many entries all the lists in a value hold, nested ones included."""
    if isinstance(value, BaseModel):
        return sum(entry_count(getattr(value, name)) for name in type(value).model_fields)
    if isinstance(value, (tuple, list)):
        return len(value) + sum(entry_count(item) for item in value)
    if isinstance(value, dict):
        return len(value) + sum(entry_count(item) for item in value.values())
    return 0


def check_depth(first: str, level: tuple[BaseModel, ...], field: str, most: int,
                message: str) -> None:
    """Refuse, at the first entry too deep, entries nested more than `most` levels deep (the
    first level, in `first`, then in each one's `field`): before anything draws them, as the
    drawing, the page and the PDF each go one call deeper per level."""
    path: Location = ()
    name = first
    for _ in range(most):
        deepest = max(range(len(level)), key=lambda i: _height(level[i], field), default=None)
        if deepest is None:
            return
        path, name, level = (*path, name, deepest), field, getattr(level[deepest], field)
    if level:
        raise invalid((*path, field, 0), message, says_found=True)


def _height(node: BaseModel, field: str) -> int:
    return 1 + max((_height(child, field) for child in getattr(node, field)), default=0)


def value_at(model: BaseModel, at: Location) -> Any:
    """The value a field path leads to in a model."""
    value: Any = model
    for part in at:
        value = value[part] if isinstance(value, dict) else getattr(value, str(part))
    return value


def check_unique(field: str, key: str | None, values: list[str | None], expected: str) -> None:
    """The second use of a value that must be unique (an id, a name), pointed at."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value is not None and value in seen:
            raise invalid((field, index, key) if key else (field, index),
                          f"expected {expected}; '{value}' is used twice")
        if value is not None:
            seen.add(value)


def check_numbering(field: str, numbers: list[int]) -> None:
    """The first entry not numbered in order (1, 2, 3 ...), pointed at."""
    for index, number in enumerate(numbers):
        if number != index + 1:
            raise invalid(
                (field, index, "number"),
                f"expected {field} numbered 1, 2, 3 ... in order; this one should be {index + 1}",
            )


def field_name(at: Location, data: Any = None) -> str:
    """A field path as an officer reads it, `streams[1].items[2].amount`: list positions
    counted from 1, as an officer counts. With the file's `data`, a number that is a key
    (`amounts: {2022: ...}`) is named as the key it is (`amounts.2022`), not as a position."""
    name = ""
    for part in at:
        shown = excerpt(str(part))
        if isinstance(part, int) and not isinstance(data, dict):
            name += f"[{part + 1}]"
        else:
            name += f".{shown}" if name else shown
        data = _step(data, part) if isinstance(data, (dict, list)) else None
    return name


def _step(data: dict[Any, Any] | list[Any], part: str | int) -> Any:
    """One step down a field path into raw data, or None where it leads nowhere."""
    try:
        return data[part]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None
