"""Every address of the site has one owner: two generated pages, or a partnership and
something else the site writes, never share one (the later would silently replace the
earlier, and the home page would link the same address twice).

A partnership's folder name is its address at the top of the site (`/bexley/`), where MkDocs,
the theme, the hand-written pages and the plugin also write. What they write there is known
from MkDocs' list of files, except for what is written after it is made: the names below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

INDEX = "index"
"""A folder's own page: a document's landing page (`index.md`)."""
EDITIONS = "editions"
"""The page of a document's edition history (`bexley/editions/`)."""
KEY_DATES = "key-dates"
"""The page of a strategy's deadlines (`bexley/key-dates/`), and its calendar feed's name."""
FEED = f"{KEY_DATES}.ics"
"""A calendar feed: a strategy's, under its home, and the site's, at the top."""
TIMETABLE = "timetable"
"""The site's timetable dashboard (`timetable/`)."""
SCHEMA_FOLDER = "schema"
"""The data files' JSON Schemas in the built site (`schema/strategy.json`)."""
SITE_OWNER = "site"
"""The name the site's own deadlines (the accessibility statement's) go by, beside the
strategies' homes, in `strategy-site check` and the calendar feeds."""

LANGUAGE_FOLDERS = ("cy", "en")
"""A bilingual strategy's version in a language other than its default, under its home
(`enghraifft/en/`): see Edition.home."""

RESERVED_NAMES = (INDEX, EDITIONS, KEY_DATES, *LANGUAGE_FOLDERS)
"""Addresses under a document's home that the site itself uses."""

RESERVED_AT_THE_TOP = {
    TIMETABLE: "the site's Timetable page",
    FEED: "the site's calendar feed",
    SCHEMA_FOLDER: "the site's JSON Schemas of the data files",
    SITE_OWNER: "the name the site's own deadlines go by (in `strategy-site check` and the "
                "calendar feeds)",
    "accessibility": "the accessibility statement (accessibility.md)",
    "assets": "the theme's assets/",
    "search": "Material's search index (search/, where a site still lists the search plugin)",
    "pagefind": "the search index (pagefind/, made by Pagefind)",
    "sitemap.xml": "the sitemap",
    "sitemap.xml.gz": "the compressed sitemap",
    "404.html": "the page a server shows for a missing address",
}
"""Names at the top of the site that every build of it writes or uses, whatever its pages
and theme: a partnership's folder never takes one (`load` refuses it, naming them). What
the hand-written pages write there (`docs/guide/`) is found from MkDocs' list of files."""


@dataclass(frozen=True)
class Claim:
    """Something the site writes, at its path in the site or its page's address."""

    address: str
    source: str
    """Who writes it, as an officer would look for it ("docs/about.md", "the site's Timetable
    page", "strategy_data/bexley/strategy.yaml")."""


def top_name(path: str) -> str:
    """The name at the top of the site a path or page source takes: `about.md` and
    `about/index.md` both take `about`; `assets/x.js` takes `assets`; the home page none."""
    first, _, rest = path.partition("/")
    if rest:
        return first
    return "" if first in ("index.md", "README.md") else first.removesuffix(".md")


def same_address(pages: Iterable[Claim]) -> list[str]:
    """A message for each page address two sources would write."""
    seen: dict[str, str] = {}
    problems = []
    for page in pages:
        if page.address in seen:
            problems.append(f"{seen[page.address]} and {page.source} would both be the page at "
                            f"/{page.address}, and one would silently replace the other: "
                            "rename one of them")
        else:
            seen.setdefault(page.address, page.source)
    return problems


def taken_names(partnerships: Mapping[str, str], taken: Iterable[Claim]) -> list[str]:
    """A message for each partnership (folder name: its strategy.yaml) whose address is a name
    the site already writes at its top."""
    owners: dict[str, str] = dict(RESERVED_AT_THE_TOP)
    for claim in taken:
        owners.setdefault(top_name(claim.address), claim.source)
    return [f"{source}: its landing page would be at /{folder}/, where {owners[folder]} is; "
            "rename the folder" for folder, source in sorted(partnerships.items())
            if folder in owners]


def reserved_folders(partnerships: Mapping[str, str]) -> list[tuple[str, str]]:
    """For each partnership (folder name: its strategy.yaml) whose folder takes a name the
    site keeps at its top, its file and what is wrong, with the names to avoid."""
    names = ", ".join(sorted(name for name in RESERVED_AT_THE_TOP if "." not in name))
    return [(source, f"its landing page would be at /{folder}/, where "
                     f"{RESERVED_AT_THE_TOP[folder]} is; rename the folder (a partnership's "
                     f"folder cannot take a name the site keeps at its top: {names})")
            for folder, source in sorted(partnerships.items()) if folder in RESERVED_AT_THE_TOP]


def page_source(folder: str, name: str) -> str:
    """A generated page's source path (`bexley/funding.md`, at `bexley/funding/`; the site's
    own pages in folder '': `timetable.md`). A folder's landing page is its INDEX."""
    return f"{folder}/{name}.md" if folder else f"{name}.md"


def folder_page(folder: str, name: str = "") -> str:
    """A page by its path in the site, as pages link to it: `bexley/`, `bexley/editions/`."""
    return f"{folder}/{name}/" if name else f"{folder}/"


def feed_path(home: str = "") -> str:
    """A strategy's calendar feed (`bexley/key-dates.ics`), or the site's (`key-dates.ics`)."""
    return f"{home}/{FEED}" if home else FEED


def moved(source: str, home: str, base: str) -> str:
    """A document's page (its source path under `home`) at another base: the same page at
    its edition's own address (`bexley/funding.md` -> `bexley/2022-2025/funding.md`)."""
    return base + source[len(home):]


def editions_of(home: str) -> str:
    """A document's edition history, by its path in the site: `bexley/editions/`."""
    return folder_page(home, EDITIONS)


def key_dates_of(home: str) -> str:
    """A strategy's Key dates page, by its path in the site: `bexley/key-dates/`."""
    return folder_page(home, KEY_DATES)
