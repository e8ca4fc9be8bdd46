"""Issue 19, our own words in one catalog per language (catalog.py): every word the templates
and the modules mark is in each catalog, the Welsh one has every msgstr written and keeps its
msgid's placeholders and markup, and a page of the bilingual fixture renders in Welsh, dates
included, through the same Renderer as the web pages and the PDF."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from conftest import REPO, visible_text
from strategy_site import catalog, formatting
from strategy_site.loading import load_site
from strategy_site.model import Edition, Site
from strategy_site.pages import Renderer, edition_pages

BILINGUAL = REPO / "tests" / "fixtures" / "bilingual"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
TAG = re.compile(r"</?([a-z]+)")

MessageId = str | tuple[str, ...]


def _extracted() -> dict[MessageId, list[str]]:
    """Every msgid `pybabel extract -F babel.cfg .` finds, with where it is."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    plugins = str(REPO / "plugins")

    def under_plugins(path: str) -> bool:
        name = os.path.basename(path)
        return path.startswith(plugins) and not name.startswith((".", "_"))

    found: dict[MessageId, list[str]] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
            REPO, method_map, options_map, keywords=DEFAULT_KEYWORDS,
            directory_filter=under_plugins):
        found.setdefault(message, []).append(f"{filename}:{line}")
    return found


def _read(language: str) -> Catalog:
    with catalog.catalog_path(language).open("rb") as source:
        return read_po(source, locale=catalog.BABEL_LOCALES[language])


def _strings(message: MessageId | object) -> tuple[str, ...]:
    return message if isinstance(message, tuple) else (str(message),)


def _shape(text: str) -> tuple[set[str], Counter[str]]:
    """What a translation must keep of its msgid: the placeholders and the elements."""
    return set(PLACEHOLDER.findall(text)), Counter(TAG.findall(text))


def catalog_problems(extracted: dict[MessageId, list[str]], catalogs: dict[str, Catalog],
                     translated: str = "cy") -> list[str]:
    """What is wrong with the catalogs for these msgids, each said with where it is used."""
    problems = []
    for language, held in catalogs.items():
        for message, places in sorted(extracted.items(), key=str):
            entry = held.get(message[0] if isinstance(message, tuple) else message)
            if entry is None:
                problems.append(f"{language}: missing {message!r} ({places[0]})")
            elif language == translated:
                strings = _strings(entry.string)
                if entry.fuzzy or not all(strings):
                    problems.append(f"{language}: {'fuzzy' if entry.fuzzy else 'empty'} "
                                    f"{message!r} ({places[0]})")
                wanted = (set(PLACEHOLDER.findall(" ".join(_strings(message)))),
                          Counter(TAG.findall(_strings(message)[0])))
                problems.extend(f"{language}: {string!r} does not keep the placeholders and "
                                f"the markup of {message!r}"
                                for string in strings if string and _shape(string) != wanted)
        used = {m[0] if isinstance(m, tuple) else m for m in extracted}
        problems.extend(f"{language}: {entry.id!r} is used nowhere (run make catalogs)"
                        for entry in held if entry.id and _strings(entry.id)[0] not in used)
    return problems


def test_every_word_we_mark_is_in_each_catalog_and_written_in_welsh() -> None:
    extracted = _extracted()
    # The extraction sees the templates, the modules and the model's words for a default.
    assert {"Contents", "Download the strategy (PDF, %(size)s KB, %(pages)s pages)",
            "Page %(page)s of %(pages)s", "not known", "Foreword", "overdue"} <= set(extracted)
    # And the theme overrides' words, with those the search script takes from the page.
    assert {"Skip to main content", "Menu", "Pages in %(section)s", "Page not found",
            "Search is not available: the search index could not be loaded."} <= set(extracted)
    catalogs = {language: _read(language) for language in catalog.LANGUAGES}
    assert catalog_problems(extracted, catalogs) == []


def test_the_check_finds_a_missing_an_empty_a_fuzzy_and_a_changed_placeholder() -> None:
    extracted = _extracted()
    catalogs = {language: _read(language) for language in catalog.LANGUAGES}
    welsh = catalogs["cy"]
    del catalogs["en"]["Contents"]
    welsh["Contact"].string = ""
    welsh["Notes"].flags.add("fuzzy")
    welsh["Published %(date)s."].string = "Cyhoeddwyd %(dyddiad)s."
    welsh["Recorded on %(date)s. SHA-256 of the published PDF: <code>%(sha)s</code>"].string = \
        "Cofnodwyd ar %(date)s. SHA-256 y PDF a gyhoeddwyd: %(sha)s"
    problems = "\n".join(catalog_problems(extracted, catalogs))
    for said in ("en: missing 'Contents'", "cy: empty 'Contact'", "cy: fuzzy 'Notes'",
                 "'Cyhoeddwyd %(dyddiad)s.' does not keep",
                 "'Cofnodwyd ar %(date)s. SHA-256 y PDF a gyhoeddwyd: %(sha)s' does not keep"):
        assert said in problems, problems


def test_the_welsh_catalog_says_where_it_came_from_and_that_it_is_not_reviewed() -> None:
    header = _read("cy").header_comment
    assert "drafted by the strategy-site engineering team" in header, header
    assert "NOT YET REVIEWED BY A\n# WELSH SPEAKER" in header, header
    for where in ("README.md", "docs/guide/publishing.md"):
        said = " ".join((REPO / where).read_text("utf-8").split())
        assert "drafted by the engineering team and" in said, where
        assert "not yet reviewed by a Welsh speaker" in said, where


def _bilingual() -> tuple[Site, Edition, Edition]:
    site = load_site(BILINGUAL)
    [welsh] = site.latest_editions
    [english] = welsh.translations
    return site, welsh, english


def _landing(site: Site, edition: Edition) -> str:
    landing = edition_pages(edition, site)[0]
    html = Renderer().render(landing, lambda target: "#", download=None).html
    return visible_text(html)


def test_a_page_of_the_bilingual_fixture_is_in_welsh_with_a_welsh_date() -> None:
    site, welsh, english = _bilingual()
    text = _landing(site, welsh)
    for words in ("Argraffiad", "hanes yr argraffiadau", "Cyhoeddwyd", "31 Ionawr 2025",
                  "Cynnwys", "Cysylltu"):
        assert words in text, text
    for words in ("Edition", "Published", "January", "Contents", "Contact"):
        assert words not in text, text
    text = _landing(site, english)
    for words in ("Edition", "Published", "31 January 2025", "Contents", "Contact"):
        assert words in text, text


def test_the_print_document_is_in_welsh_from_the_same_catalog() -> None:
    site, welsh, english = _bilingual()
    printed = Renderer().render_print(welsh, site, None)
    assert '<h2 id="contents-heading">Cynnwys</h2>' in printed
    assert "<dt>Cyhoeddwyd</dt><dd>31 Ionawr 2025</dd>" in printed
    assert 'content: "Tudalen " counter(page) " o " counter(pages);' in printed
    printed = Renderer().render_print(english, site, None)
    assert 'content: "Page " counter(page) " of " counter(pages);' in printed


def test_dates_and_amounts_are_written_for_the_language() -> None:
    date = dt.date(2024, 2, 29)
    assert formatting.long_date(date) == "29 February 2024"
    assert formatting.pounds(Decimal("125305")) == "£125,305"
    assert formatting.pounds(Decimal("39728.86")) == "£39,728.86"
    with catalog.speaking("cy-GB"):
        assert formatting.long_date(date) == "29 Chwefror 2024"
        assert formatting.pounds(Decimal("1200")) == "£1,200"
        assert formatting.number_word(3) == "Tri"
        assert formatting.figure_text(None) == "ddim yn hysbys"


def test_a_part_whose_data_gives_no_title_has_the_sites_word_in_each_language(
        tmp_path: Path) -> None:
    """The foreword's title was the model's English default, which a bilingual strategy had
    to give in each language; now a foreword without one is called by the catalog's word."""
    data = tmp_path / "data"
    shutil.copytree(BILINGUAL, data)
    strategy = data / "enghraifft" / "strategy.yaml"
    text = strategy.read_text("utf-8")
    assert "contents: [" in text
    strategy.write_text(text.replace("contents: [", "contents: [foreword, "), "utf-8")
    (data / "enghraifft" / "foreword.yaml").write_text(
        "body:\n  cy: Croeso.\n  en: Welcome.\nsignatories:\n  - name: Alex Jones\n", "utf-8")
    site = load_site(data)
    [welsh] = site.latest_editions
    [english] = welsh.translations
    for edition, title in ((welsh, "Rhagair"), (english, "Foreword")):
        foreword = edition_pages(edition, site)[1]
        assert (foreword.title, foreword.full_title) == (title, title)
        html = Renderer().render(foreword, lambda target: "#").html
        assert f'<h1 id="foreword">{title}</h1>' in html, html
