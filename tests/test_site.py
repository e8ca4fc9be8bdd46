"""The Barking and Dagenham strategy, built into a real site, says what the seed says."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import (
    DATA,
    FIXTURES,
    REPO,
    SEEDS,
    BuiltSite,
    article,
    build_site,
    copy_data,
    visible_text,
)
from strategy_site.loading import StrategyDataError, load_site

SEED = SEEDS / "003_8dc1dfb50671619a.txt"
BD = "barking-and-dagenham"


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    """The seed's text from the last `start` heading (not the contents list) to `end`."""
    begin = text.rindex(start)
    return text[begin:text.index(end, begin)]


def _seed_date(text: str) -> str:
    """'31 st January 2024' as the seed's table writes it, to '31 January 2024'."""
    day, month, year = re.match(r"(\d+)\s*(?:st|nd|rd|th)\s+(\w+)\s+(\d{4})", text.strip()).groups()
    return f"{int(day)} {month} {year}"


# --- what the seed contains is on the site ----------------------------------------------


def test_every_objective_of_the_seed_is_on_the_objectives_page(
    real_site: BuiltSite, seed: str
) -> None:
    found = re.findall(r"Objective (One|Two|Three|Four|Five|Six):\**\s*\n\s*\n([^\n]+)", seed)
    assert len(found) == 6
    page = real_site.text(f"{BD}/objectives/")
    for number, title in found:
        assert f"Objective {number}: {title.strip()}" in page


def test_every_action_plan_theme_of_the_seed_is_on_the_themes_page(
    real_site: BuiltSite, seed: str
) -> None:
    found = re.findall(r"^- (\d)\. ([^*\n]+?)\*\*", seed, re.M)
    assert [n for n, _ in found] == [str(n) for n in range(1, 8)]
    html = article(real_site.html(f"{BD}/themes/"))
    for number, title in found:
        assert re.search(rf'<li value="{number}"><strong>{re.escape(title.strip())}</strong>', html)


def test_every_row_of_the_review_dates_table_is_on_the_introduction_page(
    real_site: BuiltSite, seed: str
) -> None:
    table = _between(seed, "Strategy Element\tDate of Publication",
                     "\nDefinition of Serious Violence\n")
    rows = [line.split("\t") for line in table.splitlines()[1:] if "\t" in line]
    assert len(rows) == 6
    page = real_site.text(f"{BD}/introduction/")
    for element, published, review in rows:
        assert f"{element.strip()} {_seed_date(published)} {_seed_date(review)}" in page


def test_every_funding_amount_of_the_seed_is_on_the_funding_page(
    real_site: BuiltSite, seed: str
) -> None:
    table = _between(seed, "Name and source of fund", "SVNA 2023 Executive summary")
    amounts = set(re.findall(r"£[\d,]+(?:\.\d\d)?", table))
    assert len(amounts) >= 15
    page = real_site.text(f"{BD}/funding/")
    missing = sorted(a for a in amounts if a not in page)
    assert not missing


def test_funding_totals_are_computed_from_the_line_items(real_site: BuiltSite) -> None:
    page = real_site.text(f"{BD}/funding/")
    # London Crime Prevention Fund 2022/2023: 125,305 + 30,000 + 40,000 + 80,000 + 80,000 + 23,770
    assert "Total £379,075 £412,554" in page
    assert "All funds £644,188.58 £700,540.86" in page


def test_figures_quoted_in_the_issue_are_on_the_site(real_site: BuiltSite) -> None:
    assert "£125,305" in real_site.text(f"{BD}/funding/")
    assert "£39,728.86" in real_site.text(f"{BD}/funding/")
    assert "52% of offences with a knife crime flag" in real_site.text(f"{BD}/objectives/")


def test_all_nine_needs_assessment_themes_and_the_recommendations(
    real_site: BuiltSite, seed: str
) -> None:
    titles = re.findall(r"► Theme (\d): ([^\n]+?):?\s*\n", seed)
    assert [n for n, _ in titles] == [str(n) for n in range(1, 10)]
    page = real_site.text(f"{BD}/needs-assessment-summary/")
    for number, title in titles:
        assert f"Theme {number}: {title.strip()}" in page
    recommendations = _between(seed, "Summary of key Recommendations", "**Barking &")
    for line in recommendations.splitlines():
        if line.startswith("- "):
            assert line[2:].strip() in page


def test_the_london_definition_is_shown_where_the_borough_adopts_it(real_site: BuiltSite) -> None:
    page = real_site.text(f"{BD}/definition/")
    assert "we have agreed to adopt the London guidance definition" in page
    assert "Any violence and exploitation affecting young people under the age of 25" in page
    assert "Note C Serious violence includes (but does not require)" in page


def test_five_ds_carry_their_prevention_levels(real_site: BuiltSite) -> None:
    page = real_site.text(f"{BD}/objectives/")
    assert "Deter Primary Prevention" in page
    assert "Data Primary Prevention, Secondary Prevention, Tertiary Prevention" in page


def test_landing_page_says_what_when_and_whose(real_site: BuiltSite) -> None:
    page = real_site.text(f"{BD}/")
    assert "Barking and Dagenham: Serious Violence Duty Strategy" in page
    assert "Barking and Dagenham's Community Safety Partnership" in page
    assert "Published 31 January 2024" in page
    assert "Next review by 31 January 2025" in page
    assert "Identified funding streams or resources" in page  # the contents list


def test_each_reviewed_part_shows_its_own_review_date(real_site: BuiltSite) -> None:
    assert "Due for review by 31 January 2027" in real_site.text(f"{BD}/definition/")
    assert "Due for review by 31 January 2025" in real_site.text(f"{BD}/funding/")


def test_home_page_lists_the_strategies(real_site: BuiltSite) -> None:
    home = real_site.html("")
    assert 'href="barking-and-dagenham/"' in home
    assert "strategy-site:strategies" not in home


# --- pages are built as a long document should be ---------------------------------------


def _pages_in_nav_order(site: BuiltSite) -> list[str]:
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', site.html(f"{BD}/"), re.S)
    assert nav
    hrefs = re.findall(r'href="([^"#]+)"', nav.group(0))
    return [h for h in dict.fromkeys(hrefs) if not h.startswith(("..", "/"))]


def _primary_nav_titles(html: str) -> list[str]:
    nav = html.split('<nav class="md-nav md-nav--primary"', 1)[1].split("md-sidebar--secondary")[0]
    return [visible_text(title) for title in re.findall(r'<span class="md-ellipsis">(.*?)</span>',
                                                         nav, re.S)]


def test_a_page_lists_only_its_own_partnerships_documents(
    real_site: BuiltSite, tmp_path: Path
) -> None:
    """nav_scope: partnership keeps a page's size from growing with the number of
    partnerships; the home page lists them all in its text instead."""
    reports = _primary_nav_titles(real_site.html("bromley/strategic-group-reports/"))
    assert "Bromley" in reports and "Gangs Report" in reports
    assert not any(t.startswith(("Bexley", "Barking and Dagenham")) for t in reports), reports
    bexley = _primary_nav_titles(real_site.html("bexley/"))
    assert "Bexley: Partnership Delivery in 2024" in bexley
    assert not any(t.startswith(("Bromley", "Barking")) for t in bexley), bexley
    home = real_site.html("")
    assert _primary_nav_titles(home)[:2] == ["Home", "Timetable"]
    missing = (real_site.root / "404.html").read_text(encoding="utf-8")
    assert _primary_nav_titles(missing)[:2] == ["Home", "Timetable"]  # no partnership either
    assert 'href="bromley/"' in home and 'href="bexley/"' in home
    every = build_site(tmp_path, DATA, nav_scope="all", pdfs=False)
    titles = _primary_nav_titles(every.html("bexley/"))
    assert {"Bromley", "Barking and Dagenham"} <= {t.split(":")[0] for t in titles}, titles


def test_pages_follow_the_seed_with_previous_and_next_links(real_site: BuiltSite) -> None:
    order = [
        "foreword", "introduction", "definition", "partnership", "needs-assessment",
        "objectives", "current-arrangements", "themes", "engagement", "funding",
        "needs-assessment-summary",
    ]
    nav = _pages_in_nav_order(real_site)
    assert [h.strip("/") for h in nav if h.strip("/") in order] == order
    funding = real_site.html(f"{BD}/funding/")
    assert re.search(r'<a href="../engagement/" class="md-footer__link md-footer__link--prev"',
                     funding)
    assert re.search(r'<a href="../needs-assessment-summary/" class="md-footer__link '
                     r'md-footer__link--next"', funding)


class _Structure(HTMLParser):
    """Headings, ids, tables and links of a page's article."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.ids: list[str] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if tag == "table":
            self.tables += 1
        if tag == "caption":
            self.captions += 1
        if tag == "th" and attributes.get("scope") not in ("col", "row"):
            self.th_without_scope += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"] or "")


def _structure(html: str) -> _Structure:
    parser = _Structure()
    parser.feed(article(html))
    return parser


def test_every_page_has_one_h1_and_headings_never_skip_a_level(real_site: BuiltSite) -> None:
    for path in real_site.pages():
        if "404" in path.name:
            continue
        levels = _structure(path.read_text(encoding="utf-8")).headings
        assert levels.count(1) == 1 and levels[0] == 1, path
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, (path, levels)


def test_ids_are_unique_on_every_page(real_site: BuiltSite) -> None:
    for path in real_site.pages():
        ids = re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8"))
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert not duplicates, (path, duplicates)


def test_tables_have_captions_and_scoped_headers_in_boxes_named_by_them(
    real_site: BuiltSite,
) -> None:
    for page in (f"{BD}/funding/", f"{BD}/introduction/"):
        html = real_site.html(page)
        structure = _structure(html)
        assert structure.tables >= 1
        assert structure.captions == structure.tables
        assert structure.th_without_scope == 0
        # Each table's box names its caption; it becomes a focusable region only while it
        # scrolls (tests/test_theme_a11y.py checks that in chromium).
        regions = re.findall(r'<div class="strategy-table" data-strategy-scroll="([^"]+)">',
                             html)
        assert len(regions) == structure.tables
        for label in regions:
            assert f'<caption id="{label}">' in html


def test_the_sidebar_contents_list_the_page_sections(real_site: BuiltSite) -> None:
    html = real_site.html(f"{BD}/objectives/")
    toc = html.split('<nav class="md-nav md-nav--secondary"', 1)[1].split("md-content", 1)[0]
    assert 'href="#objective-3"' in toc
    assert "Objective Three: Prioritising Knife Crime and Robbery offences" in toc


def test_every_link_inside_the_site_leads_to_a_page_that_exists(real_site: BuiltSite) -> None:
    """Links are relative, so the site works from any sub-path; none may be broken.

    MkDocs writes 404.html with root-relative addresses on purpose: the server shows it at
    any missing path. Under a sub-path it needs `site_url` (see README).
    """
    for path in real_site.pages():
        if path.name == "404.html":
            continue
        html = path.read_text(encoding="utf-8")
        for href in re.findall(r'\shref="([^"]+)"', html):
            parts = urlsplit(href)
            if parts.scheme or href.startswith(("#", "//")):
                continue
            assert not href.startswith("/"), (path, href)
            target = (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            assert target.exists(), (path, href)


# --- nothing is fetched from another host ------------------------------------------------


class _Resources(HTMLParser):
    """Addresses a browser would fetch: scripts, stylesheets, fonts, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed", "input"):
            self.fetched += [v for k, v in attrs if k in ("src", "srcset", "poster") and v]
        if tag == "link" and attributes.get("rel") not in ("canonical", "alternate", None):
            self.fetched.append(attributes.get("href") or "")
        if tag == "object" and attributes.get("data"):
            self.fetched.append(attributes["data"] or "")


def _external(address: str) -> bool:
    return bool(urlsplit(address.strip()).netloc) or address.strip().startswith("//")


def test_no_page_or_stylesheet_fetches_from_another_host(real_site: BuiltSite) -> None:
    checked = 0
    for path in real_site.pages():
        parser = _Resources()
        parser.feed(path.read_text(encoding="utf-8"))
        external = [a for a in parser.fetched if _external(a)]
        assert not external, (path, external)
        checked += len(parser.fetched)
    assert checked > 0
    for path in real_site.root.rglob("*.css"):
        css = path.read_text(encoding="utf-8")
        imports = re.findall(r"@import\s+(?:url\()?['\"]?([^'\")\s;]+)", css)
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css)
        assert not [u for u in imports + urls if _external(u)], path


def test_the_external_resource_check_catches_a_cdn_script() -> None:
    parser = _Resources()
    parser.feed('<script src="https://cdn.example.com/x.js"></script>'
                '<link rel="stylesheet" href="//fonts.example.com/a.css">')
    assert [a for a in parser.fetched if _external(a)] == [
        "https://cdn.example.com/x.js", "//fonts.example.com/a.css"]


# --- optional parts and escaping -------------------------------------------------------


def test_a_strategy_with_only_the_required_parts_builds(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    site = build_site(tmp_path, FIXTURES / "minimal", caplog)
    assert not (site.root / "testshire" / "foreword").exists()
    assert "Any violence causing serious harm in Testshire." in site.text("testshire/definition/")
    assert "Total £3,000.50" in site.text("testshire/funding/")


def test_text_from_the_data_is_escaped_not_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "testshire").mkdir(parents=True)
    for source in (FIXTURES / "minimal" / "testshire").iterdir():
        (data / "testshire" / source.name).write_text(source.read_text(encoding="utf-8"))
    intro = data / "testshire" / "introduction.yaml"
    intro.write_text(
        'title: "Intro <script>alert(1)</script>"\n'
        "body: |\n  <img src=x onerror=alert(2)> [click](javascript:alert(3))\n",
        encoding="utf-8",
    )
    site = build_site(tmp_path, data)
    for path in site.pages():
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert 'href="javascript:' not in html, path
    page = site.html("testshire/introduction/")
    assert "Intro &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert visible_text(article(page)).count("<img src=x onerror=alert(2)>") == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "java\tscript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:x"])
def test_a_link_that_could_run_script_is_refused(tmp_path: Path, url: str) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    intro = data / "testshire" / "introduction.yaml"
    intro.write_text(intro.read_text(encoding="utf-8") + (
        f"links:\n  - title: Read more\n    url: {json.dumps(url)}\n"), encoding="utf-8")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    scheme = url.replace("\t", "").split(":")[0]
    assert (f"introduction.yaml:{len(intro.read_text().splitlines())}: field 'links[1].url': "
            "expected a web address starting https:// or http://, a mailto: address or a "
            f"site-relative address, not a '{scheme}:' address") in str(raised.value)


def test_publication_dates_are_real_dates(real_site: BuiltSite) -> None:
    """Every `<time>` gives a real date; the pages that show the publication date have some
    (a page without one would make the loop below pass on nothing)."""
    for page in (f"{BD}/", f"{BD}/introduction/"):
        values = re.findall(r'<time datetime="([^"]+)"', real_site.html(page))
        assert values, f"{page} shows no <time datetime=...>"
        for value in values:
            dt.date.fromisoformat(value)


# --- the accessibility statement ------------------------------------------------------------


def test_every_page_links_to_the_accessibility_statement(real_site: BuiltSite) -> None:
    for path in real_site.pages():
        if path.name == "404.html":
            continue
        html = path.read_text(encoding="utf-8")
        footer = html.split('<footer class="md-footer">', 1)[1]
        link = re.search(r'<a href="([^"]*)">Accessibility statement</a>', footer)
        assert link, path
        target = (path.parent / link.group(1) / "index.html").resolve()
        assert target == (real_site.root / "accessibility" / "index.html").resolve(), path


def test_the_statement_follows_the_gds_model_with_the_councils_details(
    real_site: BuiltSite,
) -> None:
    page = real_site.text("accessibility/")
    for section in ("How accessible this website is", "Feedback and contact information",
                    "Reporting accessibility problems with this website",
                    "Enforcement procedure", "Compliance status", "Non-accessible content",
                    "Preparation of this accessibility statement"):
        assert section in page
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    settings = next(p["strategy_site"]["accessibility"] for p in config["plugins"]
                    if isinstance(p, dict) and "strategy_site" in p)
    assert settings["email"] in page
    assert f"This website is run by {settings['organisation']}" in page
    assert f"last reviewed on {settings['last_reviewed'].day} " in page
    assert "partially compliant" in page and settings["compliance"] == "partial"
    assert "{{" not in page


def test_the_london_definition_and_its_notes_are_the_seeds_word_for_word(seed: str) -> None:
    """Transcribed from the seed's pages 5 and 6. The seed's note A itself ends at "(7) For the
    meaning of “personally connected”,": nothing is added to it."""
    shared = load_site(DATA).definitions["london-definition"]
    section = _between(seed, "is defined as:\n", "\nLocal Partnership Arrangements\n")
    statement, notes = section.split("\nNotes\n", 1)
    assert " ".join(shared.statement.split()) == " ".join(statement.split()[3:])
    parts = re.split(r"^([A-Z])$", notes, flags=re.M)
    seed_notes = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert [note.label for note in shared.notes] == list(seed_notes) == ["A", "B", "C"]
    for note in shared.notes:
        assert " ".join(note.body.split()) == " ".join(seed_notes[note.label].split()), note.label


def test_navigation_titles_reach_pages_named_from_the_docs_folder_root(tmp_path: Path) -> None:
    """A `nav:` entry may name a page `/testshire/index.md` when `validation: nav:
    absolute_links: relative_to_docs` is set: MkDocs then looks it up without the `/`, and
    the title given there is the page's, in the navigation of every page (the plugin makes its
    pages before MkDocs reads the navigation, so it must look paths up as MkDocs does)."""
    from conftest import FIXTURES, copy_data, make_project

    data = copy_data(tmp_path, FIXTURES / "minimal")
    project = make_project(tmp_path, data, pdfs=False)
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    config["validation"] = {"nav": {"absolute_links": "relative_to_docs"}}
    config["nav"] = [{"Home": "index.md"}, {"Our county's plan": "/testshire/index.md"},
                     {"About this site": "/about.md"}]
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    site = build_site(tmp_path, data)
    page = site.html("about")
    assert "Our county&#39;s plan" in page or "Our county's plan" in page
    assert "About this site" in page
