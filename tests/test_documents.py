"""Every borough in the seeds, each in its own shape: Bromley's crime assessment and Strategic
Group reports, Bexley's strategy and its 2024 delivery report, Barking and Dagenham's strategy.
Facts are read from the seeds and found on the built pages; charts that survive only as a
source line are marked as not available, never invented."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DATA, SEEDS, BuiltSite, visible_text

BROMLEY_SEED = SEEDS / "002_58492a43df328a36.txt"
BEXLEY_2024_SEED = SEEDS / "000_7e461cc844d2fbf0.txt"


def _seed(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


@pytest.mark.parametrize(("page", "fact"), [
    ("bromley/strategic-group-reports/lcpf-funding/", "£317,140"),
    ("bromley/strategic-group-reports/lcpf-funding/", "until March 2021"),
    ("bromley/strategic-group-reports/draft-crime-assessment-report/",
     "Strategy has 5 priorities"),
    ("bromley/strategic-group-reports/local-crime-priorities/", "Deadline for submission is "
     "22nd March 2019"),
    ("bromley/strategic-group-reports/gangs-report/", "6 young people being tracked"),
    ("bromley/local-crime-priorities/", "Cray Valley East represents 33.4%"),
    ("bromley/local-crime-priorities/", "27.45% of all Burglary"),
    ("bromley/victims/", "3,273 youth victims"),
    ("bromley/youth-offending/", "Bromley had 8 individuals sentenced to custody"),
    ("bexley/delivery-2024/funded-services/",
     "£100,000 for Community Capacity Building projects to support incident response in two "
     "ward areas"),
    ("bexley/delivery-2024/delivery/", "52 search warrants have been issued in 2024"),
    ("bexley/delivery-2024/delivery/", "Operation Bablik"),
])
def test_named_facts_from_each_seed_are_published(real_site: BuiltSite, page: str,
                                                  fact: str) -> None:
    seed = _seed(BROMLEY_SEED if page.startswith("bromley") else BEXLEY_2024_SEED)
    assert fact in seed  # the fact is the seed's, word for word
    assert fact in real_site.text(page)


def test_the_lcpf_award_has_its_four_projects(real_site: BuiltSite) -> None:
    text = real_site.text("bromley/strategic-group-reports/lcpf-funding/")
    assert "Four Projects" in text and "each of the four project proposals" in text


def _blocks(value: Any) -> list[dict[str, Any]]:
    """Every block under a page's data, in order."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if "chart_not_available" in value or "table" in value:
            found.append(value)
        for child in value.values():
            found += _blocks(child)
    elif isinstance(value, list):
        for child in value:
            found += _blocks(child)
    return found


def test_each_chart_without_data_is_marked_with_its_source(real_site: BuiltSite) -> None:
    """Bromley's assessment printed dozens of charts as pictures with a source line only."""
    seed = _seed(BROMLEY_SEED)
    pages = [p for p in (DATA / "bromley").glob("*.yaml") if p.stem != "strategy"]
    total = 0
    for path in pages:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        sources = [b["chart_not_available"]["source"] for b in _blocks(data)
                   if "chart_not_available" in b]
        if not sources:
            continue
        html = real_site.html(f"bromley/{path.stem}/")
        boxes = re.findall(r'<div class="strategy-unavailable">(.*?)</div>', html, re.S)
        assert len(boxes) == len(sources), path.name
        for box, source in zip(boxes, sources, strict=True):
            text = visible_text(box)
            assert text.startswith("Chart not available")
            assert f"Source: {source}" in text
            assert source.split()[0] in seed, source  # the source line is the seed's
        assert "<svg" not in "".join(boxes)  # nothing drawn for a chart without data
        total += len(sources)
    assert total >= 50


def test_the_gangs_report_tables_add_up_as_printed(real_site: BuiltSite) -> None:
    text = real_site.text("bromley/strategic-group-reports/gangs-report/")
    assert "Table 2 – young people discussed at MEGA by age and gender" in text
    assert re.search(r"Total 50 3 53", text)


def test_the_delivery_report_funding_is_a_chart_and_a_table(real_site: BuiltSite) -> None:
    html = real_site.html("bexley/delivery-2024/funded-services/")
    assert html.count("<figure") == 1 and "<svg" in html
    table = re.search(r"<table class=\"strategy-figures\">.*?</table>", html, re.S)
    assert table
    rows = re.findall(r"<tr>.*?</tr>", table.group(0), re.S)
    assert len(rows) == 1 + 10 + 1  # heading, the ten funded roles, the total
    amounts = re.findall(r"£(\d+),000", _seed(BEXLEY_2024_SEED).split("These include:")[1]
                         .split("Projects funded")[0])
    assert len(amounts) == 10
    assert f"£{sum(int(a) for a in amounts):,},000" in visible_text(rows[-1])  # £433,000


@pytest.mark.slow  # every document's PDF
@pytest.mark.parametrize(("partnership", "documents"), [
    ("barking-and-dagenham", ["barking-and-dagenham"]),
    ("bexley", ["bexley", "bexley/delivery-2024"]),
    ("bromley", ["bromley", "bromley/strategic-group-reports"]),
])
def test_every_document_has_pages_and_a_pdf(real_site: BuiltSite, partnership: str,
                                            documents: list[str]) -> None:
    for home in documents:
        pdfs = list((real_site.root / home).glob("*.pdf"))
        assert len(pdfs) == 1, home
        assert pdfs[0].read_bytes().startswith(b"%PDF-")
        landing = real_site.html(f"{home}/")
        assert f'href="{pdfs[0].name}"' in landing
        assert "edition history" in visible_text(landing)


def test_the_home_page_lists_every_partnership_with_status_and_pdf(real_site: BuiltSite) -> None:
    html = real_site.html("")
    text = real_site.text("")
    for name in ("Barking and Dagenham", "Bexley Community Safety Partnership",
                 "Safer Bromley Partnership"):
        assert f">{name}" in html.replace("&#39;", "'"), name
    assert "Partnership Delivery in 2024" in text
    assert "Published 31 January 2024." in text
    assert text.count("Not yet published.") == 4
    # Barking and Dagenham's deadlines, summed up (how many are overdue depends on the day).
    assert re.search(r"Timetable: (\d+ (overdue|cannot be checked|due soon)|nothing needs "
                     r"action)", text)
    for href in re.findall(r'href="([^"]+\.pdf)"', html):
        assert (real_site.root / href).is_file(), href


def test_a_partnerships_documents_link_to_each_other(real_site: BuiltSite) -> None:
    main = real_site.text("bexley/")
    report = real_site.text("bexley/delivery-2024/")
    assert "Other documents from the partnership Partnership Delivery in 2024" in main
    assert "Also from the partnership Bexley Community Safety Partnership Strategy 2022 – " \
           "2025 (the partnership's main document)" in report
