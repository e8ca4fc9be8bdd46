"""The statutory timetable as data: each rule says what it checks, who it concerns, which
partnerships it applies to, the source that asks for it, the event that meets it and when it
falls due (`timetable.py` checks a strategy against it, `applicability.py` says why it applies)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import StrictModel, check_unique, invalid
from .places import Area, Scope, ViolenceReductionUnit
from .sources import Source
from .templates import TemplateName
from .values import Date, Email, Identifier, Text

Event = Literal["published", "submitted_to_home_office", "action_plan_submitted",
                "accessibility_statement_reviewed"]
"""Something that happens once and is recorded with its date."""


class TimetableRule(StrictModel):
    """A statutory deadline as data: what it checks, when it falls, and who it concerns.

    A rule is met by an `event` (or, with `each_review_element`, by the review of each row of
    the review-dates table). Its deadline is a fixed `deadline`, or `within_days` /
    `within_months` of the `starts` event.
    """

    id: Identifier
    checks: Text
    concerns: Text
    address: Email | None = None
    templates: tuple[TemplateName, ...] = ()
    """The templates the rule applies to, and those that extend them; empty: every strategy."""
    applies_to: Literal["all"] | Scope = "all"
    """The partnerships the rule concerns: `all`, or those of a `region` (a list), an `area`
    or a Violence Reduction Unit's area (`vru`)."""
    sources: tuple[Source, ...] = ()
    """Where the rule comes from: the act, regulation or guidance, and whether this
    repository confirms the reference."""
    event: Event | None = None
    each_review_element: bool = False
    starts: Event | None = None
    deadline: Date | None = None
    within_days: int | None = Field(default=None, ge=0)
    within_months: int | None = Field(default=None, ge=1)
    not_before_start: bool = False
    """Doing it before its start counts as not done (sending a strategy before publishing it)."""
    site_wide: bool = False
    """The rule concerns the website, not each strategy (the accessibility statement)."""

    @model_validator(mode="after")
    def _one_way_to_fall_due(self) -> TimetableRule:
        if (self.event is None) == (not self.each_review_element):
            raise invalid(("event",), "expected either 'event' or 'each_review_element: true'")
        if self.deadline is None and (self.within_days is None) == (self.within_months is None):
            raise invalid(("deadline",), "expected a 'deadline', or one of 'within_days' and "
                                         "'within_months' counted from 'starts'")
        if self.deadline is None and self.starts is None and not self.each_review_element:
            raise invalid(("starts",), "expected the event the period is counted from")
        return self


class Timetable(StrictModel):
    """`strategy_data/timetable.yaml`: the statutory timetable as data. With `extends:
    statutory` it adds to the package's statutory timetable (defaults.py): a rule with one of
    its ids replaces that rule, a new id adds a rule, and `timezone` or `due_soon_days`, when
    given, replace the package's."""

    extends: Literal["statutory"] | None = None
    timezone: Text = "Europe/London"
    due_soon_days: int = Field(default=30, ge=0)
    rules: tuple[TimetableRule, ...] = ()
    areas: tuple[Area, ...] = ()
    """The areas with rules of their own (London), by the id strategy.yaml's `area` gives."""
    violence_reduction_units: tuple[ViolenceReductionUnit, ...] = ()
    """The Violence Reduction Units' areas, by the id strategy.yaml's `vru` gives."""

    @model_validator(mode="after")
    def _places_named_once(self) -> Timetable:
        check_unique("areas", "id", [area.id for area in self.areas], "each area's id once")
        check_unique("violence_reduction_units", "id",
                     [unit.id for unit in self.violence_reduction_units],
                     "each Violence Reduction Unit's id once")
        return self

    @model_validator(mode="after")
    def _rules_or_extends(self) -> Timetable:
        if not self.rules and self.extends is None:
            raise invalid(("rules",), "expected at least one rule, or 'extends: statutory' to "
                                      "use the statutory timetable the package ships")
        return self

    def area(self, ident: str) -> Area | None:
        """The area with this id."""
        return next((area for area in self.areas if area.id == ident), None)

    def unit(self, ident: str) -> ViolenceReductionUnit | None:
        """The Violence Reduction Unit with this id."""
        return next((unit for unit in self.violence_reduction_units if unit.id == ident), None)

    def rule(self, ident: str) -> TimetableRule | None:
        """The rule with this id."""
        return next((rule for rule in self.rules if rule.id == ident), None)
