"""A strategy in Welsh and English (loading/languages.py): each text given per language, one
edition per language from the same files, and what a bilingual strategy leaves out of one
language an error on its line. The fixture (tests/fixtures/bilingual/) is made-up text."""

from __future__ import annotations

import shutil
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import AfterValidator, BaseModel

from conftest import REPO
from strategy_site.loading import StrategyDataError, load_site
from strategy_site.model import Edition, values

BILINGUAL = REPO / "tests" / "fixtures" / "bilingual"
HOME = "data/enghraifft"
"""The partnership's folder as a message shows it (from the data folder's parent)."""


def _copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BILINGUAL, data)
    return data


def _problems(data: Path) -> list[str]:
    with pytest.raises(StrategyDataError) as refused:
        load_site(data)
    return [str(problem) for problem in refused.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), "utf-8")


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if text in line)


def test_a_bilingual_strategy_is_one_edition_per_language_from_the_same_files() -> None:
    [welsh] = load_site(BILINGUAL).latest_editions
    assert (welsh.language, welsh.identity.language) == ("cy", "cy-GB")
    assert welsh.identity.title == "Strategaeth Dyletswydd Trais Difrifol"
    assert welsh.pages["about"].sections[0].title == "Ein blaenoriaethau"
    [english] = welsh.translations
    assert (english.language, english.identity.language) == ("en", "en-GB")
    assert english.identity.title == "Serious Violence Duty Strategy"
    assert english.pages["about"].sections[0].title == "Our priorities"
    # What is given once is the same in both: a person's name, the edition, the dates.
    assert welsh.identity.contact.name == english.identity.contact.name == "Alex Jones"
    assert welsh.identity.edition_id == english.identity.edition_id == "2025"
    assert welsh.identity.published == english.identity.published
    assert english.translations == ()


def test_a_missing_welsh_text_is_an_error_naming_file_line_and_field(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    about = data.parent / HOME / "about.yaml"
    _edit(about, "      cy: Ein blaenoriaethau\n", "")
    line = _line(about, "  - title:")
    assert _problems(data) == [
        f"{HOME}/about.yaml:{line}: field 'sections[1].title': expected the Welsh (cy) text "
        "beside the English: every text of a bilingual strategy is given in each of its "
        "languages (cy, en), like cy: ..."]


def test_a_missing_english_text_is_an_error_too(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    strategy = data.parent / HOME / "strategy.yaml"
    _edit(strategy, "  en: Example Community Safety Partnership\n", "")
    [problem] = _problems(data)
    assert problem.startswith(f"{HOME}/strategy.yaml:{_line(strategy, 'partnership:')}: "
                              "field 'partnership': expected the English (en) text beside "
                              "the Welsh"), problem


def test_a_text_given_once_in_a_bilingual_strategy_is_an_error(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    about = data.parent / HOME / "about.yaml"
    _edit(about, "title:\n  cy: Am y strategaeth\n  en: About the strategy\n",
          "title: About the strategy\n")
    _edit(about, "body:\n  cy: Mae'r strategaeth hon yn enghraifft.\n"
                 "  en: This strategy is an example.\n", "body: This strategy is an example.\n")
    assert _problems(data) == [
        f"{HOME}/about.yaml:{_line(about, field + ':')}: field '{field}': expected this text "
        "in each of the strategy's languages (cy, en), like cy: ... and en: ... (a person's "
        "name and the edition's are given once)" for field in ("title", "body")]


def _english_defaults(model: type[BaseModel], seen: set[type[BaseModel]]) -> Iterator[str]:
    """Each translatable text field of `model` and the models in it that has a default."""
    if model in seen:
        return
    seen.add(model)
    for name, info in model.model_fields.items():
        if isinstance(info.default, str) and info.default and any(
                isinstance(meta, AfterValidator) and meta.func is values._translatable
                for meta in info.metadata):
            yield f"{model.__name__}.{name} = {info.default!r}"
        todo = [info.annotation]
        while todo:
            annotation = todo.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                yield from _english_defaults(annotation, seen)
            todo.extend(typing.get_args(annotation))


def test_no_text_a_strategy_may_leave_out_has_an_english_default_in_the_model() -> None:
    """A foreword's title left out used to be the model's English 'Foreword' in the Welsh
    version too (so the loader refused it); the pages now give the site's word for it in each
    language (catalog.py, tests/test_catalog.py). Only the language tag, which each version
    sets, has one."""
    assert sorted(_english_defaults(Edition, set())) == ["Identity.language = 'en-GB'"]


def test_a_list_per_language_is_refused_so_every_version_has_the_same_shape(
        tmp_path: Path) -> None:
    data = _copy(tmp_path)
    about = data.parent / HOME / "about.yaml"
    _edit(about, "sections:\n", "sections:\n  cy: []\n  en:\n")
    problems = _problems(data)
    assert problems and all("sections" in problem for problem in problems), problems
    assert any("not a list or a map" in problem for problem in problems), problems


def test_a_text_per_language_in_a_strategy_of_one_language_says_how(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    strategy = data.parent / HOME / "strategy.yaml"
    _edit(strategy, "languages: [cy, en]\n", "")
    problems = _problems(data)
    assert f"{HOME}/strategy.yaml:{_line(strategy, 'title:')}: field 'title': expected one " \
           "text; found one per language: a strategy in more than one language says so in " \
           "strategy.yaml (languages: [cy, en], the default first)" in problems, problems


def test_language_beside_languages_is_an_error(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    strategy = data.parent / HOME / "strategy.yaml"
    _edit(strategy, "languages: [cy, en]\n", "languages: [cy, en]\nlanguage: cy-GB\n")
    assert _problems(data) == [
        f"{HOME}/strategy.yaml:{_line(strategy, 'language: cy-GB')}: field 'language': "
        "expected no 'language' beside 'languages': each version's language is set from "
        "'languages' (remove this line)"]


def test_each_language_once(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    strategy = data.parent / HOME / "strategy.yaml"
    _edit(strategy, "languages: [cy, en]\n", "languages: [cy, cy]\n")
    problems = _problems(data)
    assert any("expected each language once" in problem for problem in problems), problems


def test_what_is_withheld_is_withheld_from_every_language_and_listed_once(
        tmp_path: Path) -> None:
    data = _copy(tmp_path)
    about = data.parent / HOME / "about.yaml"
    _edit(about, "    body:\n      cy: Atal trais difrifol.\n",
          "    withhold:\n      reason: safety\n      note: Names a venue.\n"
          "    body:\n      cy: Atal trais difrifol.\n")
    site = load_site(data)
    [welsh] = site.latest_editions
    assert welsh.pages["about"].sections == ()
    assert welsh.translations[0].pages["about"].sections == ()
    assert len(site.withheld) == 1, site.withheld


def test_a_language_the_strategy_does_not_declare_is_an_error(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    strategy = data.parent / HOME / "strategy.yaml"
    _edit(strategy, "languages: [cy, en]\n", "languages: [cy]\n")
    problems = _problems(data)
    assert f"{HOME}/strategy.yaml:{_line(strategy, 'title:')}: field 'title': expected only " \
           "this strategy's languages (cy); found en: add it to 'languages' in strategy.yaml, " \
           "or remove it here" in problems, problems
