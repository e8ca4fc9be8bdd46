"""Everything in `strategy_data/`: the documents, what they share, and the timetable."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .base import StrictModel
from .documents import Document, Edition
from .parts import SharedDefinition
from .rules import Timetable
from .values import Identifier


class Withheld(StrictModel):
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


class Site(StrictModel):
    """Everything in `strategy_data/`: the documents, what they share, and the timetable."""

    UNBOUNDED: ClassVar[frozenset[str]] = frozenset({"documents", "withheld"})
    """A site of every partnership in England and Wales holds about 300 partnerships' documents
    (each document keeps its own limits)."""

    documents: tuple[Document, ...]
    definitions: dict[Identifier, SharedDefinition] = Field(default={})
    timetable: Timetable | None = None
    withheld: tuple[Withheld, ...] = ()
    """What the data withholds from publication, and why (already taken out of `documents`)."""

    @property
    def latest_editions(self) -> tuple[Edition, ...]:
        """The newest edition of every document: what the timetable checks and the home page
        lists."""
        return tuple(document.latest for document in self.documents)

    def documents_of(self, folder: str) -> tuple[Document, ...]:
        """A partnership's documents (by its folder), its main document first."""
        return tuple(d for d in self.documents if d.folder == folder)
