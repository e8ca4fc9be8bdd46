"""A site whose mkdocs.yml names only the theme and the plugin (issue 16): the package brings
the stylesheet, the accessibility statement and the shared definitions; what only the council
can say is asked for by the line to add."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError

from conftest import FIXTURES

STATEMENT = """\
      accessibility:
        organisation: the Testshire Community Safety Partnership
        email: csp@testshire.example
        prepared: 2026-11-01
        last_reviewed: 2026-11-01
        last_tested: 2026-11-01
"""


def _project(tmp_path: Path, plugin_options: str) -> Path:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "minimal", project / "strategy_data")
    (project / "docs").mkdir()
    (project / "docs" / "index.md").write_text("# Strategies\n", encoding="utf-8")
    (project / "mkdocs.yml").write_text(
        "site_name: Testshire\ntheme:\n  name: material\nplugins:\n  - strategy_site:\n"
        f"      pdfs: false\n{plugin_options}", encoding="utf-8")
    return project


def _refusal(project: Path, caplog: pytest.LogCaptureFixture) -> str:
    """What the build said when it stopped (MkDocs logs a plugin's error, then aborts)."""
    with pytest.raises((PluginError, Abort)):
        _build(project)
    return "\n".join(r.getMessage() for r in caplog.records if r.levelname == "ERROR")


def _build(project: Path) -> Path:
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site"))
    build(config)
    return project / "site"


def test_no_statement_settings_names_the_lines_to_add(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """It said: "Plugin 'strategy_site' option 'accessibility': Sub-option 'organisation':
    Required configuration not provided"."""
    project = _project(tmp_path, "")
    message = _refusal(project, caplog)
    assert "Required configuration not provided" not in message
    assert ("mkdocs.yml: the accessibility statement needs the council's own organisation, "
            "email, prepared, last_reviewed, last_tested, still missing or TODO. Write them "
            "under 'plugins:'" in message)
    assert "      accessibility:\n          organisation: the London Borough of Newham" in message
    assert not (project / "site").exists()


def test_only_the_missing_settings_are_asked_for(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    options = STATEMENT.replace("        last_tested: 2026-11-01\n", "")
    message = _refusal(_project(tmp_path, options), caplog)
    assert "needs the council's own last_tested, still missing or TODO." in message
    assert "organisation:" not in message


def test_the_package_brings_the_stylesheet_and_the_statement(tmp_path: Path) -> None:
    site = _build(_project(tmp_path, STATEMENT))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="assets/stylesheets/strategy.css"' in home
    assert (site / "assets" / "stylesheets" / "strategy.css").stat().st_size > 1000
    statement = (site / "accessibility" / "index.html").read_text(encoding="utf-8")
    assert "This website is run by the Testshire Community Safety Partnership" in statement
    assert "csp@testshire.example" in statement
    assert 'href="accessibility/"' in home  # linked from every page's footer


def test_statement_settings_left_at_todo_are_asked_for(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """`strategy-site init` writes them as TODO text: the build names each one still to do."""
    options = (STATEMENT.replace("the Testshire Community Safety Partnership", '"TODO: who"')
               .replace("prepared: 2026-11-01", 'prepared: "TODO: the date"'))
    message = _refusal(_project(tmp_path, options), caplog)
    assert "needs the council's own organisation, prepared, still missing or TODO." in message
