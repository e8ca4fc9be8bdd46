"""PDFs are cached by everything they depend on and rendered in parallel: an unchanged strategy
is not rendered again, a changed one is, and the cache can be deleted at any time."""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

import pikepdf
import pytest
import weasyprint

from conftest import FIXTURES, build_site, copy_data
from strategy_site.loading import load_site
from strategy_site.pages import Renderer
from strategy_site.pdf import write_pdf
from strategy_site.pdf_batch import PdfBatch, PdfCache, PdfJob, engine_fingerprint
from strategy_site.pdf_key import render_fingerprint
from strategy_site.pdf_workers import PdfWorkers

pytestmark = pytest.mark.slow  # renders PDFs, serially and in parallel


def _two_boroughs(tmp_path: Path) -> Path:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copytree(FIXTURES / "diagrams" / "diagramshire", data / "diagramshire")
    return data


def _build(tmp_path: Path, data: Path, cache: Path,
           caplog: pytest.LogCaptureFixture) -> list[str]:
    """Build, and return the plugin's PDF progress lines."""
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.strategy_site"):
        build_site(tmp_path, data, pdf_cache_dir=str(cache))
    return [r.getMessage() for r in caplog.records
            if re.match(r"PDF \d+/\d+ |PDFs: ", r.getMessage())]


def test_an_unchanged_strategy_is_not_rendered_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = _two_boroughs(tmp_path)
    cache = tmp_path / "cache"
    first = _build(tmp_path, data, cache, caplog)
    # Numbered as they are done (rendering runs beside the pages, in either order).
    assert sorted(line.split(":")[0] for line in first[:2]) == sorted([
        f"PDF {first[0][4]}/2 {first[0].split()[2]} 2025",
        f"PDF {first[1][4]}/2 {first[1].split()[2]} 2025"])
    assert {line.split()[1] for line in first[:2]} == {"1/2", "2/2"}
    assert {line.split()[2] for line in first[:2]} == {"diagramshire", "testshire"}
    assert "PDFs: 2, done" in first[-1] and "(2 rendered with" in first[-1]
    built = (tmp_path / "site" / "testshire" /
             "testshire-serious-violence-duty-strategy-2025.pdf").read_bytes()

    again = _build(tmp_path, data, cache, caplog)
    assert all("from the cache" in line for line in again[:2]), again
    assert "(0 rendered, 2 from the cache" in again[-1]
    assert (tmp_path / "site" / "testshire" /
            "testshire-serious-violence-duty-strategy-2025.pdf").read_bytes() == built

    objectives = data / "testshire" / "objectives.yaml"
    objectives.write_text(objectives.read_text("utf-8").replace(
        "Reduce knife crime", "Reduce knife crime and robbery"), encoding="utf-8")
    changed = dict((line.split()[2], line) for line in _build(tmp_path, data, cache, caplog)
                   if line.startswith("PDF "))
    assert "from the cache" in changed["diagramshire"]
    assert "from the cache" not in changed["testshire"]

    shutil.rmtree(cache)  # safe to delete: everything is rendered again
    fresh = _build(tmp_path, data, cache, caplog)
    assert "(2 rendered with" in fresh[-1]


def test_parallel_rendering_gives_the_same_pdfs_as_serial(tmp_path: Path) -> None:
    site = load_site(_two_boroughs(tmp_path))
    renderer = Renderer()
    jobs = [PdfJob.of_html(s.home + ".pdf", renderer.render_print(s, site, None), s.home)
            for s in site.latest_editions]
    seen: list[tuple[int, int, str]] = []
    parallel = PdfBatch(jobs, PdfCache(None), PdfWorkers(2), progress=lambda n, total, job, _:
                        seen.append((n, total, job.label))).results()
    serial = [write_pdf(job.print_document()) for job in jobs]
    assert [result.pdf.data for result in parallel] == serial
    assert [result.pdf.name for result in parallel] == [job.name for job in jobs]
    # Reported as each is done, in whichever order that is.
    assert [(n, total) for n, total, _ in seen] == [(1, 2), (2, 2)]
    assert sorted(label for _, _, label in seen) == ["diagramshire", "testshire"]
    assert not any(result.cached for result in parallel)


def test_the_cache_key_covers_the_document_and_the_engine() -> None:
    cache = PdfCache(None)
    one = PdfJob.of_html("a.pdf", "<p>one</p>", "a")
    other = PdfJob.of_html("a.pdf", "<p>two</p>", "a")
    renderer = render_fingerprint()
    assert cache.key(one, renderer) != cache.key(other, renderer)
    # Not the name.
    assert cache.key(one, renderer) == cache.key(PdfJob.of_html("b.pdf", "<p>one</p>", "b"),
                                                 renderer)
    assert cache.key(one, renderer) != cache.key(one, renderer + "a newer engine")
    fingerprint = engine_fingerprint()
    assert weasyprint.__version__ in fingerprint and pikepdf.__version__ in fingerprint
    assert "fonts unknown" not in fingerprint  # fontconfig answered: fonts are part of it


def test_a_preview_without_pdfs_has_no_download_links(tmp_path: Path) -> None:
    site = build_site(tmp_path, FIXTURES / "minimal", pdfs=False)
    assert not list(site.root.rglob("*.pdf"))
    assert "Download" not in site.text("testshire/")
    assert "Download" not in site.text("testshire/editions/")


_BUILD_THEN_LIST_ENGINES = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1], site_dir=sys.argv[2], strict=True))
print(" ".join(sorted(name for name in ("weasyprint", "pydyf") if name in sys.modules)))
"""


def test_a_build_leaves_the_pdf_engine_to_its_workers(tmp_path: Path) -> None:
    """A build's PDF workers import WeasyPrint and take the engine's fingerprint as the build
    starts (pdf_workers.py), so the build's own process, which builds the pages, never loads
    the engine (0.9 s), and the PDFs are made all the same. A fresh interpreter builds the
    site with PDFs and lists what it loaded."""
    import subprocess
    import sys

    from conftest import make_project

    data = copy_data(tmp_path, FIXTURES / "minimal")
    project = make_project(tmp_path, data, pdfs=True)
    run = subprocess.run(
        [sys.executable, "-c", _BUILD_THEN_LIST_ENGINES, str(project / "mkdocs.yml"),
         str(tmp_path / "site")], capture_output=True, text=True, check=False, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    made = tmp_path / "site" / "testshire" / "testshire-serious-violence-duty-strategy-2025.pdf"
    assert made.read_bytes().startswith(b"%PDF-")
    assert run.stdout.strip() == "", f"the build's own process loaded {run.stdout}"


def test_a_print_document_that_fails_fails_the_batch_and_leaves_no_worker() -> None:
    """The print documents are made in the batch's own thread, beside the pages: an error
    there is the build's error, raised where the build waits for its PDFs, and the workers
    that were started for them end."""
    def broken() -> str:
        raise ValueError("a template that cannot be rendered")

    workers = PdfWorkers.started(1)
    worker = workers.submit(os.getpid).result()
    batch = PdfBatch([PdfJob("a.pdf", "a", "made from", broken)], PdfCache(None), workers)
    with pytest.raises(ValueError, match="a template that cannot be rendered"):
        batch.results()
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
