"""The pages MkDocs converts from Markdown, as the plugin gives them to it: its own generated
pages, whose Markdown is empty, skip the conversion; under `mkdocs serve`, a hand-written page
whose Markdown and surroundings did not change takes the build before's conversion.

An adapter, like plugin.py: these are MkDocs' Page objects, made in `on_files` (MkDocs takes a
file's page when it has one), each with the title the navigation gives it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from logging.handlers import BufferingHandler
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .preview import Conversion, Remembered, fingerprint


class GeneratedPage(Page):
    """A page the plugin renders from its own templates (on_page_content): its Markdown is
    empty, so MkDocs' conversion of it, a Markdown instance with every extension made for each
    page, is skipped (about 1 ms a page: 0.3 s of a rebuild at 33 partnerships). What the
    conversion of nothing gives, it gives: no content, no contents list, no title, no anchors
    (the page's own are its headings, given in on_page_content)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()


class RememberedPage(Page):
    """A hand-written page in the preview, its Markdown converted as in the build before
    when nothing it is converted from changed: its text (after the plugins' on_page_markdown),
    its address, every file of the site with its address (its links resolve against them)
    and the Markdown settings (`converted_with`). The guide's 30 pages were 0.2 to 0.3 s of
    each preview build. A conversion that logged anything (a link to no page, say) is not
    kept, so that each build says it again."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig,
                 conversions: Remembered[Conversion], converted_with: str) -> None:
        super().__init__(title, file, config)
        self.conversions = conversions
        self.converted_with = converted_with
        self.converted_before = False
        """Whether its Markdown was converted as in the build before (the log says how many)."""

    def render(self, config: MkDocsConfig, files: Files) -> None:
        key = fingerprint([self.converted_with, self.file.src_uri, self.markdown])
        kept = self.conversions.before(key)
        if kept is not None:
            self.content, self.toc, self._title_from_render = kept.content, kept.toc, kept.title
            self.present_anchor_ids = set(kept.anchors)
            if kept.links_to_anchors is not None:
                self.links_to_anchors = {
                    linked: links for src_uri, links in kept.links_to_anchors.items()
                    if (linked := files.get_file_from_path(src_uri)) is not None}
            self.conversions.made(key, kept)
            self.converted_before = True
            return
        with _logged("mkdocs") as records:
            super().render(config, files)
        if records:
            return
        assert self.content is not None
        self.conversions.made(key, Conversion(
            self.content, self.toc, self._title_from_render,
            frozenset(self.present_anchor_ids or ()),
            None if self.links_to_anchors is None else {
                linked.src_uri: dict(links) for linked, links in self.links_to_anchors.items()}))


TEXT_ALONE_EXTENSIONS = frozenset({
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "fenced_code", "footnotes",
    "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists", "smarty",
    "tables", "toc", "wikilinks",
    *(f"pymdownx.{name}" for name in (
        "arithmatex", "betterem", "caret", "critic", "details", "emoji", "highlight",
        "inlinehilite", "keys", "magiclink", "mark", "smartsymbols", "superfences", "tabbed",
        "tasklist", "tilde")),
})
"""Markdown extensions whose output depends on the page's text and settings alone (abbr's
glossary is a setting). Others, such as pymdownx.snippets, which reads the files it includes,
can change a page without its text changing, so the preview keeps no conversion when one of
them is on."""


def converts_the_text_alone(config: MkDocsConfig) -> bool:
    """Whether every Markdown extension of the site reads nothing but the page's text."""
    names = [name.removeprefix("markdown.extensions.") if isinstance(name, str) else None
             for name in config.markdown_extensions]
    return all(name in TEXT_ALONE_EXTENSIONS for name in names)


def markdown_settings(config: MkDocsConfig) -> str:
    """What MkDocs converts a page's Markdown with, besides the page and the files: the
    extensions and their settings, the form of addresses and how links are checked."""
    return repr((config.markdown_extensions, config.mdx_configs, config.use_directory_urls,
                 config.validation))


@contextmanager
def _logged(name: str) -> Iterator[list[logging.LogRecord]]:
    """The records `name`'s loggers log meanwhile."""
    handler = BufferingHandler(capacity=2**31)  # kept, never flushed
    handler.setLevel(logging.INFO)
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    try:
        yield handler.buffer
    finally:
        logger.removeHandler(handler)


RELATIVE_TO_DOCS = -1
"""`validation: nav: absolute_links: relative_to_docs`, as MkDocs holds it (its enum's value):
a navigation path starting with `/` is then a page of docs/, looked up without the `/`."""


def nav_titles(nav: Any, files: Files, config: MkDocsConfig) -> dict[str, str | None]:
    """The title the navigation's settings give each page, by its source: the first entry's,
    as MkDocs makes the page for the first and takes that page for any other (a path given
    without a title: None, and the page finds its own). Each path is looked up among the
    files as MkDocs looks it up (structure/nav.py): a path that names no file is a link."""
    titles: dict[str, str | None] = {}
    from_docs = config.validation.nav.absolute_links == RELATIVE_TO_DOCS

    def walk(item: Any, title: str | None = None) -> None:
        if isinstance(item, str):
            lookup = item.lstrip("/") if from_docs and item.startswith("/") else item
            file = files.get_file_from_path(lookup)
            if file is not None:
                titles.setdefault(file.src_uri, title)
        elif isinstance(item, dict):
            for key, value in item.items():
                walk(value, key if isinstance(value, str) else None)
        elif isinstance(item, list):
            for entry in item:
                walk(entry)

    walk(nav)
    return titles
