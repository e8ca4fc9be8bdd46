"""Issue 18: the PDF cache is keyed on what a print document is made from, so a rebuild makes
a print document only for a PDF the cache lacks; and any change to what the PDF is made from
(the data, what is withheld, a shared definition, the site's address, a template, the print
stylesheet, the code, a font) changes its key, so no stale PDF is ever served."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, build_site, copy_data
from strategy_site import pdf_key

pytestmark = pytest.mark.slow  # renders PDFs, a few times over

PACKAGE = Path(pdf_key.__file__).parent
PDF = "testshire/testshire-serious-violence-duty-strategy-2025.pdf"


def _build(tmp_path: Path, data: Path, caplog: pytest.LogCaptureFixture) -> tuple[set[str], str]:
    """Build with a PDF cache of the test's own, pruned to what the build used: the keys in
    it, and the build's summary of its PDFs."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.strategy_site"):
        build_site(tmp_path, data, caplog, pdf_cache_dir=str(tmp_path / "cache"),
                   pdf_cache_prune=True)
    [summary] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("PDFs: ")]
    return _keys(tmp_path / "cache"), summary


def _keys(cache: Path) -> set[str]:
    return {path.stem for path in cache.glob("*/*.pdf")}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_an_unchanged_rebuild_makes_no_print_document(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """The key was the SHA-256 of the print document, so every rebuild made every print
    document only to find its key (10 s at N = 300); now one is made only for a PDF the cache
    lacks, and the build's log says how many."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    keys, summary = _build(tmp_path, data, caplog)
    assert "(1 rendered, 0 from the cache, 0 as published; print documents made: 1)" in summary
    pdf = (tmp_path / "site" / PDF).read_bytes()
    again, summary = _build(tmp_path, data, caplog)
    assert again == keys
    assert "(0 rendered, 1 from the cache, 0 as published; print documents made: 0)" in summary
    assert (tmp_path / "site" / PDF).read_bytes() == pdf


def _adopting_london(data: Path) -> None:
    """Testshire adopts the London definition, kept in the site's own shared/ folder."""
    (data / "shared").mkdir()
    shutil.copy(PACKAGE / "defaults" / "shared" / "london-definition.yaml",
                data / "shared" / "london-definition.yaml")
    (data / "testshire" / "definition.yaml").write_text(
        "adopts: london-definition\n", encoding="utf-8")


def _change_data(tmp_path: Path, data: Path) -> None:
    _edit(data / "testshire" / "objectives.yaml", "Reduce knife crime", "Reduce robbery")


def _withhold(tmp_path: Path, data: Path) -> None:
    _edit(data / "testshire" / "objectives.yaml", "      - title: Patrol hotspots\n",
          "      - title: Patrol hotspots\n        withhold: {reason: safety}\n")


def _change_shared(tmp_path: Path, data: Path) -> None:
    _edit(data / "shared" / "london-definition.yaml", "Any violence and exploitation",
          "Any violence, harm and exploitation")


def _change_site_url(tmp_path: Path, data: Path) -> None:
    config_file = tmp_path / "project" / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["site_url"] = "https://strategies.elsewhere.test/serious-violence/"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")


@pytest.mark.parametrize("change", [_change_data, _withhold, _change_shared, _change_site_url],
                         ids=["data", "withholding", "shared definition", "site_url"])
def test_a_change_to_what_the_pdf_is_made_from_changes_its_key(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, change: object) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    _adopting_london(data)
    before, _ = _build(tmp_path, data, caplog)
    pdf = (tmp_path / "site" / PDF).read_bytes()
    assert callable(change)
    change(tmp_path, data)
    after, summary = _build(tmp_path, data, caplog)
    assert after and after.isdisjoint(before), (before, after)
    assert "(1 rendered, 0 from the cache, 0 as published; print documents made: 1)" in summary
    assert (tmp_path / "site" / PDF).read_bytes() != pdf


# --- the package's own files: a copy of the package, imported first in a fresh process -----

BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
"""


def _build_with_package(tmp_path: Path, package: Path) -> set[str]:
    """Build the test's project in a fresh process that imports the package from `package`'s
    folder (before the installed one): the keys its PDF cache then holds."""
    run = subprocess.run(
        [sys.executable, "-c", BUILD, str(tmp_path / "project" / "mkdocs.yml"),
         str(tmp_path / "site")], capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(package.parent), "NO_MKDOCS_2_WARNING": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"{package}" in _imported_from(package), "the copy of the package was not used"
    return _keys(tmp_path / "cache")


def _imported_from(package: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-c", "import strategy_site; print(strategy_site.__file__)"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHONPATH": str(package.parent)})
    return run.stdout


@pytest.mark.parametrize("name, addition", [
    ("templates/objectives.html", "<p>A sentence added to the template.</p>\n"),
    ("templates/print/print.css", "h1 { letter-spacing: 0.01em; }\n"),
    ("diagrams.py", "# an edit to the diagrams' code\n"),
], ids=["part template", "print stylesheet", "diagram code"])
def test_a_change_to_a_package_file_the_print_reads_changes_the_key(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, name: str, addition: str) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    package = tmp_path / "package" / "strategy_site"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before, _ = _build(tmp_path, data, caplog)  # the installed package: the same files
    assert _build_with_package(tmp_path, package) == before
    with (package / name).open("a", encoding="utf-8") as edited:
        edited.write(addition)
    after = _build_with_package(tmp_path, package) - before
    assert after, "the edited package gave the same key"


def test_every_file_under_templates_counts(tmp_path: Path) -> None:
    """Hashed whole, not by a list of the files read today: a new file counts too."""
    package = tmp_path / "strategy_site"
    shutil.copytree(PACKAGE / "templates", package / "templates")
    first = pdf_key.templates_fingerprint(package)
    (package / "templates" / "print" / "another.css").write_text("p {}\n", encoding="utf-8")
    second = pdf_key.templates_fingerprint(package)
    (package / "templates" / "print" / "another.css").rename(
        package / "templates" / "print" / "renamed.css")
    assert len({first, second, pdf_key.templates_fingerprint(package)}) == 3


def test_a_catalog_of_our_words_counts(tmp_path: Path) -> None:
    """Issue 19: the print document's words come from locale/ (catalog.py), outside
    templates/: a corrected Welsh word must make the Welsh PDF again, not serve the old one."""
    package = tmp_path / "strategy_site"
    for folder in ("templates", "locale"):
        shutil.copytree(PACKAGE / folder, package / folder)
    first = pdf_key.templates_fingerprint(package)
    welsh = package / "locale" / "cy" / "LC_MESSAGES" / "strategy_site.po"
    welsh.write_text(welsh.read_text("utf-8").replace('msgstr "Cynnwys"', 'msgstr "Cynnwys y"'),
                     "utf-8")
    assert pdf_key.templates_fingerprint(package) != first


def test_the_print_code_is_followed_through_its_imports() -> None:
    modules = {path.relative_to(PACKAGE).as_posix() for path in pdf_key.imported_modules(
        PACKAGE, [PACKAGE / name for name in pdf_key.PRINT_CODE])}
    # pages.py renders the print document with the diagrams and the filters, from the model.
    assert {"pages.py", "pdf.py", "diagrams.py", "formatting.py", "model/values.py",
            "model/parts.py", "addresses.py", "catalog.py"} <= modules
    assert "plugin.py" not in modules and "cli.py" not in modules


def _engine_fingerprint(home: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-c",
         "from strategy_site.pdf_key import engine_fingerprint; print(engine_fingerprint())"],
        capture_output=True, text=True, timeout=120, check=True,
        env={**os.environ, "XDG_DATA_HOME": str(home / "data"),
             "XDG_CACHE_HOME": str(home / "cache")})
    return run.stdout


def test_a_new_font_changes_the_key(tmp_path: Path) -> None:
    """A font installed for the user (fontconfig's own list, which WeasyPrint reads too)."""
    (tmp_path / "data" / "fonts").mkdir(parents=True)
    before = _engine_fingerprint(tmp_path)
    assert before == _engine_fingerprint(tmp_path)
    fonts = sorted(Path("/usr/share/fonts").rglob("*.ttf"))
    assert fonts, "no font to add"
    shutil.copy(fonts[0], tmp_path / "data" / "fonts" / "Added-Font.ttf")
    assert _engine_fingerprint(tmp_path) != before
    assert re.search(r"pango \d+", before)


_WORKERS_AND_OWN = """
from strategy_site.pdf_key import render_fingerprint
from strategy_site.pdf_workers import PdfWorkers
workers = PdfWorkers.started(2)
theirs = workers.fingerprint()
workers.shutdown()
print(theirs == render_fingerprint())
"""


def test_a_builds_workers_take_the_fingerprint_a_preview_takes_in_its_own_process() -> None:
    """A build's PDF workers take the engine's fingerprint as they start (pdf_workers.py); a
    preview takes it in its own process. A build and a preview share the PDF cache: if the two
    differed (a library loaded in one and not the other), each would render every PDF again
    that the other had cached. A fresh interpreter, that has loaded no engine yet, asks both."""
    run = subprocess.run([sys.executable, "-c", _WORKERS_AND_OWN], capture_output=True,
                         text=True, timeout=120, check=True)
    assert run.stdout.strip() == "True", run.stderr[-2000:]
