"""Our own words on the pages (headings, table headers, "Download ..."), in the reader's language.

One gettext catalog per language, `locale/<language>/LC_MESSAGES/strategy_site.po`, is the one
source for the web pages and the PDF: the templates mark their words with `_()` (Jinja's i18n
extension) and the modules that write words for pages with `_()` too, so `pybabel extract`
finds them all (`babel.cfg`). The catalogs are read as they are, at build, with Babel (no
compiled .mo in the repository, no compile step), once per process.

What language a template is rendered in is set around the rendering (`speaking`), so a macro
imported without context and a filter (a date, an amount) speak the page's language too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "strategy_site"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "cy")
"""The languages our catalogs hold; a page in any other is written in English."""

BABEL_LOCALES = {"en": "en_GB", "cy": "cy_GB"}
"""The CLDR locale whose dates and numbers a language's pages use (British English, not US)."""

_speaking: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)
"""The language of the page being rendered."""


def catalog_path(language: str) -> Path:
    """Where a language's catalog is kept."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> Translations:
    """A language's catalog as gettext translations (English's msgids are its words already,
    and fuzzy entries are left out, so an unreviewed guess is never shown)."""
    code = supported(language)
    with catalog_path(code).open("rb") as source:
        catalog = read_po(source, locale=BABEL_LOCALES[code], domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def supported(language: str | None) -> str:
    """Our catalog's code for a language or BCP 47 tag ('cy', 'cy-GB', 'en-GB'), English for
    none or one we have no catalog for."""
    code = (language or DEFAULT_LANGUAGE).split("-", 1)[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Render what is inside in `language` (a code or tag; none is English)."""
    token = _speaking.set(supported(language))
    try:
        yield
    finally:
        _speaking.reset(token)


def current() -> str:
    """The language of the page being rendered."""
    return _speaking.get()


def locale() -> str:
    """The CLDR locale of the page being rendered, for Babel's dates and numbers."""
    return BABEL_LOCALES[current()]


def gettext(message: str) -> str:
    """`message` in the language of the page being rendered."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    """`singular` or `plural` for `number`, in the language of the page being rendered."""
    return translations(current()).ngettext(singular, plural, number)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined, to be translated where it is
    shown (`_(NAME)`): `pybabel extract` finds it by this name."""
    return message


def gettext_in(language: str | None) -> Callable[[str], str]:
    """The gettext of one language, for Python that writes words for a page it knows the
    language of: `_ = gettext_in(edition.language)`, then `_("Key dates")`."""
    return translations(supported(language)).gettext
