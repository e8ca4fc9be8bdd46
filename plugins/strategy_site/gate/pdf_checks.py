"""The accessibility gate's checks of the site's PDFs: what the PDF/UA-1 machine checks
(tests/test_pdf.py, the pdfua package) do not look at, and an audit found wrong.

- Every glyph and drawing lies inside its page's content box (the @page margins of the print
  stylesheet): a drawing taller than a page must be scaled or split, never cut off. Artifacts
  (the running header, "Page N of M") may sit in the margins, but inside the page.
- Every piece of marked content with an MCID has a parent in the structure tree, and no text
  or drawing is left unmarked: a running header tagged but left out of the tree is read by
  some readers as if it were text of the page, by others not at all; it must be an artifact.
- Link annotations say in words where they lead (/Contents), not an identifier such as
  'part-foreword' that WeasyPrint copies from the link's target.

Positions come from pdfplumber (glyphs, rectangles, curves and lines with their marked
content), the structure tree and annotations from pikepdf. Findings are grouped per PDF page
and rule, so a drawing cut off the page is one finding, not one per glyph.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pikepdf

PRINT_CSS = Path(__file__).resolve().parent.parent / "templates" / "print" / "print.css"
"""The stylesheet whose @page margins make the content box of every page of our PDFs."""

TOLERANCE = 1.0
"""Points a glyph's box may pass the content box by: font boxes are a little generous."""

_POINTS = {"mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "pt": 1.0, "px": 0.75}
_SHAPES = ("char", "rect", "curve", "line")
Shape = dict[str, Any]
"""A glyph or drawing as pdfplumber gives it: x0, top, x1, bottom, tag, mcid, text."""
_IDENTIFIER = re.compile(r"(?=[a-z0-9_-]*[a-z])[a-z0-9]+(?:[-_][a-z0-9]+)+")
"""Lower-case words joined by hyphens or underscores, no spaces: 'part-foreword',
'diagram-bcsp-governance-text' (not '2022-2025', which a reader would say as it is)."""


@dataclass(frozen=True)
class Margins:
    """The @page margins in points: top, right, bottom, left."""

    top: float
    right: float
    bottom: float
    left: float


@dataclass(frozen=True)
class PdfFinding:
    """One kind of problem on one page of one PDF (`page` counts from 1; 0: the whole file)."""

    file: str
    page: int
    rule: str
    message: str
    element: str
    fix: str


def page_margins(css: str) -> Margins:
    """The margins of the first plain `@page` rule of a stylesheet (CSS shorthand order)."""
    rule = re.search(r"@page\s*\{(.*?)(?:@|\})", css, re.S)
    declaration = re.search(r"(?<![-\w])margin\s*:\s*([^;}]+)", rule.group(1)) if rule else None
    if declaration is None:
        raise ValueError("the print stylesheet has no `@page { margin: ... }`")
    values = [_points(value) for value in declaration.group(1).split()]
    if not 1 <= len(values) <= 4:
        raise ValueError(f"cannot read the page margins {declaration.group(1)!r}")
    sides = {1: values * 4, 2: values * 2, 3: [*values, values[1]], 4: values}[len(values)]
    return Margins(*sides)


def _points(length: str) -> float:
    match = re.fullmatch(r"([\d.]+)(mm|cm|in|pt|px)?", length.strip())
    if match is None or (match.group(2) is None and float(match.group(1)) != 0):
        raise ValueError(f"cannot read the page margin {length!r}: give it in mm, cm, in, pt or px")
    return float(match.group(1)) * _POINTS[match.group(2) or "pt"]


def site_pdf_findings(site: Path, margins: Margins | None = None,
                      chosen: Callable[[str], bool] | None = None) -> list[PdfFinding]:
    """Every PDF below `site` (those whose path in the site `chosen` accepts), each checked
    once however many copies the site holds."""
    margins = margins or page_margins(PRINT_CSS.read_text(encoding="utf-8"))
    checked: dict[str, list[PdfFinding]] = {}
    found: list[PdfFinding] = []
    for path in sorted(site.rglob("*.pdf")):
        name = path.relative_to(site).as_posix()
        if chosen is not None and not chosen(name):
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in checked:
            checked[digest] = pdf_findings(path, margins)
        found += [PdfFinding(name, f.page, f.rule, f.message, f.element, f.fix)
                  for f in checked[digest]]
    return found


def pdf_findings(path: Path, margins: Margins) -> list[PdfFinding]:
    """The problems of one PDF."""
    name = path.name
    try:
        with pikepdf.open(path) as pdf:
            claimed = _claimed_mcids(pdf)
            found = list(_link_findings(path, pdf))
    except pikepdf.PdfError as error:
        return [PdfFinding(name, 0, "pdf-unreadable", f"the file cannot be read: {error}", "",
                           "build the site again")]
    with pdfplumber.open(path) as document:
        for number, page in enumerate(document.pages, 1):
            found += _position_findings(name, number, page, margins)
            found += _parent_findings(name, number, page, claimed.get(number - 1, set()))
            page.close()
    return found


# --- where things are drawn ---------------------------------------------------------------


def _shapes(page: pdfplumber.page.Page) -> Iterator[Shape]:
    for kind in _SHAPES:
        for shape in page.objects.get(kind, []):
            yield {**shape, "kind": kind}


def _position_findings(name: str, number: int, page: pdfplumber.page.Page,
                       margins: Margins) -> list[PdfFinding]:
    """Content outside the content box (artifacts: outside the page)."""
    width, height = float(page.width), float(page.height)
    content = (margins.left, margins.top, width - margins.right, height - margins.bottom)
    whole = (0.0, 0.0, width, height)
    in_margins: list[Shape] = []
    off_page: list[Shape] = []
    for shape in _shapes(page):
        artifact = shape.get("tag") == "Artifact"
        if not _inside(shape, whole):
            off_page.append(shape)
        elif not artifact and not _inside(shape, content):
            in_margins.append(shape)
    found = []
    if in_margins:
        found.append(PdfFinding(
            name, number, "pdf-outside-content-box",
            f"page {number}: {_count(in_margins)} outside the page's content box (its margins "
            f"are for the running header and footer), reaching {_reach(in_margins, content)}",
            _describe(in_margins),
            "fit what is drawn inside the page margins: scale a tall drawing to the page "
            "(max-height in print.css) or split it; mark header and footer as artifacts"))
    if off_page:
        found.append(PdfFinding(
            name, number, "pdf-outside-page",
            f"page {number}: {_count(off_page)} outside the page itself: cut off when printed "
            "and never seen on screen", _describe(off_page),
            "keep everything on the page: scale or split what does not fit"))
    return found


def _inside(shape: Shape, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = (float(shape[key]) for key in ("x0", "top", "x1", "bottom"))
    return (x0 >= box[0] - TOLERANCE and top >= box[1] - TOLERANCE
            and x1 <= box[2] + TOLERANCE and bottom <= box[3] + TOLERANCE)


def _reach(shapes: list[Shape], box: tuple[float, float, float, float]) -> str:
    """How far the content passes the box, the furthest side first, in millimetres."""
    beyond = {
        "above": box[1] - min(float(s["top"]) for s in shapes),
        "below": max(float(s["bottom"]) for s in shapes) - box[3],
        "left of": box[0] - min(float(s["x0"]) for s in shapes),
        "right of": max(float(s["x1"]) for s in shapes) - box[2],
    }
    side, points = max(beyond.items(), key=lambda item: item[1])
    return f"{points * 25.4 / 72:.0f} mm {side} it"


def _count(shapes: list[Shape]) -> str:
    glyphs = sum(1 for s in shapes if s["kind"] == "char")
    drawings = len(shapes) - glyphs
    parts = [f"{glyphs} glyph{'s' * (glyphs != 1)}" if glyphs else "",
             f"{drawings} drawing{'s' * (drawings != 1)}" if drawings else ""]
    return " and ".join(filter(None, parts))


def _describe(shapes: Iterable[Shape]) -> str:
    """The text of the glyphs (the first 80 characters) and the structure they are part of."""
    shapes = list(shapes)
    text = " ".join(_text(s for s in shapes if s["kind"] == "char").split())
    tags = sorted({str(s.get("tag") or "unmarked") for s in shapes})
    words = f'text "{text[:80]}{"..." if len(text) > 80 else ""}"' if text else "drawings only"
    return f"{words} (marked as {', '.join(tags)})"


def _text(glyphs: Iterable[Shape]) -> str:
    """Glyphs as words: a drawing's text has no space glyphs, so a gap or a new line is one."""
    parts: list[str] = []
    previous: Shape | None = None
    for glyph in glyphs:
        if previous is not None and (
                abs(glyph["top"] - previous["top"]) > glyph["size"] / 2
                or glyph["x0"] - previous["x1"] > glyph["size"] / 5):
            parts.append(" ")
        parts.append(str(glyph.get("text", "")))
        previous = glyph
    return "".join(parts)


# --- marked content and the structure tree ------------------------------------------------


def _claimed_mcids(pdf: pikepdf.Pdf) -> dict[int, set[int]]:
    """The marked-content ids that the structure tree's elements hold, by page index."""
    index = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    claimed: dict[int, set[int]] = {}
    root = pdf.Root.get("/StructTreeRoot")
    stack: list[tuple[pikepdf.Object, pikepdf.Object | None]] = [(root, None)] if root else []
    seen: set[tuple[int, int]] = set()
    while stack:
        element, page = stack.pop()
        if not isinstance(element, pikepdf.Dictionary):
            continue
        if element.is_indirect:
            if element.objgen in seen:
                continue
            seen.add(element.objgen)
        page = element.get("/Pg", page)
        number = index.get(page.objgen) if isinstance(page, pikepdf.Dictionary) else None
        if "/MCID" in element and "/Stm" not in element:
            if number is not None:
                claimed.setdefault(number, set()).add(int(element.MCID))
            continue
        kids = element.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, int):
                if number is not None:
                    claimed.setdefault(number, set()).add(kid)
            elif isinstance(kid, pikepdf.Dictionary):
                stack.append((kid, page))
    return claimed


def _parent_findings(name: str, number: int, page: pdfplumber.page.Page,
                     claimed: set[int]) -> list[PdfFinding]:
    """Tagged content no structure element holds, and content not marked at all."""
    orphans = [s for s in _shapes(page) if s.get("tag") != "Artifact"
               and s.get("mcid") is not None and int(s["mcid"]) not in claimed]
    unmarked = [s for s in _shapes(page) if s.get("tag") is None and s["kind"] == "char"]
    found = []
    if orphans:
        found.append(PdfFinding(
            name, number, "pdf-no-structure-parent",
            f"page {number}: {_count(orphans)} tagged as content, but no element of the "
            "structure tree holds them (a running header or footer not marked as an artifact?)",
            _describe(orphans),
            "mark running headers and footers as /Artifact /Pagination (pdf.py does this for "
            "marked content the structure tree does not hold)"))
    if unmarked:
        found.append(PdfFinding(
            name, number, "pdf-unmarked-content",
            f"page {number}: {_count(unmarked)} neither tagged nor marked as an artifact",
            _describe(unmarked), "render the PDF with tags (WeasyPrint's pdf/ua-1 variant)"))
    return found


# --- link annotations ---------------------------------------------------------------------


def _link_findings(path: Path, pdf: pikepdf.Pdf) -> Iterator[PdfFinding]:
    """Link annotations whose /Contents is an identifier rather than words."""
    name = path.name
    anchors = _named_destinations(pdf)
    for number, page in enumerate(pdf.pages, 1):
        identifiers = []
        for annotation in page.get("/Annots", pikepdf.Array()):
            if annotation.get("/Subtype") != "/Link":
                continue
            contents = str(annotation.get("/Contents", "")).strip()
            if looks_like_identifier(contents, anchors) and not (
                    _IDENTIFIER.fullmatch(contents) is None
                    and _shown_in(path, number, annotation, contents)):
                identifiers.append(contents)
        if identifiers:
            examples = ", ".join(f"'{text}'" for text in dict.fromkeys(identifiers))
            yield PdfFinding(
                name, number, "pdf-link-contents-identifier",
                f"page {number}: {len(identifiers)} link annotation"
                f"{'s' * (len(identifiers) != 1)} describe{'s' * (len(identifiers) == 1)} "
                "the link by an identifier, not words (a screen reader says it aloud)",
                f"/Contents {examples[:200]}",
                "set each link annotation's /Contents to the link's own text (pdf.py does)")


def _shown_in(path: Path, number: int, annotation: pikepdf.Object, contents: str) -> bool:
    """Whether a link's /Contents is the words the reader sees in its area of the page: a
    one-word link whose words are also its anchor's name ('Read the objectives', to the
    anchor 'objectives') is described by its words, not by an identifier."""
    rect = [float(value) for value in annotation.get("/Rect", [])]
    if len(rect) != 4:
        return False
    with pdfplumber.open(path, pages=[number]) as document:
        page = document.pages[0]
        left, bottom, right, top = rect
        box = (max(left, 0), max(page.height - max(top, bottom), 0),
               min(right, page.width), min(page.height - min(top, bottom), page.height))
        shown = page.crop(box).extract_text() or ""
    return contents.casefold() in " ".join(shown.split()).casefold()


def looks_like_identifier(contents: str, anchors: set[str]) -> bool:
    """An anchor's name, or words joined by hyphens or underscores without a space."""
    return contents in anchors or _IDENTIFIER.fullmatch(contents) is not None


def _named_destinations(pdf: pikepdf.Pdf) -> set[str]:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if isinstance(names, pikepdf.Dictionary) else None
    if not isinstance(dests, pikepdf.Dictionary):
        return set()
    return {str(key) for key in pikepdf.NameTree(dests).keys()}  # noqa: SIM118
