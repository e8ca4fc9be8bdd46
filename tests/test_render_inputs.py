"""The preview's fingerprint of what a generated page is rendered from (render_inputs.py): a
page whose rendering would change must get a new fingerprint, or the preview serves it stale;
a page whose data did not change keeps its fingerprint, or nothing is saved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES, copy_data
from strategy_site.loading import ParsedFiles, load_site
from strategy_site.pages import PageSpec, Renderer
from strategy_site.pdf_facts import PdfDownload
from strategy_site.plan import Options, SitePlan, plan_site
from strategy_site.render_inputs import RecordedLookups, RenderInputs, Unkeyable, same_lookups

TODAY = dt.date(2026, 12, 1)


def _plan(data: Path, parsed: ParsedFiles | None) -> SitePlan:
    return plan_site(load_site(data, parsed), Options(data_dir=data, today=TODAY))


def _url(target: PageSpec | str) -> str:
    return target if isinstance(target, str) else target.src_uri


def _rendered(plan: SitePlan) -> dict[str, str]:
    renderer = Renderer()
    return {src: renderer.render(spec, _url, download=None, downloads={}).html
            for src, spec in plan.pages.items()}


def _keys(plan: SitePlan, inputs: RenderInputs) -> dict[str, str]:
    inputs.build_starts()
    keys = {src: inputs.key(spec, src) for src, spec in plan.pages.items()}
    inputs.build_ends()
    return keys


EDITS = [
    pytest.param(DATA, "bexley/foreword.yaml", "Crime devastates", "Crime ruins", id="prose"),
    pytest.param(DATA, "barking-and-dagenham/review-dates.yaml", "review_by: 2027-01-31",
                 "review_by: 2026-01-31", id="review-date"),
    pytest.param(DATA, "barking-and-dagenham/funding.yaml", "125305", "125306", id="funding"),
    pytest.param(DATA, "bromley/diagrams.yaml", "units: victims or offences",
                 "units: victims", id="chart"),
    pytest.param(DATA, "bromley/assessment-introduction.yaml", "objective analysis",
                 "impartial analysis", id="block"),
    pytest.param(DATA, "bexley/strategy.yaml", "borough: Bexley", "borough: Bexley Borough",
                 id="borough"),
    pytest.param(FIXTURES / "bilingual", "enghraifft/objectives.yaml", None, None,
                 id="welsh-value"),
]


@pytest.mark.parametrize(("source", "name", "old", "new"), EDITS)
def test_every_page_whose_rendering_changes_gets_a_new_fingerprint(
    tmp_path: Path, source: Path, name: str, old: str | None, new: str | None
) -> None:
    """Each edit is saved as an officer would, in a preview that keeps the load before's
    objects; every page is rendered before and after it, and a page whose HTML changed must
    have changed its fingerprint. Some pages changed, and some kept theirs."""
    data = copy_data(tmp_path, source)
    parsed, inputs = ParsedFiles(), RenderInputs()
    before = _plan(data, parsed)
    keys_before, html_before = _keys(before, inputs), _rendered(before)
    path = data / name
    text = path.read_text(encoding="utf-8")
    if old is None:  # the first Welsh value of the file: `cy: ...`
        old = next(line for line in text.splitlines() if "cy:" in line)
        new = old.replace("cy:", "cy: Newydd", 1)
    assert new is not None and old in text, f"{name} has no {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    after = _plan(data, parsed)
    keys_after, html_after = _keys(after, inputs), _rendered(after)

    assert keys_before.keys() == keys_after.keys()
    changed = [src for src in html_after if html_after[src] != html_before[src]]
    stale = [src for src in changed if keys_after[src] == keys_before[src]]
    assert changed, "the edit changed no page: it tests nothing"
    assert not stale, f"pages changed but kept their fingerprint: {stale}"
    kept = [src for src in keys_after if keys_after[src] == keys_before[src]]
    assert kept, "every page got a new fingerprint: the preview would render everything"


def test_the_fingerprint_is_of_the_data_not_of_the_objects(tmp_path: Path) -> None:
    """A load that made new objects of the same data gives the same fingerprints as one that
    took the objects of the load before."""
    data = copy_data(tmp_path)
    parsed, inputs = ParsedFiles(), RenderInputs()
    first = _keys(_plan(data, parsed), inputs)
    assert _keys(_plan(data, parsed), inputs) == first
    assert _keys(_plan(data, None), RenderInputs()) == first


def test_a_value_of_an_unknown_kind_is_never_left_out() -> None:
    """A page whose context holds something the fingerprint cannot read is rendered at every
    build rather than taken stale."""
    spec = PageSpec("x/index.md", "X", "landing.html", {"strategy": object()})
    inputs = RenderInputs()
    inputs.build_starts()
    with pytest.raises(Unkeyable):
        inputs.key(spec)


def test_a_page_is_taken_again_only_if_each_pdf_it_looked_up_is_the_same() -> None:
    """The edition history looks up each edition's PDF: a PDF that is made since (no longer
    pending) renders the page again; a PDF the page did not look up does not."""
    downloads = {"a/2024": PdfDownload(1, "a.pdf", pending=True), "b": PdfDownload(2, "b.pdf")}
    recorded = RecordedLookups(downloads)
    assert recorded.get("a/2024") is downloads["a/2024"]
    assert recorded.get("missing") is None
    token = recorded.token()
    assert same_lookups(token, dict(downloads))
    assert same_lookups(token, {**downloads, "b": PdfDownload(2, "b2.pdf")})
    assert not same_lookups(token, {**downloads, "a/2024": PdfDownload(1, "a.pdf")})
    assert not same_lookups(token, {**downloads, "missing": PdfDownload(3, "m.pdf")})
    listed = RecordedLookups(downloads)
    assert sorted(listed) == ["a/2024", "b"]
    with pytest.raises(Unkeyable):
        listed.token()


def test_a_page_reaching_another_page_is_keyed_by_that_page_s_context_too() -> None:
    """The site's timetable lists each strategy's landing page and reads its edition from that
    page's context: a page's fingerprint holds the context of every page it reaches, and
    theirs (pages reach one another: a landing page and its parts)."""

    def keys(value: str) -> str:
        landing = PageSpec("a/index.md", "A", "landing.html", {"parts": []})
        part = PageSpec("a/part.md", "Part", "prose.html", {"landing": landing, "x": value})
        landing.context["parts"].append(part)  # each reaches the other
        table = PageSpec("timetable.md", "Timetable", "timetable.html", {"rows": [landing]})
        inputs = RenderInputs()
        inputs.build_starts()
        return inputs.key(table)

    assert keys("1") == keys("1")
    assert keys("1") != keys("2")
