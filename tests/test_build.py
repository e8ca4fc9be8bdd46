"""One build of the site without an engine (build.py, issue 17): the staging folder, the
plan's own files written into it, the swap. Another adapter than the MkDocs plugin calls the
same steps; that build.py imports nothing of MkDocs is tests/test_core_imports.py."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES, copy_data
from strategy_site.addresses import SCHEMA_FOLDER
from strategy_site.build import BuildError, BuildOptions, SiteBuild
from strategy_site.loading import load_site
from strategy_site.pages import Renderer
from strategy_site.plan import Options, plan_site


def _options(project: Path, data: Path, **changes: object) -> BuildOptions:
    values: dict[str, object] = {
        "config_file": project / "mkdocs.yml", "data_dir": data, "docs_dir": project / "docs",
        "site_dir": project / "site", "site_url": "https://x.test/a/",
        "submission_dir": "submissions", "lock_timeout": 5, "pdfs": False,
        "pdf_cache_dir": None, "pdf_workers": 1, "pdf_cache_prune": False}
    values.update(changes)
    return BuildOptions(**values)  # type: ignore[arg-type]


def test_a_build_stages_writes_the_plans_files_and_swaps_without_an_engine(
        tmp_path: Path) -> None:
    """The plan's feeds and the data files' schemas written into the staging folder, which
    replaces site/ whole; nothing of the staging is left beside it."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    plan = plan_site(load_site(data), Options(data_dir=data, site_url="https://x.test/a/",
                                              site_name="Sites", today=dt.date(2025, 2, 1)))
    project = tmp_path / "project"
    (project / "site").mkdir(parents=True)
    (project / "site" / "old.html").write_text("the previous build", encoding="utf-8")
    build = SiteBuild(plan, _options(project, data), Renderer())
    assert build.staging.is_dir() and not build.staging.is_relative_to(project / "site")
    build.start_pdfs()
    assert build.downloads == {}  # pdfs: false
    build.write_outputs([], "en")
    build.finish_pdfs()
    build.commit_site([])
    build.commit_packs([])
    site = project / "site"
    assert not (site / "old.html").exists()
    assert (site / "testshire" / "key-dates.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert (site / "key-dates.ics").is_file()
    assert any((site / SCHEMA_FOLDER).iterdir())
    assert not build.staging.exists()


def test_a_packs_folder_holding_the_site_stops_the_build_before_anything_is_staged(
        tmp_path: Path) -> None:
    """The packs' folder is replaced whole, so it may not hold the site: said, naming the
    option, before any lock is taken."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    plan = plan_site(load_site(data), Options(data_dir=data))
    project = tmp_path / "project"
    project.mkdir()
    with pytest.raises(BuildError, match="submission_dir: expected a folder of its own"):
        SiteBuild(plan, _options(project, data, submission_dir="."), Renderer())
    assert list(project.iterdir()) == []


_BUILD_THEN_LIST_ENGINES = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
print(" ".join(sorted(name for name in ("weasyprint", "pydyf") if name in sys.modules)))
"""


def test_a_build_without_pdfs_does_not_load_the_pdf_engine(tmp_path: Path) -> None:
    """WeasyPrint takes 0.75 s to import: a build with `pdfs: false` (the quick preview) and
    the commands that make no PDF do without it (pdf.py and pdf_key.py import it where a PDF
    or its key is made). A fresh interpreter builds the site and lists what it loaded."""
    import subprocess
    import sys

    from conftest import make_project

    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    project = make_project(tmp_path, data, pdfs=False)
    run = subprocess.run(
        [sys.executable, "-c", _BUILD_THEN_LIST_ENGINES, str(project / "mkdocs.yml"),
         str(tmp_path / "site")], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "site" / "index.html").exists()
    assert run.stdout.strip() == "", f"loaded without a PDF to make: {run.stdout}"


def test_a_rebuild_makes_every_file_anew_as_a_fresh_build_would(tmp_path: Path) -> None:
    """A rebuild's files are new files, with the mode the umask gives now and no other name:
    hard links to the replaced site's unchanged files (tried for speed) kept that site's mode
    (a site built under umask 077, rebuilt under 022, kept files a web server could not read)
    and shared inodes with any snapshot of it."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    project = tmp_path / "project"
    site = project / "site"

    def build_under(umask: int) -> None:
        plan = plan_site(load_site(data), Options(data_dir=data, site_url="https://x.test/a/",
                                                  site_name="Sites", today=dt.date(2025, 2, 1)))
        before = os.umask(umask)
        try:
            build = SiteBuild(plan, _options(project, data), Renderer())
            build.start_pdfs()
            build.write_outputs([], "en")
            build.finish_pdfs()
            build.commit_site([])
            build.commit_packs([])
        finally:
            os.umask(before)

    build_under(0o077)
    snapshot = tmp_path / "snapshot"
    shutil.copytree(site, snapshot, copy_function=os.link)  # a backup by hard links
    build_under(0o022)
    files = [path for path in site.rglob("*") if path.is_file()]
    assert files
    assert {path.relative_to(site): oct(path.stat().st_mode & 0o777) for path in files
            if path.stat().st_mode & 0o777 != 0o644} == {}
    assert [path for path in files if path.stat().st_nlink != 1] == []
