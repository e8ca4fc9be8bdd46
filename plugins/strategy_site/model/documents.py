"""A document and its editions: an edition (`Edition`) is every part together, checked as a
whole; a document keeps its editions and the record of those published (`published.yaml`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, ValidationInfo, model_validator

from .base import MAX_ENTRIES, Location, StrictModel, entry_count, invalid, refuse, value_at
from .diagrams import Diagram, Diagrams
from .parts import (
    Definition,
    Foreword,
    Funding,
    Identity,
    NeedsAssessment,
    Objectives,
    Principles,
    ProsePart,
    Recommendations,
    ReviewDate,
    ReviewDates,
    Themes,
)
from .templates import templates
from .values import Date, Identifier, Language, Text


class Edition(StrictModel):
    """One borough's strategy: every part, each from its own YAML file.

    Which parts a strategy must have depends on its template (`TEMPLATES`); `pages` holds the
    free-form parts that `identity.contents` lists, each from its own file too.
    """

    folder: Identifier
    """The partnership's folder in strategy_data/."""
    document: Identifier | None = None
    """The document's sub-folder, or none for the partnership's main document."""
    latest: bool = True
    """Whether this is the document's newest edition, which is also served at its home."""
    language: Language | None = None
    """Which of a bilingual strategy's languages this version is in (none: one language)."""
    identity: Identity
    foreword: Foreword | None = None
    introduction: ProsePart | None = None
    review_dates: ReviewDates | None = None
    definition: Definition | None = None
    partnership: ProsePart | None = None
    needs_assessment: NeedsAssessment | None = None
    objectives: Objectives | None = None
    principles: Principles | None = None
    current_arrangements: ProsePart | None = None
    themes: Themes | None = None
    engagement: ProsePart | None = None
    funding: Funding | None = None
    recommendations: Recommendations | None = None
    diagrams: Diagrams | None = None
    pages: dict[Identifier, ProsePart] = Field(default={})
    translations: tuple[Edition, ...] = ()
    """A bilingual strategy's versions in its other languages, each a whole edition (this one
    is in the default language). Loaded from the same files: see loading/languages.py."""

    @model_validator(mode="after")
    def _within_entry_limit(self) -> Edition:
        parts = {name: entry_count(getattr(self, name)) for name in type(self).model_fields}
        total = sum(parts.values())
        if total > MAX_ENTRIES:
            largest = max(parts, key=lambda name: parts[name])
            where: Location = ("pages", max(self.pages, key=lambda page: entry_count(
                self.pages[page]))) if largest == "pages" else (largest,)
            raise invalid(where, f"expected a document of at most {MAX_ENTRIES:,} entries in "
                                 f"all its lists together (the largest real one has 210), so "
                                 f"that its PDF is built in seconds; this one has {total:,}, "
                                 f"{entry_count(value_at(self, where)):,} of them in this "
                                 "file: split the document into further documents (a "
                                 "sub-folder each)")
        return self

    @model_validator(mode="after")
    def _template_parts_present(self, info: ValidationInfo) -> Edition:
        for name in TEMPLATES[self.identity.template]:
            if getattr(self, PART_NAMES[name]) is None:
                refuse(info, ("identity", "template"),
                       f"expected the part {name}.yaml, which the "
                       f"{self.identity.template} template needs")
        return self

    @model_validator(mode="after")
    def _contents_name_pages(self, info: ValidationInfo) -> Edition:
        pages = self.page_names()
        contents = self.identity.contents
        for index, name in enumerate(contents):
            if name not in pages:
                refuse(info, ("identity", "contents", index),
                       f"expected the name of a page of this strategy ({', '.join(pages)})")
        left_out = [name for name in pages if contents and name not in contents]
        if left_out:
            refuse(info, ("identity", "contents"),
                   f"expected every page in 'contents'; these parts have files but would not "
                   f"be published: {', '.join(left_out)}")
        return self

    @model_validator(mode="after")
    def _review_rows_name_parts(self, info: ValidationInfo) -> Edition:
        present = [name for name in PART_NAMES if getattr(self, PART_NAMES[name]) is not None]
        rows = self.review_dates.elements if self.review_dates else ()
        for index, row in enumerate(rows):
            if row.part is not None and row.part not in present:
                refuse(info, ("review_dates", "elements", index, "part"),
                       f"expected the name of a part of this strategy ({', '.join(present)})")
        return self

    @model_validator(mode="after")
    def _diagrams_placed_and_known(self, info: ValidationInfo) -> Edition:
        known = [d.id for d in self.diagrams.diagrams] if self.diagrams else []
        placed: set[str] = set()
        for at, ident in self.diagram_places():
            if ident not in known:
                refuse(info, (*at,), f"expected the id of a diagram in diagrams.yaml "
                                     f"({', '.join(known) or 'there are none'})")
            placed.add(ident)
        for index, ident in enumerate(known):
            if ident not in placed:
                refuse(info, ("diagrams", "diagrams", index, "id"),
                       f"expected diagram '{ident}' to be placed on a page (a block with "
                       f"'diagram: {ident}'); it appears nowhere")
        return self

    @property
    def home(self) -> str:
        """The document's address in the site: 'bexley' or 'bexley/delivery-2024'; a bilingual
        strategy's version in a language other than its default under it, by the language's
        code: 'enghraifft/en' (the default's addresses are those a strategy in one language
        has, so adding a language moves no page)."""
        home = f"{self.folder}/{self.document}" if self.document else self.folder
        if self.language is not None and self.language != self.default_language:
            return f"{home}/{self.language}"
        return home

    @property
    def default_language(self) -> str | None:
        """A bilingual strategy's default language (its first); none in one language."""
        return self.identity.languages[0] if self.identity.languages else None

    def version_in(self, language: str | None) -> Edition:
        """This edition in a language of its strategy (itself in its own language, or when
        it has no version in that one)."""
        return next((version for version in self.translations
                     if version.language == language), self)

    @property
    def edition_address(self) -> str:
        """This edition's own lasting address: 'bexley/2022-2025'."""
        return f"{self.home}/{self.identity.edition_id}"

    def diagram_places(self) -> list[tuple[Location, str]]:
        """Every diagram placed in a prose part or page, with the field path that places it."""
        found: list[tuple[Location, str]] = []
        for field in ("introduction", "partnership", "current_arrangements", "engagement"):
            part = getattr(self, field)
            if part is not None:
                found += [((field, *at), ident) for at, ident in part.diagram_ids()]
        for name, page in self.pages.items():
            found += [(("pages", name, *at), ident) for at, ident in page.diagram_ids()]
        return found

    def diagram(self, ident: str) -> Diagram:
        """The diagram with this id (validation guarantees it exists)."""
        assert self.diagrams is not None
        found = self.diagrams.get(ident)
        assert found is not None, ident
        return found

    def page_names(self) -> list[str]:
        """The names of every part that has a page of its own, plus the free-form pages."""
        names = [name for name in PAGE_PARTS if getattr(self, PART_NAMES[name]) is not None]
        if self.needs_assessment is not None:
            names.append(APPENDIX_PAGE)
        return names + list(self.pages)

    def review_of(self, part: str) -> ReviewDate | None:
        """The review-dates row for a part (by its file name without .yaml), if it has one."""
        rows = self.review_dates.elements if self.review_dates else ()
        return next((row for row in rows if row.part == part), None)


PART_NAMES: dict[str, str] = {
    name.replace("_", "-"): name for name in Edition.model_fields
    if name not in ("folder", "document", "latest", "language", "pages", "translations")
}
"""Each typed part's name (its YAML file without .yaml) and its field in `Edition`."""
PART_NAMES["strategy"] = PART_NAMES.pop("identity")

PAGE_PARTS = (
    "foreword", "introduction", "definition", "partnership", "needs-assessment", "objectives",
    "current-arrangements", "themes", "engagement", "funding",
)
"""Typed parts that have a page of their own, in the London template's order."""

APPENDIX_PAGE = "needs-assessment-summary"
"""The page of the needs assessment's findings (the London template's Appendix A)."""

def _template_parts(name: str) -> tuple[str, ...]:
    """The parts a template requires, its own and those of the templates it extends, in the
    order of `PART_NAMES` (the order a strategy's files are listed and checked in)."""
    asked = {requirement.part for requirement in templates().requirements(name)}
    unknown = asked - set(PART_NAMES)
    if unknown:
        raise ValueError(f"defaults/templates.yaml: {name} asks for parts that do not exist: "
                         f"{', '.join(sorted(unknown))}")
    return tuple(part for part in PART_NAMES if part in asked)


TEMPLATES: dict[str, tuple[str, ...]] = {
    template.id: _template_parts(template.id) for template in templates().templates}
"""The parts each template requires (from `defaults/templates.yaml`); a strategy names its
template in strategy.yaml."""


class Publication(StrictModel):
    """One published edition as recorded in a document's `published.yaml`: fingerprints of
    its data and of the PDF that was published, so neither can change unnoticed."""

    edition: Text
    language: Language | None = None
    """Which version of a bilingual edition this records (each language's has a record of
    its own); none in a strategy of one language, whose record is as it always was. A record
    without a language is taken as the record of the edition's default language (an edition
    published in one language, then given another, is then still checked)."""
    amendments: int = Field(ge=0)
    """How many amendments the recorded data includes (0: as first published)."""
    published: Date
    recorded: Date
    data_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    pdf: Annotated[str, Field(pattern=r"^published/[a-z0-9]+(-[a-z0-9]+)*\.pdf$", max_length=120)]
    """The published PDF, kept beside the data in `published/` (never anywhere else)."""
    pdf_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Manifest(StrictModel):
    """`published.yaml`: the record of a document's published editions, written by
    `strategy-site publish` and checked by every build."""

    model_config = StrictModel.model_config | ConfigDict(validate_by_name=True,
                                                         validate_by_alias=True)

    publications: tuple[Publication, ...] = Field(default=(), alias="records")
    """Each publication of an edition and each amendment, oldest first."""

    def current(self, edition: str, language: str | None = None,
                default: str | None = None) -> Publication | None:
        """The newest record of an edition (its latest amendment) in `language` (none: one
        language), if it has one; a record without a language counts as the `default`
        language's."""
        found = [record for record in self.publications if record.edition == edition
                 and (record.language == language
                      or (record.language is None and language == default))]
        return max(found, key=lambda record: record.amendments) if found else None


class Document(StrictModel):
    """A partnership's document (its strategy, an annual report, an assessment) with every
    edition kept: the newest first, then the earlier ones from `editions/`."""

    folder: Identifier
    """The partnership's folder in strategy_data/."""
    id: Identifier | None = None
    """The document's sub-folder, or none for the partnership's main document."""
    editions: tuple[Edition, ...] = Field(min_length=1)
    manifest: Manifest = Field(default_factory=lambda: Manifest())

    @property
    def latest(self) -> Edition:
        """The newest edition, the one at the document's home address."""
        return self.editions[0]

    @property
    def home(self) -> str:
        """The document's address in the site."""
        return self.latest.home
