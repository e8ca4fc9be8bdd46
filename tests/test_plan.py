"""The site's plan (plan.py): its shape from the data and the options alone, with no engine
(issue 17). That no core module imports MkDocs is tests/test_core_imports.py."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import DATA, FIXTURES, copy_data
from strategy_site.loading import load_site
from strategy_site.plan import Options, plan_site


def test_the_plan_is_made_without_an_engine(tmp_path: Path) -> None:
    """The whole site's shape from the data and the options alone: every page, the earlier
    edition's copies outside the navigation, the newest edition's redirects, the feeds, the
    PDFs (an earlier edition's too) and the packs, each at the address addresses.py gives."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copytree(data / "testshire", data / "testshire" / "editions" / "2024")
    strategy = data / "testshire" / "editions" / "2024" / "strategy.yaml"
    strategy.write_text(strategy.read_text(encoding="utf-8").replace(
        'edition: "2025"', 'edition: "2024"').replace("2025-01-31", "2024-01-31"),
        encoding="utf-8")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    plan = plan_site(load_site(data), Options(data_dir=data, site_url="https://x.test/a/",
                                              site_name="Sites", today=dt.date(2025, 2, 1)))
    section = [spec.src_uri for spec in plan.sections["testshire"]]
    assert section[0] == "testshire/index.md"
    assert section[-2:] == ["testshire/key-dates.md", "testshire/editions.md"]
    assert {spec.src_uri for spec in plan.copies} >= {"testshire/2024/index.md",
                                                     "testshire/2024/funding.md"}
    assert ("testshire/2025/funding.md", "testshire/funding.md") in {
        (redirect.source, redirect.target.src_uri) for redirect in plan.redirects}
    assert [spec.src_uri for spec in plan.site_pages] == ["timetable.md"]
    assert [(feed.path, feed.name) for feed in plan.feeds] == [
        ("testshire/key-dates.ics", "testshire: key dates"), ("key-dates.ics", "Sites")]
    assert [(job.bases, job.web_address, job.kept) for job in plan.pdfs] == [
        (("testshire/2025", "testshire"), "https://x.test/a/testshire/2025/", None),
        (("testshire/2024",), "https://x.test/a/testshire/2024/", None)]
    assert [pack.address for pack in plan.packs] == ["https://x.test/a/testshire/2025/"]
    assert plan.today == dt.date(2025, 2, 1)


def test_without_a_public_timetable_the_plan_has_no_key_dates_feeds_or_dashboard(
        tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    plan = plan_site(load_site(data), Options(data_dir=data, timetable_public=False))
    assert plan.deadlines["testshire"]  # still checked, for the log and strategy-site check
    assert not plan.feeds and not plan.site_pages and not plan.statuses()
    assert "testshire/key-dates.md" not in plan.pages
