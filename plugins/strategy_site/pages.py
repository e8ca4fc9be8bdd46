"""From the model to web pages: which pages a strategy has, in what order, and their HTML.

This module knows nothing of MkDocs: a page is a path, a title, a template and its context,
and links between pages are made by a `url` function the caller supplies, so the same pages
could be served by another engine. Templates hold the markup; this module chooses them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from markupsafe import Markup

from . import catalog, diagrams, formatting
from .addresses import (
    EDITIONS,
    INDEX,
    KEY_DATES,
    TIMETABLE,
    editions_of,
    feed_path,
    folder_page,
    key_dates_of,
    page_source,
)
from .catalog import N_
from .model import APPENDIX_PAGE, PART_NAMES, Document, Edition, Publication, Site, slugify
from .publications import PublicationState
from .timetable import TIMETABLE_LANGUAGE, Deadline

UrlFor = Callable[["PageSpec | str"], str]
"""Gives the address of a page, or of a file by its path in the site, relative to the page
being rendered."""


@dataclass(frozen=True)
class PageSpec:
    """One generated page: its source path, navigation title, template and what it shows."""

    src_uri: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    heading: str = ""
    place: str = ""
    """What the page belongs to, for its browser title: the partnership, a further document
    and its partnership, an earlier edition ('' for a page of the whole site)."""

    @property
    def full_title(self) -> str:
        """The page's own heading, which the navigation may shorten."""
        return self.heading or self.title

    @property
    def browser_title(self) -> str:
        """The page's title in the browser's tab and history: its heading and what it belongs
        to, so that no two pages of the site share one (WCAG 2.4.2)."""
        return f"{self.full_title} - {self.place}" if self.place else self.full_title


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered page, for the table of contents."""

    level: int
    id: str
    text: str
    children: list[Heading] = field(default_factory=list, compare=False)


TOC_LEVELS = (2, 3)
"""The heading levels a page's table of contents lists (its title is the first level)."""


@dataclass(frozen=True)
class RenderedPage:
    """A generated page's content and its headings, nested, for the table of contents."""

    html: str
    headings: list[Heading]


_recording: ContextVar[list[Heading] | None] = ContextVar("headings", default=None)
"""The headings of the web page being rendered; none while the print document is."""


def _record_heading(level: int, ident: str, text: str) -> str:
    """Called by _heading.html as it writes a heading: kept for the page's table of contents
    (its text as a reader sees it: white space collapsed; a translated heading, which the
    catalog gives as markup with its data escaped, unescaped again). Writes nothing itself."""
    found = _recording.get()
    if found is not None:
        words = text.unescape() if isinstance(text, Markup) else str(text)
        found.append(Heading(level, str(ident), " ".join(words.split())))
    return ""


@dataclass(frozen=True)
class EditionNotice:
    """What an earlier edition's pages say at the top: that a newer edition exists, where."""

    latest_edition: str
    latest_home: str
    """The newest edition's landing page, by its path in the site ('bexley/')."""
    history: str
    """The edition history page, by its path in the site."""


@dataclass(frozen=True)
class Related:
    """Another document of the same partnership, linked from a landing page."""

    title: str
    home: str
    """Its landing page, by its path in the site."""
    main: bool
    """Whether it is the partnership's main document."""


def edition_pages(strategy: Edition, site: Site, base: str | None = None,
                  notice: EditionNotice | None = None) -> list[PageSpec]:
    """Every page of one edition: the landing page, then its parts in the order of `contents`
    in strategy.yaml, or the London template's order when it has none. `base` is where the
    pages go (the document's home, or the edition's own address); `notice` says, on an earlier
    edition, where the newest is."""
    base = base or strategy.home
    place = page_place(strategy, earlier=notice is not None)
    part_pages: dict[str, PageSpec] = {}
    shared = {"strategy": strategy, "part_pages": part_pages, "appendix": APPENDIX_PAGE,
              "notice": notice}
    for name in strategy.identity.contents or strategy.page_names():
        template, title, heading, context = _page(name, strategy, site)
        part_pages[name] = PageSpec(
            page_source(base, name), title, template,
            {**shared, **context, "review": strategy.review_of(name)}, heading, place,
        )
    # The partnership's other documents in this edition's language, where they have it.
    others = [(d.latest.version_in(strategy.language), d.id is None)
              for d in site.documents_of(strategy.folder)]
    related = [Related(other.identity.title, folder_page(other.home), main)
               for other, main in others if other.home != strategy.home]
    landing = PageSpec(page_source(base, INDEX), _landing_title(strategy), "landing.html",
                       {**shared, "contents": list(part_pages.values()), "related": related,
                        "history": editions_of(strategy.home)},
                       strategy.identity.full_title,
                       page_place(strategy, earlier=notice is not None, titled=True))
    return [landing, *part_pages.values()]


def page_place(strategy: Edition, earlier: bool = False, titled: bool = False) -> str:
    """What a strategy's pages belong to, for their browser titles: the partnership ('Bexley'),
    a further document and its partnership ('Partnership Delivery in 2024, Bexley'), and an
    earlier edition's edition ('Bexley, edition 2019 – 2022'). `titled`: the page's heading
    names the document already (its landing page, its edition history)."""
    identity = strategy.identity
    _ = catalog.gettext_in(strategy.language)
    place = identity.borough if strategy.document is None or titled \
        else f"{identity.title}, {identity.borough}"
    return _("%(place)s, edition %(edition)s") % {"place": place, "edition": identity.edition} \
        if earlier else place


def _landing_title(strategy: Edition) -> str:
    """The navigation title of a landing page: the borough for its main document."""
    return strategy.identity.borough if strategy.document is None else strategy.identity.title


@dataclass(frozen=True)
class EditionEntry:
    """One edition on the history page."""

    strategy: Edition
    address: str
    """The edition's own landing page, by its path in the site."""
    record: Publication | None
    """Its record in published.yaml, if it has been recorded."""
    amended_since: bool
    """Whether it has amendments its record does not include yet."""


def editions_page(document: Document, states: Mapping[str, PublicationState]) -> PageSpec:
    """A document's edition history: each edition with its date, what changed, amendments
    and its record, newest first. `states` gives each edition's record state by edition."""
    _ = catalog.gettext_in(document.latest.language)
    entries = []
    for edition in document.editions:
        state = states[edition.identity.edition]
        entries.append(EditionEntry(edition, folder_page(edition.edition_address), state.record,
                                    state.record is not None and not state.unchanged))
    return PageSpec(page_source(document.home, EDITIONS), _("Edition history"), "editions.html",
                    {"document": document, "strategy": document.latest, "entries": entries},
                    _("Edition history: %(title)s") % {"title": document.latest.identity.title},
                    page_place(document.latest, titled=True))


def key_dates_page(strategy: Edition, deadlines: list[Deadline], today: dt.date,
                   feed: str | None = None) -> PageSpec:
    """A strategy's Key dates page: each deadline and where it stands. `feed`: the calendar
    feed it links to, when not its own (a bilingual strategy's is its default version's)."""
    _ = catalog.gettext_in(strategy.language)
    other = strategy.language not in (None, TIMETABLE_LANGUAGE)
    return PageSpec(page_source(strategy.home, KEY_DATES), _("Key dates"), "key_dates.html",
                    {"strategy": strategy, "deadlines": deadlines, "today": today,
                     "feed": feed or feed_path(strategy.home),
                     "timetable_lang": TIMETABLE_LANGUAGE if other else None},
                    _("Key dates"), page_place(strategy))


def timetable_page(rows: list[tuple[PageSpec | None, Deadline]], today: dt.date) -> PageSpec:
    """The site's timetable dashboard: every strategy's deadlines and the site's own (in the
    site's language: English)."""
    _ = catalog.gettext_in(catalog.DEFAULT_LANGUAGE)
    return PageSpec(page_source("", TIMETABLE), _("Timetable"), "timetable.html",
                    {"rows": rows, "today": today, "feed": feed_path()}, _("Timetable"))


def _page(name: str, strategy: Edition, site: Site) -> tuple[str, str, str, dict[str, Any]]:
    """A page's template, navigation title, heading and context."""
    _ = catalog.gettext_in(strategy.language)
    if name in strategy.pages:
        part = strategy.pages[name]
        return "prose.html", part.title, part.title, {"part": part}
    if name == APPENDIX_PAGE:
        needs = strategy.needs_assessment
        assert needs is not None
        return ("appendix.html", _("Appendix A: needs assessment summary"),
                _("Appendix A: %(title)s") % {"title": needs.appendix_title},
                {"part": needs, "recommendations": strategy.recommendations})
    part = getattr(strategy, PART_NAMES[name])
    context: dict[str, Any] = {"part": part}
    heading = part.title or _(DEFAULT_TITLES[name])
    title = heading
    if name == "definition":
        context["shared"] = site.definitions.get(part.adopts) if part.adopts else None
    elif name == "objectives":
        context["principles"] = strategy.principles
    elif name == "funding":
        context["chart"] = diagrams.funding_chart(part, strategy.language)
        title = _("Funding")
    elif name == "engagement":
        title = _short_title(part.title)
    return PAGE_TEMPLATES[name], title, heading, context


DEFAULT_TITLES = {"foreword": N_("Foreword"), "definition": N_("Definition of Serious Violence")}
"""The title of a part whose data gives none, in the page's language: the site's words, not
the data's (so a bilingual strategy need not give them in each language)."""


PAGE_TEMPLATES = {
    "foreword": "foreword.html",
    "introduction": "introduction.html",
    "definition": "definition.html",
    "partnership": "prose.html",
    "needs-assessment": "needs_assessment.html",
    "objectives": "objectives.html",
    "current-arrangements": "prose.html",
    "themes": "themes.html",
    "engagement": "prose.html",
    "funding": "funding.html",
}
"""The template of each typed part that has a page of its own."""


def _short_title(title: str) -> str:
    """The navigation label for a long section title: its words before the first comma."""
    return title.split(",", 1)[0]


class Renderer:
    """Renders page specs with the package's Jinja templates, autoescaped throughout, in the
    language of the edition they show (our words from its catalog: `catalog.py`)."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("strategy_site", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_callables(  # type: ignore[attr-defined]
            catalog.gettext, catalog.ngettext, newstyle=True)
        self.env.filters.update(formatting.FILTERS)
        self.env.filters["part_anchor"] = part_anchor
        self.env.filters["heading_id"] = _heading_id
        self.env.globals["record_heading"] = _record_heading
        self.env.globals.update(editions_of=editions_of, key_dates_of=key_dates_of)

    def render(self, spec: PageSpec, url: UrlFor, **extra: Any) -> RenderedPage:
        """The page's HTML content (everything inside the theme's article) and its headings,
        as its templates wrote them (_heading.html); `extra` adds what is known only at build
        time, such as the PDF's size."""
        with catalog.speaking(spec_language(spec)):
            return self._render(spec, url, **extra)

    def _render(self, spec: PageSpec, url: UrlFor, **extra: Any) -> RenderedPage:
        found: list[Heading] = []
        recording = _recording.set(found)
        try:
            content = self.env.get_template(spec.template).render(
                spec.context, url=url, page=spec, draw=diagrams.draw, **extra)
        finally:
            _recording.reset(recording)
        toc = _nest(iter([heading for heading in found if heading.level in TOC_LEVELS]),
                    min(TOC_LEVELS))
        notice = spec.context.get("notice")
        if notice is not None:
            content = self.env.get_template("_edition_notice.html").render(
                notice=notice, strategy=spec.context["strategy"], url=url) + content
        return RenderedPage(content, toc)

    def render_print(self, strategy: Edition, site: Site, web_address: str | None,
                     part_pages: Sequence[PageSpec] | None = None) -> str:
        """The whole strategy as one HTML document for print and PDF: cover, contents, then
        every part by the web pages' own templates; links between parts become anchors.
        `part_pages`: its part pages as the site's plan has them already (else made here)."""
        with catalog.speaking(strategy.language):
            return self._render_print(strategy, site, web_address, part_pages)

    def _render_print(self, strategy: Edition, site: Site, web_address: str | None,
                      part_pages: Sequence[PageSpec] | None) -> str:
        specs = part_pages if part_pages is not None else edition_pages(strategy, site)[1:]
        print_css = _read_template_file("print/diagram.css")

        def anchor(target: PageSpec | str) -> str:
            assert isinstance(target, PageSpec), target
            return f"#{part_anchor(target)}"

        # One document holds every part: headings with the same title in two parts ("Next
        # steps") get ids of their own, prefixed by their part's.
        parts = [
            (spec, Markup(self.env.get_template(spec.template).render(
                spec.context, url=anchor, page=spec, draw=diagrams.draw_for_print,
                print_css=print_css,
                id_prefix=f"{part_anchor(spec)}--")))
            for spec in specs
        ]
        identity = strategy.identity
        return self.env.get_template("print/strategy.html").render(
            identity=identity, parts=parts, web_address=web_address,
            created=f"{identity.published.isoformat()}T00:00:00Z" if identity.published else "",
            css=Markup(_read_template_file("print/print.css").replace(
                _ENGLISH_FOOTER, page_footer(catalog.gettext("Page %(page)s of %(pages)s")))),
            subject=f"{identity.title}: {identity.partnership}",
            keywords=", ".join(filter(None, (identity.borough, identity.partnership,
                                             identity.legislation, identity.edition))),
        )

    def render_markdown(self, source: str, **context: Any) -> str:
        """A hand-written Markdown page with its {{ fields }} filled in (no autoescape: the
        result is Markdown, and the fields come from the site's own configuration)."""
        env = jinja2.sandbox.SandboxedEnvironment(
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            autoescape=False,
        )
        env.filters.update(formatting.FILTERS)
        return env.from_string(source).render(context)

    def render_redirect(self, title: str, target: str, language: str) -> str:
        """A page that sends its reader on to `target` (relative to it), keeping the anchor."""
        with catalog.speaking(language):
            return self.env.get_template("redirect.html").render(title=title, target=target,
                                                                 language=language)

    def render_strategy_list(self, site: Site, url: UrlFor, **extra: Any) -> str:
        """The list of partnerships and their documents for the site's home page; `extra`
        gives what is known at build time (each document's PDF, its timetable findings)."""
        partnerships = {d.folder: site.documents_of(d.folder) for d in site.documents}
        return self.env.get_template("strategy_list.html").render(
            partnerships=list(partnerships.values()), url=url, **extra)


def spec_language(spec: PageSpec) -> str | None:
    """The language a page is written in: its edition's (none for a site's own page, or an
    edition in one language: English)."""
    strategy = spec.context.get("strategy")
    return strategy.language if isinstance(strategy, Edition) else None


def web_address(site_url: str | None, strategy: Edition) -> str | None:
    """Where an edition is published for good: its own address under the site's `site_url`
    (the document's home shows whichever edition is newest)."""
    return f"{site_url.rstrip('/')}/{strategy.edition_address}/" if site_url else None


@jinja2.pass_context
def _heading_id(context: jinja2.runtime.Context, title: str) -> str:
    """A heading's id from its title: unique on its web page, and in the print document,
    where every part is one page, prefixed by its part (`id_prefix` in the context)."""
    return f"{context.get('id_prefix', '')}{slugify(title, 'section')}"


def part_anchor(spec: PageSpec) -> str:
    """The id of a part in the single print document: 'part-funding'."""
    return "part-" + spec.src_uri.rsplit("/", 1)[1].removesuffix(".md")


_ENGLISH_FOOTER = '"Page " counter(page) " of " counter(pages)'
"""The print stylesheet's footer as it is written there, replaced by the page's language's."""


def page_footer(words: str) -> str:
    """The print footer's CSS `content` from its translated words: "Page %(page)s of
    %(pages)s" becomes `"Page " counter(page) " of " counter(pages)`."""
    pieces = re.split(r"%\((page|pages)\)s", words)
    return " ".join(
        f"counter({piece})" if index % 2 else '"{}"'.format(
            piece.replace("\\", "\\\\").replace('"', '\\"'))
        for index, piece in enumerate(pieces) if index % 2 or piece)


def _read_template_file(name: str) -> str:
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


def _nest(found: Iterator[Heading], level: int) -> list[Heading]:
    result: list[Heading] = []
    for heading in found:
        if heading.level == level or not result:
            result.append(heading)
        else:
            result[-1].children.append(heading)
    return result
