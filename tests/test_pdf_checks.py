"""The gate's PDF checks can fail: a PDF seeded with each kind of problem is caught and named.

The seeded document uses the real print stylesheet (its margins, header and footer) and is
rendered by WeasyPrint alone, without our tagging repairs: a drawing taller than the page,
a paragraph in the margin, a footer tagged as text, a link whose /Contents is its target's
identifier. The real site's PDFs pass (tests/test_pdf.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import weasyprint

from conftest import REPO
from strategy_site.gate import a11y_check, pdf_checks
from strategy_site.pdf import PDF_VARIANT, write_pdf

PRINT_CSS = REPO / "plugins" / "strategy_site" / "templates" / "print" / "print.css"

SEEDED = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>A PDF with known problems</title><style>{css}</style></head>
<body>
  <h1 class="cover__title">A PDF with known problems</h1>
  <p style="margin-left: -14mm">Written in the margin.</p>
  <p><a href="#part-foreword">Foreword</a></p>
  <section id="part-foreword" style="break-before: page">
    <svg role="img" viewBox="0 0 340 1500" width="340" height="1500"
         xmlns="http://www.w3.org/2000/svg">
      <title>A drawing taller than the page</title>
      <rect x="1" y="1" width="338" height="1498" fill="none" stroke="#111111"/>
      <text x="10" y="30" font-size="15">Top of the drawing</text>
      <text x="10" y="1490" font-size="15">Bottom of the drawing</text>
    </svg>
  </section>
</body>
</html>
"""


def _seeded_html() -> str:
    return SEEDED.format(css=PRINT_CSS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seeded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site folder holding the seeded PDF as WeasyPrint writes it, and a copy in a sub-folder
    (an edition's own copy: checked once, reported for both)."""
    site = tmp_path_factory.mktemp("seeded-site")
    data = weasyprint.HTML(string=_seeded_html()).write_pdf(pdf_variant=PDF_VARIANT)
    (site / "seeded.pdf").write_bytes(data)
    (site / "2024").mkdir()
    (site / "2024" / "seeded.pdf").write_bytes(data)
    return site


@pytest.fixture(scope="module")
def problems(seeded_site: Path) -> list[a11y_check.Problem]:
    return a11y_check.pdf_problems(seeded_site)


def _of(problems: list[a11y_check.Problem], rule: str) -> list[a11y_check.Problem]:
    return [p for p in problems if p.rule == rule and p.page == "seeded.pdf"]


def test_problems_are_in_the_gates_format(problems: list[a11y_check.Problem]) -> None:
    assert problems
    assert {p.tool for p in problems} == {"pdf"}
    assert {p.width for p in problems} == {None}
    assert {p.page for p in problems} == {"seeded.pdf", "2024/seeded.pdf"}
    assert all(p.fix and p.element.startswith("page ") for p in problems)


def test_a_drawing_taller_than_the_page_is_named(problems: list[a11y_check.Problem]) -> None:
    off_page = _of(problems, "pdf-outside-page")
    assert [p.element.split(":")[0] for p in off_page] == ["page 2"]
    assert "Bottom of the drawing" in off_page[0].element
    assert "Top of the drawing" not in off_page[0].element
    assert "cut off" in off_page[0].message


def test_text_in_the_margin_is_named(problems: list[a11y_check.Problem]) -> None:
    margin = _of(problems, "pdf-outside-content-box")
    assert [p.element.split(":")[0] for p in margin] == ["page 1", "page 2"]
    # Only the glyphs in the margin: the rest of the line is inside the content box.
    assert margin[0].element == 'page 1: text "Written" (marked as Span)'
    assert "12 mm left of it" in margin[0].message  # 14 mm less the body's 8 px
    # A footer tagged as content is content in the margin too.
    assert "Page 2 of 2" in margin[1].element


def test_a_tagged_footer_is_named(problems: list[a11y_check.Problem]) -> None:
    orphans = _of(problems, "pdf-no-structure-parent")
    # The first page has no header or footer (print.css: `@page :first`).
    assert [p.element.split(":")[0] for p in orphans] == ["page 2"]
    assert "Page 2 of 2" in orphans[0].element
    assert "A PDF with known problems" in orphans[0].element  # the running header
    assert "artifact" in orphans[0].fix.lower()


def test_a_link_described_by_an_identifier_is_named(
    problems: list[a11y_check.Problem],
) -> None:
    links = _of(problems, "pdf-link-contents-identifier")
    assert len(links) == 1
    assert links[0].element == "page 1: /Contents 'part-foreword'"


def test_our_tagging_repairs_what_weasyprint_leaves(tmp_path: Path) -> None:
    """The same document through `write_pdf`: header and footer are artifacts and the link
    says its words; only the drawing and the margin text, which CSS must mend, remain."""
    data = write_pdf(_seeded_html())
    assert data is not None
    (tmp_path / "repaired.pdf").write_bytes(data)
    rules = {p.rule for p in a11y_check.pdf_problems(tmp_path)}
    assert rules == {"pdf-outside-content-box", "pdf-outside-page"}


@pytest.mark.parametrize(("contents", "identifier"), [
    ("part-foreword", True), ("diagram-bcsp-governance-text", True), ("snake_case_id", True),
    ("contact", True),  # the name of an anchor in the document
    ("Foreword", False), ("View the text version of this diagram", False),
    ("CSP@lbbd.gov.uk", False), ("https://www.example.org/bexley-strategy/", False),
    ("2022-2025", False),
])
def test_what_counts_as_an_identifier(contents: str, identifier: bool) -> None:
    assert pdf_checks.looks_like_identifier(contents, {"contact"}) is identifier


def test_the_margins_are_read_from_the_print_stylesheet() -> None:
    margins = pdf_checks.page_margins(PRINT_CSS.read_text(encoding="utf-8"))
    millimetre = 72 / 25.4
    assert margins == pdf_checks.Margins(22 * millimetre, 18 * millimetre, 22 * millimetre,
                                         18 * millimetre)
    assert pdf_checks.page_margins("@page { margin: 1in 0 }") == pdf_checks.Margins(72, 0, 72, 0)
    with pytest.raises(ValueError, match="no `@page"):
        pdf_checks.page_margins("body { margin: 0 }")
