"""Every PDF a build needs: from the cache when nothing it depends on has changed, the rest
rendered in parallel processes.

Rendering is most of a build's time (WeasyPrint lays out every page), and an officer who
edits one line of one strategy should not wait for every other strategy's PDF. A PDF depends
on its print document (the data, the templates and the CSS, all inlined into that HTML), on
the engine (WeasyPrint's and pikepdf's versions and our tagging code in pdf.py) and on the
fonts installed; the cache key is a SHA-256 of all of them. The cache holds nothing else, lives
outside `site/`, and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pikepdf
import weasyprint

from . import pdf
from .output import write_atomically


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its file name, its print document, and a label for the log."""

    name: str
    html: str
    label: str


@dataclass(frozen=True)
class PdfResult:
    """A made PDF, how long it took, whether it came from the cache, and what WeasyPrint
    warned about while rendering it."""

    pdf: pdf.RenderedPdf
    seconds: float
    cached: bool
    warnings: tuple[str, ...] = ()


Progress = Callable[[int, int, PdfJob, PdfResult], None]
"""Told of each PDF as it is done: its number, how many in all, the job and its result."""


class PdfCache:
    """PDFs by the SHA-256 of everything they depend on, in a folder of their own."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    def key(self, job: PdfJob) -> str:
        """The fingerprint of everything the PDF depends on."""
        digest = hashlib.sha256(engine_fingerprint().encode("utf-8"))
        digest.update(job.html.encode("utf-8"))
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        if self.folder is None:
            return None
        path = self.folder / key[:2] / f"{key}.pdf"
        try:
            return path.read_bytes()
        except OSError:
            return None

    def put(self, key: str, data: bytes) -> None:
        if self.folder is not None:
            write_atomically(self.folder / key[:2] / f"{key}.pdf", data)


@cache
def engine_fingerprint() -> str:
    """What renders a PDF besides its HTML: library versions, our tagging code, the fonts."""
    tagging = hashlib.sha256(Path(pdf.__file__).read_bytes()).hexdigest()
    return "\n".join([weasyprint.__version__, pikepdf.__version__, tagging, _fonts()])


def _fonts() -> str:
    """The installed fonts (fontconfig's list with versions): a new or updated font can change
    every page's layout."""
    try:
        listed = subprocess.run(["fc-list", "--format", "%{file}|%{fontversion}\n"],
                                capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return "fonts unknown"
    return hashlib.sha256("\n".join(sorted(listed.splitlines())).encode()).hexdigest()


def render_all(jobs: list[PdfJob], cache: PdfCache, workers: int,
               progress: Progress | None = None) -> list[PdfResult]:
    """Every job's PDF, in the jobs' order: cached ones at once, the others rendered by up to
    `workers` processes (in this process when one is enough)."""
    results: list[PdfResult | None] = [None] * len(jobs)
    keys = [cache.key(job) for job in jobs]
    done = 0

    def finish(index: int, result: PdfResult) -> None:
        nonlocal done
        results[index] = result
        done += 1
        if progress is not None:
            progress(done, len(jobs), jobs[index], result)

    to_render = []
    for index, (job, key) in enumerate(zip(jobs, keys, strict=True)):
        kept = cache.get(key)
        if kept is not None:
            finish(index, PdfResult(pdf.RenderedPdf(job.name, kept, pdf.page_count(kept)),
                                    0.0, cached=True))
        else:
            to_render.append(index)
    processes = min(workers, len(to_render))
    if processes > 1:
        with ProcessPoolExecutor(max_workers=processes) as pool:
            futures = {index: pool.submit(_render, jobs[index].html) for index in to_render}
            for index, future in futures.items():
                finish(index, _result(jobs[index], *future.result(), cache, keys[index]))
    else:
        for index in to_render:
            finish(index, _result(jobs[index], *_render(jobs[index].html), cache, keys[index]))
    assert all(result is not None for result in results)
    return [result for result in results if result is not None]


def _result(job: PdfJob, data: bytes, seconds: float, warnings: tuple[str, ...],
            cache: PdfCache, key: str) -> PdfResult:
    if not warnings:  # a PDF that was warned about is rendered again next time, and warned
        cache.put(key, data)
    return PdfResult(pdf.RenderedPdf(job.name, data, pdf.page_count(data)), seconds, False,
                     warnings)


def _render(html: str) -> tuple[bytes, float, tuple[str, ...]]:
    """Render one print document (in a worker process): the bytes, the seconds it took, and
    what WeasyPrint warned about (a worker's log would otherwise be lost)."""
    start = time.perf_counter()
    with _warnings_of("weasyprint") as warnings:
        data = pdf.write_pdf(html)
    assert data is not None
    return data, time.perf_counter() - start, tuple(warnings)


@contextmanager
def _warnings_of(logger_name: str) -> Iterator[list[str]]:
    """Collect what a library warns about while it works, to report it as our own."""
    found: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            found.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        yield found
    finally:
        logger.removeHandler(handler)


def default_workers() -> int:
    """As many processes as the machine has cores for us."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
