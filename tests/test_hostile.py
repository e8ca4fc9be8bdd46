"""Hostile text in the data is shown as text, never run and never injected: not into a page,
an inline SVG drawing, the search index, a PDF, a calendar feed or the sitemap.

The module builds one hostile site: the minimal London-template borough (testshire) with every
optional part, every diagram kind and a table, and the diagrams fixture (diagramshire, a free
document), with hostile text in every kind of field. Each hostile field holds a label, `H001`,
`H002` ..., then the same hostile text (`HOSTILE`: a script element, event-handler attributes,
quotes that close attributes, Jinja syntax, characters that break SVG/XML), so a field can be
followed from the data to every output it reaches. Prose fields add Markdown links and images
to `javascript:`, `data:` and `vbscript:` addresses, written every way a browser still reads as
one (upper case, entities, a tab, a reference, an autolink). A twin site is built from the
same data with plain words in place of the hostile text: it has the theme's own scripts, tags
and attributes, which the hostile site may have and nothing more.

Addresses in `links:` and `contact.website` are checked by the model and refused at load
(`test_a_script_address_in_a_link_or_website_is_refused`); control characters and bidi
controls have tests of their own, as they are refused rather than published.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import pikepdf
import pypdf
import pytest
import yaml
from mkdocs.exceptions import Abort, PluginError

from conftest import (
    DATA,
    FIXTURES,
    BuiltSite,
    build_site,
    copy_data,
    in_chromium,
    search_records,
    visible_text,
)
from strategy_site.diagrams import CHAR
from strategy_site.gate.a11y_check import serve
from strategy_site.loading import StrategyDataError, load_site

HOSTILE = " ".join([
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    "{{ 7*7 }} {% raw %} {{ config }}",
    "]]> </svg> <![CDATA[ & <",
])
"""The hostile text every hostile field carries after its label."""

PLAIN = "plain words in the same place"
"""What the twin site has where the hostile site has `HOSTILE`."""

SCRIPT_LINKS = (
    "[js](javascript:alert(1)) [mixed](JaVaScRiPt:alert(1)) "
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
    "<javascript:alert(1)> [ref][evil] ![img](javascript:alert(1)) "
    "[entity](&#106;avascript:alert(1)) [colon](javascript&colon;alert(1)) "
    "[tab](java&#9;script:alert(1)) [vb](vbscript:msgbox(1)) [proto](//evil.example/x) "
    "[back](/\\evil.example/x) [entity2](&#47;/evil.example/x) [web](https://example.org/safe)"
    "\n\n[evil]: javascript:alert(1)\n"
)
"""Markdown links and images a browser would follow to run script, or that look site-relative
but lead to another website (`//host`, `/\\host`); prose keeps only the last."""

PLAIN_LINKS = "[web](https://example.org/safe)\n"

LONG = ("Antidisestablishmentarianism" * 11)[:300]
"""A 300-character word: no space to wrap at."""

RLM = "Right\u200fto\u200fleft marks"
"""Right-to-left marks (U+200F): invisible, harmless, kept."""

QUOTED_URL = 'https://example.org/?q=" onmouseover="alert(1)'
"""A web address the model accepts (https) with quotes that would close an href."""

ICS_BREAKER = ' ;,\\ END:VEVENT BEGIN:VALARM ACTION:DISPLAY END:VALARM'
"""Text after a review-dates element that would end its calendar event and add an alarm. (The
line breaks that would start the new lines are refused at load: the element is one line.)"""

TODAY = dt.date(2025, 2, 10)

# --- the data -----------------------------------------------------------------------------


@dataclass
class _Fields:
    """Labelled values for the data: `text()` a short field, `prose()` a Markdown one."""

    payload: str
    links: str
    labels: list[str] = field(default_factory=list)

    def text(self) -> str:
        label = f"H{len(self.labels) + 1:03d}"
        self.labels.append(label)
        return f"{label} {self.payload}"

    def prose(self) -> str:
        return f"{self.text()}\n\n{self.links}"


_NOT_TEXT = {"id", "kind", "chart", "layout", "diagram", "template", "contents", "values",
             "totals", "edition", "number", "published", "review_by", "part", "email"}
"""Keys of the diagrams fixture whose strings are identifiers, choices, data or an address, not
text."""


def _poison(value: Any, fields: _Fields, key: str = "") -> Any:
    """The fixture's YAML with every piece of text replaced by a labelled field."""
    if isinstance(value, dict):
        return {k: v if k in _NOT_TEXT else _poison(v, fields, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(item, fields, key) for item in value]
    if isinstance(value, str):
        return fields.prose() if key in ("body", "text") else fields.text()
    return value


def _write(path: Path, data: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000),
                    encoding="utf-8")


def _chart(ident: str, f: _Fields, **options: Any) -> dict[str, Any]:
    return dict(id=ident, kind="chart", title=f.text(), description=f.text(), units=f.text(),
                period=f.text(), source=f.text(), category_label=f.text(),
                categories=[f.text(), LONG, f.text()],
                series=[dict(name=f.text(), values=[12, 30, "<10"]),
                        dict(name=LONG, values=[3, 4, 5])], **options)


def _data(root: Path, f: _Fields) -> Path:
    """A data folder: testshire with every part written here, diagramshire poisoned."""
    data = copy_data(root, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    for source in sorted((FIXTURES / "diagrams" / "diagramshire").glob("*.yaml")):
        target = data / "diagramshire" / source.name
        target.parent.mkdir(exist_ok=True)
        content = yaml.safe_load(source.read_text(encoding="utf-8"))
        # Its borough is hostile; a hostile title too would make too long a PDF file name
        # (test_a_long_title_still_builds).
        title = content.pop("title") if source.name == "strategy.yaml" else None
        poisoned = _poison(content, f)
        if title is not None:
            poisoned = {"title": title, **poisoned}
        _write(target, poisoned)
    ts = data / "testshire"
    edition = "2025 <script>alert(1)</script>" if f.payload == HOSTILE else "2025 plain"
    _write(ts / "strategy.yaml", dict(
        title=f"Strategy {f.text()}", borough="Testshire", partnership=f.text(),
        legislation=f.text(), strapline=f.text(), period=f.text(), edition=edition,
        published=dt.date(2025, 1, 31), next_review=dt.date(2026, 1, 31),
        # The address is one address, nothing else (refused at load otherwise, tested below).
        contact=dict(team=f.text(), name=f.text(), role=f.text(), organisation=f.text(),
                     email="csp@testshire.example",
                     website=QUOTED_URL, hashtag=f.text()),
        changes=f.prose(), amendments=[dict(date=dt.date(2025, 2, 3), reason=f.text())]))
    _write(ts / "foreword.yaml", dict(title=f.text(), body=f.prose(), signatories=[
        dict(name=f.text(), roles=[f.text(), f.text()])]))
    _write(ts / "introduction.yaml", dict(
        title=f.text(), body=f.prose(),
        blocks=[dict(text=f.prose()), *(dict(diagram=d) for d in
                                          ("tree", "groups", "framework", "bars", "stack", "line")),
                dict(table=dict(caption=f.text(), columns=[f.text(), f.text()],
                                rows=[[f.text(), f.text()], [LONG, RLM]], source=f.text(),
                                note=f.prose())),
                dict(chart_not_available=dict(title=f.text(), source=f.text()))],
        sections=[dict(title=f.text(), body=f.prose(), sections=[
            dict(title=LONG, body=f"{f.prose()}\n\n{LONG}")])],
        links=[dict(title=f.text(), url=QUOTED_URL)]))
    _write(ts / "review-dates.yaml", dict(title=f.text(), elements=[
        dict(element=f.text(), part="definition", published=dt.date(2025, 1, 31),
             review_by=dt.date(2028, 1, 31)),
        dict(element=f.text() + ICS_BREAKER, part="funding", published=dt.date(2025, 1, 31),
             review_by=dt.date(2026, 1, 31))]))
    _write(ts / "definition.yaml", dict(title=f.text(), body=f.prose(), statement=f.prose(),
                                        notes=[dict(label=f.text(), body=f.prose())]))
    for part in ("partnership", "engagement", "current-arrangements"):
        _write(ts / f"{part}.yaml", dict(title=f.text(), body=f.prose(),
                                         sections=[dict(title=f.text(), body=f.prose())]))
    _write(ts / "needs-assessment.yaml", dict(
        title=f.text(), body=f.prose(), appendix_title=f.text(),
        themes=[dict(number=1, title=f.text(), findings=[dict(topic=f.text(), body=f.prose())])]))
    _write(ts / "recommendations.yaml", dict(title=f.text(), items=[f.prose(), f.text()]))
    _write(ts / "objectives.yaml", dict(
        title=f.text(), body=f.prose(), objectives_intro=f.prose(), objectives=[dict(
            number=1, title=f.text(), scope=f.text(), body=f.prose(), actions_intro=f.prose(),
            actions=[dict(title=f.text(), body=f.prose()), dict(title=RLM)],
            closing=f.prose())]))
    _write(ts / "principles.yaml", dict(
        title=f.text(), body=f.prose(),
        prevention_levels=[dict(id="primary", name=f.text(), description=f.text())],
        principles_intro=f.prose(),
        principles=[dict(name=f.text(), prevention=["primary"], commitments=[f.prose()])]))
    _write(ts / "themes.yaml", dict(
        title=f.text(), body=f.prose(), themes=[dict(number=1, title=f.text(),
                                                     description=f.prose())],
        context=f.prose(), specific_actions=dict(intro=f.prose(), items=[f.prose()])))
    _write(ts / "funding.yaml", dict(
        title=f.text(), body=f.prose(), years=["2024/2025", "2025/2026"], streams=[
            dict(name=f.text(), activity=f.prose(), items=[
                dict(item=f.text(), group=f.text(), note=f.text(),
                     amounts={"2024/2025": 1000, "2025/2026": 2500.5})]),
            dict(name=LONG, activity=f.text(), items=[dict(item=f.text(),
                                                           amounts={"2025/2026": 5})])],
        chart=dict(title=f.text(), description=f.text())))
    _write(ts / "diagrams.yaml", dict(diagrams=[
        dict(id="tree", kind="tree", title=f.text(), description=f.text(), nodes=[dict(
            label=f.text(), children=[dict(label=LONG), dict(label=RLM, children=[
                dict(label=f.text())])])]),
        dict(id="groups", kind="groups", title=f.text(), description=f.text(),
             groups=[dict(label=f.text(), members=[f.text(), LONG])], footnote=f.text()),
        dict(id="framework", kind="framework", title=f.text(), description=f.text(),
             layers=[dict(label=f.text(), statements=[f.text(), LONG]),
                     dict(statements=[f.text()])]),
        _chart("bars", f, chart="bar", prefix='"<&'),
        _chart("stack", f, chart="bar", layout="stacked", totals=True),
        _chart("line", f, chart="line", prefix="£")]))
    return data


@dataclass
class Built:
    site: BuiltSite
    labels: list[str]


def _build(factory: pytest.TempPathFactory, name: str, fields: _Fields) -> Built:
    root = factory.mktemp(name)
    site = build_site(root, _data(root, fields), overdue_log_level="info",
                      timetable_today=TODAY)
    return Built(site, fields.labels)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "hostile", _Fields(HOSTILE, SCRIPT_LINKS))


@pytest.fixture(scope="module")
def twin(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return _build(tmp_path_factory, "twin", _Fields(PLAIN, PLAIN_LINKS))


# --- reading the output -------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "xlink:href", "action", "formaction", "poster", "data",
                  "background", "cite", "srcset", "ping"}
SCRIPT_SCHEMES = {"javascript", "vbscript", "data"}


def _scheme(value: str) -> str:
    """A URL's scheme as a browser reads it (the parser has decoded entities already):
    leading spaces and control characters and any tab or newline are ignored."""
    return urlsplit(value).scheme.lower()


@dataclass
class _Markup:
    """What one page could run: its scripts, its elements and attributes, its addresses."""

    page: str
    scripts: set[str] = field(default_factory=set)
    tags: set[str] = field(default_factory=set)
    attributes: set[tuple[str, str]] = field(default_factory=set)
    handlers: list[str] = field(default_factory=list)
    addresses: list[tuple[str, str, str]] = field(default_factory=list)


class _MarkupParser(HTMLParser):
    def __init__(self, markup: _Markup) -> None:
        super().__init__(convert_charrefs=True)
        self.markup = markup
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.markup.tags.add(tag)
        for name, value in attrs:
            self.markup.attributes.add((tag, name))
            if name.startswith("on"):
                self.markup.handlers.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value is not None:
                self.markup.addresses.append((tag, name, value))
        if tag == "script":
            source = dict(attrs).get("src")
            if source:
                page_dir = posixpath.dirname(self.markup.page)
                self.markup.scripts.add("src " + posixpath.normpath(
                    posixpath.join(page_dir, source)))
            else:
                self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            # Material's inline scripts name the site root relative to the page ("../..").
            body = re.sub(r"(\.\./)+|\"\.\.?\"|\"(\.\./)*\.\.\"", "", "".join(self._script))
            self.markup.scripts.add("inline " + " ".join(body.split()))
            self._script = None


def _markup(site: BuiltSite, path: Path) -> _Markup:
    markup = _Markup(path.relative_to(site.root).as_posix())
    parser = _MarkupParser(markup)
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return markup


def _site_markup(site: BuiltSite) -> list[_Markup]:
    return [_markup(site, path) for path in site.html_files()]


def _squeeze(text: str) -> str:
    """Text without any whitespace: lines wrapped anywhere compare equal."""
    return "".join(text.split())


def _words(text: str) -> str:
    return " ".join(text.split())


_SVG = re.compile(r"<svg class=\"strategy-diagram\".*?</svg>", re.S)
SVG_NS = "{http://www.w3.org/2000/svg}"


def _svgs(site: BuiltSite) -> Iterator[tuple[str, str]]:
    for path in site.pages():
        for match in _SVG.finditer(path.read_text(encoding="utf-8")):
            yield path.relative_to(site.root).as_posix(), match.group(0)


def _labels_followed_by(text: str, payload: str,
                        squeezed: bool = False) -> tuple[set[str], list[str]]:
    """The labels in `text`, and each place where a label is not followed by `payload`
    (`squeezed`: compared without whitespace, where lines of a drawing are run together)."""
    found, wrong = set(), []
    if squeezed:
        text, payload = _squeeze(text), _squeeze(payload)
    for match in re.finditer(r"\bH\d{3}\b", text):
        found.add(match.group(0))
        if not text[match.end():].startswith(payload if squeezed else f" {payload}"):
            wrong.append(text[match.start():match.end() + len(payload) + 10])
    return found, wrong


# --- pages --------------------------------------------------------------------------------


def test_no_page_has_a_script_handler_or_script_address_the_theme_does_not(
        hostile: Built, twin: Built) -> None:
    ours = _site_markup(hostile.site)
    theirs = _site_markup(twin.site)
    assert len(ours) == len(theirs) > 40
    theme_scripts = set().union(*(m.scripts for m in theirs))
    theme_tags = set().union(*(m.tags for m in theirs))
    theme_attributes = set().union(*(m.attributes for m in theirs))
    theme_data = {value for m in theirs for _, _, value in m.addresses
                  if _scheme(value) in SCRIPT_SCHEMES}
    for page in ours:
        assert not page.handlers, (page.page, page.handlers)
        assert page.scripts <= theme_scripts, (page.page, page.scripts - theme_scripts)
        assert page.tags <= theme_tags, (page.page, page.tags - theme_tags)
        assert page.attributes <= theme_attributes, (page.page,
                                                     page.attributes - theme_attributes)
        for tag, name, value in page.addresses:
            if _scheme(value) in SCRIPT_SCHEMES:
                assert value in theme_data, (page.page, f"<{tag} {name}={value!r}>")


def test_every_hostile_field_is_shown_as_its_own_text(hostile: Built) -> None:
    """Each label is followed, everywhere, by the whole hostile text as text: nothing run,
    evaluated ({{ 7*7 }} is not 49), dropped or cut. (Drawings wrap it: see the SVG tests.)"""
    seen: set[str] = set()
    for path in hostile.site.pages():
        text = visible_text(_SVG.sub(" ", path.read_text(encoding="utf-8")))
        found, wrong = _labels_followed_by(_words(text), HOSTILE)
        assert not wrong, (path, wrong[:3])
        seen |= found
    for _, svg in _svgs(hostile.site):  # a diagram's description is its drawing's <desc> only
        seen |= _labels_followed_by(" ".join(ET.fromstring(svg).itertext()), HOSTILE)[0]
    assert seen == set(hostile.labels), sorted(set(hostile.labels) - seen)
    landing = hostile.site.html("testshire/")
    assert "{{ 7*7 }}" in html.unescape(landing) and "{{ config }}" in html.unescape(landing)


def test_quotes_in_a_web_address_stay_inside_its_href(hostile: Built) -> None:
    for page in ("testshire/", "testshire/introduction/"):
        hrefs = [value for _, name, value in _markup(hostile.site,
                                                     hostile.site.root / page / "index.html")
                 .addresses if name == "href"]
        assert QUOTED_URL in hrefs, page


def test_prose_links_keep_only_web_addresses(hostile: Built) -> None:
    """The Markdown links to script addresses are text; the web link stays a link."""
    page = _markup(hostile.site, hostile.site.root / "testshire/introduction/index.html")
    assert ("a", "href", "https://example.org/safe") in page.addresses
    assert not [value for _, _, value in page.addresses if "evil.example" in value]
    text = visible_text(hostile.site.html("testshire/introduction/"))
    assert ("js mixed data <javascript:alert(1)> ref img entity colon tab vb proto back "
            "entity2 web") in text


def test_the_long_word_is_on_the_page_whole(hostile: Built) -> None:
    for page in ("testshire/introduction/", "testshire/funding/"):
        assert LONG in visible_text(_SVG.sub(" ", hostile.site.html(page))), page


def test_right_to_left_marks_are_kept_and_shown(hostile: Built) -> None:
    assert RLM in visible_text(hostile.site.html("testshire/objectives/"))
    assert RLM in visible_text(_SVG.sub(" ", hostile.site.html("testshire/introduction/")))
    svg_text = [" ".join(ET.fromstring(svg).itertext()) for page, svg in _svgs(hostile.site)
                if page == "testshire/introduction/index.html"]
    assert any(RLM in text for text in svg_text)


# --- inline SVG ---------------------------------------------------------------------------

SVG_ELEMENTS = {"svg", "title", "desc", "style", "defs", "pattern", "rect", "path", "circle",
                "text", "tspan"}


def test_every_drawing_is_well_formed_svg_with_the_hostile_text_as_text(hostile: Built) -> None:
    count = 0
    for page, svg in _svgs(hostile.site):
        root = ET.fromstring(svg)  # a ParseError here: text from the data broke the markup
        count += 1
        for element in root.iter():
            assert element.tag.removeprefix(SVG_NS) in SVG_ELEMENTS, (page, element.tag)
            assert not [a for a in element.attrib if a.startswith("on") or "href" in a], (
                page, element.attrib)
        title = root.find(f"{SVG_NS}title")
        desc = root.find(f"{SVG_NS}desc")
        assert title is not None and desc is not None
        for element in (title, desc):
            found, wrong = _labels_followed_by(element.text or "", HOSTILE)
            assert found and not wrong, (page, element.text)
        drawn = _squeeze("".join(text for element in root.iter(f"{SVG_NS}text")
                                 for text in element.itertext()))
        assert _squeeze(HOSTILE) in drawn, page
    assert count == (6 + 1) + 6  # testshire's 6 and its funding chart, diagramshire's 6, each
    # at the document's home (its edition's own address sends readers there)


def test_no_drawing_text_runs_outside_its_box(hostile: Built) -> None:
    """By the drawings' own glyph-width estimate: a long word, a long category, series name,
    label or prefix wraps inside the drawing's width instead of widening it."""
    longs = 0
    for page, svg in _svgs(hostile.site):
        root = ET.fromstring(svg)
        _, _, width, height = (float(v) for v in root.get("viewBox", "").split())
        assert width in (340.0, 560.0), page
        for text in root.iter(f"{SVG_NS}text"):
            anchor = text.get("text-anchor", "start")
            baseline = float(text.get("y", "0"))
            for span in text.iter(f"{SVG_NS}tspan"):
                line = span.text or ""
                x, size = float(span.get("x", "0")), len(line) * CHAR
                left = {"start": x, "middle": x - size / 2, "end": x - size}[anchor]
                assert left >= -0.5 and left + size <= width + 0.5, (page, anchor, x, line)
                baseline += float(span.get("dy", "0"))
                assert 0 <= baseline <= height + 0.5, (page, baseline, height, line)
        drawn = _squeeze("".join(root.itertext()))
        longs += LONG in drawn
    assert longs >= 5  # the tree, groups, framework and charts that carry the long word


# --- the search index ---------------------------------------------------------------------

def test_the_search_index_holds_the_hostile_text_as_text(hostile: Built) -> None:
    """Pagefind keeps each page's words as text (a page's fragment is JSON: its text and its
    title), never as markup: the hostile text is there whole after each label, as it was
    written. Pagefind escapes it when it quotes it with <mark>s around the words found, and
    search.js copies only text and marks (the browser test below searches for it)."""
    records = search_records(hostile.site.root)
    assert len(records) > 10
    seen: set[str] = set()
    for record in records:
        for text in (record["content"], record["meta"]["title"]):
            # Pagefind runs a drawing's lines together: compare without spaces.
            found, wrong = _labels_followed_by(text, HOSTILE, squeezed=True)
            assert not wrong, (record["url"], wrong[:2])
            seen |= found
    # Drawings are kept out of the index (their text versions hold the same words, whole), so
    # labels only a drawing shows are not there; most are, through the text versions.
    assert len(seen) > len(hostile.labels) * 0.7


# --- in a browser: search, highlighting, links, reflow ------------------------------------

BROWSER_CHECK = r"""
const [base, pagesJson] = args;
const page = await browser.newPage();
await page.setViewport({ width: 320, height: 640 });
const dialogs = [];
page.on("dialog", async (dialog) => { dialogs.push(dialog.message()); await dialog.dismiss(); });
const inspect = (what) => page.evaluate((what) => ({
  what,
  handlers: [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes]
    .filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`)),
  images: [...document.querySelectorAll("img, iframe, object, embed")].map((el) => el.outerHTML),
  scripts: [...document.querySelectorAll("script")].map((s) => s.getAttribute("src") || "inline"),
  protocols: [...new Set([...document.querySelectorAll("a[href], area[href], form[action]")]
    .map((a) => a.protocol || new URL(a.action).protocol))],
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  wideResults: [...document.querySelectorAll(".md-search-result__list *")]
    .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .map((el) => el.tagName + " " + (el.textContent || "").slice(0, 40)),
  marks: document.querySelectorAll("mark").length,
}), what);
const results = [];
for (const path of JSON.parse(pagesJson)) {
  await page.goto(base + path, { waitUntil: "load" });
  results.push(await inspect(path));
}
for (const query of ["onerror", "onmouseover"]) {
  await page.goto(base + "testshire/introduction/", { waitUntil: "load" });
  await page.click('button[data-strategy-toggle="__search"]');
  await page.type(".md-search__input", query);
  await page.waitForFunction(() => {
    const meta = document.querySelector(".md-search-result__meta");
    return meta && /\d+ matching|No matching/.test(meta.textContent);
  }, { timeout: 60000 });
  for (const link of await page.$$(".md-search-result__link")) await link.focus();
  const found = await page.$$eval(".md-search-result__item", (items) => items.length);
  results.push({ ...(await inspect(`search ${query}`)), found });
}
await page.goto(base + "testshire/introduction/?h=onerror", { waitUntil: "load" });
await page.waitForSelector("mark", { timeout: 60000 });
results.push(await inspect("highlight onerror"));
await browser.close();
console.log(JSON.stringify({ dialogs, results }));
"""

BROWSER_PAGES = [
    "testshire/", "testshire/introduction/", "testshire/funding/", "testshire/objectives/",
    "testshire/needs-assessment-summary/", "testshire/editions/", "testshire/key-dates/",
    "timetable/", "diagramshire/charts/", "diagramshire/structures/",
]


@pytest.fixture(scope="module")
def browser_report(hostile: Built) -> dict[str, Any]:
    """The hostile site served over HTTP and opened in Debian's chromium (puppeteer-core, as
    the accessibility gate runs it) at a phone's width: pages, two searches, a highlight."""
    with serve(hostile.site.root) as base:
        report: dict[str, Any] = in_chromium(BROWSER_CHECK, base, json.dumps(BROWSER_PAGES))
    return report


@pytest.mark.slow  # opens the site in chromium
def test_in_a_browser_nothing_runs_pages_searches_or_highlights(
        browser_report: dict[str, Any], hostile: Built) -> None:
    assert browser_report["dialogs"] == []
    for result in browser_report["results"]:
        what = result["what"]
        assert result["handlers"] == [] and result["images"] == [], result
        # Only the theme's scripts, as the page file has them: nothing made from the data.
        assert all(s == "inline" or "assets/javascripts/" in s for s in result["scripts"]), result
        assert set(result["protocols"]) <= {"http:", "https:", "mailto:"}, (what, result)
    searches = [r for r in browser_report["results"] if r["what"].startswith("search")]
    assert [r["found"] > 0 and r["marks"] > 0 for r in searches] == [True, True], searches
    highlight = browser_report["results"][-1]
    assert highlight["what"] == "highlight onerror" and highlight["marks"] > 0


@pytest.mark.slow  # opens the site in chromium
def test_in_a_browser_long_words_wrap_on_a_phone(browser_report: dict[str, Any]) -> None:
    """At 320 CSS px no page scrolls sideways: headings, paragraphs and list items with the
    300-character word wrap it (tables scroll in their own labelled region), and so do search
    results. (With search open, Material's overlay is a circle scaled up past the screen, so
    there only the results are measured.)"""
    pages = [r for r in browser_report["results"] if r["what"] in BROWSER_PAGES]
    assert len(pages) == len(BROWSER_PAGES)
    for result in pages:
        assert result["scrollWidth"] <= result["clientWidth"], result["what"]
    for result in browser_report["results"]:
        assert result["wideResults"] == [], result["what"]


# --- PDFs ---------------------------------------------------------------------------------

RUNNING = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/Rendition",
           "/GoToR", "/GoToE"}


def _pdfs(site: BuiltSite) -> list[Path]:
    return sorted(site.root.rglob("*.pdf"))


@pytest.mark.slow  # opens the PDFs
def test_pdfs_have_no_script_or_launch_actions(hostile: Built) -> None:
    pdfs = _pdfs(hostile.site)
    assert len(pdfs) == 4  # each document's, at its home and at its edition's address
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root, path
            names = pdf.Root.get("/Names")
            assert names is None or "/JavaScript" not in names, path
            for obj in pdf.objects:
                if not isinstance(obj, pikepdf.Dictionary):
                    continue
                assert "/JS" not in obj and "/AA" not in obj, (path, obj.objgen)
                if obj.get("/Type") == "/Action" or "/URI" in obj:
                    assert obj.get("/S") not in RUNNING, (path, obj.get("/S"))
                if "/URI" in obj:
                    uri = str(obj.get("/URI"))
                    assert _scheme(uri) in {"http", "https", "mailto"}, (path, uri)


@pytest.mark.slow  # opens the PDFs
def test_pdfs_hold_the_hostile_text_as_text(hostile: Built) -> None:
    path = next(p for p in _pdfs(hostile.site) if p.parts[-2] == "testshire")
    reader = pypdf.PdfReader(path)
    text = _words(" ".join(page.extract_text() or "" for page in reader.pages))
    squeezed = _squeeze(text)
    labels = set(re.findall(r"\bH\d{3}\b", text))
    assert len(labels) > 60
    assert squeezed.count(_squeeze(HOSTILE)) >= len(labels) * 0.9
    assert "<script>alert(1)</script>" in text and "{{ 7*7 }}" in text
    assert reader.metadata is not None
    assert re.fullmatch(rf"Testshire: Strategy H\d{{3}} {re.escape(HOSTILE)}",
                        str(reader.metadata.title))


def _matrix_product(a: list[float], b: list[float]) -> list[float]:
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


@dataclass
class _TextRuns:
    """pypdf's text visitor: each run of text on a page with its start x and an end short of
    its real one (0.45 em a character, below the fonts' average letter: ordinary text is never
    past the edge by this measure, see the twin's test)."""

    page: int
    runs: list[tuple[int, float, float, str]] = field(default_factory=list)

    def __call__(self, text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if text.strip():
            m = _matrix_product(list(tm), list(cm))
            em = size * (m[0] ** 2 + m[1] ** 2) ** 0.5
            self.runs.append((self.page, m[4], m[4] + len(text.strip()) * 0.45 * em, text))


def _pdf_text_runs(path: Path) -> Iterator[tuple[int, float, float, str]]:
    for number, page in enumerate(pypdf.PdfReader(path).pages):
        visitor = _TextRuns(number)
        page.extract_text(visitor_text=visitor)
        yield from visitor.runs


@pytest.mark.slow  # opens the PDFs
def test_pdfs_wrap_a_long_word_inside_the_page(hostile: Built) -> None:
    path = next(p for p in _pdfs(hostile.site) if p.parts[-2] == "testshire")
    width = float(pypdf.PdfReader(path).pages[0].mediabox.width)
    beyond = [(page, round(x), text[:40]) for page, x, right, text in _pdf_text_runs(path)
              if right > width]
    assert not beyond, beyond[:5]


@pytest.mark.slow  # opens the PDFs
def test_the_pdf_text_check_finds_nothing_on_ordinary_data(twin: Built) -> None:
    """The measure the test above uses flags nothing on ordinary text: diagramshire's PDF in
    the twin (tables, charts, no long word) has no text past the page's edge."""
    path = next(p for p in _pdfs(twin.site) if p.parts[-2] == "diagramshire")
    width = float(pypdf.PdfReader(path).pages[0].mediabox.width)
    assert all(right <= width for _, _, right, _ in _pdf_text_runs(path))


# --- calendar feeds and the sitemap -------------------------------------------------------


def test_calendar_feeds_parse_and_keep_the_hostile_text_as_text(
        hostile: Built, twin: Built) -> None:
    feeds = sorted(hostile.site.root.rglob("*.ics"))
    assert [p.relative_to(hostile.site.root) for p in feeds] == [
        p.relative_to(twin.site.root) for p in sorted(twin.site.root.rglob("*.ics"))]
    for path in feeds:
        raw = path.read_bytes()
        lines = raw.split(b"\r\n")
        assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line
                                        for line in lines), path
        assert all(len(line) <= 75 for line in lines), path  # folded, RFC 5545 3.1
        calendar = icalendar.Calendar.from_ical(raw)
        twin_calendar = icalendar.Calendar.from_ical(
            (twin.site.root / path.relative_to(hostile.site.root)).read_bytes())
        events = list(calendar.walk("VEVENT"))
        assert len(events) == len(list(twin_calendar.walk("VEVENT"))), path
        assert list(calendar.walk("VALARM")) == [], path
        summaries = [str(event["SUMMARY"]) for event in events]
        broken = [s for s in summaries if re.search(r"\bH\d{3}\b", s)]
        assert broken, path
        assert any(s.endswith(HOSTILE + ICS_BREAKER) for s in broken), summaries
        for summary in broken:
            assert re.match(rf"Due: H\d{{3}} {re.escape(HOSTILE)}", summary), summary


def test_the_sitemap_parses_and_lists_only_plain_addresses(hostile: Built) -> None:
    tree = ET.parse(hostile.site.root / "sitemap.xml")
    addresses = [loc.text or "" for loc in tree.iter() if loc.tag.endswith("}loc")]
    assert len(addresses) > 20
    for address in addresses:
        parts = urlsplit(address)
        assert parts.scheme == "https" and parts.netloc == "www.example.org", address
        assert re.fullmatch(r"[a-z0-9/-]*", parts.path), address
    assert any("/testshire/" in a for a in addresses)
    # The newest edition's own address sends readers home, from a name made of the data.
    assert (hostile.site.root / "testshire" / "2025-script-alert-1-script" / "index.html").is_file()


# --- refused at load ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\nscript:alert(1)",
    "\x01javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)"])
@pytest.mark.parametrize("where", ["links", "website"])
def test_a_script_address_in_a_link_or_website_is_refused(
        tmp_path: Path, url: str, where: str) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    if where == "links":
        target = data / "testshire" / "introduction.yaml"
        content = yaml.safe_load(target.read_text(encoding="utf-8"))
        content["links"] = [{"title": "Read more", "url": url}]
        field_name = "links[1].url"
    else:
        target = data / "testshire" / "strategy.yaml"
        content = yaml.safe_load(target.read_text(encoding="utf-8"))
        content["contact"]["website"] = url
        field_name = "contact.website"
    _write(target, content)
    with pytest.raises(StrategyDataError) as refused:
        load_site(data)
    message = str(refused.value)
    assert f"{target.name}:" in message and f"field '{field_name}'" in message, message
    assert ("expected a web address starting https:// or http://" in message
            or "not the control character" in message or "found a line break" in message), message


@pytest.mark.parametrize("email", [
    'csp@testshire.example" onmouseover="alert(1)', "csp@testshire.example?bcc=x@y.example",
    "Testshire CSP <csp@testshire.example>", "csp@testshire.example, x@y.example",
    "csp@testshire.example\r\nBcc: x@y.example", "<script>alert(1)</script>@x.example"])
def test_a_contact_email_is_one_address_and_nothing_else(tmp_path: Path, email: str) -> None:
    """The address goes into mailto: links and the submission email's headers: a second
    address, a name, a query or a line break would add recipients or headers there."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    target = data / "testshire" / "strategy.yaml"
    content = yaml.safe_load(target.read_text(encoding="utf-8"))
    content["contact"]["email"] = email
    _write(target, content)
    with pytest.raises(StrategyDataError) as refused:
        load_site(data)
    [problem] = refused.value.problems
    assert problem.file.name == "strategy.yaml" and problem.field == "contact.email"
    assert problem.message.startswith(("expected one e-mail address, like csp@council.gov.uk",
                                       "expected one line of text, found a line break")), problem


@pytest.mark.slow  # renders the long title's PDFs
def test_a_long_title_still_builds(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    strategy = data / "testshire" / "strategy.yaml"
    content = yaml.safe_load(strategy.read_text(encoding="utf-8"))
    content["title"] = " ".join(["Serious Violence Duty Strategy and Action Plan"] * 6)
    _write(strategy, content)
    site = build_site(tmp_path, data)
    assert len(list(site.root.rglob("*.pdf"))) == 2


BIDI_CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                 "\u2066", "\u2067", "\u2068", "\u2069"]


# Why bidi controls are refused, measured in chromium: after a field ending in U+202E, U+202B
# or an unclosed U+2067, the page's own words 'Edition 2025<control> (edition history),
# published 31 January 2025: £1,000' are drawn reordered (U+2066, U+2068, U+2069 and U+200F
# left that sentence in order); in the PDF, 'Hello<U+202E> config' reads 'Hellogifnoc'. So
# one field could change what the site says around it.


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
@pytest.mark.parametrize("key", ["title", "body"])  # text and Markdown
def test_a_bidi_override_or_isolate_is_refused_at_load(
        tmp_path: Path, control: str, key: str) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    intro = data / "testshire" / "introduction.yaml"
    _write(intro, {"title": "Introduction", "body": "Text.", key: f"Evil{control} txt.exe"})
    with pytest.raises(StrategyDataError) as refused:
        load_site(data)
    line = 1 if key == "title" else 2
    assert (f"introduction.yaml:{line}: field '{key}': expected text without a direction "
            f"override (U+{ord(control):04X}, at character 5)") in str(refused.value)


def test_a_bidi_override_in_a_link_address_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    intro = data / "testshire" / "introduction.yaml"
    _write(intro, {"title": "Introduction", "body": "Text.", "links": [
        {"title": "Read more", "url": "https://example.org/\u202etxt.exe"}]})
    with pytest.raises(StrategyDataError) as refused:
        load_site(data)
    assert "field 'links[1].url': expected text without a direction override (U+202E" in str(
        refused.value)


def test_a_bidi_override_in_a_table_cell_is_refused(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "diagrams")
    charts = data / "diagramshire" / "charts.yaml"
    content = yaml.safe_load(charts.read_text(encoding="utf-8"))
    content["blocks"][4]["table"]["rows"][0][0] = "13\u202e years"
    _write(charts, content)
    with pytest.raises(StrategyDataError) as refused:
        load_site(data)
    assert "expected text without a direction override (U+202E" in str(refused.value)


CONTROLS = "bell\x07 escape\x1b delete\x7f next-line\x85 line-separator\u2028 end"
"""Control characters YAML allows (written as escapes in a double-quoted string), no NUL."""

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Characters XML forbids (C0 but tab and line ends), and DEL and C1, which HTML does."""


def _pdf_text_controls(path: Path) -> set[str]:
    """Control characters the PDF's text layer maps glyphs to (each drawn as .notdef)."""
    found: set[str] = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            fonts = page.Resources.get("/Font")
            for font in (fonts.values() if fonts is not None else ()):
                to_unicode = font.get("/ToUnicode")
                if to_unicode is None:
                    continue
                cmap = to_unicode.read_bytes().decode("latin-1")
                for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
                    for target in re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block):
                        text = bytes.fromhex(target).decode("utf-16-be", "replace")
                        found |= set(_CONTROL.findall(text))
    return found


def test_control_characters_never_reach_a_published_site(tmp_path: Path) -> None:
    """Control characters in the data are refused (at load, or by the strict build, which then
    leaves no site), or no output carries them: pages and drawings stay valid XML, calendar
    feeds have none (RFC 5545 forbids them), the PDF's text has none (each would be drawn as
    the .notdef glyph PDF/UA forbids)."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    ts = data / "testshire"
    for name, key in (("introduction.yaml", "title"), ("engagement.yaml", "body")):
        content = yaml.safe_load((ts / name).read_text(encoding="utf-8"))
        content[key] = f"{content[key]} {CONTROLS}"
        _write(ts / name, content)
    rows = yaml.safe_load((ts / "review-dates.yaml").read_text(encoding="utf-8"))
    rows["elements"][1]["element"] += " " + CONTROLS
    _write(ts / "review-dates.yaml", rows)
    assert "bell\\a escape\\e" in (ts / "introduction.yaml").read_text(encoding="utf-8")
    try:
        load_site(data)
        site = build_site(tmp_path, data, overdue_log_level="info", timetable_today=TODAY)
    except (StrategyDataError, PluginError, Abort):
        assert not (tmp_path / "site" / "index.html").exists()
        return
    for path in site.html_files():
        assert not _CONTROL.search(path.read_text(encoding="utf-8")), path
    for path in site.root.rglob("*.ics"):
        assert not _CONTROL.search(path.read_bytes().decode("utf-8")), path
    for path in _pdfs(site):
        assert not _pdf_text_controls(path), path
