"""From the model to web pages: which pages a strategy has, in what order, and their HTML.

This module knows nothing of MkDocs: a page is a path, a title, a template and its context,
and links between pages are made by a `url` function the caller supplies, so the same pages
could be served by another engine. Templates hold the markup; this module chooses them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import jinja2
import jinja2.sandbox

from . import formatting
from .model import Site, Strategy

UrlFor = Callable[["PageSpec"], str]
"""Gives the address of a page relative to the page being rendered."""


@dataclass(frozen=True)
class PageSpec:
    """One generated page: its source path, navigation title, template and what it shows."""

    src_uri: str
    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)
    heading: str = ""

    @property
    def full_title(self) -> str:
        """The page's own heading, which the navigation may shorten."""
        return self.heading or self.title


@dataclass(frozen=True)
class Heading:
    """A heading found in a rendered page, for the table of contents."""

    level: int
    id: str
    text: str
    children: list[Heading] = field(default_factory=list, compare=False)


def strategy_pages(strategy: Strategy, site: Site) -> list[PageSpec]:
    """Every page of one strategy, landing page first, then its parts in the seed's order."""
    part_pages: dict[str, PageSpec] = {}
    shared = {"strategy": strategy, "part_pages": part_pages, "appendix": APPENDIX}

    def add(name: str, title: str, template: str, heading: str = "", **context: Any) -> None:
        review = strategy.review_of(name)
        heading = heading or context["part"].title
        part_pages[name] = PageSpec(f"{strategy.slug}/{name}.md", title, template,
                                    {**shared, **context, "review": review}, heading)

    if strategy.foreword:
        add("foreword", strategy.foreword.title, "foreword.html", part=strategy.foreword)
    add("introduction", strategy.introduction.title, "introduction.html",
        part=strategy.introduction)
    definition = strategy.definition
    add("definition", definition.title, "definition.html", part=definition,
        shared=site.definitions.get(definition.adopts) if definition.adopts else None)
    add("partnership", strategy.partnership.title, "prose.html", part=strategy.partnership)
    add("needs-assessment", strategy.needs_assessment.title, "needs_assessment.html",
        part=strategy.needs_assessment)
    add("objectives", strategy.objectives.title, "objectives.html", part=strategy.objectives,
        principles=strategy.principles)
    if strategy.current_arrangements:
        add("current-arrangements", strategy.current_arrangements.title, "prose.html",
            part=strategy.current_arrangements)
    add("themes", strategy.themes.title, "themes.html", part=strategy.themes)
    add("engagement", _short_title(strategy.engagement.title), "prose.html",
        part=strategy.engagement)
    add("funding", "Funding", "funding.html", part=strategy.funding)
    add(APPENDIX, "Appendix A: needs assessment summary", "appendix.html",
        heading=f"Appendix A: {strategy.needs_assessment.appendix_title}",
        part=strategy.needs_assessment, recommendations=strategy.recommendations)

    landing = PageSpec(f"{strategy.slug}/index.md", strategy.identity.borough, "landing.html",
                       {**shared, "contents": list(part_pages.values())})
    return [landing, *part_pages.values()]


APPENDIX = "needs-assessment-summary"
"""The page name of the needs assessment's executive summary (the seed's Appendix A)."""


def _short_title(title: str) -> str:
    """The navigation label for a long section title: its words before the first comma."""
    return title.split(",", 1)[0]


class Renderer:
    """Renders page specs with the package's Jinja templates, autoescaped throughout."""

    def __init__(self) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("strategy_site", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(formatting.FILTERS)

    def render(self, spec: PageSpec, url: UrlFor) -> str:
        """The page's HTML content (everything inside the theme's article)."""
        return self.env.get_template(spec.template).render(spec.context, url=url, page=spec)

    def render_markdown(self, source: str, **context: Any) -> str:
        """A hand-written Markdown page with its {{ fields }} filled in (no autoescape: the
        result is Markdown, and the fields come from the site's own configuration)."""
        env = jinja2.sandbox.SandboxedEnvironment(
            undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
            autoescape=False,
        )
        env.filters.update(formatting.FILTERS)
        return env.from_string(source).render(context)

    def render_strategy_list(self, site: Site, landings: Mapping[str, PageSpec],
                             url: UrlFor) -> str:
        """The list of strategies for the site's home page."""
        return self.env.get_template("strategy_list.html").render(
            strategies=site.strategies, landings=landings, url=url)


def headings(html: str, levels: tuple[int, ...] = (2, 3)) -> list[Heading]:
    """The page's headings with ids, nested, for the table of contents."""
    parser = _HeadingParser(levels)
    parser.feed(html)
    parser.close()
    return _nest(iter(parser.found), min(levels))


def _nest(found: Iterator[Heading], level: int) -> list[Heading]:
    result: list[Heading] = []
    for heading in found:
        if heading.level == level or not result:
            result.append(heading)
        else:
            result[-1].children.append(heading)
    return result


class _HeadingParser(HTMLParser):
    def __init__(self, levels: tuple[int, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.levels = {f"h{level}": level for level in levels}
        self.found: list[Heading] = []
        self._open: tuple[int, str] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id")
        if tag in self.levels and ident:
            self._open = (self.levels[tag], ident)
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == f"h{self._open[0]}":
            text = " ".join("".join(self._text).split())
            self.found.append(Heading(self._open[0], self._open[1], text))
            self._open = None
