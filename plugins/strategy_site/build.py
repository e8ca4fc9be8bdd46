"""One build of the site, apart from any engine: the staging folder, the PDF batch, the files
the plan adds to the site (PDFs, feeds, schemas, redirects), the submission packs, the swap.

The engine's adapter (plugin.py) makes a `SiteBuild` from the plan and plain paths, calls it
at each step of the engine's build, and turns a `BuildError` into the engine's own error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from .addresses import SCHEMA_FOLDER
from .model import Edition
from .output import OutputError, StagedOutput, write_staged
from .pages import Renderer
from .pdf import RenderedPdf
from .pdf_batch import PdfBatch, PdfCache, PdfJob, PdfResult
from .pdf_facts import PdfDownload, fill_in_pdf_facts, has_pdf_facts
from .pdf_workers import PdfWorkers
from .plan import SitePlan
from .preview import Preview
from .processes import cores
from .publications import PublicationState
from .schema import packaged_schemas
from .search_index import BUNDLE as SEARCH_BUNDLE
from .search_index import SearchIndexer, SearchIndexError
from .submission import (
    ExampleAddress,
    PackFailure,
    SubmissionError,
    SubmissionPack,
    Version,
    described_address,
    example_address,
    setting_place,
    submission_pack,
    write_pack,
)
from .timetable import Deadline, Status, calendar_feed
from .withholding import withheld_line

log = logging.getLogger("mkdocs.plugins.strategy_site")


class BuildError(Exception):
    """What stops a build, in a sentence for the officer (the adapter raises it as the
    engine's error)."""


@dataclass(frozen=True)
class BuildOptions:
    """The paths and options a build needs, as plain values."""

    config_file: Path
    """The site's configuration file (mkdocs.yml): relative folders are taken from its."""
    data_dir: Path
    docs_dir: Path
    site_dir: Path
    site_url: str | None
    submission_dir: str
    lock_timeout: float
    pdfs: bool
    pdf_cache_dir: str | None
    pdf_workers: int | None
    pdf_cache_prune: bool

    @property
    def project(self) -> Path:
        """The folder of the site's configuration file."""
        return self.config_file.parent

    @property
    def packs_dir(self) -> Path:
        """Where the submission packs go."""
        return self.project / self.submission_dir


@dataclass(frozen=True)
class RedirectPage:
    """A redirect to write: where in the staged site, the page's title, and where it sends
    readers (relative to itself)."""

    path: Path
    title: str
    href: str
    language: str | None = None
    """The language of the page it sends readers to, when not the site's (a bilingual
    strategy's)."""


class SiteBuild:
    """One build into a staging folder beside `site_dir`, put in place whole or not at all."""

    def __init__(self, plan: SitePlan, options: BuildOptions, renderer: Renderer,
                 preview: Preview | None = None, workers: PdfWorkers | None = None) -> None:
        """Check the packs' folder, then take the site's lock and stage (see output.py).
        `preview`: under `mkdocs serve`, what the pages need not wait for (preview.py).
        `workers`: the PDF workers, if started already (pdf_workers.py: as the build
        started, before the data was loaded); else they start with the first PDF to render."""
        self.plan = plan
        self.options = options
        self.renderer = renderer
        self.preview = preview
        self.follow_up = preview.build_starts() if preview is not None else False
        """This preview build is the one its bell asked for: it completes what was deferred."""
        self.deferred = False
        """Whether this preview build left work (PDFs, the search index) to a rebuild."""
        check_packs_dir(options)
        self.started = time.time()
        """When this build started (the clock of file times): the PDF cache keeps what any
        build used since."""
        try:
            self.output: StagedOutput | None = StagedOutput(options.site_dir,
                                                            options.lock_timeout)
        except OutputError as error:
            raise BuildError(str(error)) from None
        self.staging = self.output.staging
        self.written: list[Path] = []
        """The files this build wrote into the staged site, checked there before the swap."""
        self.pack_output: StagedOutput | None = None
        """The submission packs' staging, swapped in right after the site's."""
        self.packs_written: list[Path] = []
        self.downloads: dict[str, PdfDownload] = {}
        """Each edition's PDF as the pages link to it, by where its pages are (a document's
        home, an edition's own address)."""
        self.pdfs: dict[str, RenderedPdf] = {}
        """The same PDFs made, once the batch is done."""
        self.batch: PdfBatch | None = None
        self.pdf_cache: PdfCache | None = None
        self.waiting_pages: dict[Path, str] = {}
        """Pages written with markers for a PDF's size and pages, as written, to fill in at
        the end."""
        self.pdf_start = 0.0
        self.pdf_workers = workers
        self.search: SearchIndexer | None = (
            SearchIndexer() if preview is None or self.follow_up else None)
        """The search index, fed each page as it is built (search_index.py); none in a
        preview build that keeps the index of the build before."""

    # --- the PDFs, made while the pages are built ----------------------------------------

    def start_pdfs(self) -> None:
        """Start making every edition's PDF (pdf_batch.py) while the pages are built: a
        recorded edition's as kept when it was published; the others from the cache, or
        rendered in parallel processes."""
        options = self.options
        self.downloads, self.pdfs, self.waiting_pages, self.batch = {}, {}, {}, None
        self.pdf_start = time.perf_counter()
        if not options.pdfs:
            log.info("PDFs: none (pdfs: false), so the pages have no download links")
            return
        if options.site_url and example_address(options.site_url):
            log.info("site_url (%s) is %s, which every PDF's cover gives as where its "
                     "strategy is published: set it to the address the site is published at",
                     site_url_line(options.config_file), described_address(options.site_url))
        self.downloads = self.plan.downloads()
        jobs: list[PdfJob] = []
        for job in self.plan.pdfs:
            if job.kept is None:
                _log_unrecorded(job.edition, job.state)
            jobs.append(PdfJob(job.download.name, job.label, job.made_from(self.plan.site),
                               partial(job.print_document, self.renderer, self.plan.site),
                               job.kept))
        cache_dir = options.pdf_cache_dir
        cache = PdfCache(options.project / cache_dir if cache_dir else None)
        self.pdf_cache = cache
        workers = self.pdf_workers or PdfWorkers(options.pdf_workers or cores())
        self.pdf_workers = None  # the batch's now: it ends them
        preview = self.preview
        self.batch = PdfBatch(jobs, cache, workers, _log_progress,
                              preview.remembered if preview else None,
                              start=preview is None)  # a preview's, once its pages are made
        if preview is None:
            return
        preview.keep_only(self.batch.keys)
        for made, key in zip(jobs, self.batch.keys, strict=True):
            if key in preview.failures:
                raise BuildError(f"The PDF of {made.label} could not be made: "
                                 f"{preview.failures[key]}")
        if self.batch.rendering:
            # The pages say the PDF is being made, and link it once it is (preview.py).
            self.downloads = {base: replace(download, pending=True)
                              if download.number in self.batch.rendering else download
                              for base, download in self.downloads.items()}

    def page_built(self, path: Path, site_path: str, output: str) -> None:
        """A page the engine writes at `path` (`site_path` in the site): to the search
        index now, or, if it gives a PDF's size and pages, kept to fill them in when the PDFs
        are made (pdf_facts.py), and indexed then. The engine writes no empty page."""
        if has_pdf_facts(output):
            self.waiting_pages[path] = output
        elif self.search is not None and output.strip():
            self._index(site_path, output)

    def _index(self, site_path: str, output: str) -> None:
        assert self.search is not None
        try:
            self.search.add(site_path, output)
        except SearchIndexError as error:
            raise BuildError(str(error)) from None

    def finish_pdfs(self) -> None:
        """Wait for the PDFs, and give their sizes and page counts on the pages."""
        if self.batch is None:
            return
        batch, self.batch = self.batch, None
        if self.preview is not None and batch.rendering:
            self.deferred = True
            self.preview.carry_on(batch)  # the pages do not wait for these: preview.py
            by_number = batch.made()
            log.info("PDFs: %d of %d from the cache; %d being made for the preview, which "
                     "is rebuilt when they are done", len(by_number), len(batch.jobs),
                     len(batch.rendering))
        else:
            by_number = dict(enumerate(batch.results()))
        results = list(by_number.values())
        made = {number: result.pdf for number, result in by_number.items()}
        self.pdfs = {address: made[download.number]
                     for address, download in self.downloads.items()
                     if download.number in made}
        for path, output in self.waiting_pages.items():
            filled = fill_in_pdf_facts(
                output, lambda number: (made[number].size_kb, made[number].pages))
            # Encoded as the engine encodes a page.
            write_staged(path, filled.encode("utf-8", errors="xmlcharrefreplace"))
            if self.search is not None:
                self._index(path.relative_to(self.staging).as_posix(), filled)
        if self.deferred:
            return
        rendered = sum(1 for result in results if not result.cached)
        published = sum(1 for result in results if result.published)
        how = f" with {batch.workers} processes" if rendered > 1 else ""
        log.info("PDFs: %d, done %.1f s after they were started, beside the pages (%d "
                 "rendered%s, %d from the cache, %d as published; print documents made: %d)",
                 len(made), time.perf_counter() - self.pdf_start, rendered, how,
                 len(results) - rendered - published, published, batch.print_documents)

    def finish_search_index(self) -> None:
        """Every page is written: Pagefind makes the index while the plan's files are
        written (`write_search_index` takes it)."""
        if self.search is not None and not self.deferred:
            try:
                self.search.finish(self.staging)
            except SearchIndexError as error:
                raise BuildError(str(error)) from None

    # --- the plan's own files, written into the staged site -------------------------------

    def write_outputs(self, redirects: list[RedirectPage], language: str) -> None:
        """Each strategy's PDF and calendar feed, the site's feed, the data files' schemas
        (so a council's files, or anyone's, can name their site's own), and the redirects."""
        for feed in self.plan.feeds:
            self._write(self.staging / feed.path, calendar_feed(feed.deadlines, feed.name))
        for base, pdf in self.pdfs.items():
            self._write(self.staging / base / pdf.name, pdf.data)
        for name, data in packaged_schemas().items():
            self._write(self.staging / SCHEMA_FOLDER / name, data)
        for redirect in redirects:
            html = self.renderer.render_redirect(redirect.title, redirect.href,
                                                 redirect.language or language)
            self._write(redirect.path, html.encode("utf-8"))

    def write_search_index(self) -> None:
        """The search index of the finished pages, PDF sizes filled in, into the staged site.
        A preview keeps the index of the build before (preview.py) and has the bell's
        rebuild make it, unless this is that rebuild, with nothing more deferred."""
        search, self.search = self.search, None
        if search is None or self.deferred:  # a preview's: the index of the build before
            assert self.preview is not None
            if search is not None:
                search.close()
            self.written += self.preview.keep_search_index(
                self.options.site_dir / SEARCH_BUNDLE, self.staging)
            self.deferred = True
            return
        try:
            self.written += search.write(self.staging / SEARCH_BUNDLE)
        except SearchIndexError as error:
            raise BuildError(str(error)) from None
        finally:
            search.close()

    def _write(self, path: Path, data: bytes) -> None:
        write_staged(path, data)
        self.written.append(path)

    # --- the submission packs, and the swap ----------------------------------------------

    @property
    def pdfs_pending(self) -> bool:
        """Whether some PDF is still being made for the preview (so not in this build)."""
        return any(download.pending for download in self.downloads.values())

    def make_packs(self) -> list[tuple[Edition, SubmissionPack]]:
        """Each published strategy's Home Office pack, made (not written yet); a pack that
        cannot be made stops the build before the site is swapped."""
        if self.pdfs_pending:
            return []
        packs = []
        for planned in self.plan.packs:
            strategy = planned.strategy
            pdf = self.pdfs.get(strategy.home)
            others = [self.pdfs.get(job.edition.home) for job in planned.translations]
            if pdf is None or None in others:
                continue  # no PDFs in this build
            translations = tuple(Version(job.edition, made, job.web_address)
                                 for job, made in zip(planned.translations, others, strict=True)
                                 if made is not None)
            try:
                pack = submission_pack(strategy, pdf, self.plan.site.timetable, planned.address,
                                       translations)
            except ExampleAddress as error:
                # Loud while the pack is needed: a strict build stops.
                needed = self.plan.pack_is_needed(error.due, error.submitted)
                fix = "" if error.in_record else (
                    f"; set site_url ({site_url_line(self.options.config_file)}) to the "
                    "address the site is published at")
                log.log(logging.WARNING if needed else logging.INFO, "%s%s", error, fix)
                continue
            except SubmissionError as error:
                log.info("No submission pack for %s: %s", strategy.home, error)
                continue
            except PackFailure as error:
                raise BuildError(f"{self.options.data_dir.name}/{error}") from None
            packs.append((strategy, pack))
        return packs

    def stage_packs(self, packs: list[tuple[Edition, SubmissionPack]]) -> None:
        """Write the packs into a staging folder of `submission_dir`, which is replaced whole
        after the site: it holds the packs of the last build with PDFs, and nothing older
        (a pack whose title changed would otherwise stay beside the new one). A preview
        build whose PDFs are still being made leaves them to the rebuild that has them."""
        self.packs_written = []
        folder = self.options.packs_dir
        if not self.pdfs or (not packs and not folder.exists()) or self.pdfs_pending:
            return  # no PDFs, so no packs: the packs there are left as they are
        try:
            self.pack_output = StagedOutput(folder, self.options.lock_timeout,
                                            "the submission packs")
        except OutputError as error:
            raise BuildError(f"submission_dir: {error}") from None
        for strategy, pack in packs:
            self.packs_written += write_pack(pack, self.pack_output.staging / strategy.home)

    def commit_site(self, expected: list[Path]) -> None:
        """Put the new site in place, checking it holds `expected` (what the engine wrote)
        and what this build wrote."""
        assert self.output is not None
        try:
            self.output.commit([*expected, *self.written],
                               self.preview.discard if self.preview is not None else None)
            self.output = None
        except OutputError as error:
            raise BuildError(str(error)) from None

    def commit_packs(self, packs: list[tuple[Edition, SubmissionPack]]) -> None:
        """Put the new packs in place, after the site; then prune the PDF cache."""
        if self.pack_output is not None:
            try:
                self.pack_output.commit(self.packs_written)
            except (OutputError, OSError) as error:
                raise BuildError(f"The new site is in place, but the submission packs could "
                                 f"not replace the previous ones ({error}): build again") from None
            self.pack_output = None
        for strategy, pack in packs:
            log.info("Submission pack for %s in %s (due %s)", strategy.home,
                     self.options.packs_dir / strategy.home, pack.due.isoformat())
        if self.deferred and self.preview is not None and not self.pdfs_pending:
            self.preview.ring()  # only the search index waits: rebuild for it now
        self._prune_pdf_cache()

    def abandon(self, error: BaseException) -> str | None:
        """A failed build: stop the PDFs, throw the staged site and packs away, and say if
        the staging folder was removed under the build (why it failed, then)."""
        if self.batch is not None:
            self.batch.cancel()
            self.batch = None
        if self.pdf_workers is not None:  # started, and the batch not made
            self.pdf_workers.stop()
            self.pdf_workers = None
        if self.search is not None:
            self.search.close()
            self.search = None
        replaced = self.output.replaced(error) if self.output is not None else None
        for output in (self.output, self.pack_output):
            if output is not None:
                output.abandon()
        self.output = self.pack_output = None
        return replaced

    def _prune_pdf_cache(self) -> None:
        """Remove the cached PDFs no build has used since this one started: a PDF holding
        text since withheld, or an edition since removed, does not stay on the disk."""
        if self.pdf_cache is not None and self.options.pdf_cache_prune:
            removed = self.pdf_cache.prune(self.started)
            if removed:
                log.info("PDF cache: removed %d PDFs no current strategy uses", removed)
        self.pdf_cache = None


def check_packs_dir(options: BuildOptions) -> None:
    """The packs' folder is replaced whole: it must be a folder of its own, never one
    holding the project, its pages, its data or its site, nor inside them."""
    packs = options.packs_dir.resolve()
    folders = {"the project (mkdocs.yml's folder)": (options.project.resolve(), False),
               "docs_dir": (options.docs_dir.resolve(), True),
               "data_dir": (options.data_dir.resolve(), True),
               "site_dir": (options.site_dir.resolve(), True)}
    for name, (folder, nor_inside) in folders.items():
        if folder.is_relative_to(packs) or (nor_inside and packs.is_relative_to(folder)):
            raise BuildError(
                f"submission_dir: expected a folder of its own for the submission packs, "
                f"apart from {name} ({folder}); found {packs}. A build replaces that "
                "folder whole with its packs: choose one like 'submissions'")


def site_url_line(config_file: Path) -> str:
    """Where site_url is set, as a message names it: 'line 7 of mkdocs.yml'."""
    return setting_place(config_file, "site_url", config_file.name)


# --- the build's log ---------------------------------------------------------------------

def log_loaded(plan: SitePlan, data_dir: Path) -> None:
    """What was loaded, and what was withheld from it."""
    site = plan.site
    log.info("Loaded %d documents (%d editions) from %s", len(site.documents),
             sum(len(d.editions) for d in site.documents), data_dir)
    for item in site.withheld:
        log.info("Withheld from %s (edition %s): %s", item.home, item.edition,
                 withheld_line(item))


def log_timetable(plan: SitePlan, timetable_public: bool, overdue_level: int) -> None:
    """Each deadline that needs action, or is due soon, in the build's log."""
    for deadline in plan.all_deadlines():
        _log_deadline(deadline, overdue_level)
    if plan.site.timetable is not None and not timetable_public:
        log.info("Timetable: kept to this log and `strategy-site check` (timetable_public: "
                 "false): no dashboard, Key dates pages, calendar feeds or status published")


def _log_deadline(deadline: Deadline, overdue_level: int) -> None:
    due = deadline.due.isoformat() if deadline.due else "no due date"
    if deadline.status.needs_action:
        level = overdue_level
    elif deadline.status is Status.DUE_SOON:
        level = logging.INFO
    else:
        return
    log.log(level, "Timetable: %s: %s %s (due %s)%s", deadline.strategy, deadline.subject,
            deadline.status.value, due, f"; {deadline.note}" if deadline.note else "")


def _log_progress(number: int, total: int, job: PdfJob, result: PdfResult) -> None:
    how = "as published" if result.published else "from the cache" if result.cached \
        else f"{result.seconds:.1f} s"
    log.info("PDF %d/%d %s: %s, %d pages, %d KB", number, total, job.label, how,
             result.pdf.pages, result.pdf.size_kb)
    for complaint in result.warnings:  # a PDF problem fails a strict build, as a page's
        log.warning("PDF %s: %s", job.label, complaint)


def _log_unrecorded(edition: Edition, state: PublicationState) -> None:
    if state.pending_amendments > 0:
        log.info("PDF %s %s: amended since it was recorded; run `strategy-site publish "
                 "%s` to record the amended edition", edition.home,
                 edition.identity.edition, edition.home)
    elif edition.identity.published and state.record is None:
        log.info("PDF %s %s: published but not recorded; run `strategy-site publish %s` "
                 "to keep it as a record", edition.home, edition.identity.edition,
                 edition.home)
