"""What the package ships for every site: the statutory timetable and the shared definitions
(the London definition), so a council's data folder holds only its own partnership."""

from __future__ import annotations

from pathlib import Path

from .model import Timetable

DEFAULTS = Path(__file__).resolve().parent / "defaults"
"""The package's own data folder: `timetable.yaml` and `shared/`."""


def extended(own: Timetable, statutory: Timetable) -> Timetable:
    """A site's timetable over the statutory one it extends: a rule with a statutory rule's id
    replaces it where it stands, a new id is added after them, and `timezone` and
    `due_soon_days` replace the statutory ones when the site's file gives them."""
    mine = {rule.id: rule for rule in own.rules}
    rules = [mine.pop(rule.id, rule) for rule in statutory.rules]
    given = own.model_fields_set & {"timezone", "due_soon_days"}
    return statutory.model_copy(update={
        "rules": (*rules, *mine.values()), "extends": None,
        **{name: getattr(own, name) for name in given}})
