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

WRITTEN_AT_THE_TOP = {
    "search": "the search index (search/, by the search plugin)",
    "pagefind": "the search index (pagefind/, made by Pagefind)",
    "sitemap.xml": "the sitemap",
    "sitemap.xml.gz": "the compressed sitemap",
    "404.html": "the page a server shows for a missing address",
}
"""Names at the top of the site that MkDocs and its plugins write outside the list of files
(the theme's `assets/` and the hand-written pages are in that list, and found there)."""


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
    owners: dict[str, str] = dict(WRITTEN_AT_THE_TOP)
    for claim in taken:
        owners.setdefault(top_name(claim.address), claim.source)
    return [f"{source}: its landing page would be at /{folder}/, where {owners[folder]} is; "
            "rename the folder" for folder, source in sorted(partnerships.items())
            if folder in owners]
