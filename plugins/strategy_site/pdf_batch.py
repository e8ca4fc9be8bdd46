"""Every PDF a build needs: from the cache when nothing it is made from has changed, the rest
rendered in parallel processes.

Rendering is most of a build's time (WeasyPrint lays out every page), and an officer who
edits one line of one strategy should not wait for every other strategy's PDF. The cache key
(pdf_key.py) is a fingerprint of everything a PDF is made from, the print document's inputs
and the engine, known without rendering the print document: a print document is made only
for a PDF the cache lacks. The cache holds nothing else, lives outside `site/`, and may be
deleted at any time.

Builds may share a cache and run at once: an entry is written whole under its final name
(write_atomically) or not at all, a missing or vanished entry is rendered again, and a build
prunes only what no build has used since it started (`PdfCache.prune`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import pdf
from .output import write_atomically
from .pdf_key import engine_fingerprint, pdf_key, templates_fingerprint
from .processes import heap_frozen, stop_workers, worker_pool

__all__ = ["PdfBatch", "PdfCache", "PdfJob", "PdfResult", "engine_fingerprint"]


@dataclass(frozen=True)
class PdfJob:
    """One PDF to make: its file name, a label for the log, the fingerprint of what its print
    document is made from (pdf_key.print_inputs) and how to make that document, called only
    when the cache lacks the PDF; or, for an edition kept as a record, the PDF as published
    (nothing to render)."""

    name: str
    label: str
    made_from: str
    print_document: Callable[[], str] = field(compare=False)
    published: bytes | None = None

    @classmethod
    def of_html(cls, name: str, html: str, label: str) -> PdfJob:
        """A job for a print document made already: it is made from its own text."""
        return cls(name, label, hashlib.sha256(html.encode("utf-8")).hexdigest(),
                   lambda: html)


@dataclass(frozen=True)
class PdfResult:
    """A made PDF, how long it took, whether it came from the cache (or is the published
    record), and what WeasyPrint warned about while rendering it."""

    pdf: pdf.RenderedPdf
    seconds: float
    cached: bool
    warnings: tuple[str, ...] = ()
    published: bool = False


Progress = Callable[[int, int, PdfJob, PdfResult], None]
"""Told of each PDF as it is done: its number, how many in all, the job and its result."""


class PdfCache:
    """PDFs by the fingerprint of everything they are made from, in a folder of their own."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.used: set[str] = set()
        """The keys this build has read or written."""
        self.templates = templates_fingerprint()
        """The package's templates as this build reads them."""

    def key(self, job: PdfJob) -> str:
        """The fingerprint of everything the PDF is made from (pdf_key.py)."""
        return pdf_key(job.made_from, self.templates)

    def get(self, key: str) -> bytes | None:
        """The cached PDF, marked as used now (so no other build prunes it), or None."""
        if self.folder is None:
            return None
        path = self._path(key)
        try:
            data = path.read_bytes()
            os.utime(path)
        except OSError:  # not cached, or pruned by another build a moment ago
            return None
        self.used.add(key)
        return data

    def put(self, key: str, data: bytes) -> None:
        if self.folder is not None:
            write_atomically(self._path(key), data)
            self.used.add(key)

    def prune(self, since: float) -> int:
        """Remove every entry this build did not use and no build has used or written since
        `since` (this build's start, as a file time), and temporary files of writes that
        were killed; how many PDFs were removed. Two builds sharing the cache keep what
        either of them uses: each marks an entry it reads (its file time) and writes it whole."""
        if self.folder is None or not self.folder.is_dir():
            return 0
        removed = 0
        for path in self.folder.glob("*/*"):
            entry = _ENTRY.fullmatch(path.name)
            if entry is None or path.parent.name != entry["key"][:2]:
                continue  # not the cache's: whatever else is in the folder stays
            try:
                age = path.stat().st_mtime
                if entry["writing"]:  # a write in progress, or one that was killed
                    if age < since - _ABANDONED_WRITE_SECONDS:
                        path.unlink()
                elif entry["key"] not in self.used and age < since:
                    path.unlink()
                    removed += 1
            except OSError:  # removed by another build meanwhile
                continue
        return removed

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.pdf"


log = logging.getLogger("mkdocs.plugins.strategy_site")

_ENTRY = re.compile(r"(?P<writing>\.)?(?P<key>[0-9a-f]{64})\.pdf(?(writing)\.\w+|)")
"""A cache entry's file name (`<key>.pdf`), or write_atomically's temporary file for one."""

_ABANDONED_WRITE_SECONDS = 3600
"""A temporary file in the cache this old belongs to a write that will never finish (writes
take well under a second)."""


class PdfBatch:
    """The PDFs of a build, made while its pages are built: the cached ones at once, the
    others started at once in up to `workers` processes. `results` waits for them.

    The pages only need a PDF's name while they are built (its size and page count are filled
    in afterwards, pdf_facts.py), so rendering overlaps the HTML build: an officer's
    rebuild after one change costs about the longer of the two, not their sum."""

    def __init__(self, jobs: list[PdfJob], cache: PdfCache, workers: int,
                 progress: Progress | None = None,
                 remembered: Mapping[str, PdfResult] | None = None,
                 start: bool = True) -> None:
        """`remembered`: PDFs an earlier batch of this process made, by key, taken as they
        are, with what WeasyPrint warned about them (the preview's, preview.py). `start`:
        render at once (a build); else on `start()` (a preview, once its pages are served:
        the print documents and WeasyPrint do not hold up the pages)."""
        self.jobs = jobs
        self.cache = cache
        self.progress = progress
        self.keys = [cache.key(job) if job.published is None else "" for job in jobs]
        self.workers = 0
        self._results: list[PdfResult | None] = [None] * len(jobs)
        self._done = 0
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[Future[Rendered], int] = {}
        self.print_documents = 0
        """How many print documents this batch made: one per PDF the cache lacked."""
        to_render = []
        for index, (job, key) in enumerate(zip(jobs, self.keys, strict=True)):
            earlier = remembered.get(key) if remembered and key else None
            if earlier is not None:
                self._finish(index, replace(earlier, seconds=0.0, cached=True, pdf=replace(
                    earlier.pdf, name=job.name)))
                continue
            kept = job.published if job.published is not None else cache.get(key)
            if kept is None:
                to_render.append(index)
            else:
                self._finish(index, PdfResult(
                    pdf.RenderedPdf(job.name, kept, _pages(key, kept)), 0.0, cached=True,
                    published=job.published is not None))
        self.rendering = frozenset(to_render)
        """The jobs (by number) that are rendered, not taken from the cache."""
        self._to_render = to_render
        self._most_workers = workers
        self._lock = threading.Lock()
        self._started = self._stopped = False
        if start:
            self.start()

    def start(self) -> None:
        """Make the print documents of the PDFs the cache lacks, and start rendering them
        (once; not after `stop`)."""
        with self._lock:
            if self._started or self._stopped or not self._to_render:
                return
            self._started = True
            self.workers = min(self._most_workers, len(self._to_render))
            pool = self._pool = worker_pool(self.workers)
        for index in self._to_render:  # only now, for the PDFs the cache lacks
            html = self.jobs[index].print_document()
            self.print_documents += 1
            with self._lock:
                if self._stopped:
                    return
                with heap_frozen() if not self._futures else nullcontext():
                    self._futures[pool.submit(render_one, html)] = index  # the first forks

    def results(self) -> list[PdfResult]:
        """Every job's PDF, in the jobs' order, once all are made (reported as each is)."""
        try:
            for future in as_completed(self._futures):
                index = self._futures[future]
                data, pages, seconds, warnings = future.result()
                key = self.keys[index]
                if not warnings:  # a PDF that was warned about is rendered again next time
                    self.cache.put(key, data)
                _PAGE_COUNTS[key] = pages
                self._finish(index, PdfResult(pdf.RenderedPdf(self.jobs[index].name, data, pages),
                                              seconds, False, warnings))
        finally:
            self.cancel()
        return [result for result in self._results if result is not None]

    def made(self) -> dict[int, PdfResult]:
        """The jobs' PDFs made so far, by number (at first, those from the cache)."""
        return {index: result for index, result in enumerate(self._results)
                if result is not None}

    def cancel(self) -> None:
        """Stop rendering (a failed build): no worker is left running."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def stop(self) -> None:
        """Stop rendering at once, without waiting for the PDFs being rendered: the preview's
        batch when the data has changed again: its workers are ended."""
        with self._lock:
            self._stopped = True
            pool, self._pool = self._pool, None
        if pool is not None:
            stop_workers(pool)

    def _finish(self, index: int, result: PdfResult) -> None:
        self._results[index] = result
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, len(self.jobs), self.jobs[index], result)


_PAGE_COUNTS: dict[str, int] = {}
"""Each PDF's page count, by key, as this process found it (a rendered PDF's as its worker
laid it out): a preview's rebuild takes the same PDFs from the cache as the build before, and
opening each to count its pages (25 ms with pikepdf) was a second at N = 33."""


def _pages(key: str, data: bytes) -> int:
    """How many pages a PDF has, counted once per key in a process (a key is one PDF)."""
    if not key:
        return pdf.page_count(data)  # a kept PDF: its own bytes, counted each time
    if key not in _PAGE_COUNTS:
        _PAGE_COUNTS[key] = pdf.page_count(data)
    return _PAGE_COUNTS[key]


Rendered = tuple[bytes, int, float, tuple[str, ...]]
"""What a worker sends back: a PDF's bytes, its page count, the seconds it took, and what
WeasyPrint warned about."""


def render_one(html: str) -> Rendered:
    """Render one print document (what a worker process does): the bytes, the page count
    (the laid-out document's: the build does not open the PDF again to count them), the
    seconds it took, and what WeasyPrint warned about (a worker's log would otherwise be
    lost)."""
    start = time.perf_counter()
    with _warnings_of("weasyprint") as warnings:
        data, pages = pdf.render_pdf(html)
    return data, pages, time.perf_counter() - start, tuple(warnings)


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
