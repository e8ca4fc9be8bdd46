"""Audit of issue 19 (Welsh and English) on data the code was not written against:
tests/fixtures/audit-cy/ (made-up text). `trefddinas` is bilingual with English the default
([en, cy]), with a further document, an earlier edition, withheld pieces, diagrams, a chart,
funding and free pages; `gelyn` is the same with Welsh the default and hostile text in every
Welsh value; `monoshire` is in English alone beside them. The tests "found by the audit" failed
on the code audited (436ac05) and pass since their fixes; the others record what held up."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import REPO, BuiltSite, article, make_project, visible_text

AUDIT = REPO / "tests" / "fixtures" / "audit-cy"
ROOT = "http://site.test/sub/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The audit data built strictly, without PDFs (the SVG, pages and links are the point)."""
    tmp_path = tmp_path_factory.mktemp("audit-cy")
    project = make_project(tmp_path, AUDIT, pdfs=False)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                          str(tmp_path / "site")], cwd=project, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return BuiltSite(tmp_path / "site")


def _lang(html: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', html)
    assert found
    return found.group(1)


def _in_welsh(address: str, home: str) -> bool:
    """Whether a site path is in the Welsh version of a document whose default is English."""
    return f"/{home}/cy/" in f"/{address}" or f"/{home}/adroddiad-2025/cy/" in f"/{address}"


def _footer_links(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]*)" class="md-footer__link[^"]*" aria-label="([^"]*)"',
                      html)


# --- findings ------------------------------------------------------------------------------


def test_footer_previous_and_next_stay_in_the_pages_language(site: BuiltSite) -> None:
    """FINDING: the footer's 'Blaenorol'/'Nesaf' on the Welsh landing page leads to the
    English edition history, and on the Welsh edition history to the English further
    document ('Nesaf: Townton: Delivery report 2025'); the English pages likewise lead into
    the Welsh. A reader following 'Next' changes language without asking."""
    crossing = []
    for path in site.pages():
        address = path.relative_to(site.root).as_posix()
        if not address.startswith("trefddinas/"):
            continue
        html = path.read_text(encoding="utf-8")
        welsh = _lang(html) == "cy"
        for href, label in _footer_links(html):
            target = urlsplit(urljoin(ROOT + address, href)).path.removeprefix("/sub/")
            if target.startswith("trefddinas/") and _in_welsh(target, "trefddinas") != welsh:
                crossing.append(f"{address}: {label} -> {target}")
    assert crossing == []


def test_chart_in_welsh_has_no_english_words(site: BuiltSite) -> None:
    """FINDING: a chart's drawing says 'Units: dioddefwyr' on the Welsh page (and in the
    Welsh PDF): diagrams.py writes f"Units: {chart.units}", not through the catalog, so
    test_catalog cannot see it."""
    svg = re.findall(r"<svg\b.*?</svg>", site.html("trefddinas/cy/figures/"), re.S)
    assert svg
    assert not any("Units:" in drawing for drawing in svg)


def test_key_dates_in_welsh_name_each_deadline_in_welsh_or_mark_it_english(
        site: BuiltSite) -> None:
    """FINDING: the Welsh Key dates page names the timetable's rules in English ('The
    strategy is sent to the Home Office within 7 days of its publication') without
    lang="en", so a screen reader reads English words with Welsh pronunciation; the README
    says the page 'names them in its words'."""
    html = site.html("trefddinas/cy/key-dates/")
    rows = re.findall(r'<th scope="row"([^>]*)>(.*?)</th>', html, re.S)
    assert rows
    english = [text for attrs, text in rows
               if "Home Office" in text and 'lang="en' not in attrs and 'lang="en' not in text]
    assert english == []


def test_welsh_pages_mark_the_sites_english_name(site: BuiltSite) -> None:
    """Found by the audit (the site's words): the site's name is English only; on a Welsh
    page every element that carries it (the header's 'Serious Violence Duty strategies', as
    text or as a label) says lang="en"."""
    html = site.html("trefddinas/cy/")
    named = re.findall(r'<[^>]*aria-label="Serious Violence Duty strategies"[^>]*>', html)
    assert named and [tag for tag in named if ' lang="en"' not in tag] == []


# --- what held up ----------------------------------------------------------------------------


class _LanguageLinks(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[dict[str, str | None]] = []
        self.alternates: list[tuple[str | None, str | None]] = []
        self._inside = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "p" and "strategy-language" in (found.get("class") or "").split():
            self._inside = True
        elif tag == "a" and self._inside:
            self.links.append(found)
        elif tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            self.alternates.append((found.get("hreflang"), found.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._inside = False


def _target(site: BuiltSite, page: Path, href: str) -> Path:
    address = page.relative_to(site.root).as_posix()
    path = urlsplit(urljoin(ROOT + address, href)).path.removeprefix("/sub/")
    return site.root / path / "index.html" if path.endswith("/") or not path else site.root / path


def test_language_links_lead_both_ways_on_every_page(site: BuiltSite) -> None:
    """Held up: every page of both bilingual partnerships (both orders), their earlier
    edition's copies, edition history, Key dates and the further document has one language
    link, marked lang and hreflang, to a page in the other language that links back."""
    problems = []
    for page in site.pages():
        address = page.relative_to(site.root).as_posix()
        if not address.startswith(("trefddinas/", "gelyn/")):
            continue
        links = _LanguageLinks(page.read_text(encoding="utf-8")).links
        if len(links) != 1 or not links[0].get("lang") or not links[0].get("hreflang"):
            problems.append(f"{address}: {links}")
            continue
        other = _target(site, page, links[0]["href"] or "")
        back = _LanguageLinks(other.read_text(encoding="utf-8")).links
        if not back or _target(site, other, back[0]["href"] or "") != page:
            problems.append(f"{address} -> {other}: no link back")
    assert problems == []


def test_hostile_welsh_text_is_escaped(site: BuiltSite) -> None:
    """Held up: script tags, broken quotes, Jinja syntax, a zero-width space and a 120-letter
    Welsh word in every Welsh value stay text in pages and inline SVG."""
    import xml.dom.minidom

    for page in (site.root / "gelyn").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "49 Llanfair" not in html, page
        for drawing in re.findall(r"<svg\b.*?</svg>", html, re.S):
            xml.dom.minidom.parseString(drawing)
    assert "&lt;script&gt;alert(1)" in visible_text(article(site.html("gelyn/about/"))) or \
        "<script>alert(1)" in visible_text(article(site.html("gelyn/about/")))


CASES = {
    "strategy.yaml": ("  cy: Partneriaeth Diogelwch Cymunedol Trefddinas\n", "", 9,
                      "partnership"),
    "diagrams.yaml": ("{en: North, cy: Gogledd}", "{en: North}", None,
                      "diagrams[2].categories[1]"),
    "about.yaml": ("[{en: Board, cy: Bwrdd}, 4]", "[{en: Board}, 4]", None,
                   "blocks[3].table.rows[1][1]"),
    "adroddiad-2025/delivery.yaml": ("  cy: Yr hyn a gyflawnwyd gennym\n", "", 1, "title"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_missing_welsh_value_names_file_line_and_field(tmp_path: Path, name: str) -> None:
    """Held up: a Welsh value left out of strategy.yaml, a diagram, a table cell of a page and
    a further document's page is an error with file, line and field."""
    old, new, line, field = CASES[name]
    data = tmp_path / "strategy_data"
    shutil.copytree(AUDIT, data)
    path = data / "trefddinas" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = subprocess.run([str(Path(sys.executable).parent / "strategy-site"), "check",
                          "--data", str(data), "--today", "2025-06-01"],
                         capture_output=True, text=True, cwd=tmp_path, timeout=120)
    output = run.stdout + run.stderr
    assert run.returncode != 0
    pattern = rf"trefddinas/{re.escape(name)}:{line or r'[0-9]+'}: field '{re.escape(field)}'"
    assert re.search(pattern + ".*Welsh \\(cy\\)", output), output[-2000:]


@pytest.mark.slow  # renders the PDFs
def test_a_one_word_link_named_like_its_page_passes_the_gates_pdf_checks(
        tmp_path: Path) -> None:
    """Found by the audit (the gate; not Welsh alone): 'Read the
    [objectives](../objectives/)', a link written as the guide says, has the /Contents
    'objectives' in the English PDF, its own words, which is also its anchor's name: the
    gate's PDF check called it an identifier and refused the English PDF alone."""
    from strategy_site.gate import pdf_checks

    data = tmp_path / "strategy_data"
    shutil.copytree(AUDIT / "trefddinas", data / "trefddinas",
                    ignore=shutil.ignore_patterns("editions", "adroddiad-2025"))
    shutil.copy(AUDIT / "timetable.yaml", data / "timetable.yaml")
    about = data / "trefddinas" / "about.yaml"
    about.write_text(about.read_text("utf-8").replace("(objectives.md)", "(../objectives/)"),
                     "utf-8")
    project = make_project(tmp_path, data, pdfs=True)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                          str(tmp_path / "site")], cwd=project, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    margins = pdf_checks.page_margins(pdf_checks.PRINT_CSS.read_text("utf-8"))
    for pdf in sorted((tmp_path / "site" / "trefddinas").rglob("*.pdf")):
        assert pdf_checks.pdf_findings(pdf, margins) == [], pdf.name


