"""The theme overrides' own words in the language of the page they are on, and the site's
words marked with the site's language on a page in another (WCAG 3.1.2, Language of Parts).

The overrides in `theme/` mark their words with `_()`, as our page templates do, and read them
from the same catalogs (catalog.py): in the page's language, `page.meta.lang` on a bilingual
strategy's pages, else the site's (`theme.language`), as theme/partials/language.html chooses
Material's strings. The language is read from the template context at each word, so an
include and a macro imported with context speak it too; the 404 page, which has no page, is in
the site's language.

What stays in the site's language on such a page (the site's name, its own pages in the
navigation, the footer's text from mkdocs.yml) is marked `lang` by `lang_attribute`, only
there: a page in the site's language is written as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from . import catalog


def site_language(context: Context) -> str:
    """The language of the site's own words: its theme's (`theme.language` in mkdocs.yml)."""
    theme = context["config"]["theme"]
    return str(theme.get("language") or catalog.DEFAULT_LANGUAGE)


def language_of(item: Any, site: str) -> str:
    """The language of a page's words (a navigation item's title): its own `lang`, given to a
    bilingual strategy's pages (plugin.py), else the site's; a section's is its first page's."""
    meta = getattr(item, "meta", None)
    if isinstance(meta, Mapping) and meta.get("lang"):
        return str(meta["lang"])
    children = getattr(item, "children", None)
    if children:
        return language_of(children[0], site)
    return site


def page_language(context: Context) -> str:
    """The language of the page being rendered (the site's on the 404 page)."""
    site = site_language(context)
    page = context.get("page")
    return site if page is None else language_of(page, site)


@pass_context
def theme_gettext(context: Context, message: str) -> str:
    """`message` in the language of the page it is on."""
    return catalog.gettext_in(page_language(context))(message)


@pass_context
def theme_ngettext(context: Context, singular: str, plural: str, number: int) -> str:
    """`singular` or `plural` for `number`, in the language of the page it is on."""
    code = catalog.supported(page_language(context))
    return catalog.translations(code).ngettext(singular, plural, number)


@pass_context
def lang_attribute(context: Context, item: Any = None, name: str = "lang") -> Markup:
    """` lang="en"` for an element holding the words of `item` (a page or section; none: the
    site's own words) where they are not in the page's language; nothing where they are.
    `name="hreflang"` for a link to such a page."""
    site = site_language(context)
    language = site if item is None else language_of(item, site)
    if language == page_language(context):
        return Markup("")
    return Markup(' %s="%s"') % (name, escape(language))


GLOBALS = {"lang_attribute": lang_attribute}
"""The functions the theme overrides call, by name (besides `_`, `gettext`, `ngettext`)."""
