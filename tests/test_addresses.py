"""Every address of the site has one owner: a partnership's folder never takes a name the
site already writes at its top, and two generated pages never share an address."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from conftest import DATA, FIXTURES, build_site, copy_data
from strategy_site.cli import main


def _partnership_named(tmp_path: Path, folder: str) -> Path:
    """The minimal borough in a folder of that name, with the timetable (so the site has its
    Timetable page and calendar feed)."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    (data / "testshire").rename(data / folder)
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    return data


def _refusal(tmp_path: Path, folder: str, caplog: pytest.LogCaptureFixture) -> str:
    data = _partnership_named(tmp_path, folder)
    with pytest.raises((Abort, PluginError)):
        build_site(tmp_path, data, pdfs=False)
    assert not (tmp_path / "site").exists()
    return " ".join(record.getMessage() for record in caplog.records)


def test_a_partnership_named_timetable_is_refused(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """It built with exit 0: its landing page was replaced by the Timetable dashboard, and
    the home page linked timetable/ twice."""
    assert ("strategy_data/timetable/strategy.yaml: its landing page would be at /timetable/, "
            "where the site's Timetable page is; rename the folder"
            in _refusal(tmp_path, "timetable", caplog))


@pytest.mark.parametrize(("folder", "owner"), [
    ("search", "Material's search index (search/, where a site still lists the search plugin)"),
    ("pagefind", "the search index (pagefind/, made by Pagefind)"),
    ("assets", "the theme's assets/"),
    ("about", "docs/about.md"),
    ("accessibility", "the accessibility statement (accessibility.md)"),
    ("guide", "docs/guide/"),
    ("schema", "the site's JSON Schemas of the data files"),
])
def test_a_partnership_cannot_take_a_name_the_site_writes(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, folder: str, owner: str) -> None:
    message = _refusal(tmp_path, folder, caplog)
    assert (f"strategy_data/{folder}/strategy.yaml: its landing page would be at /{folder}/, "
            f"where {owner}") in message, message


def test_a_partnership_named_site_is_refused_by_the_build_and_the_check(
        tmp_path: Path, caplog: pytest.LogCaptureFixture,
        capsys: pytest.CaptureFixture[str]) -> None:
    """'site' is the name the site's own deadlines go by: `strategy-site check` printed a
    partnership of that name and the site's accessibility statement as one, under 'site',
    and its JSON gave both as strategy 'site'. Both the build and the check now refuse the
    folder, naming it and the names the site keeps."""
    reason = ("strategy_data/site/strategy.yaml: its landing page would be at /site/, where "
              "the name the site's own deadlines go by (in `strategy-site check` and the "
              "calendar feeds) is; rename the folder (a partnership's folder cannot take a "
              "name the site keeps at its top: accessibility, assets, pagefind, schema, search, "
              "site, timetable)")
    assert reason in _refusal(tmp_path, "site", caplog)
    data = tmp_path / "strategy_data"
    assert main(["check", "--data", str(data), "--today", "2024-02-10"]) == 2
    assert reason in capsys.readouterr().err


def test_a_hand_written_page_at_a_generated_pages_address_is_refused(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = _partnership_named(tmp_path, "testshire")
    build_site(tmp_path, data, pdfs=False)
    page = tmp_path / "project" / "docs" / "timetable" / "index.md"
    page.parent.mkdir()
    page.write_text("# Our timetable\n", encoding="utf-8")
    with pytest.raises((Abort, PluginError)):
        build_site(tmp_path, data)
    assert ("docs/timetable/index.md and the site's Timetable page would both be the page at "
            "/timetable/, and one would silently replace the other") in caplog.text
