"""The MkDocs plugin `strategy_site`: strategy data in, generated pages and navigation out.

An adapter only: each event turns MkDocs' objects into plain values, asks the site plan
(plan.py) what to make or the build (build.py: staging, PDFs, packs, the swap) to do it, and
turns the answer back into MkDocs' files, navigation, pages and errors. Events are in
lifecycle order. The data is loaded in `on_config`, before MkDocs cleans `site/`, so a data
error stops the build with the previous site untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, TemplateError
from jinja2.bccache import Bucket, BytecodeCache
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

from .addresses import Claim, same_address, taken_names, top_name
from .build import BuildError, BuildOptions, RedirectPage, SiteBuild, log_loaded, log_timetable
from .config import StrategySiteConfig, missing_statement_settings, published_site_url
from .loading import ParsedFiles, StrategyDataError, load_site
from .output import full_disk
from .page_conversion import (
    GeneratedPage,
    RememberedPage,
    converts_the_text_alone,
    markdown_settings,
    nav_titles,
)
from .pages import Heading, PageSpec, RenderedPage, Renderer, UrlFor
from .pdf_facts import PdfDownload
from .pdf_workers import PdfWorkers
from .plan import Options, SitePlan, plan_site, shown_in_nav
from .preview import Preview, Rendering, fingerprint, templates_state
from .processes import cores
from .render_inputs import RecordedLookups, RenderInputs, Unkeyable, same_lookups
from .theme_filters import FILTERS as THEME_FILTERS
from .theme_words import GLOBALS as THEME_GLOBALS
from .theme_words import theme_gettext, theme_ngettext

log = logging.getLogger("mkdocs.plugins.strategy_site")

THEME_OVERRIDES = Path(__file__).parent / "theme"
"""Templates that take precedence over the theme's own (after the site's `custom_dir`)."""

REUSED_TEMPLATE = "strategy-site-reused.html"
"""The template a preview build gives a page it takes as the build before rendered it
(theme/strategy-site-reused.html: a line, replaced by the page in on_post_page)."""

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
        self.build: SiteBuild | None = None
        """This build's staging, PDFs and packs (build.py), from on_config to on_post_build."""
        self.renderer = Renderer()
        self.warnings = CountHandler()
        self.warnings.setLevel(logging.WARNING)
        self.navs: dict[str, Navigation] = {}
        """The navigation a page of each partnership shows (nav_scope), by partnership in
        a language (plan.nav_scope)."""
        self.nav: Navigation | None = None
        """The site's whole navigation, as MkDocs made it."""
        self.reused: dict[str, str] = {}
        """In a preview build: the pages taken as the build before rendered them, by source."""
        self.fingerprints: dict[str, str] = {}
        """In a preview build: what each page is rendered from, by source (preview.py)."""
        self.preview: Preview | None = None
        """Under `mkdocs serve`: what the pages do not wait for (preview.py)."""
        self.pdf_workers: PdfWorkers | None = None
        """A build's PDF workers, started before the data is loaded, until the build takes
        them (pdf_workers.py)."""
        self.parsed: ParsedFiles | None = None
        """Under `mkdocs serve`: the data's files as the last build parsed them, so that a
        save parses the saved file alone."""
        self.render_inputs = RenderInputs()
        """Under `mkdocs serve`: what each generated page is rendered from (render_inputs.py),
        so that a page whose inputs did not change is not rendered again."""
        self.theme_templates = MemoryBytecodeCache()
        """The theme's templates compiled once for all of a preview's builds (MkDocs makes
        a new environment, and compiles every template again, at each build)."""

    # --- events, in the order MkDocs calls them ----------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Under `mkdocs serve`, the preview: the pages are served first, their PDFs and the
        search index follow (preview.py). Defined, this event also keeps the plugin, and so
        its compiled templates, across the preview's builds."""
        if command == "serve":
            self.preview = Preview()
            self.parsed = ParsedFiles()

    def on_shutdown(self) -> None:
        """The preview's background work stops with the server."""
        if self.preview is not None:
            self.preview.close()
            self.preview = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and validate the data; stop the build, naming file and line, if it is wrong."""
        data_dir = Path(self.config.data_dir)
        missing = missing_statement_settings(self.config.accessibility)
        if missing is not None:
            raise PluginError(missing)
        reviewed = self.config.accessibility.last_reviewed  # a date: checked just above
        site_url = published_site_url(config)  # not the preview server's (config.py)
        if self.config.pdfs and self.preview is None:  # a preview's start after its pages
            self.pdf_workers = PdfWorkers.started(self.config.pdf_workers or cores())
        try:
            self.plan = plan_site(load_site(data_dir, self.parsed), Options(
                data_dir=data_dir, site_url=site_url, site_name=config.site_name,
                today=self.config.timetable_today,
                timetable_public=self.config.timetable_public,
                statement_reviewed=reviewed if isinstance(reviewed, dt.date) else None))
        except StrategyDataError as error:
            raise PluginError(str(error)) from None
        self.pages = self.plan.pages
        log_timetable(self.plan, self.config.timetable_public, logging.WARNING
                      if self.config.overdue_log_level == "warning" else logging.INFO)
        log_loaded(self.plan, data_dir)
        self._stage(config, site_url)
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
        generated: list[File] = []
        for src_uri, spec in self.pages.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"docs/{src_uri} would be hidden by the generated page '{spec.title}': "
                    "rename or remove it"
                )
            generated.append(File.generated(
                config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV
                if src_uri in outside_nav else InclusionLevel.UNDEFINED))
            files.append(generated[-1])
        _stop_if("Two pages would be at one address", same_address(
            Claim(file.url, self._source(file, config)) for file in files.documentation_pages()))
        if config.nav is None:
            config.nav = self._generate_nav(files)
        else:
            config.nav = [*config.nav, *self.plan.strategy_nav()]
        titles = nav_titles(config.nav, files, config)
        for file in generated:  # each its page, with the title the navigation gives it
            GeneratedPage(titles.get(file.src_uri), file, config)
        assert self.build is not None
        self.build.start_pdfs()
        self.files = files
        if self.preview is not None:
            self.preview.renderings.start()
            self.render_inputs.build_starts()
            self.preview.conversions.start()
            if not converts_the_text_alone(config):
                return files  # an extension reads other files (snippets): convert every time
            ours = {file.src_uri for file in generated}
            converted_with = fingerprint([markdown_settings(config), [
                (file.src_uri, file.url, file.inclusion.name) for file in files]])
            for file in files.documentation_pages():
                if file.src_uri not in ours:
                    RememberedPage(titles.get(file.src_uri), file, config,
                                   self.preview.conversions, converted_with)
        return files

    def _taken_addresses(self, files: Files, config: MkDocsConfig) -> list[str]:
        """Each partnership whose folder name is taken at the top of the site by what MkDocs,
        the theme, the hand-written pages or the site's own pages write there."""
        assert self.plan is not None
        taken = [Claim(file.src_uri if file.is_documentation_page() else file.dest_uri,
                       self._source(file, config)) for file in files]
        return taken_names(self.plan.partnership_files(), [*taken, *self.plan.own_claims()])

    def _source(self, file: File, config: MkDocsConfig) -> str:
        """Who writes a file of the site, as an officer would look for it."""
        spec = self.pages.get(file.src_uri) if file.generated_by else None
        if file.generated_by and file.src_uri == STATEMENT:
            return "the accessibility statement (accessibility.md)"
        if spec is not None:
            assert self.plan is not None
            return self.plan.source_of(spec)
        if file.abs_src_path and Path(file.abs_src_path).is_relative_to(config.docs_dir):
            return f"{Path(config.docs_dir).name}/{file.src_uri}"
        return f"the theme's {top_name(file.dest_uri)}/"

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Each partnership's own navigation (nav_scope: partnership): the site's, less every
        other partnership's documents, and a bilingual partnership's in each language apart
        (its pages show their own language's); under "", the site's pages alone, for pages
        outside any partnership. With every partnership's (nav_scope: all), a bilingual
        document is still listed in one language only: the page's, else its default."""
        self.navs, self.nav = {}, nav
        every = self.config.nav_scope == "all"
        if self.plan is None or (every and not self.plan.bilingual):
            return nav
        landing = self.plan.landings()
        owners = {id(item): landing.get(_first_source(item) or "", "") for item in nav.items}
        for scope in {*landing.values(), ""}:
            kept = [item for item in nav.items
                    if shown_in_nav(owners[id(item)], scope, every)]
            self.navs[scope] = Navigation(kept, nav.pages)
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """The filters the theme overrides use (theme_filters.py), and their words in the
        page's language (theme_words.py; MkDocs has put in Jinja's i18n extension, with no
        words of its own for Material); in the preview, the theme's templates compiled once
        (a template whose source changed is compiled again)."""
        env.filters.update(THEME_FILTERS)
        env.globals.update(THEME_GLOBALS)
        env.add_extension("jinja2.ext.i18n")
        env.install_gettext_callables(  # type: ignore[attr-defined]
            theme_gettext, theme_ngettext, newstyle=True)
        if self.preview is not None:
            env.bytecode_cache = self.theme_templates
            self._reuse_unchanged_pages(config, files)
            hand_written = [file.page for file in files.documentation_pages()
                            if isinstance(file.page, RememberedPage)]
            log.debug("Preview: %d of %d hand-written pages converted as in the build before",
                      sum(page.converted_before for page in hand_written), len(hand_written))
        return env

    def _reuse_unchanged_pages(self, config: MkDocsConfig, files: Files) -> None:
        """In a preview build, every page is read by now: each page rendered from the same
        inputs as in the build before is given that build's page instead of the theme's
        rendering (preview.py)."""
        assert self.preview is not None
        self.preview.pages.start()
        site = _site_inputs(config)
        self.reused, self.fingerprints = {}, {}
        pages = [file.page for file in files if file.page is not None
                 and file.page.content is not None]
        navs: dict[int, str] = {}  # each navigation's fingerprint, taken once
        for page in pages:  # all of them first: a page's metadata is in others' navigation
            nav = self._nav_of(page)
            if id(nav) not in navs:
                navs[id(nav)] = fingerprint(_nav_inputs(nav))
            self.fingerprints[page.file.src_uri] = fingerprint(
                [site, navs[id(nav)], _page_inputs(page)])
        for page in pages:
            before = self.preview.pages.before(self.fingerprints[page.file.src_uri])
            if before is not None:
                self.reused[page.file.src_uri] = before
                page.meta["template"] = REUSED_TEMPLATE

    def _nav_of(self, page: Page) -> Navigation | None:
        """The navigation a page shows (on_page_context)."""
        if not self.navs:
            return self.nav
        assert self.plan is not None
        return self.navs.get(self.plan.nav_scope_of(page.file.src_uri), self.navs[""])

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        """Give the page its partnership's navigation: a page's size does not grow with the
        number of partnerships on the site (and nor does the time to render it)."""
        if self.navs:
            context["nav"] = self._nav_of(page) or nav
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
            self._set_language(page, files)
        if not page.meta.get("fill_from_config"):
            return markdown
        try:
            return self.renderer.render_markdown(markdown, accessibility=self.config.accessibility)
        except TemplateError as error:
            raise PluginError(f"docs/{page.file.src_uri}: {error}") from None

    def _set_language(self, page: Page, files: Files) -> None:
        """A bilingual strategy's page says its language (`lang`: the theme's
        partials/language.html takes Material's strings in it, and <html lang> with them)
        and its versions in each language, the default first (`strategy_versions`: its
        hreflang alternates and its language link, theme/base.html), by their paths in the
        site, which the theme makes relative to the page."""
        assert self.plan is not None
        language = self.plan.language_of(page.file.src_uri)
        if language is not None:
            page.meta["lang"] = language
        versions = self.plan.versions.get(page.file.src_uri)
        if versions:
            found = {code: files.get_file_from_path(src) for code, src in versions.items()}
            page.meta["strategy_versions"] = [
                {"lang": code, "url": file.url, "current": code == language}
                for code, file in found.items() if file is not None]

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
            return self._render_strategy_list(html, url, config.theme.locale.language)
        downloads = self._downloads()
        download = downloads.get(spec.src_uri.rpartition("/")[0])  # the edition's PDF
        if self.preview is None:
            rendered = self.renderer.render(spec, url, download=download, downloads=downloads)
        else:
            rendered = self._render_in_preview(spec, url, download, downloads,
                                               [page.url, config.use_directory_urls])
        page.toc = get_toc([_toc_token(heading) for heading in rendered.headings])
        return rendered.html

    def _render_in_preview(self, spec: PageSpec, url: UrlFor, download: PdfDownload | None,
                           downloads: dict[str, PdfDownload], where: list[Any]) -> RenderedPage:
        """A generated page as the build before rendered it, if it was rendered from the same
        inputs (render_inputs.py); else rendered, and kept for the next build unless its
        rendering said something (a warning must be said again at each build)."""
        assert self.preview is not None
        try:
            key = self.render_inputs.key(spec, where, download)
        except Unkeyable as error:
            log.debug("Preview: %s is rendered at each build: %s", spec.src_uri, error)
            return self.renderer.render(spec, url, download=download, downloads=downloads)
        before = self.preview.renderings.before(key)
        if before is not None and same_lookups(before.lookups, downloads):
            self.preview.renderings.made(key, before)
            return before.page
        recorded = RecordedLookups(downloads)
        warned = sum(self.warnings.counts.values())
        rendered = self.renderer.render(spec, url, download=download, downloads=recorded)
        if not recorded.listed and sum(self.warnings.counts.values()) == warned:
            self.preview.renderings.made(key, Rendering(rendered, recorded.token()))
        return rendered

    @event_priority(-100)  # the page as written, after other plugins' changes to it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """The finished page to the search index; or, if it gives a PDF's size and pages,
        kept to fill them in when the PDF is made (build.py). In a preview build, a page whose
        inputs did not change is the build before's."""
        if self.preview is not None:
            output = self.reused.pop(page.file.src_uri, output)
            key = self.fingerprints.get(page.file.src_uri)
            if key is not None:
                self.preview.pages.made(key, output)
        assert self.build is not None
        with _as_plugin_error():
            self.build.page_built(Path(page.file.abs_dest_path), page.file.dest_uri, output)
        return output

    @event_priority(-100)  # after every other plugin has written its files (the search index)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Wait for the PDFs and give their sizes on the pages; write each strategy's PDF and
        calendar feed into the site, the site's own calendar feed, and the submission packs
        beside it; then, only when all of it is written, put the new site in place, and the
        new packs (build.py)."""
        assert self.build is not None
        build = self.build
        with _as_plugin_error():
            build.finish_pdfs()
            build.finish_search_index()  # made by Pagefind while the plan's files are written
            build.write_outputs(self._redirects(config), config.theme.locale.language)
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if config.strict and self.warnings.get_counts():
            return  # MkDocs aborts next, and on_build_error throws the staged site away
        with _as_plugin_error():
            packs = build.make_packs()  # anything that can fail, before the swap
            build.stage_packs(packs)
            build.write_search_index()
            build.commit_site(self._expected(config))
            config.site_dir = str(build.options.site_dir)
            build.commit_packs(packs)
        self.build = None
        if self.preview is not None:
            self.preview.pages_served()
            self.render_inputs.build_ends()

    def on_build_error(self, *, error: Exception) -> None:
        """A failed build leaves the previous site, and the previous packs, as they were. A
        full disk is said in a sentence, not a traceback."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.pdf_workers is not None:  # the build failed before it took them
            self.pdf_workers.stop()
            self.pdf_workers = None
        build, self.build = self.build, None
        target = build.options.site_dir if build is not None else None
        # A staging folder removed under the build makes MkDocs fail wherever it was writing:
        # say what happened, not where it noticed.
        replaced = build.abandon(error) if build is not None else None
        if replaced is not None and not isinstance(error, (Abort, PluginError)):
            raise Abort(f"The build stopped: {replaced}")
        full = full_disk(error)
        if full is not None:
            # A copy names its source first and what it was writing second (shutil).
            where = full.filename2 or full.filename or "the new site"
            raise Abort(f"The disk is full while writing {where}; "
                        f"{'the previous site is unchanged' if target else 'nothing changed'}"
                        f"{f' ({target})' if target else ''}: free space and build again")

    def _stage(self, config: MkDocsConfig, site_url: str | None) -> None:
        """Build into a staging folder beside `site_dir`, holding its lock (build.py), for a
        site published at `site_url`."""
        assert self.plan is not None
        cache_dir = self.config.pdf_cache_dir
        options = BuildOptions(
            config_file=Path(config.config_file_path), data_dir=Path(self.config.data_dir),
            docs_dir=Path(config.docs_dir), site_dir=Path(config.site_dir),
            site_url=site_url, submission_dir=self.config.submission_dir,
            lock_timeout=self.config.lock_timeout, pdfs=self.config.pdfs,
            pdf_cache_dir=str(cache_dir) if cache_dir else None,
            pdf_workers=self.config.pdf_workers, pdf_cache_prune=self.config.pdf_cache_prune)
        with _as_plugin_error():
            workers, self.pdf_workers = self.pdf_workers, None
            self.build = SiteBuild(self.plan, options, self.renderer, self.preview, workers)
        if self.preview is not None:
            self.preview.site = options.site_dir
        config.site_dir = str(self.build.staging)
        self.warnings.counts.clear()
        logging.getLogger("mkdocs").addHandler(self.warnings)

    def _expected(self, config: MkDocsConfig) -> list[Path]:
        """Every file MkDocs wrote into the staged site: its pages and static files, the
        theme's own pages (sitemap.xml, 404.html), Material's search index if its search
        plugin is on (the build adds its own files)."""
        assert self.files is not None
        site = Path(config.site_dir)
        files = [Path(file.abs_dest_path) for file in self.files
                 if file.inclusion.is_included()]  # type: ignore[no-untyped-call]
        templates = [site / name for name in config.theme.static_templates]
        searching = any(name.rpartition("/")[2] == "search" for name in config.plugins)
        search = [site / "search" / "search_index.json"] if searching else []
        return [*files, *templates, *search]

    def _redirects(self, config: MkDocsConfig) -> list[RedirectPage]:
        """The newest edition's own address sends readers to its pages at the document's
        home: one copy of each page to build, check and search, and an address that lasts
        (when a later edition comes, this edition's pages are built there from editions/)."""
        assert self.files is not None and self.plan is not None
        pages = []
        for redirect in self.plan.redirects:
            spec = redirect.target
            target = self.files.get_file_from_path(spec.src_uri)
            assert target is not None, spec.src_uri
            at = File(redirect.source, config.docs_dir, config.site_dir,
                      config.use_directory_urls)
            pages.append(RedirectPage(Path(at.abs_dest_path), spec.browser_title,
                                      get_relative_url(target.url, at.url),
                                      self.plan.language_of(spec.src_uri)))
        return pages

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild the preview when an officer saves a YAML file, and when the PDFs and the
        search index the pages did not wait for are made (preview.py)."""
        server.watch(self.config.data_dir)
        if self.preview is not None:
            server.watch(str(self.preview.bell))
        return server

    # --- helpers -------------------------------------------------------------------------

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

    def _render_strategy_list(self, html: str, url: UrlFor, language: str) -> str:
        marker = self.config.strategies_marker
        if marker not in html or self.plan is None:
            return html
        return html.replace(marker, self.renderer.render_strategy_list(
            self.plan.site, url, downloads=self._downloads(), status=self.plan.statuses(),
            language=language))

    def _downloads(self) -> dict[str, PdfDownload]:
        """Each edition's PDF as the pages link to it (none before the build has started)."""
        return self.build.downloads if self.build is not None else {}


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, by template and source (Jinja checks the source's
    checksum, so an edited template is compiled again)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@contextmanager
def _as_plugin_error() -> Iterator[None]:
    """The core's sentence for what stops the build, as MkDocs' error."""
    try:
        yield
    except BuildError as error:
        raise PluginError(str(error)) from None


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


def _site_inputs(config: MkDocsConfig) -> list[Any]:
    """What every page of the site is rendered from besides its own: the site's settings as
    loaded and as written, and the theme's templates."""
    written = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    settings = {name: config.get(name) for name in (
        "site_name", "site_url", "site_description", "site_author", "copyright", "repo_url",
        "repo_name", "edit_uri", "use_directory_urls", "extra", "extra_css",
        "extra_javascript", "extra_templates", "markdown_extensions", "mdx_configs")}
    theme = {name: config.theme[name] for name in config.theme}
    return [hashlib.sha256(written).hexdigest(), settings, theme, list(config.theme.dirs),
            templates_state(config.theme.dirs)]


def _page_inputs(page: Page) -> list[Any]:
    """What the theme renders a page from besides the site's and the navigation's: its own
    parts, its neighbours and its place (which, with the navigation's pages, says which of
    its items are open)."""
    def neighbour(other: Page | None) -> Any:
        return None if other is None else [str(other.title), other.url]

    return [page.file.src_uri, page.url, page.canonical_url, page.edit_url, str(page.title),
            page.content, _toc(page.toc), page.meta, page.is_homepage,
            neighbour(page.previous_page), neighbour(page.next_page),
            [str(ancestor.title) for ancestor in page.ancestors]]


def _nav_inputs(nav: Navigation | None) -> Any:
    """A navigation as the theme shows it: its home page and each item's kind, title,
    address, metadata, page and children."""
    if nav is None:
        return None
    home = nav.homepage
    return [home.file.src_uri if home is not None else None, _nav_items(nav.items)]


def _toc(items: Any) -> list[Any]:
    return [[str(item.title), item.id, item.level, _toc(item.children)] for item in items]


def _nav_items(items: Any) -> list[Any]:
    return [[type(item).__name__, str(item.title), getattr(item, "url", None),
             getattr(item, "meta", None), getattr(getattr(item, "file", None), "src_uri", None),
             _nav_items(getattr(item, "children", None) or [])] for item in items]


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
