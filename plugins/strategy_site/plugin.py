"""The MkDocs plugin `strategy_site`: strategy data in, generated pages and navigation out.

Events are in lifecycle order. The data is loaded in `on_config`, before MkDocs cleans
`site/`, so a data error stops the build with the previous site untouched.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from markupsafe import escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from .config import StrategySiteConfig
from .loading import StrategyDataError, load_site
from .model import Site
from .pages import (
    FEED,
    Heading,
    PageSpec,
    Renderer,
    UrlFor,
    headings,
    key_dates_page,
    strategy_pages,
    timetable_page,
    web_address,
)
from .pdf import RenderedPdf, strategy_pdf, write_atomically
from .submission import SubmissionError, submission_pack, write_pack
from .timetable import (
    Finding,
    Status,
    calendar_feed,
    site_findings,
    strategy_findings,
    today_in,
)

log = logging.getLogger("mkdocs.plugins.strategy_site")

THEME_OVERRIDES = Path(__file__).parent / "theme"
"""Templates that take precedence over the theme's own (after the site's `custom_dir`)."""


class StrategySitePlugin(BasePlugin[StrategySiteConfig]):  # type: ignore[no-untyped-call]
    """Publishes every strategy in the data folder as a section of the site."""

    def __init__(self) -> None:
        self.site: Site | None = None
        self.pages: dict[str, PageSpec] = {}
        self.sections: list[list[PageSpec]] = []
        self.pdfs: dict[str, RenderedPdf] = {}
        self.extra_pages: list[PageSpec] = []
        self.findings: dict[str, list[Finding]] = {}
        self.renderer = Renderer()

    # --- events, in the order MkDocs calls them ----------------------------------------

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Load and validate the data; stop the build, naming file and line, if it is wrong."""
        data_dir = Path(self.config.data_dir)
        try:
            self.site = load_site(data_dir)
        except StrategyDataError as error:
            raise PluginError(str(error)) from None
        self.sections = [strategy_pages(strategy, self.site) for strategy in self.site.strategies]
        self.extra_pages = self._check_timetable()
        self.pages = {spec.src_uri: spec for section in self.sections for spec in section}
        self.pages.update({spec.src_uri: spec for spec in self.extra_pages})
        log.info("Loaded %d strategies from %s", len(self.sections), data_dir)
        if str(THEME_OVERRIDES) not in config.theme.dirs:
            position = 1 if config.theme.custom_dir else 0
            config.theme.dirs.insert(position, str(THEME_OVERRIDES))
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Add each strategy's pages as in-memory files, and their place in the navigation."""
        for src_uri, spec in self.pages.items():
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"docs/{src_uri} would be hidden by the generated page '{spec.title}': "
                    "rename or remove it"
                )
            files.append(File.generated(config, src_uri, content=""))
        if config.nav is None:
            config.nav = self._generate_nav(files)
        else:
            config.nav = [*config.nav, *self._generate_strategy_nav()]
        self._render_pdfs(config)
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """Fill a hand-written page's {{ ... }} fields from the plugin's configuration.

        Only pages that ask for it (`fill_from_config: true` in their front matter), such as the
        accessibility statement, whose council-specific parts live in mkdocs.yml.
        """
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
        download = self.pdfs.get(spec.src_uri.split("/")[0])  # the strategy's PDF, if any
        content = self.renderer.render(spec, url, download=download)
        page.toc = get_toc([_toc_token(heading) for heading in headings(content)])
        return content

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Write each strategy's PDF and calendar feed into the site, its submission pack
        beside it, and the site's own calendar feed."""
        assert self.site is not None
        site_dir = Path(config.site_dir)
        for owner, findings in self.findings.items():
            if owner == "site" or not findings:
                continue
            write_atomically(site_dir / owner / FEED,
                             calendar_feed(findings, f"{owner}: key dates"))
        everything = [f for findings in self.findings.values() for f in findings]
        if self.findings:
            write_atomically(site_dir / FEED, calendar_feed(everything, f"{config.site_name}"))
        packs = Path(config.config_file_path).parent / self.config.submission_dir
        for strategy in self.site.strategies:
            pdf = self.pdfs[strategy.slug]
            write_atomically(site_dir / strategy.slug / pdf.name, pdf.data)
            try:
                pack = submission_pack(strategy, pdf, self.site.timetable,
                                       web_address(config.site_url, strategy))
            except SubmissionError as error:
                log.info("No submission pack for %s: %s", strategy.slug, error)
                continue
            write_pack(pack, packs / strategy.slug)
            log.info("Submission pack for %s in %s (due %s)", strategy.slug,
                     packs / strategy.slug, pack.due.isoformat())

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        """Rebuild the preview when an officer saves a YAML file."""
        server.watch(self.config.data_dir)
        return server

    # --- helpers -------------------------------------------------------------------------

    def _render_pdfs(self, config: MkDocsConfig) -> None:
        """Render every strategy's PDF now, so its landing page can give its size and pages."""
        assert self.site is not None
        self.pdfs = {}
        for strategy in self.site.strategies:
            html = self.renderer.render_print(strategy, self.site,
                                              web_address(config.site_url, strategy))
            pdf = strategy_pdf(strategy, html)
            self.pdfs[strategy.slug] = pdf
            log.info("PDF %s: %d pages, %d KB", pdf.name, pdf.pages, pdf.size_kb)

    def _generate_nav(self, files: Files) -> list[Any]:
        """Home first, then each strategy and the timetable, then the hand-written pages."""
        written = sorted(
            (f.src_uri for f in files.documentation_pages() if f.src_uri not in self.pages),
            key=lambda src: (src != "index.md", src),
        )
        home = [{"Home": src} for src in written[:1] if src == "index.md"]
        others = written[len(home):]
        return [*home, *self._generate_strategy_nav(), *others]

    def _check_timetable(self) -> list[PageSpec]:
        """Each strategy's deadlines as of today: logged, on its Key dates page, and on the
        site's timetable dashboard."""
        assert self.site is not None
        self.findings = {}
        timetable = self.site.timetable
        if timetable is None:
            return []
        self.today = self.config.timetable_today or today_in(timetable)
        rows: list[tuple[PageSpec | None, Finding]] = []
        for strategy, section in zip(self.site.strategies, self.sections, strict=True):
            findings = strategy_findings(strategy, timetable, self.today)
            self.findings[strategy.slug] = findings
            if findings:
                page = key_dates_page(strategy, findings, self.today)
                section.append(page)
                rows += [(page, finding) for finding in findings]
        site_events: dict[str, dt.date | None] = {
            "accessibility_statement_reviewed": self.config.accessibility.last_reviewed}
        self.findings["site"] = site_findings(timetable, site_events, self.today)
        rows += [(None, finding) for finding in self.findings["site"]]
        for findings in self.findings.values():
            for finding in findings:
                self._log_finding(finding)
        return [timetable_page(rows, self.today)]

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

    def _generate_strategy_nav(self) -> list[Any]:
        # Titles come from the data. Material prints them raw in places and escapes them in
        # others (aria-label), so they go in as Markup: escaped once, never twice.
        strategies: list[Any] = [
            {escape(section[0].title): [
                section[0].src_uri,
                *({escape(spec.title): spec.src_uri} for spec in section[1:]),
            ]}
            for section in self.sections
        ]
        return strategies + [{spec.title: spec.src_uri} for spec in self.extra_pages]

    def _render_strategy_list(self, html: str, url: UrlFor) -> str:
        marker = self.config.strategies_marker
        if marker not in html or self.site is None:
            return html
        landings = {section[0].src_uri.split("/")[0]: section[0] for section in self.sections}
        return html.replace(marker, self.renderer.render_strategy_list(self.site, landings, url))


def _toc_token(heading: Heading) -> Any:
    """A table-of-contents entry as MkDocs wants it; names are HTML, so escape the text."""
    return {
        "level": heading.level,
        "id": heading.id,
        "name": str(escape(heading.text)),
        "children": [_toc_token(child) for child in heading.children],
    }
