"""What the package ships for every site: the statutory timetable and the shared definitions
(the London definition), so a council's data folder holds only its own partnership."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from .model import Area, Timetable, TimetableRule, ViolenceReductionUnit

Named = TypeVar("Named", TimetableRule, Area, ViolenceReductionUnit)

DEFAULTS = Path(__file__).resolve().parent / "defaults"
"""The package's own data folder: `timetable.yaml` and `shared/`."""


def extended(own: Timetable, statutory: Timetable) -> Timetable:
    """A site's timetable over the statutory one it extends: a rule (an area, a Violence
    Reduction Unit) with a statutory one's id replaces it where it stands, a new id is added
    after them, and `timezone` and
    `due_soon_days` replace the statutory ones when the site's file gives them."""
    given = own.model_fields_set & {"timezone", "due_soon_days"}
    return statutory.model_copy(update={
        "rules": _merged(own.rules, statutory.rules),
        "areas": _merged(own.areas, statutory.areas),
        "violence_reduction_units": _merged(own.violence_reduction_units,
                                            statutory.violence_reduction_units),
        "extends": None, **{name: getattr(own, name) for name in given}})


def _merged(own: tuple[Named, ...], statutory: tuple[Named, ...]) -> tuple[Named, ...]:
    """The statutory entries, each replaced by the site's of the same id, then the site's new
    ones."""
    mine: dict[str, Named] = {entry.id: entry for entry in own}
    merged = [mine.pop(entry.id, entry) for entry in statutory]
    return tuple(merged + list(mine.values()))
