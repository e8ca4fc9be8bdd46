"""The strategy as typed, frozen data: what a Serious Violence Duty strategy contains.

The model knows nothing of YAML files, HTML or MkDocs. `loading.py` builds it from raw YAML
and turns validation errors into messages naming file, line and field; `pages.py` and the
templates present it. Keeping it engine-free lets the site generator be swapped later.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    model_validator,
)
from pydantic_core import PydanticCustomError

# --- value types --------------------------------------------------------------------------


def _date(value: Any) -> dt.date:
    """Accept a YAML date (or an ISO date in quotes); refuse numbers, times and free text."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_only", "expected a date without a time, like 2024-01-31")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        raise PydanticCustomError(
            "date_value", "expected a real calendar date written as YYYY-MM-DD, like 2024-01-31"
        )
    raise PydanticCustomError(
        "date_value", "expected a date written as YYYY-MM-DD, like 2024-01-31"
    )


def _amount(value: Any) -> Decimal:
    """Accept a number of pounds (pence allowed); refuse text such as '£125,305'."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError(
            "amount_type",
            "expected an amount in pounds written as a plain number, like 125305 or 39728.86 "
            "(no £ sign, no commas)",
        )
    try:
        amount = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - float('nan') and friends
        raise PydanticCustomError("amount_type", "expected a finite number of pounds") from None
    if not amount.is_finite():
        raise PydanticCustomError("amount_type", "expected a finite number of pounds")
    if amount < 0:
        raise PydanticCustomError("amount_negative", "expected an amount of zero or more")
    if amount != amount.quantize(Decimal("0.01")):
        raise PydanticCustomError("amount_pence", "expected at most two decimal places (pence)")
    return amount


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _identifier(value: str) -> str:
    if not _SLUG.match(value):
        raise PydanticCustomError(
            "identifier",
            "expected an identifier of lower-case letters, digits and hyphens, like 'definition'",
        )
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("text_empty", "expected some text, found an empty value")
    return value.strip()


Date = Annotated[dt.date, BeforeValidator(_date)]
"""A calendar date; YAML writes it as 2024-01-31."""

Amount = Annotated[Decimal, BeforeValidator(_amount)]
"""Pounds as an exact decimal, never a float, so totals add up to the penny."""

Identifier = Annotated[str, AfterValidator(_identifier)]
"""A lower-case, hyphenated name used in references and URLs."""

Text = Annotated[str, AfterValidator(_text)]
"""A short piece of plain text: a title, a name, a label."""

Markdown = Annotated[str, AfterValidator(_text)]
"""Prose written in Markdown; rendered with raw HTML switched off."""

Number = Annotated[int, Strict(), Field(ge=1)]
"""A counting number (an objective's or a theme's number); "3" in quotes is refused."""


Location = tuple[str | int, ...]


def invalid(at: Location, message: str) -> PydanticCustomError:
    """An error about a field below the model being checked; `at` is its path from there.

    Model-level rules (a reference to something that must exist) are checked after the fields,
    so pydantic would place the error on the whole model; `at` lets the loader point at the line.
    """
    return PydanticCustomError("invalid", "{message}", {"message": message, "at": at})


class Record(BaseModel):
    """Base of every model: frozen, strict about unknown keys, no silent type coercion."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


# --- building blocks ----------------------------------------------------------------------


class Section(Record):
    """A titled piece of prose, possibly with sub-sections."""

    title: Text
    body: Markdown | None = None
    sections: tuple[Section, ...] = ()


class Link(Record):
    """A link to a page elsewhere, as a council would cite it."""

    title: Text
    url: Text


class Contact(Record):
    """Who to contact about the strategy."""

    team: Text
    email: Text
    website: Text | None = None
    hashtag: Text | None = None


# --- the parts of a strategy, one YAML file each -------------------------------------------


class Identity(Record):
    """`strategy.yaml`: what the strategy is, whose it is, and when it was published."""

    title: Text
    borough: Text
    partnership: Text
    legislation: Text | None = None
    strapline: Text | None = None
    period: Text | None = None
    edition: Text
    language: Text = "en-GB"
    published: Date
    next_review: Date
    contact: Contact


class Foreword(Record):
    """`foreword.yaml`: the foreword and who signed it."""

    title: Text = "Foreword"
    author: Text
    role: Text | None = None
    body: Markdown


class ProsePart(Record):
    """A part that is prose in sections (introduction, partnership arrangements, engagement)."""

    title: Text
    body: Markdown | None = None
    sections: tuple[Section, ...] = ()
    links: tuple[Link, ...] = ()


class ReviewDate(Record):
    """One row of the review-dates table: an element of the strategy and its own cycle."""

    element: Text
    part: Identifier | None = None
    published: Date
    review_by: Date

    @model_validator(mode="after")
    def _review_after_publication(self) -> ReviewDate:
        if self.review_by < self.published:
            raise invalid(("review_by",), "expected a review date on or after the publication date")
        return self


class ReviewDates(Record):
    """`review-dates.yaml`: the table of each element's publication and review date."""

    title: Text = "Review dates"
    elements: tuple[ReviewDate, ...] = Field(min_length=1)


class DefinitionNote(Record):
    """A lettered note to a definition of serious violence."""

    label: Text
    body: Markdown


class SharedDefinition(Record):
    """A definition of serious violence shared by many boroughs (`strategy_data/shared/`)."""

    name: Text
    source: Text
    statement: Markdown
    notes: tuple[DefinitionNote, ...] = ()


class Definition(Record):
    """`definition.yaml`: the borough's definition, adopted from a shared one or its own."""

    title: Text = "Definition of Serious Violence"
    body: Markdown | None = None
    adopts: Identifier | None = None
    adoption: Markdown | None = None
    statement: Markdown | None = None
    notes: tuple[DefinitionNote, ...] = ()

    @model_validator(mode="after")
    def _adopted_or_local(self) -> Definition:
        if (self.adopts is None) == (self.statement is None):
            raise invalid(
                ("adopts",),
                "expected either 'adopts' (the name of a shared definition, such as "
                "'london-definition') or a local 'statement', and not both",
            )
        return self


class Finding(Record):
    """One finding of a needs-assessment theme, with the topic it answers if the seed names one."""

    topic: Text | None = None
    body: Markdown


class AssessmentTheme(Record):
    """A numbered theme of the Strategic Needs Assessment executive summary."""

    number: Number
    title: Text
    findings: tuple[Finding, ...] = Field(min_length=1)


class NeedsAssessment(Record):
    """`needs-assessment.yaml`: the executive summary of the Strategic Needs Assessment."""

    title: Text
    body: Markdown
    appendix_title: Text
    themes: tuple[AssessmentTheme, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_in_order(self) -> NeedsAssessment:
        _check_numbering("themes", [t.number for t in self.themes])
        return self


class Recommendations(Record):
    """`recommendations.yaml`: the assessment's summary of key recommendations."""

    title: Text
    items: tuple[Markdown, ...] = Field(min_length=1)


class PreventionLevel(Record):
    """Primary, secondary or tertiary prevention, as the strategy defines them."""

    id: Identifier
    name: Text
    description: Text


class Principle(Record):
    """A principle (one of the "Five D's"), the prevention levels it works at, its commitments."""

    name: Text
    prevention: tuple[Identifier, ...] = Field(min_length=1)
    commitments: tuple[Markdown, ...] = Field(min_length=1)


class Principles(Record):
    """`principles.yaml`: prevention levels and the principles built on them."""

    title: Text
    body: Markdown | None = None
    prevention_levels: tuple[PreventionLevel, ...] = Field(min_length=1)
    principles_intro: Markdown | None = None
    principles: tuple[Principle, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_levels(self) -> Principles:
        known = [level.id for level in self.prevention_levels]
        for index, principle in enumerate(self.principles):
            for position, level in enumerate(principle.prevention):
                if level not in known:
                    raise invalid(
                        ("principles", index, "prevention", position),
                        f"expected one of the prevention levels defined above ({', '.join(known)})",
                    )
        return self

    def level(self, level_id: str) -> PreventionLevel:
        """The prevention level with this id."""
        return next(level for level in self.prevention_levels if level.id == level_id)


class Action(Record):
    """An action under an objective: a short heading and what it means."""

    title: Text
    body: Markdown | None = None


class Objective(Record):
    """A numbered strategic objective with its actions."""

    number: Number
    title: Text
    scope: Text | None = None
    body: Markdown | None = None
    actions_intro: Markdown | None = None
    actions: tuple[Action, ...] = ()
    closing: Markdown | None = None


class Objectives(Record):
    """`objectives.yaml`: the page on action to prevent and reduce serious violence."""

    title: Text
    body: Markdown | None = None
    objectives_intro: Markdown | None = None
    objectives: tuple[Objective, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_in_order(self) -> Objectives:
        _check_numbering("objectives", [o.number for o in self.objectives])
        return self


class ActionPlanTheme(Record):
    """A numbered theme of the (unpublished) Violence and Vulnerability Reduction Action Plan."""

    number: Number
    title: Text
    description: Markdown


class ActionList(Record):
    """A list of actions introduced by a sentence."""

    intro: Markdown | None = None
    items: tuple[Markdown, ...] = Field(min_length=1)


class Themes(Record):
    """`themes.yaml`: the action-plan themes the strategy can publish, and specific actions."""

    title: Text
    body: Markdown | None = None
    themes: tuple[ActionPlanTheme, ...] = Field(min_length=1)
    context: Markdown | None = None
    specific_actions: ActionList | None = None

    @model_validator(mode="after")
    def _numbered_in_order(self) -> Themes:
        _check_numbering("themes", [t.number for t in self.themes])
        return self


class LineItem(Record):
    """A funded item of a stream and its amount in each financial year it appears in."""

    item: Text | None = None
    group: Text | None = None
    note: Text | None = None
    amounts: dict[Text, Amount] = Field(min_length=1)


class FundingStream(Record):
    """A named fund, its source, what it pays for, and its line items."""

    name: Text
    activity: Markdown
    items: tuple[LineItem, ...] = Field(min_length=1)

    def total(self, year: str) -> Decimal:
        """What the stream's items add up to in one financial year."""
        return sum((item.amounts.get(year, Decimal(0)) for item in self.items), Decimal(0))


class Funding(Record):
    """`funding.yaml`: the funding streams and resources the partnership can use."""

    title: Text
    body: Markdown | None = None
    years: tuple[Text, ...] = Field(min_length=1)
    streams: tuple[FundingStream, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _amounts_in_listed_years(self) -> Funding:
        for s_index, stream in enumerate(self.streams):
            for i_index, item in enumerate(stream.items):
                for year in item.amounts:
                    if year not in self.years:
                        raise invalid(
                            ("streams", s_index, "items", i_index, "amounts", year),
                            f"expected one of the financial years listed in 'years' "
                            f"({', '.join(self.years)})",
                        )
        return self

    def total(self, year: str) -> Decimal:
        """What every stream adds up to in one financial year."""
        return sum((stream.total(year) for stream in self.streams), Decimal(0))


class Strategy(Record):
    """One borough's strategy: every part, each from its own YAML file."""

    slug: Identifier
    identity: Identity
    foreword: Foreword | None = None
    introduction: ProsePart
    review_dates: ReviewDates
    definition: Definition
    partnership: ProsePart
    needs_assessment: NeedsAssessment
    objectives: Objectives
    principles: Principles | None = None
    current_arrangements: ProsePart | None = None
    themes: Themes
    engagement: ProsePart
    funding: Funding
    recommendations: Recommendations | None = None

    @model_validator(mode="after")
    def _review_rows_name_parts(self) -> Strategy:
        present = [name for name in PART_NAMES if getattr(self, PART_NAMES[name]) is not None]
        for index, row in enumerate(self.review_dates.elements):
            if row.part is not None and row.part not in present:
                raise invalid(
                    ("review_dates", "elements", index, "part"),
                    f"expected the name of a part of this strategy ({', '.join(present)})",
                )
        return self

    def review_of(self, part: str) -> ReviewDate | None:
        """The review-dates row for a part (by its file name without .yaml), if it has one."""
        return next((row for row in self.review_dates.elements if row.part == part), None)


PART_NAMES: dict[str, str] = {
    name.replace("_", "-"): name for name in Strategy.model_fields if name not in ("slug",)
}
"""Each part's name (its YAML file without .yaml) and its field in `Strategy`."""
PART_NAMES["strategy"] = PART_NAMES.pop("identity")


def _check_numbering(field: str, numbers: list[int]) -> None:
    for index, number in enumerate(numbers):
        if number != index + 1:
            raise invalid(
                (field, index, "number"),
                f"expected {field} numbered 1, 2, 3 ... in order; this one should be {index + 1}",
            )


class Site(Record):
    """Everything in `strategy_data/`: the strategies and what they share."""

    strategies: tuple[Strategy, ...]
    definitions: dict[Identifier, SharedDefinition] = {}
