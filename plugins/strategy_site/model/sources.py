"""Where a requirement comes from: an act, a regulation or guidance, cited in the data, with
whether this repository can confirm the reference (a part, chapter or paragraph) or not."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from .base import StrictModel, invalid
from .values import Text


class Source(StrictModel):
    """One source of a rule or of a template's part. A reference the repository's own
    documents confirm says where (`evidence`); one they cannot confirm says so (`confirmed:
    false` and a `note`), rather than guess a paragraph number."""

    kind: Literal["act", "regulation", "guidance"]
    title: Text
    """The act, regulation or guidance by its name, as its publisher names it."""
    reference: Text | None = None
    """Where in it: a part, chapter, section or paragraph."""
    confirmed: bool
    """Whether a document in this repository confirms the title and the reference."""
    evidence: Text | None = None
    """Where this repository confirms it: the document and the words it uses."""
    note: Text | None = None
    """What is not confirmed, and what is known instead."""

    @model_validator(mode="after")
    def _says_how_it_is_known(self) -> Source:
        if self.confirmed and self.evidence is None:
            raise invalid(("evidence",), "expected 'evidence': where a document of the "
                                         "repository confirms this source (confirmed: true)")
        if not self.confirmed and self.note is None:
            raise invalid(("note",), "expected a 'note' saying what is not confirmed "
                                     "(confirmed: false)")
        return self

    @property
    def citation(self) -> str:
        """The source in a few words: 'Police, Crime, Sentencing and Courts Act 2022, Part 2,
        Chapter 1' (with '(not confirmed)' where it is not)."""
        cited = f"{self.title}, {self.reference}" if self.reference else self.title
        return cited if self.confirmed else f"{cited} (reference not confirmed)"
