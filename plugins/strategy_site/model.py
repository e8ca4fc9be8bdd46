"""The strategy as typed, frozen data: what a Serious Violence Duty strategy contains.

The model knows nothing of YAML files, HTML or MkDocs. `loading.py` builds it from raw YAML
and turns validation errors into messages naming file, line and field; `pages.py` and the
templates present it. Keeping it engine-free lets the site generator be swapped later.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    ValidationInfo,
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


EXCERPT = 60
"""How much of a value a message quotes: enough to find it, never a whole file's worth."""


def excerpt(text: str, limit: int = EXCERPT) -> str:
    """The start of a text as a message quotes it: at most `limit` characters, with an
    ellipsis where it was cut."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


PLAIN_NUMBER = re.compile(r"(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
"""A number as a person writes it: digits, no leading zero, an optional decimal point. YAML 1.1
reads other forms as numbers of its own (0125305 is octal 43717, 12:53 is 773 in base 60)."""


def plain_number(written: str) -> str | None:
    """What a number written with a £ sign, commas, underscores, spaces or leading zeros means,
    written plainly ('£125,305' gives '125305'), or None if it is not such a number."""
    cleaned = re.sub(r"[£,_\s]", "", written).removeprefix("+")
    match = re.fullmatch(r"0*([0-9]+)(\.[0-9]+)?", cleaned)
    if not match:
        return None
    whole = match.group(1).lstrip("0") or "0"
    return whole + (match.group(2) or "")


def _number_fix(value: Any) -> dict[str, str]:
    """The fix for a number written as text, for a message's context."""
    plain = plain_number(value) if isinstance(value, str) else None
    return {"fix": f"write {plain}"} if plain is not None and plain != value else {}


def _amount(value: Any) -> Decimal:
    """Accept a number of pounds (pence allowed); refuse text such as '£125,305'."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError(
            "amount_type",
            "expected an amount in pounds written as a plain number, like 125305 or 39728.86 "
            "(no £ sign, no commas)", _number_fix(value),
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


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: how a title or an edition goes in an address."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


IDENTIFIER_MAX = 80
"""Identifiers name files and addresses; longer ones are mistakes (and too long for a disk)."""


def is_identifier(value: str) -> bool:
    """Whether a name can be an id, a file name and part of an address."""
    return len(value) <= IDENTIFIER_MAX and bool(_SLUG.match(value))


def _identifier(value: str) -> str:
    if len(value) > IDENTIFIER_MAX:
        raise PydanticCustomError(
            "identifier", f"expected an identifier of at most {IDENTIFIER_MAX} characters")
    if not _SLUG.match(value):
        raise PydanticCustomError(
            "identifier",
            "expected an identifier of lower-case letters, digits and hyphens, like 'definition'",
        )
    return value


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Characters that reorder the text after them as it is shown (U+202E turns "exe.txt" into
"txt.exe"): they can make a page say something other than its data. The right-to-left and
left-to-right marks (U+200F, U+200E), which only mark direction, are allowed."""


_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
"""Control characters (YAML writes them as "\\a", "\\e" ...): they have no glyph in the PDF,
are not allowed in the SVG's XML, and mean nothing to a reader. Tabs and line ends are fine."""


def _printable(value: str) -> str:
    """Refuse what could show a page other than its data, or break a PDF or drawing."""
    control = _BIDI_CONTROLS.search(value)
    if control:
        raise PydanticCustomError(
            "text_bidi", "expected text without a direction override (U+{code}, at character "
                         "{position}), which would show the text in another order than it is "
                         "written; use U+200F (right-to-left mark) if a word needs one",
            {"code": f"{ord(control.group()):04X}", "position": control.start() + 1})
    control = _CONTROLS.search(value)
    if control:
        raise PydanticCustomError(
            "text_control", "expected printable text, not the control character U+{code} (at "
                            "character {position}); delete it",
            {"code": f"{ord(control.group()):04X}", "position": control.start() + 1})
    return value


def _text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("text_empty", "expected some text, found an empty value")
    return _printable(value).strip()


def _line(value: str) -> str:
    """One line: a title, a name, an address. A line break there would end up in a mail
    header, a calendar entry or a heading, where it means something else."""
    text = _text(value)
    line_break = re.search("[\r\n]", text)
    if line_break:
        raise PydanticCustomError(
            "text_line_break", "expected one line of text, found a line break (at character "
                               "{position}): write it on one line (only prose fields, written "
                               "after |, hold several lines)",
            {"position": line_break.start() + 1, "says_found": True})
    return text


_EMAIL = re.compile(r"[A-Za-z0-9!$'*+=^_`{|}~-]+(?:\.[A-Za-z0-9!$'*+=^_`{|}~-]+)*"
                    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
"""One address, `local@domain`: no display name, no second address, and none of the
characters that mean something in a mailto: link or a mail header (`?`, `&`, `%`, `#`, `/`,
`,`, `;`, `<`, `>`, quotes, spaces)."""


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError(
            "email", "expected one e-mail address, like csp@council.gov.uk, and nothing else "
                     "(no name, no second address, no '?')")
    return value


WEB_SCHEMES = frozenset({"http", "https", "mailto"})
"""Link schemes the site writes into a page; anything else (javascript:, data:) could run."""


def other_site(address: str) -> str | None:
    """The address a relative one leads to on another website, as a browser reads it
    (`//evil.example/x`, `/\\evil.example`: two slashes or backslashes start a host), or None
    if it stays on this site (or is not relative)."""
    parts = urlsplit(address)  # drops what a browser ignores: tabs, newlines, leading spaces
    if parts.scheme:
        return None
    path = urlsplit(address.replace("\\", "/")).geturl()
    if not path.startswith("//"):
        return None
    return "https://" + path.lstrip("/")


def _web_address(value: str) -> str:
    scheme = urlsplit(value).scheme.lower()  # urlsplit drops the tabs a browser would ignore
    if scheme and scheme not in WEB_SCHEMES:
        raise PydanticCustomError(
            "web_address", "expected a web address starting https:// or http://, a mailto: "
                           "address or a site-relative address, not a '{scheme}:' address",
            {"scheme": scheme})
    elsewhere = other_site(value)
    if elsewhere is not None:
        raise PydanticCustomError(
            "web_address", "expected a web address starting https:// or http://, a mailto: "
                           "address or a site-relative address; found '{found}', which leads to "
                           "another website (two slashes start a web address without its "
                           "https:): write {instead} if that is meant",
            {"found": excerpt(value), "instead": excerpt(elsewhere), "says_found": True})
    return value


Date = Annotated[dt.date, BeforeValidator(_date)]
"""A calendar date; YAML writes it as 2024-01-31."""

Amount = Annotated[Decimal, BeforeValidator(_amount)]
"""Pounds as an exact decimal, never a float, so totals add up to the penny."""

Identifier = Annotated[str, AfterValidator(_identifier)]
"""A lower-case, hyphenated name used in references and URLs."""

Text = Annotated[str, AfterValidator(_line)]
"""A short piece of plain text on one line: a title, a name, a label, a role."""

Markdown = Annotated[str, AfterValidator(_text)]
"""Prose written in Markdown, over as many lines as it needs; rendered with raw HTML off."""

Email = Annotated[str, AfterValidator(_line), AfterValidator(_email)]
"""Exactly one e-mail address: it goes into mailto: links and the submission's mail headers."""

WebAddress = Annotated[str, AfterValidator(_line), AfterValidator(_web_address)]
"""Where a link goes: a web, e-mail or site-relative address."""

class Figure(BaseModel):
    """A number in a chart: exact, or only known to be below a bound ("<10", suppressed)."""

    model_config = ConfigDict(frozen=True)

    value: Decimal | None = None
    below: int | None = None

    def __str__(self) -> str:
        if self.value is None:
            return f"<{self.below}"
        return f"{self.value:,}"


_SUPPRESSED = re.compile(r"^<\s*(\d+)$")


def _figure(value: Any) -> Figure:
    if isinstance(value, Figure):
        return value
    if isinstance(value, str):
        match = _SUPPRESSED.match(value.strip())
        if match:
            return Figure(below=int(match.group(1)))
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise PydanticCustomError(
            "figure", "expected a number, or '<N' for a figure the source only gives as below N",
            _number_fix(value))
    return Figure(value=Decimal(str(value)))


ChartValue = Annotated[Figure, BeforeValidator(_figure)]
"""A value in a chart's data table."""

Number = Annotated[int, Strict(), Field(ge=1)]
"""A counting number (an objective's or a theme's number); "3" in quotes is refused."""


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


def _report(info: ValidationInfo, at: Location, message: str) -> None:
    """Stop at a broken cross-reference, or note it and go on when the caller collects."""
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


class Record(BaseModel):
    """Base of every model: frozen, strict about unknown keys, no silent type coercion, and
    no list longer than `MAX_ITEMS`."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False,
                              use_attribute_docstrings=True)

    @model_validator(mode="after")
    def _lists_within_limit(self) -> Record:
        for name in type(self).model_fields:
            value = getattr(self, name)
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


# --- building blocks ----------------------------------------------------------------------


class Withhold(Record):
    """Why a piece of the strategy is not published: the Serious Violence Duty allows content
    to be withheld where it would put someone's safety at risk, prejudice the prevention or
    detection of crime, or compromise the security of an educational, prison or youth custody
    institution. The note is for the partnership's own record and is never published."""

    reason: Literal["safety", "crime-prevention", "institution-security"]
    note: Text | None = None


class Withheld(Record):
    """A piece left out of publication, for the build log and `strategy-site check`: where it
    was and why. Never rendered."""

    home: str
    edition: str
    field: str
    """Its place in the strategy, such as `objectives.objectives[3]`."""
    what: str
    """Its title or name, or the kind of block."""
    reason: str
    note: str | None = None


class Withholdable(Record):
    """A piece that may be withheld from publication (pages, PDF, search, feeds)."""

    withhold: Withhold | None = None


def _cell(value: Any) -> str:
    """A table cell as printed: text, or a number kept exactly as written."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise PydanticCustomError("cell", "expected a cell's text or number")
    return _printable(str(value)).strip()


Cell = Annotated[str, BeforeValidator(_cell)]
"""A cell of a table: text or a number, shown as written (an empty cell is "")."""


class Table(Record):
    """A table as the source prints it: a caption, column headings, then rows whose first
    cell names the row. Figures are kept as written (a table is a record, not a chart)."""

    caption: Text
    columns: tuple[Text, ...] = Field(min_length=1)
    rows: tuple[tuple[Cell, ...], ...] = Field(min_length=1)
    source: Text | None = None
    note: Markdown | None = None

    @model_validator(mode="after")
    def _a_cell_per_column(self) -> Table:
        for index, row in enumerate(self.rows):
            if len(row) != len(self.columns):
                raise invalid(("rows", index),
                              f"expected {len(self.columns)} cells, one for each column "
                              f"({', '.join(self.columns)}), found {len(row)}")
        return self


class ChartNotAvailable(Record):
    """A chart the source printed as a picture only: its data was never published, so the
    site says so and shows its source line rather than inventing figures."""

    source: Text
    title: Text | None = None
    """What the chart showed, where the source names it."""


class Block(Withholdable):
    """One piece of a section, in reading order: prose, a diagram placed by its id, a table,
    or a chart whose data is not available."""

    text: Markdown | None = None
    diagram: Identifier | None = None
    table: Table | None = None
    chart_not_available: ChartNotAvailable | None = None

    @model_validator(mode="after")
    def _one_thing(self) -> Block:
        given = [name for name in BLOCK_KINDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise invalid((), "expected exactly one of " + ", ".join(
                f"'{name}'" for name in BLOCK_KINDS) + f" in each block, found "
                f"{' and '.join(repr(name) for name in given) or 'none'}")
        return self


BLOCK_KINDS = ("text", "diagram", "table", "chart_not_available")
"""What a block can hold, one per block."""


class Section(Withholdable):
    """A titled piece of prose: its body, its blocks (prose, diagrams), then sub-sections."""

    title: Text
    body: Markdown | None = None
    blocks: tuple[Block, ...] = ()
    sections: tuple[Section, ...] = ()

    def diagram_ids(self) -> list[tuple[Location, str]]:
        """Every diagram this section places, with where (from this section) it is placed."""
        found: list[tuple[Location, str]] = [
            (("blocks", i, "diagram"), b.diagram) for i, b in enumerate(self.blocks) if b.diagram
        ]
        for index, child in enumerate(self.sections):
            found += [(("sections", index, *at), ident) for at, ident in child.diagram_ids()]
        return found


class Link(Withholdable):
    """A link to a page elsewhere, as a council would cite it."""

    title: Text
    url: WebAddress


_PHONE = re.compile(r"\+?[0-9][0-9 ()-]*[0-9]")
"""A telephone number as people write it: digits, spaces, brackets and hyphens, perhaps a +."""


def _phone(value: str) -> str:
    if not _PHONE.fullmatch(value) or sum(c.isdigit() for c in value) < 6:
        raise PydanticCustomError(
            "phone", "expected a telephone number written with digits and spaces (brackets, "
                     "hyphens and a + at the start allowed), like 020 8227 3000")
    return value


Phone = Annotated[str, AfterValidator(_line), AfterValidator(_phone)]
"""A telephone number, shown as typed and linked as `tel:` with its digits."""


class Contact(Record):
    """Who to contact about the strategy: a team, and perhaps a named officer."""

    team: Text
    name: Text | None = None
    """A named officer to contact, where the partnership names one."""
    role: Text | None = None
    """The officer's (or the team's) role, such as 'Community Safety Partnership Manager'."""
    organisation: Text | None = None
    email: Email
    phone: Phone | None = None
    website: WebAddress | None = None
    hashtag: Text | None = None


# --- the parts of a strategy, one YAML file each -------------------------------------------


class StrategyRecord(Record):
    """What a partnership has done and when: the dates the timetable checks."""

    submitted_to_home_office: Date | None = None
    action_plan_submitted: Date | None = None
    reviews: dict[Identifier, Date] = {}
    """The date each element of the review-dates table (by its `part`) was last reviewed."""


class Override(Record):
    """A borough's change to a timetable rule's period, with its reason."""

    rule: Identifier
    within_days: int | None = Field(default=None, ge=0)
    within_months: int | None = Field(default=None, ge=1)
    reason: Text


class Amendment(Record):
    """A change to an edition after its publication, with its date and reason: a published
    edition is a record, so it changes only this way."""

    date: Date
    reason: Text


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
    published: Date | None = None
    next_review: Date | None = None
    contact: Contact
    template: Literal["london-serious-violence-duty", "free"] = "london-serious-violence-duty"
    record: StrategyRecord = Field(default_factory=lambda: StrategyRecord())
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


class Signatory(Record):
    """Who signed the foreword, with each line of their roles as printed."""

    name: Text
    roles: tuple[Text, ...] = ()


class Foreword(Record):
    """`foreword.yaml`: the foreword and who signed it."""

    title: Text = "Foreword"
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
        _check_depth("sections", self.sections, "sections", SECTION_DEPTH,
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


class ReviewDates(Record):
    """`review-dates.yaml`: the table of each element's publication and review date."""

    title: Text = "Review dates"
    elements: tuple[ReviewDate, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _a_row_per_part(self) -> ReviewDates:
        _check_unique("elements", "part", [row.part for row in self.elements],
                      "each part in one row (its review date would be ambiguous)")
        return self


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


class Principle(Withholdable):
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
    def _unique_levels(self) -> Principles:
        _check_unique("prevention_levels", "id", [level.id for level in self.prevention_levels],
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


class ActionPlanTheme(Withholdable):
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
        _check_numbering("themes", [t.number for t in self.themes])
        return self



# --- diagrams: one source for the picture and its text version ---------------------------


class DiagramBase(Withholdable):
    """What every diagram has: an id to place it, a title, and a short text alternative."""

    id: Identifier
    title: Text
    description: Text
    """One or two sentences saying what the diagram shows: the SVG's <desc>."""


class TreeNode(Record):
    """A box in a structure chart, with the boxes below it."""

    label: Text
    children: tuple[TreeNode, ...] = ()



def _check_depth(first: str, level: tuple[BaseModel, ...], field: str, most: int,
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


class TreeDiagram(DiagramBase):
    """A structure or governance chart: boards, groups and panels, nested."""

    kind: Literal["tree"]
    nodes: tuple[TreeNode, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _not_too_deep(self) -> TreeDiagram:
        _check_depth("nodes", self.nodes, "children", TREE_DEPTH,
                     f"expected a tree at most {TREE_DEPTH} levels deep, so that it can be drawn "
                     "and its text version (lists in lists) read; this box is deeper: move it "
                     "up, or draw that branch as a diagram of its own")
        return self

    @model_validator(mode="after")
    def _not_too_many_boxes(self) -> TreeDiagram:
        count = sum(_size(node) for node in self.nodes)
        if count > TREE_NODES:
            raise invalid(("nodes",), f"expected at most {TREE_NODES} boxes in one tree, so that "
                                      f"it can be drawn and read; found {count}: draw it as "
                                      "several diagrams")
        return self


def _size(node: TreeNode) -> int:
    return 1 + sum(_size(child) for child in node.children)


class MemberGroup(Record):
    """A labelled group of members (the chair, statutory partners ...)."""

    label: Text
    members: tuple[Text, ...] = Field(min_length=1)


class GroupsDiagram(DiagramBase):
    """Labelled groups of members, such as a partnership's membership."""

    kind: Literal["groups"]
    groups: tuple[MemberGroup, ...] = Field(min_length=1)
    footnote: Text | None = None


class Layer(Record):
    """One layer of a framework: an optional label and its statements."""

    label: Text | None = None
    statements: tuple[Text, ...] = Field(min_length=1)


class FrameworkDiagram(DiagramBase):
    """Layered statements (vision, priorities, outcomes), read top to bottom."""

    kind: Literal["framework"]
    layers: tuple[Layer, ...] = Field(min_length=1)


class Series(Record):
    """One series of a chart: a name and a value for each category."""

    name: Text
    values: tuple[ChartValue, ...] = Field(min_length=1)


class ChartDiagram(DiagramBase):
    """A bar or line chart drawn from a small data table, which is also its text version."""

    kind: Literal["chart"]
    chart: Literal["bar", "line"]
    layout: Literal["grouped", "stacked"] = "grouped"
    units: Text
    prefix: Annotated[Text, Field(max_length=4)] | None = None
    """Written before each figure, such as "£" (a few characters: a unit, not a sentence)."""
    source: Text
    period: Text
    category_label: Text
    """The heading of the categories in the data table, such as "Age" or "Fund"."""
    categories: tuple[Text, ...] = Field(min_length=1)
    series: tuple[Series, ...] = Field(min_length=1)
    totals: bool = False

    @model_validator(mode="after")
    def _readable_size(self) -> ChartDiagram:
        for field, count, most in (("categories", len(self.categories), CHART_CATEGORIES),
                                   ("series", len(self.series), CHART_SERIES)):
            if count > most:
                raise invalid((field, most), f"expected at most {most} {field} in one chart, "
                                             "so that its bars can be told apart and its data "
                                             f"table printed; found {count}: split it into "
                                             "several charts, or give the figures as a table", True)
        return self
    """Whether the data table adds a total row and column (computed, never typed)."""

    @model_validator(mode="after")
    def _a_value_per_category(self) -> ChartDiagram:
        for index, series in enumerate(self.series):
            if len(series.values) != len(self.categories):
                raise invalid(
                    ("series", index, "values"),
                    f"expected {len(self.categories)} values, one for each category "
                    f"({', '.join(self.categories)}), found {len(series.values)}",
                )
        if self.layout == "stacked" and self.chart == "line":
            raise invalid(("layout",), "expected 'grouped' for a line chart: only bars stack")
        return self

    @property
    def total_column(self) -> bool:
        """Whether the data table adds a total for each category: only across two or more
        series (with one, the total would repeat the figure)."""
        return self.totals and len(self.series) > 1

    def row_total(self, category: int) -> Figure | None:
        """The total of one category across series, when every figure in it is exact."""
        return _sum([series.values[category] for series in self.series])

    def column_total(self, series: Series) -> Figure | None:
        """The total of one series, when every figure in it is exact."""
        return _sum(list(series.values))

    def grand_total(self) -> Figure | None:
        """The total of every figure, when all are exact."""
        return _sum([value for series in self.series for value in series.values])


def _sum(figures: list[Figure]) -> Figure | None:
    if any(figure.value is None for figure in figures):
        return None
    return Figure(value=sum((figure.value or Decimal(0) for figure in figures), Decimal(0)))


Diagram = Annotated[
    TreeDiagram | GroupsDiagram | FrameworkDiagram | ChartDiagram, Field(discriminator="kind")
]


class Diagrams(Record):
    """`diagrams.yaml`: a strategy's diagrams and charts, each placed on a page by its id."""

    diagrams: tuple[Diagram, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Diagrams:
        seen: set[str] = set()
        for index, diagram in enumerate(self.diagrams):
            if diagram.id in seen:
                raise invalid(("diagrams", index, "id"),
                              f"expected each diagram id once; '{diagram.id}' is used twice")
            seen.add(diagram.id)
        return self

    def get(self, ident: str) -> Diagram | None:
        """The diagram with this id."""
        return next((d for d in self.diagrams if d.id == ident), None)


class FundingChart(Record):
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


class Funding(Record):
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
        _check_unique("streams", "name", [stream.name for stream in self.streams],
                      "each funding stream's name once (each has a table of its own)")
        _check_unique("years", None, list(self.years), "each financial year once")
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

    def as_chart(self) -> ChartDiagram | None:
        """The funding table as a chart (streams by year), if the data asks for one."""
        if self.chart is None or not self.streams:
            return None
        return ChartDiagram(
            id="funding-chart", kind="chart", chart="bar", layout="grouped",
            title=self.chart.title, description=self.chart.description,
            units="pounds", prefix="£", source="the funding tables on this page",
            period=f"{self.years[0]} to {self.years[-1]}" if len(self.years) > 1 else self.years[0],
            category_label="Fund", categories=tuple(s.name for s in self.streams),
            series=tuple(Series(name=year, values=tuple(Figure(value=s.total(year))
                                                        for s in self.streams))
                         for year in self.years),
        )


class Strategy(Record):
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
    pages: dict[Identifier, ProsePart] = {}

    @model_validator(mode="after")
    def _within_entry_limit(self) -> Strategy:
        parts = {name: entry_count(getattr(self, name)) for name in type(self).model_fields}
        total = sum(parts.values())
        if total > MAX_ENTRIES:
            largest = max(parts, key=lambda name: parts[name])
            where: Location = ("pages", max(self.pages, key=lambda page: entry_count(
                self.pages[page]))) if largest == "pages" else (largest,)
            raise invalid(where, f"expected a document of at most {MAX_ENTRIES:,} entries in "
                                 f"all its lists together (the largest real one has 210), so "
                                 f"that its PDF is built in seconds; this one has {total:,}, "
                                 f"{entry_count(_value_of(self, where)):,} of them in this "
                                 "file: split the document into further documents (a "
                                 "sub-folder each)")
        return self

    @model_validator(mode="after")
    def _template_parts_present(self, info: ValidationInfo) -> Strategy:
        for name in TEMPLATES[self.identity.template]:
            if getattr(self, PART_NAMES[name]) is None:
                _report(info, ("identity", "template"),
                        f"expected the part {name}.yaml, which the "
                        f"{self.identity.template} template needs")
        return self

    @model_validator(mode="after")
    def _contents_name_pages(self, info: ValidationInfo) -> Strategy:
        pages = self.page_names()
        contents = self.identity.contents
        for index, name in enumerate(contents):
            if name not in pages:
                _report(info, ("identity", "contents", index),
                        f"expected the name of a page of this strategy ({', '.join(pages)})")
        left_out = [name for name in pages if contents and name not in contents]
        if left_out:
            _report(info, ("identity", "contents"),
                    f"expected every page in 'contents'; these parts have files but would not "
                    f"be published: {', '.join(left_out)}")
        return self

    @model_validator(mode="after")
    def _review_rows_name_parts(self, info: ValidationInfo) -> Strategy:
        present = [name for name in PART_NAMES if getattr(self, PART_NAMES[name]) is not None]
        rows = self.review_dates.elements if self.review_dates else ()
        for index, row in enumerate(rows):
            if row.part is not None and row.part not in present:
                _report(info, ("review_dates", "elements", index, "part"),
                        f"expected the name of a part of this strategy ({', '.join(present)})")
        return self

    @model_validator(mode="after")
    def _diagrams_placed_and_known(self, info: ValidationInfo) -> Strategy:
        known = [d.id for d in self.diagrams.diagrams] if self.diagrams else []
        placed: set[str] = set()
        for at, ident in self.diagram_places():
            if ident not in known:
                _report(info, (*at,), f"expected the id of a diagram in diagrams.yaml "
                                      f"({', '.join(known) or 'there are none'})")
            placed.add(ident)
        for index, ident in enumerate(known):
            if ident not in placed:
                _report(info, ("diagrams", "diagrams", index, "id"),
                        f"expected diagram '{ident}' to be placed on a page (a block with "
                        f"'diagram: {ident}'); it appears nowhere")
        return self

    @property
    def home(self) -> str:
        """The document's address in the site: 'bexley' or 'bexley/delivery-2024'."""
        return f"{self.folder}/{self.document}" if self.document else self.folder

    @property
    def record_address(self) -> str:
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
    name.replace("_", "-"): name for name in Strategy.model_fields
    if name not in ("folder", "document", "latest", "pages")
}
"""Each typed part's name (its YAML file without .yaml) and its field in `Strategy`."""
PART_NAMES["strategy"] = PART_NAMES.pop("identity")

PAGE_PARTS = (
    "foreword", "introduction", "definition", "partnership", "needs-assessment", "objectives",
    "current-arrangements", "themes", "engagement", "funding",
)
"""Typed parts that have a page of their own, in the London template's order."""

APPENDIX_PAGE = "needs-assessment-summary"
"""The page of the needs assessment's findings (the London template's Appendix A)."""

TEMPLATES: dict[str, tuple[str, ...]] = {
    "london-serious-violence-duty": (
        "introduction", "review-dates", "definition", "partnership", "needs-assessment",
        "objectives", "themes", "engagement", "funding",
    ),
    "free": (),
}
"""The parts each template requires; a strategy names its template in strategy.yaml."""


def _value_of(model: BaseModel, at: Location) -> Any:
    value: Any = model
    for part in at:
        value = value[part] if isinstance(value, dict) else getattr(value, str(part))
    return value


def _check_unique(field: str, key: str | None, values: list[str | None], expected: str) -> None:
    """The second use of a value that must be unique (an id, a name), pointed at."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value is not None and value in seen:
            raise invalid((field, index, key) if key else (field, index),
                          f"expected {expected}; '{value}' is used twice")
        if value is not None:
            seen.add(value)


def _check_numbering(field: str, numbers: list[int]) -> None:
    for index, number in enumerate(numbers):
        if number != index + 1:
            raise invalid(
                (field, index, "number"),
                f"expected {field} numbered 1, 2, 3 ... in order; this one should be {index + 1}",
            )


Event = Literal["published", "submitted_to_home_office", "action_plan_submitted",
                "accessibility_statement_reviewed"]
"""Something that happens once and is recorded with its date."""


class TimetableRule(Record):
    """A statutory deadline as data: what it checks, when it falls, and who it concerns.

    A rule is met by an `event` (or, with `each_review_element`, by the review of each row of
    the review-dates table). Its deadline is a fixed `deadline`, or `within_days` /
    `within_months` of the `starts` event.
    """

    id: Identifier
    checks: Text
    concerns: Text
    address: Email | None = None
    templates: tuple[Literal["london-serious-violence-duty", "free"], ...] = ()
    """The templates the rule applies to; empty: every strategy."""
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


class Timetable(Record):
    """`strategy_data/timetable.yaml`: the statutory timetable as data. With `extends:
    statutory` it adds to the package's statutory timetable (defaults.py): a rule with one of
    its ids replaces that rule, a new id adds a rule, and `timezone` or `due_soon_days`, when
    given, replace the package's."""

    extends: Literal["statutory"] | None = None
    timezone: Text = "Europe/London"
    due_soon_days: int = Field(default=30, ge=0)
    rules: tuple[TimetableRule, ...] = ()

    @model_validator(mode="after")
    def _rules_or_extends(self) -> Timetable:
        if not self.rules and self.extends is None:
            raise invalid(("rules",), "expected at least one rule, or 'extends: statutory' to "
                                      "use the statutory timetable the package ships")
        return self

    def rule(self, ident: str) -> TimetableRule | None:
        """The rule with this id."""
        return next((rule for rule in self.rules if rule.id == ident), None)


class EditionRecord(Record):
    """One published edition as recorded in a document's `published.yaml`: fingerprints of
    its data and of the PDF that was published, so neither can change unnoticed."""

    edition: Text
    amendments: int = Field(ge=0)
    """How many amendments the recorded data includes (0: as first published)."""
    published: Date
    recorded: Date
    data_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    pdf: Annotated[str, Field(pattern=r"^published/[a-z0-9]+(-[a-z0-9]+)*\.pdf$", max_length=120)]
    """The published PDF, kept beside the data in `published/` (never anywhere else)."""
    pdf_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Manifest(Record):
    """`published.yaml`: the record of a document's published editions, written by
    `strategy-site publish` and checked by every build."""

    records: tuple[EditionRecord, ...] = ()

    def current(self, edition: str) -> EditionRecord | None:
        """The newest record of an edition (its latest amendment), if it has one."""
        found = [record for record in self.records if record.edition == edition]
        return max(found, key=lambda record: record.amendments) if found else None


class Document(Record):
    """A partnership's document (its strategy, an annual report, an assessment) with every
    edition kept: the newest first, then the earlier ones from `editions/`."""

    folder: Identifier
    """The partnership's folder in strategy_data/."""
    id: Identifier | None = None
    """The document's sub-folder, or none for the partnership's main document."""
    editions: tuple[Strategy, ...] = Field(min_length=1)
    manifest: Manifest = Field(default_factory=lambda: Manifest())

    @property
    def latest(self) -> Strategy:
        """The newest edition, the one at the document's home address."""
        return self.editions[0]

    @property
    def home(self) -> str:
        """The document's address in the site."""
        return self.latest.home


class Site(Record):
    """Everything in `strategy_data/`: the documents, what they share, and the timetable."""

    documents: tuple[Document, ...]
    definitions: dict[Identifier, SharedDefinition] = {}
    timetable: Timetable | None = None
    withheld: tuple[Withheld, ...] = ()
    """What the data withholds from publication, and why (already taken out of `documents`)."""

    @property
    def strategies(self) -> tuple[Strategy, ...]:
        """The newest edition of every document: what the timetable checks and the home page
        lists."""
        return tuple(document.latest for document in self.documents)

    def documents_of(self, folder: str) -> tuple[Document, ...]:
        """A partnership's documents (by its folder), its main document first."""
        return tuple(d for d in self.documents if d.folder == folder)
