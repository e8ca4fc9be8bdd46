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
from concurrent.futures import Future, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import pdf
from .output import write_atomically
from .pdf_key import engine_fingerprint, pdf_key, templates_fingerprint
from .pdf_workers import PdfWorkers

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

    def key(self, job: PdfJob, renderer: str) -> str:
        """The fingerprint of everything the PDF is made from (pdf_key.py), with what renders
        it (`renderer`: pdf_key.render_fingerprint, as the workers have it)."""
        return pdf_key(job.made_from, self.templates, renderer)

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
    """The PDFs of a build, made while its pages are built: the cached ones taken, the
    others rendered by `workers` (pdf_workers.py). `results` waits for them.

    The pages only need a PDF's name while they are built (its size and page count are filled
    in afterwards, pdf_facts.py), so all of it overlaps the HTML build, in a thread of its own
    that waits for the engine's fingerprint, looks in the cache, makes the print documents the
    cache lacks and sends them to the workers: an officer's rebuild after one change costs
    about the longer of the two, not their sum."""

    def __init__(self, jobs: list[PdfJob], cache: PdfCache, workers: PdfWorkers,
                 progress: Progress | None = None,
                 remembered: Mapping[str, PdfResult] | None = None,
                 start: bool = True) -> None:
        """`remembered`: PDFs an earlier batch of this process made, by key, taken as they
        are, with what WeasyPrint warned about them (the preview's, preview.py). `start`:
        look in the cache and render in the background at once (a build); else look in the
        cache now and render on `start()` (a preview, once its pages are served: the print
        documents and WeasyPrint do not hold up the pages, which say which PDFs are being
        made)."""
        self.jobs = jobs
        self.cache = cache
        self.progress = progress
        self.pdf_workers = workers
        self.keys: list[str] = []
        """Each job's cache key ('' for a PDF kept as published), once looked up."""
        self.rendering: frozenset[int] = frozenset()
        """The jobs (by number) that are rendered, not taken from the cache, once looked up."""
        self.print_documents = 0
        """How many print documents this batch made: one per PDF the cache lacked."""
        self._remembered = remembered or {}
        self._results: list[PdfResult | None] = [None] * len(jobs)
        self._done = 0
        self._rendered: dict[Future[Rendered], int] = {}
        """The PDFs sent to the workers to render, by job number."""
        self._counted: dict[Future[int], int] = {}
        """The PDFs taken as they are whose pages the workers count, by job number."""
        self._uncounted: dict[int, _Taken] = {}
        """Those PDFs until they are counted."""
        self._lock = threading.Lock()
        self._started = self._stopped = False
        self._failure: BaseException | None = None
        self._feeder: threading.Thread | None = None
        if start:
            self._feeder = threading.Thread(target=self._feed, daemon=True, name="pdf-batch")
            self._feeder.start()
        else:
            self._look_up()

    @property
    def workers(self) -> int:
        """How many processes rendered (for the log)."""
        return self.pdf_workers.count

    def start(self) -> None:
        """Make the print documents of the PDFs the cache lacks, and send them to the workers
        (once; not after `stop`)."""
        with self._lock:
            if self._started or self._stopped or not self.rendering:
                return
            self._started = True
        for index in sorted(self.rendering):  # only now, for the PDFs the cache lacks
            html = self.jobs[index].print_document()
            self.print_documents += 1
            with self._lock:
                if self._stopped:
                    return
                future = self.pdf_workers.submit(render_one, html, wanted=len(self.rendering))
                self._rendered[future] = index

    def results(self) -> list[PdfResult]:
        """Every job's PDF, in the jobs' order, once all are made (reported as each is)."""
        try:
            if self._feeder is not None:
                self._feeder.join()
            if self._failure is not None:
                raise self._failure
            waiting: list[Future[Any]] = [*self._rendered, *self._counted]
            for future in as_completed(waiting):
                if future in self._counted:
                    index = self._counted[future]
                    self._take(index, self._uncounted.pop(index), future.result())
                    continue
                index = self._rendered[future]
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
        """Stop rendering (a failed build): no worker is left running, nor the thread that
        feeds them."""
        with self._lock:
            self._stopped = True
        self.pdf_workers.shutdown()
        if self._feeder is not None and self._feeder is not threading.current_thread():
            self._feeder.join()

    def stop(self) -> None:
        """Stop rendering at once, without waiting for the PDFs being rendered: the preview's
        batch when the data has changed again: its workers are ended."""
        with self._lock:
            self._stopped = True
        self.pdf_workers.stop()

    def _feed(self) -> None:
        """The batch's thread: look in the cache, send the workers what it lacks to render,
        then the cached PDFs to count their pages (8 ms each with pikepdf, 0.3 s at N = 33,
        which in this process would take turns with the pages being built)."""
        try:
            self._look_up(count_pages=False)
            self.start()
            with self._lock:
                for index, taken in self._uncounted.items():
                    if self._stopped:
                        return
                    self._counted[self.pdf_workers.submit(pdf.page_count, taken.data)] = index
        except BaseException as error:  # raised by `results`, in the build's own thread
            self._failure = error

    def _look_up(self, count_pages: bool = True) -> None:
        """Each job's key, and its PDF if it is published, remembered or cached, with its page
        count if this process knows it, or if `count_pages` (else the workers count it)."""
        renderer = self.pdf_workers.fingerprint() if any(
            job.published is None for job in self.jobs) else ""
        self.keys = [self.cache.key(job, renderer) if job.published is None else ""
                     for job in self.jobs]
        to_render = []
        for index, (job, key) in enumerate(zip(self.jobs, self.keys, strict=True)):
            earlier = self._remembered.get(key) if key else None
            if earlier is not None:
                self._finish(index, replace(earlier, seconds=0.0, cached=True, pdf=replace(
                    earlier.pdf, name=job.name)))
                continue
            kept = job.published if job.published is not None else self.cache.get(key)
            if kept is None:
                to_render.append(index)
                continue
            taken = _Taken(key, kept, job.published is not None)
            if key in _PAGE_COUNTS or count_pages:
                self._take(index, taken, _pages(key, kept))
            else:
                self._uncounted[index] = taken
        self.rendering = frozenset(to_render)

    def _take(self, index: int, taken: _Taken, pages: int) -> None:
        """A PDF taken as it is (cached or published), with its page count."""
        if taken.key:
            _PAGE_COUNTS[taken.key] = pages
        self._finish(index, PdfResult(pdf.RenderedPdf(self.jobs[index].name, taken.data, pages),
                                      0.0, cached=True, published=taken.published))

    def _finish(self, index: int, result: PdfResult) -> None:
        self._results[index] = result
        self._done += 1
        if self.progress is not None:
            self.progress(self._done, len(self.jobs), self.jobs[index], result)


@dataclass(frozen=True)
class _Taken:
    """A PDF taken as it is: its cache key ('' if published), its bytes, whether published."""

    key: str
    data: bytes
    published: bool


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
