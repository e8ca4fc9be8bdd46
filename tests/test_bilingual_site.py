"""Issue 19: a bilingual strategy's site, built for real (`mkdocs build --strict`) from the
example partnership in tests/fixtures/bilingual/ (made-up text; Welsh the default): every page
in both languages, each linked to its version in the other (GOV.UK's language link) and back,
`<html lang>` and the `hreflang` alternates right, Material's Welsh strings on the Welsh pages,
each language's navigation apart, and search per language."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import (
    FIXTURES,
    REPO,
    BuiltSite,
    article,
    build_site,
    in_chromium,
    is_redirect,
    make_project,
)
from strategy_site.gate.a11y_check import serve

BILINGUAL = REPO / "tests" / "fixtures" / "bilingual"
HOME = "enghraifft"
ENGLISH = f"{HOME}/en"
"""The English version's home: Welsh is the strategy's default, at the partnership's home."""

ROOT = "http://site.test/sub/path/"
"""Where the built site is imagined, to resolve its relative links (any sub-path)."""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The example built as a council's CI builds it: strictly, so a warning stops it."""
    tmp_path = tmp_path_factory.mktemp("bilingual")
    project = make_project(tmp_path, BILINGUAL, pdfs=False, timetable_today=dt.date(2025, 6, 1))
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d",
                          str(tmp_path / "site")], cwd=project, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "WARNING" not in run.stderr, run.stderr[-3000:]
    return BuiltSite(tmp_path / "site")


class _Page(HTMLParser):
    """What a page says of its language: `<html lang>`, its hreflang alternates, its
    language link (the links in `.strategy-language`), and every link in its navigation."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.alternates: list[tuple[str, str]] = []
        self.language_links: list[dict[str, str | None]] = []
        self.nav_links: list[str] = []
        self._in_language = False
        self._in_nav = 0
        self._link: dict[str, str | None] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "html":
            self.lang = found.get("lang")
        elif tag == "link" and found.get("rel") == "alternate" and found.get("hreflang"):
            self.alternates.append((found["hreflang"] or "", found.get("href") or ""))
        elif tag == "p" and "strategy-language" in classes:
            self._in_language = True
        elif tag == "a" and self._in_language:
            self._link = {**found, "text": ""}
        elif tag == "nav" and "md-nav--primary" in classes:
            self._in_nav = 1
        elif tag == "nav" and self._in_nav:
            self._in_nav += 1
        if tag == "a" and self._in_nav and found.get("href"):
            self.nav_links.append(found["href"] or "")

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link["text"] = (self._link["text"] or "") + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.language_links.append(self._link)
            self._link = None
        elif tag == "p":
            self._in_language = False
        elif tag == "nav" and self._in_nav:
            self._in_nav -= 1


def _read(site: BuiltSite, path: str) -> _Page:
    return _Page(site.html(path))


def _at(page: str, href: str) -> str:
    """A link's target, from the page it is on (by its path in the site), as a path in the
    site ('enghraifft/en/about/')."""
    target = urljoin(ROOT + page, href)
    assert target.startswith(ROOT), (page, href)
    return target[len(ROOT):].split("#")[0]


def _pages(site: BuiltSite, under: str, leave_out: str | None = None) -> set[str]:
    """Every page under a folder of the site, redirects included, by path below it ('' for
    the folder's own, 'about/')."""
    folder = site.root / under
    return {"" if path.parent == folder else f"{path.parent.relative_to(folder)}/"
            for path in folder.rglob("index.html")
            if leave_out is None or not path.is_relative_to(folder / leave_out)}


def _twins(site: BuiltSite) -> list[tuple[str, str]]:
    """Each page of the Welsh version and its English twin (their paths in the site), the
    newest edition's own addresses (redirects) left out."""
    welsh = sorted(_pages(site, HOME, leave_out="en"))
    return [(f"{HOME}/{path}", f"{ENGLISH}/{path}")
            for path in welsh if not is_redirect(site.root / HOME / path / "index.html")]


def test_every_page_is_built_in_both_languages(site: BuiltSite) -> None:
    welsh = _pages(site, HOME, leave_out="en")
    english = _pages(site, ENGLISH)
    assert welsh == english, (welsh ^ english)
    # Every page of the template, the edition history and the Key dates page, in each, and
    # the edition's own address in each language.
    assert {"", "definition/", "partnership/", "needs-assessment/", "objectives/",
            "needs-assessment-summary/", "about/", "editions/", "key-dates/", "2025/",
            "2025/about/", "2024/", "2024/about/"} <= welsh
    assert "Strategaeth Dyletswydd Trais Difrifol" in site.text(f"{HOME}/")
    assert "Serious Violence Duty Strategy" in site.text(f"{ENGLISH}/")
    assert "Lleihau troseddau cyllyll yn Enghraifft" in site.text(f"{HOME}/objectives/")
    assert "Reduce knife crime in Example" in site.text(f"{ENGLISH}/objectives/")


def test_an_earlier_editions_pages_lead_to_the_latest_in_their_language(
        site: BuiltSite) -> None:
    for home in (HOME, ENGLISH):
        page = f"{home}/2024/about/"
        notice = re.search(r'<div class="strategy-notice".*?</div>', site.html(page), re.S)
        assert notice, page
        links = {_at(page, href) for href in re.findall(r'href="([^"]*)"', notice.group(0))}
        assert links == {f"{home}/", f"{home}/editions/"}, page
    history = site.text(f"{ENGLISH}/editions/")
    assert "The page about the strategy updated." in history
    assert "Y dudalen am y strategaeth" in site.text(f"{HOME}/editions/")


def test_each_page_links_to_its_twin_in_the_other_language_and_back(site: BuiltSite) -> None:
    for welsh, english in _twins(site):
        [to_english] = _read(site, welsh).language_links
        assert (to_english["text"], to_english["lang"], to_english["hreflang"]) == (
            "English", "en", "en"), welsh
        assert _at(welsh, to_english["href"] or "") == english
        [to_welsh] = _read(site, english).language_links
        assert (to_welsh["text"], to_welsh["lang"], to_welsh["hreflang"]) == (
            "Cymraeg", "cy", "cy"), english
        assert _at(english, to_welsh["href"] or "") == welsh


def test_each_page_says_its_language(site: BuiltSite) -> None:
    for welsh, english in _twins(site):
        assert _read(site, welsh).lang == "cy", welsh
        assert _read(site, english).lang == "en", english
    # The edition's own address sends readers on in its own language.
    assert 'lang="en"' in site.html(f"{ENGLISH}/2025/about/")[:200]
    assert 'lang="cy"' in site.html(f"{HOME}/2025/about/")[:200]
    # The site's own pages stay in the site's language.
    assert _read(site, "").lang == "en"


def test_hreflang_alternates_name_both_versions_from_each(site: BuiltSite) -> None:
    for welsh, english in _twins(site):
        for page in (welsh, english):
            alternates = {(lang, _at(page, href)) for lang, href in _read(site, page).alternates}
            assert alternates == {("cy", welsh), ("en", english), ("x-default", welsh)}, page
    assert _read(site, "").alternates == []


def test_welsh_pages_carry_materials_welsh_strings(site: BuiltSite) -> None:
    welsh = site.html(f"{HOME}/about/")
    english = site.html(f"{ENGLISH}/about/")
    # The search button and the navigation's name, from Material's cy.html and en.html.
    assert 'aria-label="Chwilio"' in welsh and 'aria-label="Search"' not in welsh
    assert 'aria-label="Llywio"' in welsh
    assert '"search.result.placeholder": "Teipiwch i ddechrau chwilio"' in welsh
    assert 'aria-label="Search"' in english and 'aria-label="Chwilio"' not in english
    assert '"search.result.placeholder": "Type to start searching"' in english


def test_a_page_shows_its_own_languages_navigation_only(site: BuiltSite) -> None:
    for welsh, english in _twins(site):
        welsh_nav = {_at(welsh, href) for href in _read(site, welsh).nav_links}
        english_nav = {_at(english, href) for href in _read(site, english).nav_links}
        assert f"{HOME}/" in welsh_nav and f"{ENGLISH}/" in english_nav
        assert not any(path.startswith(f"{ENGLISH}/") for path in welsh_nav), welsh
        assert not any(path.startswith(f"{HOME}/") and not path.startswith(f"{ENGLISH}/")
                       for path in english_nav), english


def test_with_every_partnership_in_the_navigation_a_document_is_there_in_one_language(
        tmp_path: Path) -> None:
    """nav_scope: all lists every partnership on every page: a bilingual one in the page's
    language, else in its default, never in both."""
    data = tmp_path / "data"
    shutil.copytree(BILINGUAL, data)
    shutil.copytree(FIXTURES / "regions" / "northshire", data / "northshire")
    built = build_site(tmp_path, data, nav_scope="all", pdfs=False,
                       timetable_today=dt.date(2025, 6, 1))
    navs = {page: {_at(page, href) for href in _read(built, page).nav_links}
            for page in (f"{HOME}/about/", f"{ENGLISH}/about/", "northshire/", "")}
    for page in (f"{HOME}/about/", "northshire/", ""):
        assert {f"{HOME}/", "northshire/"} <= navs[page], page
        assert not any(path.startswith(f"{ENGLISH}/") for path in navs[page]), page
    assert {f"{ENGLISH}/", "northshire/"} <= navs[f"{ENGLISH}/about/"]
    assert f"{HOME}/" not in navs[f"{ENGLISH}/about/"]


def test_the_home_page_lists_the_strategy_once_with_a_link_to_its_english(
        site: BuiltSite) -> None:
    html = article(site.html(""))
    assert html.count('href="enghraifft/"') == 1, html
    assert ('<a href="enghraifft/" lang="cy">Enghraifft: Strategaeth Dyletswydd Trais '
            'Difrifol</a>') in html
    assert ('<a href="enghraifft/en/" lang="en" hreflang="en">English: Example: Serious '
            'Violence Duty Strategy</a>') in html
    assert '<h2 id="enghraifft" lang="cy">Partneriaeth Diogelwch Cymunedol Enghraifft</h2>' \
        in html


def test_key_dates_in_each_language_from_one_set_of_deadlines(site: BuiltSite) -> None:
    welsh = site.text(f"{HOME}/key-dates/")
    english = site.text(f"{ENGLISH}/key-dates/")
    assert "Diffiniad o Drais Difrifol" in welsh and "Definition of Serious Violence" in english
    # One calendar feed, the default version's, which both pages link to.
    assert (site.root / HOME / "key-dates.ics").is_file()
    assert not (site.root / ENGLISH / "key-dates.ics").exists()
    for page in (f"{HOME}/key-dates/", f"{ENGLISH}/key-dates/"):
        [feed] = re.findall(r'href="([^"]*\.ics)"', article(site.html(page)))
        assert _at(page, feed) == f"{HOME}/key-dates.ics", page
    # The site's timetable lists each deadline once.
    timetable = site.text("timetable/")
    assert timetable.count("Diffiniad o Drais Difrifol") == 1, timetable
    assert "Definition of Serious Violence" not in timetable


class _Words(HTMLParser):
    """Every word a page says (its text, and the names and titles its elements carry, those
    the search script writes included), each with the language it is marked in: that of the
    nearest element with a `lang` below <html>, or None for the page's own."""

    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                      "meta", "source", "track", "wbr"})
    SAID = frozenset({"aria-label", "title", "placeholder", "alt"})
    HIDDEN = frozenset({"script", "style", "svg", "title"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[tuple[str | None, str]] = []
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def _language(self) -> str | None:
        return next((lang for tag, lang in reversed(self._open)
                     if lang is not None and tag != "html"), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self._open.append((tag, found.get("lang")))
        self.words.extend((self._language(), " ".join(value.split()))
                          for name, value in found.items() if value
                          and (name in self.SAID or name.startswith("data-strategy-"))
                          and not name.startswith(("data-strategy-for", "data-strategy-toggle",
                                                   "data-strategy-close", "data-strategy-next")))
        if tag in self.VOID:
            self._open.pop()

    def handle_endtag(self, tag: str) -> None:
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, data: str) -> None:
        if data.strip() and not any(tag in self.HIDDEN for tag, _lang in self._open):
            self.words.append((self._language(), " ".join(data.split())))

    def marked(self, text: str) -> set[str | None]:
        """The languages `text` is marked in wherever the page says it."""
        return {lang for lang, said in self.words if said == text}


THEME_WORDS = ("Skip to main content", "Close search", "Show more results", "Close the menu",
               "Back from", "Pages in", "contents of this page", "Accessibility statement",
               "Search is not available")
"""The theme overrides' own English words: none is left on a Welsh page."""
THEME_WORDS_IN_WELSH = ("Neidio i'r prif gynnwys", "Dewislen", "Cau'r chwiliad",
                        "Dangos rhagor o ganlyniadau", "Cau'r ddewislen",
                        "Datganiad hygyrchedd", "Nid yw chwilio ar gael")
"""Their Welsh, on every Welsh page (the menu's back buttons only on a page in it)."""
SITE_NAME = "Serious Violence Duty strategies"
SITE_PAGES = ("Home", "Timetable", "About this site", "Accessibility statement",
              "Authoring guide")
"""The site's own pages in the navigation (English pages, docs/)."""


def test_a_welsh_page_has_no_english_words_of_the_theme(site: BuiltSite) -> None:
    """WCAG 3.1.2 and the Welsh Language Standards: the theme's words (the skip link, the
    menu's and search's buttons, what the search script says) are Welsh on a Welsh page."""
    for welsh, _english in _twins(site):
        words = _Words(site.html(welsh)).words
        unmarked = [said for lang, said in words if lang != "en"]
        left = [said for said in unmarked if said == "Menu"
                or any(english in said for english in THEME_WORDS)]
        assert left == [], welsh
        assert all(any(word in said for said in unmarked) for word in THEME_WORDS_IN_WELSH), (
            welsh, [word for word in THEME_WORDS_IN_WELSH
                    if not any(word in said for said in unmarked)])
    about = _Words(site.html(f"{HOME}/about/"))
    assert about.marked("Yn ôl o'r adran") == {None}
    assert about.marked("Am y strategaeth: cynnwys y dudalen hon") == {None}


def test_the_sites_own_words_are_marked_english_on_a_welsh_page_only(
        site: BuiltSite) -> None:
    """What stays English on a Welsh page because it is the site's (its name, its own pages in
    the navigation, the footer's line from mkdocs.yml) says so; on an English page nothing
    more is marked than before."""
    copyright = "Published by each Community Safety Partnership under the Serious Violence Duty."
    for welsh, english in _twins(site):
        in_welsh = _Words(site.html(welsh))
        in_english = _Words(site.html(english))
        for text in (SITE_NAME, copyright, *SITE_PAGES[:-2]):
            assert in_welsh.marked(text) == {"en"}, (welsh, text)
            assert in_english.marked(text) == {None}, (english, text)
        # The site's statement is linked in Welsh from the footer, to an English page.
        assert 'hreflang="en">Datganiad hygyrchedd</a>' in site.html(welsh)
    # The site's own page in English says nothing of language, as before.
    home = _Words(site.html(""))
    assert home.marked(SITE_NAME) == {None} and home.marked("Timetable") == {None}
    assert 'lang="en"' not in site.html("timetable/").split(">", 2)[2]


def test_the_link_to_a_page_in_the_other_language_says_its_language(site: BuiltSite) -> None:
    """The Welsh home page's previous page is the site's (English) home: its title in the
    footer is marked English, and the link is named by its words, not by an aria-label that
    would say "Blaenorol: Home" as Welsh."""
    html = site.html(f"{HOME}/")
    assert ('<div class="md-ellipsis" lang="en" id="strategy-footer-prev-title">\n'
            '                Home') in html, html
    assert 'aria-label="Blaenorol: Home"' not in html
    # Named by its words even at 320 px, where the theme hides them (the gate found it nameless)
    assert ('aria-labelledby="strategy-footer-prev-direction strategy-footer-prev-title"'
            in html)
    assert 'id="strategy-footer-prev-direction"' in html
    assert 'aria-label="Nesaf: ' in html


UNAVAILABLE = r"""
const [base] = args;
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 800 });
await page.goto(base + "enghraifft/", { waitUntil: "networkidle0" });
await page.focus(".md-search__input");
await page.keyboard.type("blaenoriaethau");
await page.waitForFunction(() => document.querySelector(".md-search-result__meta")
  .textContent.startsWith("Nid yw"), { timeout: 60000 }).catch(() => null);
const said = await page.$eval(".md-search-result__meta", (meta) => meta.textContent);
await browser.close();
console.log(JSON.stringify({ said }));
"""


@pytest.mark.slow  # opens the site in chromium
def test_search_says_in_welsh_that_it_is_not_available(
        site: BuiltSite, tmp_path: Path) -> None:
    """The search script's own message comes from the page: a Welsh page without its search
    index says so in Welsh."""
    broken = tmp_path / "site"
    shutil.copytree(site.root, broken)
    shutil.rmtree(broken / "pagefind")
    with serve(broken) as base:
        report: dict[str, Any] = in_chromium(UNAVAILABLE, base)
    assert report["said"] == ("Nid yw chwilio ar gael: nid oedd modd llwytho mynegai'r "
                              "chwiliad."), report


SEARCH = r"""
const [base] = args;
const report = {};
// Type into the header's search box (a desktop) and read the results' addresses.
const results = async (path, words) => {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(base + path, { waitUntil: "networkidle0" });
  await page.focus(".md-search__input");
  await page.keyboard.type(words);
  await page.waitForFunction((words) => document.querySelector(".md-search-result__meta")
    .textContent.startsWith("\u201c" + words + "\u201d"), { timeout: 60000 }, words);
  const found = await page.$$eval(".md-search-result__link", (links) =>
    links.map((link) => new URL(link.href).pathname));
  const said = await page.$eval(".md-search-result__meta", (meta) => meta.textContent);
  await page.close();
  return { found, said };
};
report.welshFromWelsh = await results("enghraifft/", "blaenoriaethau");
report.englishFromEnglish = await results("enghraifft/en/", "priorities");
report.welshFromEnglish = await results("enghraifft/en/", "blaenoriaethau");
report.englishFromWelsh = await results("enghraifft/", "priorities");
await browser.close();
console.log(JSON.stringify(report));
"""


@pytest.mark.slow  # opens the site in chromium
def test_search_finds_pages_in_the_language_of_the_page_searched_from(
        site: BuiltSite) -> None:
    """Pagefind keeps an index per `<html lang>`, and loads the one of the page it runs on:
    a Welsh word found from a Welsh page leads to the Welsh page; from an English page the
    English index has no Welsh words."""
    with serve(site.root) as base:
        report: dict[str, Any] = in_chromium(SEARCH, base)
    path = urlsplit(base).path
    assert report["welshFromWelsh"]["found"] == [f"{path}{HOME}/about/"], report
    assert "1 dogfen sy'n cyfateb" in report["welshFromWelsh"]["said"], report
    # The English index holds the site's own pages (in English) and the English version.
    english = report["englishFromEnglish"]["found"]
    assert f"{path}{ENGLISH}/about/" in english, report
    assert not [found for found in english if found.startswith(f"{path}{HOME}/")
                and not found.startswith(f"{path}{ENGLISH}/")], report
    assert report["welshFromEnglish"]["found"] == [], report
    assert report["englishFromWelsh"]["found"] == [], report
