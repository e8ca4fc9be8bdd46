"""A PDF's size and page count on the pages that link to it, filled in once it is made.

Why markers: the PDFs render in other processes while the pages are built (pdf_batch.py), so
a rebuild costs about the longer of the two, not their sum. A page needs only the PDF's file
name while it is built; its size and page count ("PDF, 191 KB, 42 pages") are known only when
the PDF is done, after the page has gone through the theme. So the page is built with a
marker for each, an HTML comment (never in the search index, which holds text only), and the
build replaces the markers in the finished pages, kept in memory, when the PDFs are done.
Waiting for the PDFs before building any page would give up the overlap. This module alone
writes, finds and replaces the markers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

_MARKER = "<!--strategy-site:pdf-"
_FACT = re.compile(r"<!--strategy-site:pdf-(\d+)-(size_kb|pages)-->")


@dataclass(frozen=True)
class PdfDownload:
    """A PDF the pages link to, which may still be rendering while they are built: its file
    name now; its size and page count as markers that `fill_in_pdf_facts` replaces in the
    finished page."""

    number: int
    name: str
    pending: bool = False
    """Still being made when the pages are written: only in the preview (`mkdocs serve`), whose
    pages say so and follow with the PDF when it is made (preview.py)."""

    @property
    def size_kb(self) -> Markup:
        return Markup(f"{_MARKER}{self.number}-size_kb-->")

    @property
    def pages(self) -> Markup:
        return Markup(f"{_MARKER}{self.number}-pages-->")


def has_pdf_facts(html: str) -> bool:
    """Whether a page waits for a PDF's size or page count."""
    return _MARKER in html


def fill_in_pdf_facts(html: str, facts: Callable[[int], tuple[int, int]]) -> str:
    """The page with each PDF's size in KB and page count, `facts(number)`, in place."""
    return _FACT.sub(lambda match: str(facts(int(match.group(1)))[
        0 if match.group(2) == "size_kb" else 1]), html)
