"""The plugin's options, as MkDocs config classes so mistakes are reported like MkDocs' own;
and the site's mkdocs.yml read for `strategy-site` by MkDocs' own loader (an adapter, as
plugin.py is: the core imports nothing of MkDocs)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.config import config_options as c
from mkdocs.config import load_config
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException


class AccessibilityConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    """The council's own parts of the accessibility statement (GDS model statement)."""

    page = c.Type(str, default="accessibility/")
    """The statement's address, linked from the footer of every page."""
    organisation = c.Optional(c.Type(str))
    """Who runs the website, as a sentence names them ("the London Borough of ...")."""
    email = c.Optional(c.Type(str))
    """Where to ask for another format or report a problem."""
    phone = c.Optional(c.Type(str))
    response_days = c.Type(int, default=5)
    """Working days within which the council replies."""
    compliance = c.Choice(("full", "partial", "none"), default="partial")
    """How far the site meets WCAG 2.2 AA: the statement's compliance status."""
    non_compliances = c.ListOfItems(c.Type(str), default=[])
    """What is not accessible and why, one sentence each."""
    # A date, or the text `strategy-site init` writes ("TODO: ..."), refused by name below.
    prepared = c.Optional(c.Type((dt.date, str)))
    last_reviewed = c.Optional(c.Type((dt.date, str)))
    """When the statement was last reviewed: at least every 12 months."""
    last_tested = c.Optional(c.Type((dt.date, str)))


class StrategySiteConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs is untyped here
    """Options under `plugins: - strategy_site:` in mkdocs.yml."""

    data_dir = c.Dir(exists=True, default="strategy_data")
    """The folder of strategy data: one folder per borough, plus `shared/`."""

    strategies_marker = c.Type(str, default="<!-- strategy-site:strategies -->")
    """Where a hand-written page (the home page) wants the list of strategies."""

    timetable_today = c.Optional(c.Type(dt.date))
    """The date the timetable is checked as of; default: today in the timetable's time zone."""

    overdue_log_level = c.Choice(("warning", "info"), default="warning")
    """How an overdue deadline is logged: 'info' keeps a strict build of an archived
    strategy from failing on deadlines nobody can meet any more."""

    timetable_public = c.Type(bool, default=True)
    """Whether the site publishes where each deadline stands: the Timetable dashboard, each
    strategy's Key dates page and calendar feeds, and the status on the home page ("10
    overdue"). `false` keeps the status to the build log and `strategy-site check`; the dates
    the strategy itself gives (its review dates, its next review) stay on its pages."""

    submission_dir = c.Type(str, default="submissions")
    """Where the build writes each strategy's Home Office submission pack (not published). The
    folder is the build's own: a build with PDFs replaces it whole with its packs."""

    lock_timeout = c.Type((int, float), default=600)
    """How many seconds a build waits for another build writing the same site folder (or
    the same packs) before it stops, changing nothing."""

    pdfs = c.Type(bool, default=True)
    """Whether the build makes the PDFs; `false` gives a quick preview of the pages alone
    (`mkdocs serve` while writing). A site to publish always has them."""

    pdf_workers = c.Type(int, default=0)
    """How many processes render PDFs at once; 0: as many as the machine has cores."""

    pdf_cache_dir = c.Type(str, default=".cache/pdf")
    """Where rendered PDFs are kept by the fingerprint of all they depend on, so an unchanged
    strategy is not rendered again (relative to mkdocs.yml; safe to delete; "" for none)."""

    pdf_cache_prune = c.Type(bool, default=True)
    """Whether a successful build removes the cached PDFs that no build has used since it
    started (one holding text since withheld, an edition since removed). `false` for a cache
    shared by many projects at once, such as the tests'."""

    nav_scope = c.Choice(("partnership", "all"), default="partnership")
    """Which strategies a page's navigation lists: 'partnership', the page's own
    partnership's documents (the home page lists every partnership), so that a page stays the
    same size however many partnerships the site publishes; 'all', every partnership's, for a
    site of a handful."""

    accessibility = c.SubConfig(AccessibilityConfig)
    """The accessibility statement's council-specific parts (templates/accessibility.md, the
    statement the plugin writes when docs/ has no accessibility.md of its own)."""


STATEMENT_EXAMPLES = {
    "organisation": "the London Borough of Newham",
    "email": "community.safety@council.gov.uk",
    "prepared": "2026-12-01",
    "last_reviewed": "2026-12-01",
    "last_tested": "2026-12-01",
}
"""The statement's settings a site must give, each with an example of its value."""


def missing_statement_settings(accessibility: AccessibilityConfig) -> str | None:
    """The lines to add to mkdocs.yml for the accessibility statement's settings not given,
    or None when all are there. They are the council's to write: no default would be true."""
    missing = [name for name in STATEMENT_EXAMPLES if not _written(name, accessibility[name])]
    if not missing:
        return None
    lines = "\n".join(f"          {name}: {STATEMENT_EXAMPLES[name]}" for name in missing)
    return (f"mkdocs.yml: the accessibility statement needs the council's own "
            f"{', '.join(missing)}, still missing or TODO. Write them under 'plugins:', with "
            "your own values (dates as YYYY-MM-DD):\n"
            f"  - strategy_site:\n      accessibility:\n{lines}\n"
            "(`strategy-site init` writes them with TODO values; see the guide's "
            "'Your own site').")


def _written(name: str, value: object) -> bool:
    """Whether a statement setting holds a value: a date for a date, and no TODO."""
    if value is None or (isinstance(value, str) and value.strip().upper().startswith("TODO")):
        return False
    return isinstance(value, dt.date) or not STATEMENT_EXAMPLES[name][:1].isdigit()


def published_site_url(config: MkDocsConfig) -> str | None:
    """The address the site is published at: `site_url` as mkdocs.yml gives it.

    `mkdocs serve` (and ProperDocs') puts the server's own address (http://127.0.0.1:8000/...)
    in `config.site_url` before any plugin sees it: right for the served pages' links, wrong
    for what says where the strategy is published (a PDF's cover, the submission packs) and
    for the PDF cache's key, which holds that address (a new port, every PDF rendered again).
    So when `site_url` is the server's, mkdocs.yml's own is read again, by MkDocs' loader (its
    `!ENV`, `!relative` and `INHERIT`) and MkDocs' check of the option; a build's is as given.
    """
    host, port = config.dev_addr
    if not (config.site_url or "").startswith(f"http://{host}:{port}/"):
        return config.site_url
    if not config.config_file_path:  # read from standard input: nothing to read again
        return None
    configured = MkDocsConfig(config_file_path=config.config_file_path)
    with open(config.config_file_path, "rb") as file:
        configured.load_file(file)
    option: c.Optional[str] = c.Optional(c.URL(is_dir=True))
    return option.validate(configured.get("site_url"))


def checked_site_url(value: str) -> str:
    """An address given on the command line (`--site-url`), checked as MkDocs checks
    mkdocs.yml's site_url (a scheme and a host): SiteConfigError if it is not one."""
    option: c.Optional[str] = c.Optional(c.URL(is_dir=True))
    try:
        checked = str(option.validate(value))
        parts = urlsplit(checked)
        extra = [what for what, there in (("a user name or password", parts.username),
                                          ("a query ('?')", parts.query),
                                          ("a fragment ('#')", parts.fragment)) if there]
    except (ValidationError, ValueError) as error:
        raise SiteConfigError(
            f"--site-url {value}: expected the site's full address, such as "
            f"https://www.council.gov.uk/serious-violence/ ({error})") from None
    if extra:
        raise SiteConfigError(
            f"--site-url {value}: expected the site's address alone, such as "
            f"https://www.council.gov.uk/serious-violence/, found {' and '.join(extra)} in it "
            "(every page's address and the PDF's cover are made from it)")
    return checked


@dataclass(frozen=True)
class SiteSettings:
    """What `strategy-site` needs of a site's mkdocs.yml, read as MkDocs reads it (its !ENV
    and !relative tags, its defaults and its checks of every option)."""

    site_url: str | None
    statement_reviewed: dt.date | None


class SiteConfigError(Exception):
    """mkdocs.yml cannot be read as MkDocs would read it; the message says why."""


def read_site_config(path: Path) -> SiteSettings:
    """The site's settings from its mkdocs.yml, by MkDocs' own config loading (so the
    command and the build read one file one way). Nothing is built."""
    with _collected(logging.getLogger("mkdocs")) as complaints:
        try:
            config = load_config(str(path))
        except (MkDocsException, OSError) as error:  # Abort: complaints logged, as a build's
            said = "; ".join(complaints) or str(error)
            raise SiteConfigError(f"{path}: expected a mkdocs.yml MkDocs can read: {said}"
                                  ) from None
    plugin = config.plugins.get("strategy_site")
    options = getattr(plugin, "config", None)
    reviewed = options.accessibility.last_reviewed if isinstance(
        options, StrategySiteConfig) else None
    return SiteSettings(config.site_url or None,
                        reviewed if isinstance(reviewed, dt.date) else None)


@contextmanager
def _collected(logger: logging.Logger) -> Iterator[list[str]]:
    """What MkDocs warns about while it reads the file, kept for the command's own message
    instead of logged as a build would log it."""
    complaints: list[str] = []
    handler = _Collector(complaints)
    level, propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield complaints
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate


class _Collector(logging.Handler):
    def __init__(self, complaints: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.complaints = complaints

    def emit(self, record: logging.LogRecord) -> None:
        self.complaints.append(record.getMessage())
