"""The MkDocs plugin `strategy_site`: strategy data in, generated pages and navigation out.

Events are in lifecycle order. The data is loaded in `on_config`, before MkDocs cleans
`site/`, so a data error stops the build with the previous site untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, TemplateError
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler, get_relative_url
from mkdocs.utils.templates import TemplateContext

from .addresses import FEED, SCHEMA_FOLDER, Claim, same_address, taken_names, top_name
from .config import StrategySiteConfig, missing_statement_settings
from .loading import StrategyDataError, load_site
from .model import Strategy
from .output import OutputError, StagedOutput, full_disk, write_atomically
from .pages import (
    Heading,
    PageSpec,
    Renderer,
    UrlFor,
)
from .pdf import RenderedPdf
from .pdf_batch import PdfBatch, PdfCache, PdfJob, PdfResult, default_workers
from .pdf_facts import PdfDownload, fill_in_pdf_facts, has_pdf_facts
from .plan import Options, SitePlan, partnership_of, plan_site
from .records import RecordState
from .schema import packaged_schemas
from .search_index import SearchIndexError, write_search_index
from .submission import (
    ExampleAddress,
    PackFailure,
    SubmissionError,
    SubmissionPack,
    example_address,
    setting_line,
    submission_pack,
    write_pack,
)
from .theme_filters import FILTERS as THEME_FILTERS
from .timetable import Finding, Status, calendar_feed
from .withholding import withheld_line

log = logging.getLogger("mkdocs.plugins.strategy_site")

THEME_OVERRIDES = Path(__file__).parent / "theme"
"""Templates that take precedence over the theme's own (after the site's `custom_dir`)."""

STATEMENT = "accessibility.md"
STATEMENT_PAGE = Path(__file__).parent / "templates" / STATEMENT
"""The accessibility statement (GDS model form), filled from mkdocs.yml: the site's page when
docs/ has no accessibility.md of its own."""


class StrategySitePlugin(BasePlugin[StrategySiteConfig]):  # type: ignore[no-untyped-call]
    """Publishes every strategy in the data folder as a section of the site."""

    def __init__(self) -> None:
        self.plan: SitePlan | None = None
        """What this build makes (plan.py): the plugin turns it into MkDocs' files."""
        self.pages: dict[str, PageSpec] = {}
        self.files: Files | None = None
        self.downloads: dict[str, PdfDownload] = {}
        """Each edition's PDF as the pages link to it, by where its pages are (a document's
        home, an edition's own address)."""
        self.pdfs: dict[str, RenderedPdf] = {}
        """The same PDFs made, once the batch is done (on_post_build)."""
        self.batch: PdfBatch | None = None
        self.waiting_pages: dict[Path, str] = {}
        """Pages written with markers for a PDF's size and pages, as written, to fill in at
        the end."""
        self.pdf_start = 0.0
        self.renderer = Renderer()
        self.output: StagedOutput | None = None
        self.pack_output: StagedOutput | None = None
        """The submission packs' staging, swapped in right after the site's."""
        self.packs_written: list[Path] = []
        self.written: list[Path] = []
        """The files the plugin wrote into the staged site, checked there before the swap."""
        self.pdf_cache: PdfCache | None = None
        self.started = 0.0
        """When this build started (the clock of file times): the PDF cache keeps what any
        build used since."""
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        self.navs: dict[str, Navigation] = {}
        """The navigation a page of each partnership shows (nav_scope), by partnership."""

    # --- events, in the order MkDocs calls them ----------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and validate the data; stop the build, naming file and line, if it is wrong."""
        data_dir = Path(self.config.data_dir)
        missing = missing_statement_settings(self.config.accessibility)
        if missing is not None:
            raise PluginError(missing)
        reviewed = self.config.accessibility.last_reviewed  # a date: checked just above
        try:
            self.plan = plan_site(load_site(data_dir), Options(
                data_dir=data_dir, site_url=config.site_url, site_name=config.site_name,
                today=self.config.timetable_today,
                timetable_public=self.config.timetable_public,
                statement_reviewed=reviewed if isinstance(reviewed, dt.date) else None))
        except StrategyDataError as error:
            raise PluginError(str(error)) from None
        self.pages = self.plan.pages
        self._log_timetable(self.plan)
        site = self.plan.site
        log.info("Loaded %d documents (%d editions) from %s", len(site.documents),
                 sum(len(d.editions) for d in site.documents), data_dir)
        for item in site.withheld:
            log.info("Withheld from %s (edition %s): %s", item.home, item.edition,
                     withheld_line(item))
        self._stage(config)
        if str(THEME_OVERRIDES) not in config.theme.dirs:
            position = 1 if config.theme.custom_dir else 0
            config.theme.dirs.insert(position, str(THEME_OVERRIDES))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add each strategy's pages as in-memory files, and their place in the navigation."""
        if files.get_file_from_path(STATEMENT) is None:
            files.append(File.generated(config, STATEMENT,
                                        content=STATEMENT_PAGE.read_text(encoding="utf-8")))
        _stop_if("A partnership's folder name is taken", self._taken_addresses(files, config))
        assert self.plan is not None
        # Earlier editions' pages are reached from the edition history, not the navigation.
        outside_nav = {spec.src_uri for spec in self.plan.copies}
        for src_uri, spec in self.pages.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"docs/{src_uri} would be hidden by the generated page '{spec.title}': "
                    "rename or remove it"
                )
            files.append(File.generated(
                config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV
                if src_uri in outside_nav else InclusionLevel.UNDEFINED))
        _stop_if("Two pages would be at one address", same_address(
            Claim(file.url, self._source(file, config)) for file in files.documentation_pages()))
        if config.nav is None:
            config.nav = self._generate_nav(files)
        else:
            config.nav = [*config.nav, *self.plan.strategy_nav()]
        self._start_pdfs(config)
        self.files = files
        return files

    def _taken_addresses(self, files: Files, config: MkDocsConfig) -> list[str]:
        """Each partnership whose folder name is taken at the top of the site by what MkDocs,
        the theme, the hand-written pages or the site's own pages write there."""
        assert self.plan is not None
        data = Path(self.config.data_dir).name
        partnerships = {document.folder: f"{data}/{document.folder}/strategy.yaml"
                        for document in self.plan.site.documents if document.id is None}
        taken = [Claim(file.src_uri if file.is_documentation_page() else file.dest_uri,
                       self._source(file, config)) for file in files]
        taken += [Claim(spec.src_uri, f"the site's {spec.title} page")
                  for spec in self.plan.site_pages]
        taken.append(Claim(FEED, "the site's calendar feed"))
        taken.append(Claim(SCHEMA_FOLDER, "the site's JSON Schemas of the data files"))
        return taken_names(partnerships, taken)

    def _source(self, file: File, config: MkDocsConfig) -> str:
        """Who writes a file of the site, as an officer would look for it."""
        spec = self.pages.get(file.src_uri) if file.generated_by else None
        if file.generated_by and file.src_uri == STATEMENT:
            return "the accessibility statement (accessibility.md)"
        if spec is None:
            if file.abs_src_path and Path(file.abs_src_path).is_relative_to(config.docs_dir):
                return f"{Path(config.docs_dir).name}/{file.src_uri}"
            return f"the theme's {top_name(file.dest_uri)}/"
        strategy = spec.context.get("strategy")
        if not isinstance(strategy, Strategy):
            return f"the site's {spec.title} page"
        return (f"{Path(self.config.data_dir).name}/{strategy.home}/strategy.yaml "
                f"(its page '{spec.title}')")

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Each partnership's own navigation (nav_scope: partnership): the site's, less every
        other partnership's documents; under "", the site's pages alone, for pages outside
        any partnership."""
        self.navs = {}
        if self.config.nav_scope == "all" or self.plan is None:
            return nav
        landing = self.plan.landings()
        owners = {id(item): landing.get(_first_source(item) or "", "") for item in nav.items}
        for partnership in {*landing.values(), ""}:
            kept = [item for item in nav.items if owners[id(item)] in ("", partnership)]
            self.navs[partnership] = Navigation(kept, nav.pages)
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """The filters the theme overrides use (theme_filters.py)."""
        env.filters.update(THEME_FILTERS)
        return env

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Give the page its partnership's navigation: a page's size does not grow with the
        number of partnerships on the site (and nor does the time to render it)."""
        if self.navs:
            # A generated page's path starts with its partnership's folder (or is site-wide).
            owner = partnership_of(page.file.src_uri) if page.file.src_uri in self.pages \
                else ""
            context["nav"] = self.navs.get(owner, self.navs[""])
        return context

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext:
        """The 404 page, which belongs to no partnership, carries the site's pages alone, and
        links relative to the site's root, wherever that is (theme/404.html)."""
        if self.navs:
            context["nav"] = self.navs[""]
        if template_name == "404.html":
            context["site_root"] = (  # type: ignore[typeddict-unknown-key]
                urlsplit(config.site_url or "/").path or "/")
            context["base_url"] = "."
        return context

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Fill a hand-written page's {{ ... }} fields from the plugin's configuration.

        Only pages that ask for it (`fill_from_config: true` in their front matter), such as the
        accessibility statement, whose council-specific parts live in mkdocs.yml.
        """
        spec = self.pages.get(page.file.src_uri)
        if spec is not None:
            # The page is empty Markdown, with no heading to take a title from. Escaped once, as
            # in the navigation: Material prints titles raw in places.
            page.meta["title"] = escape(spec.full_title)
            page.meta["browser_title"] = escape(spec.browser_title)
        if not page.meta.get("fill_from_config"):
            return markdown
        try:
            return self.renderer.render_markdown(markdown, accessibility=self.config.accessibility)
        except TemplateError as error:
            raise PluginError(f"docs/{page.file.src_uri}: {error}") from None

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Render a generated page from its template; on other pages, fill in the strategy list."""
        spec = self.pages.get(page.file.src_uri)

        def url(target: PageSpec | str) -> str:
            if isinstance(target, str):  # a file the build writes, by its path in the site
                return get_relative_url(target, page.url)
            file = files.get_file_from_path(target.src_uri)
            assert file is not None, target.src_uri
            return get_relative_url(file.url, page.url)

        if spec is None:
            return self._render_strategy_list(html, url)
        download = self.downloads.get(spec.src_uri.rpartition("/")[0])  # the edition's PDF
        rendered = self.renderer.render(spec, url, download=download, downloads=self.downloads)
        page.toc = get_toc([_toc_token(heading) for heading in rendered.headings])
        return rendered.html

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Keep a page that gives a PDF's size and pages: they are filled in when it is made."""
        if has_pdf_facts(output):  # kept as MkDocs writes it, not read back (pdf_facts.py)
            self.waiting_pages[Path(page.file.abs_dest_path)] = output
        return output

    @event_priority(-100)  # after every other plugin has written its files (the search index)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Wait for the PDFs and give their sizes on the pages; write each strategy's PDF and
        calendar feed into the site, the site's own calendar feed, and the submission packs
        beside it; then, only when all of it is written, put the new site in place, and the
        new packs."""
        self._finish_pdfs()
        self._write_outputs(config)
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        assert self.output is not None
        if config.strict and self.warnings.get_counts():
            return  # MkDocs aborts next, and on_build_error throws the staged site away
        try:  # the finished pages, PDF sizes filled in, are what search finds
            self.written += write_search_index(Path(config.site_dir))
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
        packs = self._make_packs(config)  # anything that can fail, before the swap
        self._stage_packs(config, packs)
        try:
            target = self.output.target
            self.output.commit(self._expected(config))
            self.output = None
            config.site_dir = str(target)
        except OutputError as error:
            raise PluginError(str(error)) from None
        if self.pack_output is not None:
            try:
                self.pack_output.commit(self.packs_written)
            except (OutputError, OSError) as error:
                raise PluginError(f"The new site is in place, but the submission packs could "
                                  f"not replace the previous ones ({error}): build again") from None
            self.pack_output = None
        for strategy, pack in packs:
            log.info("Submission pack for %s in %s (due %s)", strategy.home,
                     self._packs_dir(config) / strategy.home, pack.due.isoformat())
        self._prune_pdf_cache()

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves the previous site, and the previous packs, as they were. A
        full disk is said in a sentence, not a traceback."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.batch is not None:
            self.batch.cancel()
            self.batch = None
        target = self.output.target if self.output is not None else None
        # A staging folder removed under the build makes MkDocs fail wherever it was writing:
        # say what happened, not where it noticed.
        replaced = self.output.replaced(error) if self.output is not None else None
        for output in (self.output, self.pack_output):
            if output is not None:
                output.abandon()
        self.output = self.pack_output = None
        if replaced is not None and not isinstance(error, (Abort, PluginError)):
            raise Abort(f"The build stopped: {replaced}")
        full = full_disk(error)
        if full is not None:
            # A copy names its source first and what it was writing second (shutil).
            where = full.filename2 or full.filename or "the new site"
            raise Abort(f"The disk is full while writing {where}; "
                        f"{'the previous site is unchanged' if target else 'nothing changed'}"
                        f"{f' ({target})' if target else ''}: free space and build again")

    def _stage(self, config: MkDocsConfig) -> None:
        """Build into a staging folder beside `site_dir`, holding its lock (see output.py)."""
        self._check_packs_dir(config)
        self.started = time.time()
        try:
            self.output = StagedOutput(Path(config.site_dir), self.config.lock_timeout)
        except OutputError as error:
            raise PluginError(str(error)) from None
        config.site_dir = str(self.output.staging)
        self.written = []
        self.warnings.counts.clear()
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def _expected(self, config: MkDocsConfig) -> list[Path]:
        """Every file this build wrote into the staged site: MkDocs' pages and static files,
        the theme's own pages (sitemap.xml, 404.html), Material's search index if its search
        plugin is on, and the plugin's (Pagefind's search index among them)."""
        assert self.files is not None
        site = Path(config.site_dir)
        files = [Path(file.abs_dest_path) for file in self.files
                 if file.inclusion.is_included()]  # type: ignore[no-untyped-call]
        templates = [site / name for name in config.theme.static_templates]
        searching = any(name.rpartition("/")[2] == "search" for name in config.plugins)
        search = [site / "search" / "search_index.json"] if searching else []
        return [*files, *templates, *search, *self.written]

    def _write_outputs(self, config: MkDocsConfig) -> None:
        assert self.plan is not None
        site_dir = Path(config.site_dir)
        for feed in self.plan.feeds:
            self._write(site_dir / feed.path, calendar_feed(feed.findings, feed.name))
        for base, pdf in self.pdfs.items():
            self._write(site_dir / base / pdf.name, pdf.data)
        # The data files' schemas, so a council's files (or anyone's) can name their site's own.
        for name, data in packaged_schemas().items():
            self._write(site_dir / SCHEMA_FOLDER / name, data)
        self._write_redirects(config)

    def _write(self, path: Path, data: bytes) -> None:
        write_atomically(path, data)
        self.written.append(path)

    def _write_redirects(self, config: MkDocsConfig) -> None:
        """The newest edition's own address sends readers to its pages at the document's
        home: one copy of each page to build, check and search, and an address that lasts
        (when a later edition comes, this edition's pages are built there from editions/)."""
        assert self.files is not None and self.plan is not None
        for redirect in self.plan.redirects:
            spec = redirect.target
            target = self.files.get_file_from_path(spec.src_uri)
            assert target is not None, spec.src_uri
            at = File(redirect.source, config.docs_dir, config.site_dir,
                      config.use_directory_urls)
            html = self.renderer.render_redirect(spec.browser_title,
                                                 get_relative_url(target.url, at.url),
                                                 config.theme.locale.language)
            self._write(Path(at.abs_dest_path), html.encode("utf-8"))

    def _make_packs(self, config: MkDocsConfig) -> list[tuple[Strategy, SubmissionPack]]:
        """Each published strategy's Home Office pack, made (not written yet); a pack that
        cannot be made stops the build before the site is swapped."""
        assert self.plan is not None
        packs = []
        for planned in self.plan.packs:
            strategy = planned.strategy
            pdf = self.pdfs.get(strategy.home)
            if pdf is None:
                continue  # no PDFs in this build
            try:
                pack = submission_pack(strategy, pdf, self.plan.site.timetable, planned.address)
            except ExampleAddress as error:
                # Loud while the pack is needed: a strict build stops.
                needed = self.plan.pack_is_needed(error.due, error.submitted)
                log.log(logging.WARNING if needed else logging.INFO,
                        "%s; set site_url (%s) to the address the site is published at",
                        error, _site_url_line(config))
                continue
            except SubmissionError as error:
                log.info("No submission pack for %s: %s", strategy.home, error)
                continue
            except PackFailure as error:
                raise PluginError(f"{Path(self.config.data_dir).name}/{error}") from None
            packs.append((strategy, pack))
        return packs

    def _stage_packs(self, config: MkDocsConfig,
                     packs: list[tuple[Strategy, SubmissionPack]]) -> None:
        """Write the packs into a staging folder of `submission_dir`, which is replaced whole
        after the site: it holds the packs of the last build with PDFs, and nothing older
        (a pack whose title changed would otherwise stay beside the new one)."""
        self.packs_written = []
        folder = self._packs_dir(config)
        if not self.pdfs or (not packs and not folder.exists()):
            return  # no PDFs, so no packs: the packs there are left as they are
        try:
            self.pack_output = StagedOutput(folder, self.config.lock_timeout,
                                            "the submission packs")
        except OutputError as error:
            raise PluginError(f"submission_dir: {error}") from None
        for strategy, pack in packs:
            self.packs_written += write_pack(pack, self.pack_output.staging / strategy.home)

    def _packs_dir(self, config: MkDocsConfig) -> Path:
        return Path(config.config_file_path).parent / self.config.submission_dir

    def _check_packs_dir(self, config: MkDocsConfig) -> None:
        """The packs' folder is replaced whole: it must be a folder of its own, never one
        holding the project, its pages, its data or its site, nor inside them."""
        packs = self._packs_dir(config).resolve()
        project = Path(config.config_file_path).parent.resolve()
        folders = {"the project (mkdocs.yml's folder)": (project, False),
                   "docs_dir": (Path(config.docs_dir).resolve(), True),
                   "data_dir": (Path(self.config.data_dir).resolve(), True),
                   "site_dir": (Path(config.site_dir).resolve(), True)}
        for name, (folder, nor_inside) in folders.items():
            if folder.is_relative_to(packs) or (nor_inside and packs.is_relative_to(folder)):
                raise PluginError(
                    f"submission_dir: expected a folder of its own for the submission packs, "
                    f"apart from {name} ({folder}); found {packs}. A build replaces that "
                    "folder whole with its packs: choose one like 'submissions'")

    def _prune_pdf_cache(self) -> None:
        """Remove the cached PDFs no build has used since this one started: a PDF holding
        text since withheld, or an edition since removed, does not stay on the disk."""
        if self.pdf_cache is not None and self.config.pdf_cache_prune:
            removed = self.pdf_cache.prune(self.started)
            if removed:
                log.info("PDF cache: removed %d PDFs no current strategy uses", removed)
        self.pdf_cache = None

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild the preview when an officer saves a YAML file."""
        server.watch(self.config.data_dir)
        return server

    # --- helpers -------------------------------------------------------------------------

    def _start_pdfs(self, config: MkDocsConfig) -> None:
        """Start making every edition's PDF (pdf_batch.py) while the pages are built: a
        recorded edition's as kept when it was published; the others from the cache, or
        rendered in parallel processes."""
        assert self.plan is not None
        self.downloads, self.pdfs, self.waiting_pages, self.batch = {}, {}, {}, None
        self.pdf_start = time.perf_counter()
        if not self.config.pdfs:
            log.info("PDFs: none (pdfs: false), so the pages have no download links")
            return
        if example_address(config.site_url):
            log.info("site_url (%s) is the example address %s, which every PDF's cover gives "
                     "as where its strategy is published: set it to the address the site is "
                     "published at", _site_url_line(config), config.site_url)
        self.downloads = self.plan.downloads()
        jobs: list[PdfJob] = []
        for job in self.plan.pdfs:
            if job.kept is None:
                self._log_unrecorded(job.edition, job.state)
            jobs.append(PdfJob(job.download.name, job.print_document(self.renderer,
                                                                     self.plan.site),
                               job.label, job.kept))
        cache_dir = self.config.pdf_cache_dir
        cache = PdfCache(Path(config.config_file_path).parent / cache_dir if cache_dir
                         else None)
        self.pdf_cache = cache
        self.batch = PdfBatch(jobs, cache, self.config.pdf_workers or default_workers(),
                              self._log_progress)

    def _finish_pdfs(self) -> None:
        """Wait for the PDFs, and give their sizes and page counts on the pages."""
        if self.batch is None:
            return
        batch, self.batch = self.batch, None
        results = batch.results()
        made = [result.pdf for result in results]
        self.pdfs = {address: made[download.number]
                     for address, download in self.downloads.items()}
        for path, output in self.waiting_pages.items():
            write_atomically(path, fill_in_pdf_facts(
                output, lambda number: (made[number].size_kb, made[number].pages)
            ).encode("utf-8", errors="xmlcharrefreplace"))  # as MkDocs encodes a page
        rendered = sum(1 for result in results if not result.cached)
        published = sum(1 for result in results if result.published)
        how = f" with {batch.workers} processes" if rendered > 1 else ""
        log.info("PDFs: %d, done %.1f s after they were started, beside the pages (%d "
                 "rendered%s, %d from the cache, %d as published)",
                 len(made), time.perf_counter() - self.pdf_start, rendered, how,
                 len(results) - rendered - published, published)

    def _log_progress(self, number: int, total: int, job: PdfJob, result: PdfResult) -> None:
        how = "as published" if result.published else "from the cache" if result.cached \
            else f"{result.seconds:.1f} s"
        log.info("PDF %d/%d %s: %s, %d pages, %d KB", number, total, job.label, how,
                 result.pdf.pages, result.pdf.size_kb)
        for complaint in result.warnings:  # a PDF problem fails a strict build, as a page's
            log.warning("PDF %s: %s", job.label, complaint)

    def _log_unrecorded(self, edition: Strategy, state: RecordState) -> None:
        if state.pending_amendments > 0:
            log.info("PDF %s %s: amended since it was recorded; run `strategy-site publish "
                     "%s` to record the amended edition", edition.home,
                     edition.identity.edition, edition.home)
        elif edition.identity.published and state.record is None:
            log.info("PDF %s %s: published but not recorded; run `strategy-site publish %s` "
                     "to keep it as a record", edition.home, edition.identity.edition,
                     edition.home)

    def _generate_nav(self, files: Files) -> list[Any]:
        """Home first, then each strategy and the timetable, then the hand-written pages."""
        written = sorted(
            (f.src_uri for f in files.documentation_pages() if f.src_uri not in self.pages),
            key=lambda src: (src != "index.md", src),
        )
        home = [{"Home": src} for src in written[:1] if src == "index.md"]
        top = [src for src in written[len(home):] if "/" not in src]
        folders = sorted({src.split("/")[0] for src in written if "/" in src})
        sections = [_folder_section(folder, [src for src in written
                                             if src.startswith(f"{folder}/")], files)
                    for folder in folders]
        assert self.plan is not None
        return [*home, *self.plan.strategy_nav(), *top, *sections]

    def _log_timetable(self, plan: SitePlan) -> None:
        """Each deadline that needs action, or is due soon, in the build's log."""
        for finding in plan.all_findings():
            self._log_finding(finding)
        if plan.site.timetable is not None and not self.config.timetable_public:
            log.info("Timetable: kept to this log and `strategy-site check` (timetable_public: "
                     "false): no dashboard, Key dates pages, calendar feeds or status published")

    def _log_finding(self, finding: Finding) -> None:
        due = finding.due.isoformat() if finding.due else "no due date"
        if finding.status.needs_action:
            level = logging.WARNING if self.config.overdue_log_level == "warning" \
                else logging.INFO
        elif finding.status is Status.DUE_SOON:
            level = logging.INFO
        else:
            return
        log.log(level, "Timetable: %s: %s %s (due %s)%s", finding.strategy, finding.subject,
                finding.status.value, due, f"; {finding.note}" if finding.note else "")

    def _render_strategy_list(self, html: str, url: UrlFor) -> str:
        marker = self.config.strategies_marker
        if marker not in html or self.plan is None:
            return html
        return html.replace(marker, self.renderer.render_strategy_list(
            self.plan.site, url, downloads=self.downloads, status=self.plan.statuses()))


def _site_url_line(config: MkDocsConfig) -> str:
    """Where site_url is set, as a message names it: 'line 7 of mkdocs.yml'."""
    path = Path(config.config_file_path)
    line = setting_line(path.read_text(encoding="utf-8"), "site_url") if path.is_file() else None
    return f"line {line} of {path.name}" if line else f"a line 'site_url:' in {path.name}"


def _stop_if(what: str, problems: list[str]) -> None:
    if problems:
        raise PluginError(f"{what}:\n  " + "\n  ".join(problems))


def _folder_section(folder: str, pages: list[str], files: Files) -> Any:
    """A folder of hand-written pages (the authoring guide) as one section: its index page
    first, then the pages in the order the index last links to them (its contents list)."""
    index = files.get_file_from_path(f"{folder}/index.md")
    order: dict[str, int] = {}
    if index is not None:
        links = re.findall(r"\]\(([^)#]+\.md)", index.content_string)
        order = {f"{folder}/{link}": position for position, link in enumerate(links)}
    pages = sorted(pages, key=lambda src: (not src.endswith("/index.md"),
                                           order.get(src, len(order)), src))
    return pages if index is None else {_first_heading(index.content_string) or folder: pages}


def _first_source(item: Any) -> str | None:
    """The source of a navigation section's first page (a strategy's landing page)."""
    while isinstance(item, Section) and item.children:
        item = item.children[0]
    file = getattr(item, "file", None)
    return file.src_uri if file is not None else None


def _first_heading(markdown: str) -> str | None:
    match = re.search(r"^# (.+)$", markdown, re.M)
    return match.group(1).strip() if match else None


def _toc_token(heading: Heading) -> Any:
    """A table-of-contents entry as MkDocs wants it; names are HTML, so escape the text."""
    return {
        "level": heading.level,
        "id": heading.id,
        "name": str(escape(heading.text)),
        "children": [_toc_token(child) for child in heading.children],
    }
