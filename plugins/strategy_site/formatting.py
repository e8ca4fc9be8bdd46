"""Named Jinja filters: how dates, money, numbers and prose from the data are shown.

Prose is Markdown with raw HTML switched off, so text from YAML can never add markup of its
own, and links are kept only for web, e-mail and site-relative addresses. Dates and amounts
are written by Babel for the language of the page being rendered (`catalog.speaking`).
"""

from __future__ import annotations

import datetime as dt
import html
import xml.etree.ElementTree as etree
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

import markdown
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup

from . import catalog
from .catalog import N_
from .catalog import gettext as _
from .model import WEB_SCHEMES, Figure, other_site, slugify

SAFE_SCHEMES = WEB_SCHEMES | {""}
"""Link schemes a prose link may use; "" is a site-relative address."""

_NUMBER_WORDS = (
    N_("Zero"), N_("One"), N_("Two"), N_("Three"), N_("Four"), N_("Five"), N_("Six"),
    N_("Seven"), N_("Eight"), N_("Nine"), N_("Ten"), N_("Eleven"), N_("Twelve"),
)


class _SafeLinks(markdown.treeprocessors.Treeprocessor):
    """Unlink any address whose scheme is not web, e-mail or site-relative (javascript:, data:),
    and any that only looks site-relative (`//evil.example`)."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter("a"):
            href = element.get("href", "")
            # `//host` and `/\host` look site-relative but lead to another website.
            if link_scheme(href) not in SAFE_SCHEMES or other_site(html.unescape(href)):
                del element.attrib["href"]
                element.tag = "span"
        for element in root.iter("img"):
            element.tag = "span"
            element.text = element.get("alt", "")
            element.attrib.clear()


def link_scheme(href: str) -> str:
    """The scheme of a Markdown link's address as the browser reads it, lower-case ("" for a
    relative address).

    Markdown writes character references in an address as they are (`&#106;avascript:`,
    `javascript&colon;`, `java&#9;script:`), and the browser decodes them before it reads the
    scheme, so decode them first; `urlsplit` then drops the tabs and newlines and the leading
    control characters and spaces that the browser ignores too.
    """
    return urlsplit(html.unescape(href)).scheme.lower()


class _NoRawHtml(markdown.extensions.Extension):
    """Treat raw HTML in prose as text: it is escaped and shown, never interpreted."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 1)


def _new_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=["sane_lists", "tables", _NoRawHtml()])


_markdown = _new_markdown()


def prose(text: str | None) -> Markup:
    """Markdown prose from the data as safe HTML."""
    if not text:
        return Markup("")
    return Markup(_converted(text))


@lru_cache(maxsize=8192)
def _converted(text: str) -> str:
    """Each text converted once: the web page and the print document convert the same prose,
    and a preview's rebuild the same prose as the build before (the conversion depends on
    the text alone; the converter is reset each time)."""
    _markdown.reset()
    return _markdown.convert(text)


def inline(text: str | None) -> Markup:
    """One line of Markdown as inline HTML (no surrounding paragraph)."""
    html = prose(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return Markup(html[3:-4])
    return html


def long_date(value: dt.date) -> str:
    """31 January 2024, as GOV.UK writes dates (31 Ionawr 2024 in Welsh)."""
    return format_date(value, "d MMMM y", locale=catalog.locale())


def iso_date(value: dt.date) -> str:
    """2024-01-31, for the datetime attribute of a time element."""
    return value.isoformat()


def pounds(value: Decimal) -> str:
    """£125,305 for whole pounds, £39,728.86 where there are pence."""
    pattern = "¤#,##0" if value == value.to_integral_value() else "¤#,##0.00"
    return format_currency(value, "GBP", pattern, locale=catalog.locale(), currency_digits=False)


def figure_text(figure: Figure | None, prefix: str | None = None) -> str:
    """A chart's figure: '£412,554', '36', '<10' (suppressed), 'not known' (a total of those)."""
    if figure is None:
        return _("not known")
    if figure.value is None:
        return f"<{figure.below}"
    value = figure.value
    pattern = "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return f"{prefix or ''}{format_decimal(value, pattern, locale=catalog.locale())}"


def number_word(value: int) -> str:
    """One, Two ... Twelve, as the seeds number their objectives; figures after that."""
    return _(_NUMBER_WORDS[value]) if 0 <= value < len(_NUMBER_WORDS) else str(value)


def tel_address(number: str) -> str:
    """A telephone number as a `tel:` link's target: its digits and a leading +, with none of
    the spaces and brackets people write for reading (RFC 3966 allows none of them)."""
    digits = "".join(c for c in number if c.isdigit())
    return f"tel:{'+' if number.startswith('+') else ''}{digits}"


def language_name(code: str) -> str:
    """A language's name in that language ('Cymraeg', 'English'), as a link to a page's
    version in it reads (GOV.UK's language toggle): from Unicode's data, through Babel."""
    return str(Locale.parse(code).get_display_name(code))


FILTERS = {
    "language_name": language_name,
    "tel_address": tel_address,
    "prose": prose,
    "inline": inline,
    "long_date": long_date,
    "iso_date": iso_date,
    "pounds": pounds,
    "number_word": number_word,
    "figure_text": figure_text,
    "slugify": slugify,
}
