"""Helpers for building real sites from data folders into temporary directories."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "strategy_data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = FIXTURES / "seeds"
"""Excerpts of the seed documents the tests compare the site with (each names its source)."""
PDF_CACHE = REPO / ".cache" / "pdf"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass
class Tier:
    """What this session's builds make when a test does not say. `pdfs` is False in a
    session that runs no test marked `slow` (`make test-fast`, or a few fast tests picked by
    hand): only those tests open PDFs, and rendering them is most of a small site's build
    (a fresh clone renders every fixture's PDFs). `make test` runs the slow tests too, so
    there every test reads the same sites, with their PDFs, as a council publishes them."""

    pdfs: bool = True


TIER = Tier()


@pytest.hookimpl(trylast=True)  # after `-m` and `-k` have left out what they leave out
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    TIER.pdfs = any(item.get_closest_marker("slow") for item in items)


@dataclass
class BuiltSite:
    """A site built into a temporary folder, with ways to read its pages."""

    root: Path

    def html(self, page: str) -> str:
        """The HTML of a page by its URL path, e.g. 'barking-and-dagenham/funding/'."""
        return (self.root / page / "index.html").read_text(encoding="utf-8")

    def text(self, page: str) -> str:
        """The page's article as plain text, whitespace collapsed, for finding sentences."""
        return visible_text(article(self.html(page)))

    def html_files(self) -> list[Path]:
        """Every HTML file in the site."""
        return sorted(self.root.rglob("*.html"))

    def pages(self) -> list[Path]:
        """Every page with content: not the newest editions' own addresses, which only send
        readers on to the document's home (tests/test_editions.py checks those)."""
        return [path for path in self.html_files() if not is_redirect(path)]


SEARCH_INDEX = "pagefind"
"""The site's search index, as Pagefind writes it (plugins/strategy_site/search_index.py)."""

SEARCH_FILES = (".pf_fragment", ".pf_index", ".pf_meta")
"""Pagefind's index files: gzip-compressed, then a signature, then JSON (a page's fragment:
its address, title and text) or CBOR (the words, the metadata)."""

_SIGNATURE = b"pagefind_dcd"


def read_search_file(path: Path) -> bytes:
    """What one file of Pagefind's index holds, uncompressed, without its signature."""
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(_SIGNATURE), path
    return data[len(_SIGNATURE):]


def search_records(site: Path) -> list[dict[str, Any]]:
    """Every page the site's search index holds, as its fragment says: `url`, `content` (the
    text search finds and quotes), `meta` (its `title`), `anchors`."""
    fragments = sorted((site / SEARCH_INDEX / "fragment").glob("*.pf_fragment"))
    return [json.loads(read_search_file(path)) for path in fragments]


def search_index_text(site: Path) -> str:
    """Every file of the search index, uncompressed, as text (the words of its word index
    are there as text too): to look for what must never be in it."""
    files = sorted(path for path in (site / SEARCH_INDEX).rglob("*") if path.suffix in SEARCH_FILES)
    assert files, "the site has no search index"
    return "\n".join(read_search_file(path).decode("utf-8", "replace") for path in files)


def is_redirect(path: Path) -> bool:
    """Whether an HTML file only sends its reader to another address."""
    return '<meta http-equiv="refresh"' in path.read_text(encoding="utf-8")[:1000]


PUBLISHED_AT = "https://strategies.testshire.gov.uk/community-safety/"
"""A site_url that is neither an example address nor a local one (a made-up council's, on a
real top-level domain: `.test` is an example one, RFC 2606): with those the build makes no
submission pack, and `strategy-site publish` records nothing."""


def make_project(tmp_path: Path, data_dir: Path, site_url: str | None = None,
                 **options: object) -> Path:
    """A copy of the real project's mkdocs.yml and docs/ pointing at `data_dir`, with any
    other plugin `options` set (and another `site_url`, if given); with PDFs as the session's
    tier has them (`Tier`) unless `options` say."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "docs", project / "docs")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    if site_url is not None:
        config["site_url"] = site_url
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "strategy_site" in plugin:
            plugin["strategy_site"]["data_dir"] = str(data_dir)
            # The project's own PDF cache: keys are fingerprints of everything a PDF depends
            # on, so a test gets a fresh rendering whenever anything it changed matters.
            plugin["strategy_site"]["pdf_cache_dir"] = str(PDF_CACHE)
            # Many tests' data share it, one after the other: a build must not prune what
            # the other tests use (tests/test_output.py checks pruning in a cache of its own).
            plugin["strategy_site"]["pdf_cache_prune"] = False
            plugin["strategy_site"]["pdfs"] = TIER.pdfs
            plugin["strategy_site"].update(options)
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return project


def build_site(
    tmp_path: Path, data_dir: Path, caplog: pytest.LogCaptureFixture | None = None,
    **options: object,
) -> BuiltSite:
    """Build a real site, strictly; fail if MkDocs or the plugin logged a warning. Building
    again in the same `tmp_path` rebuilds the same project (its docs/ as the test left them)."""
    project = tmp_path / "project"
    if not project.exists():
        make_project(tmp_path, data_dir, **options)
    site_dir = tmp_path / "site"
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    build(config)
    if caplog is not None:
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert not warnings, [r.getMessage() for r in warnings]
    return BuiltSite(site_dir)


def copy_data(tmp_path: Path, source: Path = DATA) -> Path:
    """A private copy of a data folder that a test may break."""
    target = tmp_path / "strategy_data"
    shutil.copytree(source, target)
    return target


def article(html: str) -> str:
    match = re.search(r"<article[^>]*>(.*)</article>", html, re.S)
    assert match, "page has no article"
    return match.group(1)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The site built from the real strategy_data/, once for the session."""
    yield build_site(tmp_path_factory.mktemp("real"), DATA)


BROWSER = """
import puppeteer from "puppeteer-core";
const args = process.argv.slice(2);
const browser = await puppeteer.launch({ executablePath: args.shift(), headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-extensions"] });
"""
"""Starts Debian's chromium for a script (puppeteer-core, as the accessibility gate runs it);
the script's own arguments are in `args`."""


def in_chromium(script: str, *args: str) -> Any:
    """Run a puppeteer script (after BROWSER) and return the JSON it prints."""
    run = subprocess.run(
        ["node", "--input-type=module", "-", os.environ.get("CHROMIUM", "/usr/bin/chromium"),
         *args], input=BROWSER + script, capture_output=True, text=True, cwd=REPO, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)
