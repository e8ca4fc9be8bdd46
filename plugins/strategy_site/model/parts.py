"""The parts of a strategy, one YAML file each (`strategy.yaml`, `foreword.yaml` ...)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from .base import (
    SECTION_DEPTH,
    Location,
    StrictModel,
    check_depth,
    check_numbering,
    check_unique,
    invalid,
)
from .blocks import Block, Contact, Link, Section, Withholdable
from .places import Region
from .templates import TemplateName, templates
from .values import (
    Amount,
    Date,
    Identifier,
    Language,
    Markdown,
    Number,
    Text,
    Untranslated,
    slugify,
)


class EventDates(StrictModel):
    """What a partnership has done and when: the dates the timetable checks."""

    submitted_to_home_office: Date | None = None
    action_plan_submitted: Date | None = None
    reviews: dict[Identifier, Date] = Field(default={})
    """The date each element of the review-dates table (by its `part`) was last reviewed."""


class Override(StrictModel):
    """A borough's change to a timetable rule's period, with its reason."""

    rule: Identifier
    within_days: int | None = Field(default=None, ge=0)
    within_months: int | None = Field(default=None, ge=1)
    reason: Text


class Amendment(StrictModel):
    """A change to an edition after its publication, with its date and reason: a published
    edition is a record, so it changes only this way."""

    date: Date
    reason: Text


class Identity(StrictModel):
    """`strategy.yaml`: what the strategy is, whose it is, and when it was published."""

    title: Text
    borough: Text
    partnership: Text
    legislation: Text | None = None
    strapline: Text | None = None
    period: Text | None = None
    edition: Untranslated
    language: Text = "en-GB"
    """The language the strategy is written in, as a BCP 47 tag; a bilingual strategy gives
    `languages` instead."""
    languages: tuple[Language, ...] = Field(default=(), max_length=2)
    """A strategy in Welsh and English: its languages, the first the default (`[cy, en]`
    or `[en, cy]`); each text is then given in each, `title: {cy: ..., en: ...}`."""
    published: Date | None = None
    next_review: Date | None = None
    contact: Contact
    template: TemplateName = "london-serious-violence-duty"
    """The template the strategy follows (`defaults/templates.yaml`): `serious-violence-duty`
    (the national one), `london-serious-violence-duty` (the national one and London's parts)
    or `free`."""
    region: Region | None = None
    """Where the partnership is: england or wales (the London template implies england)."""
    area: Identifier | None = None
    """The area with rules of its own the partnership is in, by the timetable's `areas` id
    (london; the London template implies it)."""
    vru: Identifier | None = None
    """The partnership's Violence Reduction Unit, by the timetable's
    `violence_reduction_units` id, if it has one."""
    record: EventDates = Field(default_factory=lambda: EventDates())
    """What has happened, with dates: submissions and reviews."""
    overrides: tuple[Override, ...] = ()
    """This strategy's changes to the timetable's periods, each with its reason."""
    contents: tuple[Identifier, ...] = ()
    """The pages in order, by file name without .yaml; empty: the template's own order."""
    changes: Markdown | None = None
    """What changed in this edition since the one before, for the edition history."""
    amendments: tuple[Amendment, ...] = ()
    """Changes made after publication, oldest first."""

    @model_validator(mode="after")
    def _edition_has_an_address(self) -> Identity:
        if not self.edition_id:
            raise invalid(("edition",), "expected an edition with letters or digits, such as "
                                        "'2024' or '2024 refresh': it becomes the edition's "
                                        "address")
        return self

    @model_validator(mode="after")
    def _placed_as_its_template_needs(self) -> Identity:
        implied = templates().area_of(self.template)
        if implied is not None and self.area not in (None, implied[0]):
            raise invalid(("area",), f"expected area {implied[0]} or no 'area': the "
                                     f"{self.template} template is for partnerships in "
                                     f"{implied[0]}; a partnership elsewhere follows "
                                     "'template: serious-violence-duty'")
        if implied is None and self.template != "free" and self.region is None:
            raise invalid(("template",), f"expected 'region: england' or 'region: wales' "
                                         f"beside 'template: {self.template}': which "
                                         "timetable rules apply depends on where the "
                                         "partnership is", says_found=True)
        return self

    @model_validator(mode="after")
    def _languages_once_each(self) -> Identity:
        if len(set(self.languages)) != len(self.languages):
            raise invalid(("languages",), "expected each language once, the default first, "
                                          "like [cy, en]")
        return self

    @model_validator(mode="after")
    def _amended_after_publication(self) -> Identity:
        for index, amendment in enumerate(self.amendments):
            if self.published is None:
                raise invalid(("amendments", index),
                              "expected a 'published' date: only a published edition is amended; "
                              "before publication, change the data itself")
            if amendment.date < self.published:
                raise invalid(("amendments", index, "date"),
                              f"expected a date on or after publication "
                              f"({self.published.isoformat()})")
            if index and amendment.date < self.amendments[index - 1].date:
                raise invalid(("amendments", index, "date"),
                              "expected amendments oldest first")
        return self

    @property
    def edition_id(self) -> str:
        """The edition as it appears in addresses: '2022 – 2025' gives '2022-2025'."""
        return slugify(self.edition)

    @property
    def full_title(self) -> str:
        """The title with the borough's name, unless the title already names it."""
        return self.title if self.borough in self.title else f"{self.borough}: {self.title}"

    @property
    def title_and_edition(self) -> str:
        """The title with its edition in brackets, unless the title holds it already (a
        title 'Strategy 2024-27' of edition '2024-27' says it once)."""
        return self.title if self.edition in self.title else f"{self.title} ({self.edition})"

    @property
    def period_is_edition(self) -> bool:
        """Whether the period and the edition are the same words, to be printed once."""
        return self.period == self.edition


class Signatory(StrictModel):
    """Who signed the foreword, with each line of their roles as printed."""

    name: Untranslated
    roles: tuple[Text, ...] = ()


class Foreword(StrictModel):
    """`foreword.yaml`: the foreword and who signed it."""

    title: Text | None = None
    """Left out, the site's own word for it in the page's language: 'Foreword' ('Rhagair')."""
    body: Markdown
    signatories: tuple[Signatory, ...] = Field(min_length=1)


class ProsePart(Withholdable):
    """A part that is prose in sections (introduction, partnership arrangements, engagement)."""

    title: Text
    body: Markdown | None = None
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()
    links: tuple[Link, ...] = ()

    @model_validator(mode="after")
    def _sections_not_too_deep(self) -> ProsePart:
        check_depth("sections", self.sections, "sections", SECTION_DEPTH,
                     f"expected sections at most {SECTION_DEPTH} deep, a section in a section "
                     "and so on (a page's headings go down to level 6, HTML's last); this one is "
                     "deeper: move it up a level")
        return self

    def diagram_ids(self) -> list[tuple[Location, str]]:
        """Every diagram this part places, with where (from this part) it is placed."""
        as_section = Section(title=self.title, blocks=self.blocks, sections=self.sections)
        return as_section.diagram_ids()


class ReviewDate(Withholdable):
    """One row of the review-dates table: an element of the strategy and its own cycle."""

    element: Text
    part: Identifier | None = None
    published: Date
    review_by: Date
    cycle_months: int | None = Field(default=None, ge=1)
    """The element's own review cycle, where longer than the timetable's (the definition: 36)."""

    @model_validator(mode="after")
    def _review_after_publication(self) -> ReviewDate:
        if self.review_by < self.published:
            raise invalid(("review_by",), "expected a review date on or after the publication date")
        return self


class ReviewDates(StrictModel):
    """`review-dates.yaml`: the table of each element's publication and review date."""

    title: Text | None = None
    """Left out, the site's own words for it in the page's language: 'Review dates'
    ('Dyddiadau adolygu')."""
    elements: tuple[ReviewDate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _a_row_per_part(self) -> ReviewDates:
        check_unique("elements", "part", [row.part for row in self.elements],
                      "each part in one row (its review date would be ambiguous)")
        return self


class DefinitionNote(StrictModel):
    """A lettered note to a definition of serious violence."""

    label: Text
    body: Markdown


class SharedDefinition(StrictModel):
    """A definition of serious violence shared by many boroughs (`strategy_data/shared/`)."""

    name: Text
    source: Text
    statement: Markdown
    notes: tuple[DefinitionNote, ...] = ()


class Definition(StrictModel):
    """`definition.yaml`: the borough's definition, adopted from a shared one or its own."""

    title: Text | None = None
    """Left out, the site's own words for it in the page's language: 'Definition of Serious
    Violence' ('Diffiniad o Drais Difrifol')."""
    body: Markdown | None = None
    adopts: Identifier | None = None
    include_notes: bool = True
    """Whether the page shows the adopted definition's notes as well as its statement: a
    partnership may adopt the statement alone (its own `notes` are shown either way)."""
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
        if self.adopts is None and "include_notes" in self.model_fields_set:
            raise invalid(("include_notes",), "expected 'include_notes' only with 'adopts': it "
                                              "says whether the adopted definition's notes are "
                                              "shown; a local definition's are its own 'notes'",
                          True)
        return self


class Finding(Withholdable):
    """One finding of a needs-assessment theme, with the topic it answers if the seed names one."""

    topic: Text | None = None
    body: Markdown


class AssessmentTheme(Withholdable):
    """A numbered theme of the Strategic Needs Assessment executive summary."""

    number: Number
    title: Text
    findings: tuple[Finding, ...] = Field(min_length=1)


class NeedsAssessment(StrictModel):
    """`needs-assessment.yaml`: the executive summary of the Strategic Needs Assessment."""

    title: Text
    body: Markdown
    appendix_title: Text
    themes: tuple[AssessmentTheme, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_in_order(self) -> NeedsAssessment:
        check_numbering("themes", [t.number for t in self.themes])
        return self


class Recommendations(StrictModel):
    """`recommendations.yaml`: the assessment's summary of key recommendations."""

    title: Text
    items: tuple[Markdown, ...] = Field(min_length=1)


class PreventionLevel(StrictModel):
    """Primary, secondary or tertiary prevention, as the strategy defines them."""

    id: Identifier
    name: Text
    description: Text


class Principle(Withholdable):
    """A principle (one of the "Five D's"), the prevention levels it works at, its commitments."""

    name: Text
    prevention: tuple[Identifier, ...] = Field(min_length=1)
    commitments: tuple[Markdown, ...] = Field(min_length=1)


class Principles(StrictModel):
    """`principles.yaml`: prevention levels and the principles built on them."""

    title: Text
    body: Markdown | None = None
    prevention_levels: tuple[PreventionLevel, ...] = Field(min_length=1)
    principles_intro: Markdown | None = None
    principles: tuple[Principle, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_levels(self) -> Principles:
        check_unique("prevention_levels", "id", [level.id for level in self.prevention_levels],
                      "each prevention level's id once")
        return self

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


class Action(Withholdable):
    """An action under an objective: a short heading and what it means."""

    title: Text
    body: Markdown | None = None


class Objective(Withholdable):
    """A numbered strategic objective with its actions."""

    number: Number
    title: Text
    short_title: Text | None = None
    """A few words for the objective's heading, the page's contents and the PDF's bookmarks,
    where the title is a long statement (shown in full beneath the heading)."""
    scope: Text | None = None
    body: Markdown | None = None
    actions_intro: Markdown | None = None
    actions: tuple[Action, ...] = ()
    closing: Markdown | None = None


class Objectives(StrictModel):
    """`objectives.yaml`: the page on action to prevent and reduce serious violence."""

    title: Text
    body: Markdown | None = None
    objectives_intro: Markdown | None = None
    objectives: tuple[Objective, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _numbered_in_order(self) -> Objectives:
        check_numbering("objectives", [o.number for o in self.objectives])
        return self


class ActionPlanTheme(Withholdable):
    """A numbered theme of the (unpublished) Violence and Vulnerability Reduction Action Plan."""

    number: Number
    title: Text
    description: Markdown


class ActionList(StrictModel):
    """A list of actions introduced by a sentence."""

    intro: Markdown | None = None
    items: tuple[Markdown, ...] = Field(min_length=1)


class Themes(StrictModel):
    """`themes.yaml`: the action-plan themes the strategy can publish, and specific actions."""

    title: Text
    body: Markdown | None = None
    themes: tuple[ActionPlanTheme, ...] = ()
    action_plan_due: Date | None = None
    """The date by which the action plan follows, while it is not yet written (no themes)."""
    context: Markdown | None = None
    specific_actions: ActionList | None = None

    @model_validator(mode="after")
    def _themes_or_when_they_follow(self) -> Themes:
        if not self.themes and self.action_plan_due is None:
            raise invalid(("themes",), "expected at least one theme of the action plan, or, "
                                       "while the plan is not yet written, 'action_plan_due': "
                                       "the date by which it follows, like 2025-06-30", True)
        if self.themes and self.action_plan_due is not None:
            raise invalid(("action_plan_due",), "expected 'action_plan_due' only while the "
                                                "action plan has no themes: now that it has, "
                                                "remove this line", True)
        return self

    @model_validator(mode="after")
    def _numbered_in_order(self) -> Themes:
        check_numbering("themes", [t.number for t in self.themes])
        return self


class FundingChart(StrictModel):
    """The title and short description of the chart drawn from the funding table."""

    title: Text
    description: Text


class LineItem(Withholdable):
    """A funded item of a stream and its amount in each financial year it appears in."""

    item: Text | None = None
    group: Text | None = None
    note: Text | None = None
    amounts: dict[Text, Amount] = Field(min_length=1)


class FundingStream(Withholdable):
    """A named fund, its source, what it pays for, and its line items."""

    name: Text
    activity: Markdown
    items: tuple[LineItem, ...] = Field(min_length=1)

    def total(self, year: str) -> Decimal:
        """What the stream's items add up to in one financial year."""
        return sum((item.amounts.get(year, Decimal(0)) for item in self.items), Decimal(0))


class Funding(StrictModel):
    """`funding.yaml`: the funding streams and resources the partnership can use."""

    title: Text
    body: Markdown | None = None
    years: tuple[Text, ...] = ()
    streams: tuple[FundingStream, ...] = ()
    none_identified: Markdown | None = None
    """What the strategy says in place of the tables when it identifies no funding streams."""
    chart: FundingChart | None = None

    @model_validator(mode="after")
    def _streams_or_why_none(self) -> Funding:
        if self.streams and self.none_identified is not None:
            raise invalid(("none_identified",), "expected 'none_identified' only when there "
                                                "are no funding streams: with streams, remove "
                                                "this line", True)
        if not self.streams:
            if self.none_identified is None:
                raise invalid(("streams",), "expected at least one funding stream, or "
                                            "'none_identified' saying so in words, like 'No "
                                            "funding streams are identified in this strategy.'",
                              True)
            for field in ("years", "chart"):
                if getattr(self, field):
                    raise invalid((field,), f"expected no '{field}' when no funding streams are "
                                            "identified (there is nothing to total or draw): "
                                            "remove it", True)
        elif not self.years:
            raise invalid(("years",), "expected the financial years of the streams' amounts, "
                                      "like [\"2024/2025\"]", True)
        return self

    @model_validator(mode="after")
    def _unique_streams(self) -> Funding:
        check_unique("streams", "name", [stream.name for stream in self.streams],
                      "each funding stream's name once (each has a table of its own)")
        check_unique("years", None, list(self.years), "each financial year once")
        return self

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
