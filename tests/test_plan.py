"""The core (the model, loading, the address scheme, the site's plan, the pages and their
rendering, the PDFs, the timetable, the records) imports nothing of MkDocs or Material: the
site's shape does not depend on the engine that builds it (issue 17). Only the adapters
(plugin.py, config.py) do."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import DATA, FIXTURES, copy_data
from strategy_site.loading import load_site
from strategy_site.plan import Options, plan_site

CORE = ("model", "loading", "addresses", "plan", "pages", "pdf_facts", "diagrams",
        "formatting", "pdf", "pdf_batch", "timetable", "records", "submission",
        "withholding", "datafiles", "defaults", "output", "schema")


def test_the_core_imports_nothing_of_mkdocs_or_material() -> None:
    imports = "; ".join(f"import strategy_site.{name}" for name in CORE)
    engines = ("mkdocs", "material", "properdocs")
    run = subprocess.run(
        [sys.executable, "-c", f"import sys; {imports}; print(sorted({{m.split('.')[0] for m "
                               f"in sys.modules if m.split('.')[0] in {engines!r}}}))"],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]", run.stdout


def test_the_adapters_do() -> None:
    """The check above can fail: the plugin's own module brings MkDocs in."""
    run = subprocess.run([sys.executable, "-c", "import sys, strategy_site.plugin; "
                                                "print('mkdocs' in sys.modules)"],
                         capture_output=True, text=True, timeout=120)
    assert run.stdout.strip() == "True", run.stderr


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
    assert plan.findings["testshire"]  # still checked, for the log and strategy-site check
    assert not plan.feeds and not plan.site_pages and not plan.statuses()
    assert "testshire/key-dates.md" not in plan.pages
