"""The building blocks the parts are made of: prose blocks, sections, tables, links, the
contact, and what may be withheld from publication."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from .base import Location, StrictModel, invalid
from .values import Cell, Email, Identifier, Markdown, Phone, Text, Untranslated, WebAddress


class Withhold(StrictModel):
    """Why a piece of the strategy is not published: the Serious Violence Duty allows content
    to be withheld where it would put someone's safety at risk, prejudice the prevention or
    detection of crime, or compromise the security of an educational, prison or youth custody
    institution. The note is for the partnership's own record and is never published."""

    reason: Literal["safety", "crime-prevention", "institution-security"]
    note: Untranslated | None = None
    """For the partnership's own record, never published: given once in a bilingual one."""


class Withholdable(StrictModel):
    """A piece that may be withheld from publication (pages, PDF, search, feeds)."""

    withhold: Withhold | None = None


class Table(StrictModel):
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


class ChartNotAvailable(StrictModel):
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


class Contact(StrictModel):
    """Who to contact about the strategy: a team, and perhaps a named officer."""

    team: Text
    name: Untranslated | None = None
    """A named officer to contact, where the partnership names one."""
    role: Text | None = None
    """The officer's (or the team's) role, such as 'Community Safety Partnership Manager'."""
    organisation: Text | None = None
    email: Email
    phone: Phone | None = None
    website: WebAddress | None = None
    hashtag: Text | None = None
