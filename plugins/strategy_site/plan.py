"""The site's plan: from the loaded data and the build's options to everything a build makes.

One step decides every generated page (its address, title, template and context), each
document's place in the navigation, a bilingual strategy's pages in each of its languages
(paired with their versions in the others), the redirects of the newest editions' own addresses,
the earlier editions' copies, the calendar feeds, the PDFs (kept as published or to render)
and the submission packs. The MkDocs plugin and the `strategy-site` command both take their
decisions from here, so they cannot disagree; neither engine nor command is imported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from markupsafe import escape

from .addresses import (
    FEED,
    SCHEMA_FOLDER,
    Claim,
    editions_of,
    feed_path,
    folder_page,
    moved,
    reserved_folders,
)
from .loading import DataProblem, StrategyDataError
from .model import Document, Edition, Site
from .pages import (
    EditionNotice,
    PageSpec,
    Renderer,
    edition_pages,
    editions_page,
    key_dates_page,
    timetable_page,
    web_address,
)
from .pdf import RenderedPdf, page_count, pdf_name, strategy_pdf
from .pdf_facts import PdfDownload
from .pdf_key import print_inputs
from .publications import PublicationState, document_folder, kept_pdf, publication_state
from .timetable import Deadline, Status, edition_deadlines, site_deadlines, today_in

SITE_DEADLINES = ""
"""The site's own deadlines among the strategies' (by home): no folder has this name."""


@dataclass(frozen=True)
class Options:
    """What the plan needs from the site's configuration besides the data."""

    data_dir: Path
    site_url: str | None = None
    site_name: str = ""
    today: dt.date | None = None
    """The date the timetable is checked as of (None: today in the timetable's zone)."""
    timetable_public: bool = True
    statement_reviewed: dt.date | None = None
    """When the accessibility statement was last reviewed (the site's own deadline)."""


@dataclass(frozen=True)
class Redirect:
    """A newest edition's own address (a page source) that sends readers to its page at
    the document's home."""

    source: str
    target: PageSpec


@dataclass(frozen=True)
class Feed:
    """A calendar feed: where it goes in the site, its name, and its deadlines."""

    path: str
    name: str
    deadlines: tuple[Deadline, ...]


@dataclass(frozen=True)
class PdfPlan:
    """One edition's PDF: its number (the pages' markers), file name, where in the site it
    goes, and either the PDF as kept when it was recorded or the print document to render."""

    download: PdfDownload
    edition: Edition
    label: str
    bases: tuple[str, ...]
    """The folders of the site it is written in: the edition's own address, and the
    document's home while it is the newest."""
    state: PublicationState
    kept: bytes | None
    web_address: str | None
    parts: tuple[PageSpec, ...]
    """The edition's part pages, as its web pages have them: the print document's parts."""

    def print_document(self, renderer: Renderer, site: Site) -> str:
        """The print HTML to render ('' for a kept PDF, which is never rendered again)."""
        return "" if self.kept is not None else renderer.render_print(
            self.edition, site, self.web_address, self.parts)

    def made_from(self, site: Site) -> str:
        """The fingerprint of what the print document is made from, without making it: the
        PDF cache's key with the engine's (pdf_key.py); '' for a kept PDF."""
        if self.kept is not None:
            return ""
        definition = self.edition.definition
        adopted = definition.adopts if definition is not None else None
        shared = site.definitions.get(adopted) if adopted else None
        return print_inputs(self.edition, shared, self.parts, self.web_address)


@dataclass(frozen=True)
class PackPlan:
    """A strategy's Home Office submission pack: made from its PDF (a bilingual strategy's
    PDFs, one per language), once made, and sent naming the edition's lasting address in
    each language (submission.py says when it cannot be)."""

    strategy: Edition
    pdf: PdfPlan
    translations: tuple[PdfPlan, ...] = ()
    """A bilingual strategy's PDFs in its other languages, sent beside its default's."""

    @property
    def address(self) -> str | None:
        return self.pdf.web_address


@dataclass(frozen=True)
class SitePlan:
    """Everything one build of the site makes, decided before any of it is made."""

    site: Site
    options: Options
    today: dt.date | None
    """The date the timetable was checked as of (None without a timetable)."""
    documents: tuple[Document, ...]
    """Every document in each of its languages: a bilingual one in its default language,
    then in each of its others (language_versions), each at a home of its own."""
    sections: Mapping[str, tuple[PageSpec, ...]]
    """Each document's pages in the navigation, landing page first, by its home (a bilingual
    document's in each language: `enghraifft`, `enghraifft/en`)."""
    copies: tuple[PageSpec, ...]
    """Earlier editions' pages at the edition's own address (outside the navigation)."""
    site_pages: tuple[PageSpec, ...]
    """The site's own pages (the timetable dashboard)."""
    redirects: tuple[Redirect, ...]
    versions: Mapping[str, Mapping[str, str]]
    """Each page of a bilingual strategy (source path) and the same page in each of its
    languages, the default first, itself included: what its language link and `hreflang`
    alternates lead to."""
    deadlines: Mapping[str, tuple[Deadline, ...]]
    """Each strategy's deadlines by its home, and the site's under SITE_FINDINGS."""
    feeds: tuple[Feed, ...]
    pdfs: tuple[PdfPlan, ...]
    packs: tuple[PackPlan, ...]
    """Each strategy's submission pack (a document's newest edition), in order."""

    @property
    def pages(self) -> dict[str, PageSpec]:
        """Every generated page by its source path: the documents', the copies, the site's."""
        pages = {spec.src_uri: spec for section in self.sections.values() for spec in section}
        pages.update({spec.src_uri: spec for spec in [*self.copies, *self.site_pages]})
        return pages

    def all_deadlines(self) -> list[Deadline]:
        """Every deadline, the strategies' in order, then the site's own."""
        return [deadline for deadlines in self.deadlines.values() for deadline in deadlines]

    def downloads(self) -> dict[str, PdfDownload]:
        """Each PDF as the pages link to it, by where its pages are (a document's home, an
        edition's own address)."""
        return {base: job.download for job in self.pdfs for base in job.bases}

    def pdf_of(self, strategy: Edition) -> PdfPlan:
        """The PDF of an edition."""
        return next(job for job in self.pdfs if job.edition is strategy)

    def pack_of(self, home: str) -> PackPlan | None:
        """The submission pack of the strategy at a document's home, if there is one."""
        return next((pack for pack in self.packs if pack.strategy.home == home), None)

    def pack_is_needed(self, due: dt.date, submitted: bool) -> bool:
        """Whether a pack that cannot be made yet is still needed (a build says so loudly):
        not sent, and not due before the day the timetable is checked as of. Quiet for a
        strategy sent already or long overdue, such as this repository's historical ones."""
        return not submitted and (self.today is None or self.today <= due)

    def statuses(self) -> dict[str, str]:
        """Each document's deadlines in a few words for the home page, when public."""
        if not self.options.timetable_public:
            return {}
        return {home: timetable_summary(list(deadlines))
                for home, deadlines in self.deadlines.items()
                if home != SITE_DEADLINES and deadlines}

    def strategy_nav(self) -> list[Any]:
        """A section per document, a partnership's further documents right after its main
        one (two levels, as Material's navigation reads best), then the site's pages.
        Earlier editions are reached from the edition history."""
        # Titles come from the data. Material prints them raw in places and escapes them in
        # others (aria-label), so they go in as Markup: escaped once, never twice.
        nav: list[Any] = []
        for document in self.documents:
            section = self.sections[document.home]
            title = section[0].title if document.id is None else section[0].full_title
            nav.append({escape(title): [
                section[0].src_uri,
                *({escape(spec.title): spec.src_uri} for spec in section[1:]),
            ]})
        return nav + [{spec.title: spec.src_uri} for spec in self.site_pages]

    def landings(self) -> dict[str, str]:
        """Each document's landing page (source path) and the navigation it belongs to (its
        partnership's in its language: nav_scope_of)."""
        return {section[0].src_uri: self.nav_scope_of(section[0].src_uri)
                for section in self.sections.values()}

    def nav_scope_of(self, src_uri: str) -> str:
        """The navigation a generated page shows: its partnership's in the page's language
        ('enghraifft', 'enghraifft/en'); '' for a page of the whole site."""
        strategy = self._edition_of(src_uri)
        return nav_scope(strategy) if strategy is not None else ""

    @property
    def bilingual(self) -> bool:
        """Whether some document is published in more than one language."""
        return len(self.documents) > len(self.site.documents)

    def language_of(self, src_uri: str) -> str | None:
        """The language of a generated page of a bilingual strategy (none in one language,
        and for the site's own pages: they are in the site's)."""
        strategy = self._edition_of(src_uri)
        return strategy.language if strategy is not None else None

    def _edition_of(self, src_uri: str) -> Edition | None:
        return self._editions.get(src_uri)

    @cached_property
    def _editions(self) -> dict[str, Edition]:
        """The edition each generated page shows, by its source path (asked for each page
        the engine renders: made once)."""
        found = {src_uri: spec.context.get("strategy") for src_uri, spec in self.pages.items()}
        return {src_uri: strategy for src_uri, strategy in found.items()
                if isinstance(strategy, Edition)}

    def partnership_files(self) -> dict[str, str]:
        """Each partnership's folder and the file that makes it one, as messages name it."""
        return _partnership_files(self.site, self.options.data_dir)

    def own_claims(self) -> list[Claim]:
        """The top-level names the plan itself writes at: the site's pages, its calendar
        feed, the data files' schemas (a partnership folder must not take them)."""
        return [*(Claim(spec.src_uri, f"the site's {spec.title} page")
                  for spec in self.site_pages),
                Claim(FEED, "the site's calendar feed"),
                Claim(SCHEMA_FOLDER, "the site's JSON Schemas of the data files")]

    def source_of(self, spec: PageSpec) -> str:
        """Who makes a generated page, as an officer would look for it."""
        strategy = spec.context.get("strategy")
        if not isinstance(strategy, Edition):
            return f"the site's {spec.title} page"
        return (f"{self.options.data_dir.name}/{strategy.home}/strategy.yaml "
                f"(its page '{spec.title}')")


def plan_site(site: Site, options: Options) -> SitePlan:
    """The whole site from its data; a partnership folder that takes a name the site keeps
    at its top stops it, as a data problem."""
    _check_folders(site, options.data_dir)
    states = {id(edition): publication_state(document, edition, dict(site.definitions))
              for document in site.documents for edition in document.editions}
    versions = [(document, version) for document in site.documents
                for version in (document, *language_versions(document))]
    """Each document in each of its languages, beside the document (its default version)."""
    sections: dict[str, list[PageSpec]] = {}
    copies: dict[str, list[PageSpec]] = {}
    """Each document's earlier editions' pages, by its home."""
    redirects: list[Redirect] = []
    parts: dict[int, tuple[PageSpec, ...]] = {}
    """Each edition's part pages (after its landing page), by the edition: its PDF's parts."""
    for _, document in versions:
        sections[document.home] = edition_pages(document.latest, site)
        parts[id(document.latest)] = tuple(sections[document.home][1:])
        for spec in sections[document.home]:
            own = moved(spec.src_uri, document.home, document.latest.edition_address)
            redirects.append(Redirect(own, spec))
        copies[document.home] = []
        for edition in document.editions:
            if not edition.latest:
                pages = edition_pages(edition, site, edition.edition_address,
                                      _notice(document, edition))
                parts[id(edition)] = tuple(pages[1:])
                copies[document.home] += pages
    today, deadlines, site_pages = _timetable(site, options, sections)
    for default, document in versions:
        sections[document.home].append(editions_page(document, {
            edition.identity.edition: states[id(edition)] for edition in default.editions}))
    pdfs = _pdfs(site, options, states, parts)
    return SitePlan(
        site=site, options=options, today=today,
        documents=tuple(document for _, document in versions),
        sections={home: tuple(section) for home, section in sections.items()},
        copies=tuple(spec for pages in copies.values() for spec in pages),
        site_pages=tuple(site_pages), redirects=tuple(redirects),
        versions=_pair_versions(site, sections, copies),
        deadlines=deadlines, feeds=_feeds(deadlines, options), pdfs=pdfs,
        packs=_packs(pdfs),
    )


def _packs(pdfs: tuple[PdfPlan, ...]) -> tuple[PackPlan, ...]:
    """A pack per document's newest edition, with its PDFs in its other languages."""
    return tuple(PackPlan(job.edition, job, tuple(
        other for other in pdfs if any(other.edition is version
                                       for version in job.edition.translations)))
        for job in pdfs if job.edition.latest
        and job.edition.language == job.edition.default_language)


def language_versions(document: Document) -> tuple[Document, ...]:
    """A bilingual document in each of its languages other than its default: each edition's
    version in that language (an edition without one is left out of it), at its own home."""
    return tuple(document.model_copy(update={"editions": tuple(
        version for edition in document.editions for version in edition.translations
        if version.language == language)})
        for language in (version.language for version in document.latest.translations))


def nav_scope(strategy: Edition) -> str:
    """The navigation an edition's pages show: its partnership's ('bexley'), in the edition's
    language when that is not its strategy's default ('enghraifft/en')."""
    if strategy.language is not None and strategy.language != strategy.default_language:
        return f"{strategy.folder}{LANGUAGE_SCOPE}{strategy.language}"
    return strategy.folder


LANGUAGE_SCOPE = "/"
"""Between a partnership and a language in a navigation scope: 'enghraifft/en'."""


def shown_in_nav(owner: str, scope: str, every_partnership: bool) -> bool:
    """Whether the navigation of a page (of navigation `scope`) lists a section (of scope
    `owner`, '' for the site's own pages): its partnership's in its language; with every
    partnership's (nav_scope: all), each other's too, in its default language, so a page
    lists no document twice, once in each language."""
    if owner in ("", scope):
        return True
    folder, _, language = owner.partition(LANGUAGE_SCOPE)
    return every_partnership and not language and folder != scope.partition(LANGUAGE_SCOPE)[0]


def _pair_versions(site: Site, sections: Mapping[str, list[PageSpec]],
                   copies: Mapping[str, list[PageSpec]]) -> dict[str, dict[str, str]]:
    """Each page of a bilingual document and the same page in each language: the versions'
    pages are made alike (edition_pages), so the n-th page of one is the n-th of each other.
    An earlier edition's copies are paired where that edition has the language too."""
    pairs: dict[str, dict[str, str]] = {}
    for document in site.documents:
        languages = [document.latest, *document.latest.translations]
        for pages in (sections, copies) if len(languages) > 1 else ():
            by_language = {version.language: _by_edition(pages[version.home])
                           for version in languages}
            for edition in by_language[document.latest.language]:
                found = {language: pages_of[edition] for language, pages_of
                         in by_language.items() if edition in pages_of}
                for row in zip(*found.values(), strict=True):
                    twins = {str(language): spec.src_uri
                             for language, spec in zip(found, row, strict=True)}
                    pairs.update({src_uri: twins for src_uri in twins.values()})
    return {src_uri: twins for src_uri, twins in pairs.items() if len(twins) > 1}


def _by_edition(pages: list[PageSpec]) -> dict[str, list[PageSpec]]:
    """A document's pages by the edition they show (its edition's id)."""
    found: dict[str, list[PageSpec]] = {}
    for spec in pages:
        found.setdefault(spec.context["strategy"].identity.edition_id, []).append(spec)
    return found


def _check_folders(site: Site, data_dir: Path) -> None:
    problems = reserved_folders(_partnership_files(site, data_dir))
    if problems:
        raise StrategyDataError([DataProblem(Path(source), None, None, message)
                                 for source, message in problems])


def _partnership_files(site: Site, data_dir: Path) -> dict[str, str]:
    return {document.folder: f"{data_dir.name}/{document.folder}/strategy.yaml"
            for document in site.documents if document.id is None}


def _timetable(site: Site, options: Options, sections: dict[str, list[PageSpec]],
               ) -> tuple[dt.date | None, dict[str, tuple[Deadline, ...]], list[PageSpec]]:
    """Each strategy's deadlines as of today, its Key dates page (appended to its section)
    and the site's timetable dashboard, when the timetable is public."""
    timetable = site.timetable
    if timetable is None:
        return None, {}, []
    today = options.today or today_in(timetable)
    deadlines: dict[str, tuple[Deadline, ...]] = {}
    rows: list[tuple[PageSpec | None, Deadline]] = []
    for strategy in site.latest_editions:
        found = edition_deadlines(strategy, timetable, today)
        deadlines[strategy.home] = tuple(found)
        if found and options.timetable_public:
            page = key_dates_page(strategy, found, today)
            sections[strategy.home].append(page)
            rows += [(page, deadline) for deadline in found]
            # One set of deadlines per edition, whatever its languages (the default's, here
            # and in the feeds); a page in each, which names what is due in its language.
            for version in strategy.translations:
                sections[version.home].append(key_dates_page(
                    version, edition_deadlines(version, timetable, today), today,
                    feed_path(strategy.home)))
    events: dict[str, dt.date | None] = {
        "accessibility_statement_reviewed": options.statement_reviewed}
    deadlines[SITE_DEADLINES] = tuple(site_deadlines(timetable, events, today))
    rows += [(None, deadline) for deadline in deadlines[SITE_DEADLINES]]
    if not options.timetable_public:
        return today, deadlines, []
    return today, deadlines, [timetable_page(rows, today)]


def _feeds(deadlines: Mapping[str, tuple[Deadline, ...]], options: Options) -> tuple[Feed, ...]:
    """Each strategy's calendar feed, and the site's of every deadline, when public."""
    if not options.timetable_public or not deadlines:
        return ()
    feeds = [Feed(feed_path(owner), f"{owner}: key dates", found)
             for owner, found in deadlines.items() if owner != SITE_DEADLINES and found]
    everything = tuple(deadline for found in deadlines.values() for deadline in found)
    return (*feeds, Feed(feed_path(), options.site_name, everything))


def _pdfs(site: Site, options: Options, states: Mapping[int, PublicationState],
          parts: Mapping[int, tuple[PageSpec, ...]]) -> tuple[PdfPlan, ...]:
    """Every edition's PDF, numbered in order, a bilingual edition's one per language (the
    default's first): kept as published, or to render. Each version's PDF is at its own
    addresses (a version in another language has its own home, 'enghraifft/en')."""
    jobs: list[PdfPlan] = []
    for document in site.documents:
        for edition in document.editions:
            for version in (edition, *edition.translations):
                state = states.get(id(version)) or publication_state(
                    document, version, dict(site.definitions))
                kept = None
                if state.record is not None and state.unchanged:
                    kept = kept_pdf(document_folder(options.data_dir, edition), state.record)
                bases = (version.edition_address, *([version.home] if version.latest else []))
                printed = parts[id(version)] if id(version) in parts \
                    else _print_parts(document, version, site)
                jobs.append(PdfPlan(PdfDownload(len(jobs), pdf_name(version)), version,
                                    f"{version.home} {version.identity.edition}", bases, state,
                                    kept, web_address(options.site_url, version), printed))
    return tuple(jobs)


def _print_parts(document: Document, version: Edition, site: Site) -> tuple[PageSpec, ...]:
    """A version's part pages as its web pages would have them, for its print document: at
    its home while it is the newest, else at its own address with the notice of an earlier
    edition (pointing at the newest edition in the same language)."""
    if version.latest:
        return tuple(edition_pages(version, site)[1:])
    notice = EditionNotice(document.latest.identity.edition, folder_page(version.home),
                           editions_of(version.home))
    return tuple(edition_pages(version, site, version.edition_address, notice)[1:])


def made_pdf(job: PdfPlan, renderer: Renderer, site: Site) -> RenderedPdf:
    """An edition's PDF made on its own (outside a build's batch): as kept, or rendered."""
    if job.kept is not None:
        return RenderedPdf(job.download.name, job.kept, page_count(job.kept))
    return strategy_pdf(job.edition, job.print_document(renderer, site))


def partnership_of(home: str) -> str:
    """The partnership a document or page belongs to: the first folder of its path."""
    return home.split("/")[0]


def _notice(document: Document, edition: Edition) -> EditionNotice | None:
    """The notice an earlier edition's pages carry: where the newest edition is."""
    if edition.latest:
        return None
    return EditionNotice(document.latest.identity.edition, folder_page(document.home),
                         editions_of(document.home))


def timetable_summary(deadlines: list[Deadline]) -> str:
    """A document's deadlines in a few words for the home page: what needs action first."""
    counts = {status: sum(1 for f in deadlines if f.status is status) for status in Status}
    needing = [f"{n} {status.value}" for status, n in counts.items() if n and status.needs_action]
    if needing:
        return ", ".join(needing)
    if counts[Status.DUE_SOON]:
        return f"{counts[Status.DUE_SOON]} due soon"
    return "nothing needs action"

