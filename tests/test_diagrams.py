"""Diagrams and charts: one source, an SVG and a text version that link to each other.

Snapshots in tests/snapshots/ hold the figure and text version of one diagram of each kind;
after a deliberate change, refresh them with UPDATE_SNAPSHOTS=1 and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import FIXTURES, BuiltSite, article, build_site, copy_data, visible_text
from strategy_site.loading import StrategyDataError, load_site

SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
FIXTURE_PAGES = {
    "structure": "diagramshire/structures/",
    "members": "diagramshire/structures/",
    "outcomes": "diagramshire/structures/",
    "victims-by-area": "diagramshire/charts/",
    "people-by-age": "diagramshire/charts/",
    "offences-by-year": "diagramshire/charts/",
}


@pytest.fixture(scope="module")
def diagram_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory.mktemp("diagrams"), FIXTURES / "diagrams")


def _figure_and_text(html: str, ident: str) -> str:
    figure = re.search(rf'<figure[^>]* id="diagram-{ident}">.*?</figure>', html, re.S)
    text = re.search(rf'<section[^>]* id="diagram-{ident}-text".*?</section>', html, re.S)
    assert figure and text, ident
    return figure.group(0) + "\n" + text.group(0) + "\n"


@pytest.mark.parametrize("ident", list(FIXTURE_PAGES))
def test_each_diagram_kind_matches_its_snapshot(diagram_site: BuiltSite, ident: str) -> None:
    rendered = _figure_and_text(diagram_site.html(FIXTURE_PAGES[ident]), ident)
    snapshot = SNAPSHOTS / f"{ident}.html"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(rendered, encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with UPDATE_SNAPSHOTS=1"
    assert rendered == snapshot.read_text(encoding="utf-8")


def _figures_are_paired(site: BuiltSite) -> int:
    """Every figure on every page has its text version on the same page, linked both ways."""
    count = 0
    for path in site.pages():
        html = path.read_text(encoding="utf-8")
        for figure in re.finditer(r'<figure[^>]*>.*?</figure>', html, re.S):
            ident = re.search(r' id="diagram-([^"]+)"', figure.group(0))
            assert ident, (path, "a figure without an id")
            name = ident.group(1)
            assert f'href="#diagram-{name}-text"' in figure.group(0), (path, name)
            text = re.search(rf'<section[^>]* id="diagram-{name}-text".*?</section>', html, re.S)
            assert text, (path, f"figure {name} has no text version")
            assert f'href="#diagram-{name}"' in text.group(0), (path, name)
            svg = re.search(r"<svg[^>]*>.*?</svg>", figure.group(0), re.S)
            assert svg and 'role="img"' in svg.group(0), (path, name)
            assert re.search(r"<title id=[^>]*>[^<]+</title>", svg.group(0)), (path, name)
            assert re.search(r"<desc id=[^>]*>[^<]+</desc>", svg.group(0)), (path, name)
            count += 1
        assert "<img" not in article(html), (path, "an image the site did not draw")
    return count


def test_every_figure_of_the_fixture_has_its_text_version(diagram_site: BuiltSite) -> None:
    # At the strategy's home (its edition's own address sends readers there).
    assert _figures_are_paired(diagram_site) == len(FIXTURE_PAGES)


def test_every_figure_of_the_real_site_has_its_text_version(real_site: BuiltSite) -> None:
    assert _figures_are_paired(real_site) >= 1


def test_the_figure_walk_catches_a_figure_without_text_version(tmp_path: Path) -> None:
    page = tmp_path / "page" / "index.html"
    page.parent.mkdir()
    page.write_text('<article><figure id="diagram-x"><svg role="img"><title id="t">T</title>'
                    '<desc id="d">D</desc></svg></figure></article>', encoding="utf-8")
    with pytest.raises(AssertionError):
        _figures_are_paired(BuiltSite(tmp_path))


def test_a_chart_text_version_is_a_table_with_units_and_source(diagram_site: BuiltSite) -> None:
    html = diagram_site.html("diagramshire/charts/")
    text = re.search(r'<section[^>]* id="diagram-people-by-age-text".*?</section>', html, re.S)
    assert text
    table = text.group(0)
    assert '<caption id="diagram-people-by-age-table-caption">People discussed at the panel by ' \
           'age and gender (people, May 2024 to January 2025)</caption>' in table
    assert '<th scope="col">Age</th>' in table and '<th scope="row">15</th>' in table
    assert "Source: Made-up figures for tests" in table
    # Totals are computed: 32 male, 1 female, 33 in all.
    assert re.search(r"<th scope=\"row\">Total</th>\s*<td>32</td>\s*<td>1</td>\s*<td>33</td>",
                     table)


def test_a_suppressed_figure_is_shown_as_given_and_drawn_as_no_bar(
    diagram_site: BuiltSite,
) -> None:
    html = diagram_site.html("diagramshire/charts/")
    assert "<td>&lt;10</td>" in html
    figure = re.search(r'<figure[^>]* id="diagram-victims-by-area">.*?</figure>', html, re.S)
    assert figure and ">&lt;10</tspan>" in figure.group(0)


def test_the_funding_chart_is_drawn_from_the_funding_table(real_site: BuiltSite) -> None:
    html = real_site.html("barking-and-dagenham/funding/")
    text = re.search(r'<section[^>]* id="diagram-funding-chart-text".*?</section>', html, re.S)
    assert text
    page = visible_text(text.group(0))
    assert "MOPAC London Crime Prevention Fund 2022-25 £379,075 £412,554" in page


def test_a_wide_chart_scrolls_in_its_own_box_named_by_its_caption(
        diagram_site: BuiltSite) -> None:
    """The box is a labelled, focusable region only while it scrolls (strategy.js; the
    behaviour is checked in chromium in tests/test_theme_a11y.py)."""
    html = diagram_site.html("diagramshire/charts/")
    figure = re.search(r'<figure[^>]* id="diagram-offences-by-year">.*?</figure>', html, re.S)
    assert figure
    assert ('<div class="strategy-figure__scroll" '
            'data-strategy-scroll="diagram-offences-by-year-name" data-search-exclude>'
            ) in figure.group(0)
    assert 'style="min-width: 448px"' in figure.group(0)


# --- bad diagram data ------------------------------------------------------------------


def _diagram_problems(tmp_path: Path, old: str, new: str, file: str = "diagrams.yaml") -> str:
    data = copy_data(tmp_path, FIXTURES / "diagrams")
    path = data / "diagramshire" / file
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    return "\n".join(str(problem) for problem in raised.value.problems)


DIAGRAM_BREAKAGES = {
    "no title": ("    title: Board and subgroup structure\n", "",
                 "diagrams.yaml:2: field 'diagrams[1].title': required field 'title' is missing"),
    "no short description": (
        "    description: The board oversees a delivery group, which leads two themed groups "
        "with their panels.\n", "",
        "field 'diagrams[1].description': required field 'description' is missing"),
    "nothing to draw": ("    groups:\n      - label: Chair\n        members: [Cabinet Member for "
                        "Community Safety]\n      - label: Statutory partners\n        members: "
                        "[Diagramshire Council, Diagramshire Police, Fire and Rescue Service]\n"
                        "      - label: \"*Other partners include\"\n        members: [Victim "
                        "Support, Neighbourhood Watch Association]\n",
                        "    groups: []\n",
                        "field 'diagrams[2].groups': expected at least 1 entry in the list"),
    "a chart without units": ("    units: victims\n", "",
                              "field 'diagrams[4].units': required field 'units' is missing"),
    "a chart without source": ("    source: Made-up figures for tests\n    category_label: Area",
                               "    category_label: Area",
                               "field 'diagrams[4].source': required field 'source' is missing"),
    "a chart without data": ("        values: [51, 22, 36]", "        values: []",
                             "field 'diagrams[4].series[1].values': expected at least 1 entry"),
    "a value missing": ("        values: [51, 22, 36]", "        values: [51, 22]",
                        "field 'diagrams[4].series[1].values': expected 3 values, one for each "
                        "category (North, South, East), found 2"),
    "text for a figure": ("        values: [47, \"<10\", 30]", "        values: [47, about 10, 30]",
                          "field 'diagrams[4].series[2].values[2]': expected a number, or '<N'"),
    "an unknown kind": ("    kind: framework", "    kind: framwork",
                        "field 'diagrams[3].kind': expected 'kind' to be one of: tree, groups, "
                        "framework, chart; found the text 'framwork' (did you mean "
                        "'framework'?)"),
    "a misspelt field": ("    footnote:", "    fotnote:",
                         "unknown field 'fotnote' (did you mean 'footnote'?)"),
    "the same id twice": ("  - id: members", "  - id: structure",
                          "field 'diagrams[2].id': expected each diagram id once"),
}


@pytest.mark.parametrize("name", list(DIAGRAM_BREAKAGES))
def test_bad_diagram_data_is_reported_clearly(tmp_path: Path, name: str) -> None:
    old, new, says = DIAGRAM_BREAKAGES[name]
    messages = _diagram_problems(tmp_path, old, new)
    assert says in messages, messages
    assert "strategy_data/diagramshire/diagrams.yaml:" in messages


def test_a_page_placing_an_unknown_diagram_is_reported(tmp_path: Path) -> None:
    messages = _diagram_problems(tmp_path, "      - diagram: members", "      - diagram: membrs",
                                 "structures.yaml")
    assert ("strategy_data/diagramshire/structures.yaml:10: field "
            "'sections[2].blocks[2].diagram': expected the id of a diagram in diagrams.yaml "
            "(structure, members") in messages


def test_a_diagram_placed_nowhere_is_reported(tmp_path: Path) -> None:
    messages = _diagram_problems(tmp_path, "  - diagram: people-by-age\n", "", "charts.yaml")
    source = (FIXTURES / "diagrams" / "diagramshire" / "diagrams.yaml").read_text(encoding="utf-8")
    line = source.splitlines().index("  - id: people-by-age") + 1
    assert (f"diagrams.yaml:{line}: field 'diagrams[5].id': expected diagram 'people-by-age' to "
            "be placed on a page") in messages


def test_a_block_with_both_text_and_diagram_is_reported(tmp_path: Path) -> None:
    messages = _diagram_problems(tmp_path, "  - diagram: victims-by-area",
                                 "  - diagram: victims-by-area\n    text: And some text.",
                                 "charts.yaml")
    assert ("charts.yaml:3: field 'blocks[1]': expected exactly one of 'text', 'diagram', 'table', "
            "'chart_not_available' in each block, found 'text' and 'diagram'") in messages


def test_a_free_page_missing_from_contents_is_an_unknown_file(tmp_path: Path) -> None:
    messages = _diagram_problems(tmp_path, "contents: [structures, charts]",
                                 "contents: [structures]", "strategy.yaml")
    assert "diagramshire/charts.yaml: unknown file 'charts.yaml'" in messages


def test_contents_that_leave_out_a_typed_part_are_reported(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    strategy = data / "barking-and-dagenham" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8") + (
        "contents: [foreword, introduction, definition, partnership, needs-assessment,\n"
        "           objectives, current-arrangements, engagement, funding,\n"
        "           needs-assessment-summary]\n"), encoding="utf-8")
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    messages = "\n".join(str(p) for p in raised.value.problems)
    assert ("barking-and-dagenham/strategy.yaml:20: field 'contents': expected every page in "
            "'contents'; these parts have files but would not be published: themes") in messages


def test_a_table_block_is_a_captioned_table_with_row_and_column_headers(
        diagram_site: BuiltSite) -> None:
    html = diagram_site.html("diagramshire/charts/")
    region = re.search(r'<div class="strategy-table" data-strategy-scroll="([^"]+)">'
                       r'\s*<table class="strategy-record">(.*?)</table>', html, re.S)
    assert region, "the table scrolls in its own region, named by its caption"
    caption_id, table = region.groups()
    assert f'<caption id="{caption_id}">Young people discussed at the panel by age</caption>' \
        in table
    assert re.findall(r'<th scope="col">([^<]+)</th>', table) == ["Age", "Male", "Female",
                                                                   "Total"]
    assert re.findall(r'<th scope="row">([^<]+)</th>', table) == ["13", "14", "Total"]
    assert "Source: The panel&#39;s own records" in html


def test_a_chart_without_data_says_so_and_gives_its_source(diagram_site: BuiltSite) -> None:
    text = visible_text(diagram_site.html("diagramshire/charts/"))
    assert "Chart not available: Offences by ward." in text
    assert "Source: MOPAC local volume crime dashboard" in text


def test_a_table_row_with_a_missing_cell_is_reported(tmp_path: Path) -> None:
    messages = _diagram_problems(tmp_path, "        - [14, 2, 1, 3]", "        - [14, 2, 1]",
                                 "charts.yaml")
    line = (FIXTURES / "diagrams" / "diagramshire" / "charts.yaml").read_text(
        encoding="utf-8").splitlines().index("        - [14, 2, 1, 3]") + 1
    assert (f"charts.yaml:{line}: field 'blocks[5].table.rows[2]': expected 4 cells, one for "
            "each column (Age, Male, Female, Total), found 3") in messages
