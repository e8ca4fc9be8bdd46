"""The site's search index, made by Pagefind from the finished pages.

Material's own search sends the text of every page in one file (3.5 MB at 33 partnerships, 31 MB
at 300) to every reader who opens search, and builds a lunr index from it in the browser.
Pagefind splits the index into small fragments by word and page, and the browser fetches only
the fragments a query needs, so the first search costs about the same at any size of site.

It runs on the staged site once MkDocs and the plugin have written every page: what is indexed
is exactly what is published. Only each page's main content is indexed (the theme marks its
article `data-pagefind-body`; pages without it, like the redirect pages and 404.html, are left
out); drawings are left out too (`data-search-exclude`): their text versions follow them.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.strategy_site")

BUNDLE = "pagefind"
"""The folder of the site that holds Pagefind's index and scripts (the theme loads them from
there, relative to the page: assets/javascripts/search.js)."""

EXCLUDED = ("[data-search-exclude]",)
"""What is left out of the index on an indexed page: drawings (their text versions follow them)."""


UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css")
"""Pagefind's ready-made interfaces, which it writes into every bundle: the theme drives
Pagefind's API itself (search.js), so these are removed. They were 400 KB of every site, and
one of them (`pagefind-component-ui.js`) was seen to differ between two builds of the same
pages, which would make a site's files change with nothing changed."""


class SearchIndexError(Exception):
    """Pagefind could not index the site: the message says why and what to do."""


def write_search_index(site: Path) -> list[Path]:
    """Index the pages of the built site in `site` into `site/pagefind/`; the files written.

    Pagefind's command, which exits once every file is written. Its Python service was used
    before: it answers "written" and is then stopped, and a file still being written was
    seen left empty (`wasm.unknown.pagefind`, 0 bytes, in a clean clone's test run)."""
    bundle = site / BUNDLE
    command = [*pagefind_command(), "--site", str(site),
               "--output-path", str(bundle), "--silent",
               *(f"--exclude-selectors={selector}" for selector in EXCLUDED)]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        raise SearchIndexError(f"Pagefind, which makes the search index, could not start "
                               f"({error})") from None
    if run.returncode != 0:
        raise SearchIndexError(
            f"Pagefind could not index the site in {site} ({run.returncode}): "
            f"{(run.stderr or run.stdout).strip()[-2000:]}; if it is not installed, install the "
            "package with its binary, pip install 'pagefind[bin]'")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    written = sorted(path for path in bundle.rglob("*") if path.is_file())
    empty = [path.name for path in written if path.stat().st_size == 0]
    if empty:
        raise SearchIndexError(f"Pagefind left {', '.join(empty)} empty in {bundle}: build again")
    log.debug("Search index: %d files in %s", len(written), bundle)
    return written


def pagefind_command() -> list[str]:
    """Pagefind's binary, found by Pagefind's own finder (the one `python -m pagefind` uses:
    PAGEFIND_BINARY_PATH, then its extended build, then `pagefind[bin]`'s), and started
    directly: starting a Python only to find it and hand over cost each build 0.1 s, the
    finder 0.02 s (imported here: its module brings asyncio, which a build does not need)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        executable = None
    else:
        executable = get_executable()
    if executable is None:
        raise SearchIndexError("Pagefind, which makes the search index, is not installed: "
                               "install the package with its binary, pip install "
                               "'pagefind[bin]'")
    return [str(executable)]
