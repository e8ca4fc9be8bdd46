"""What a phone downloads on a first visit: the page, the theme's CSS and JS, nothing from
another host, and nothing of search until the reader opens it; then Pagefind's script and the
parts of its index a query needs, never the text of every page (Material's search index:
megabytes on a site of many strategies). Sizes are the benchmark's business (scripts/bench);
this checks the behaviour, in Debian's chromium as the gate runs it."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import BuiltSite, in_chromium
from strategy_site.gate.a11y_check import serve

pytestmark = pytest.mark.slow  # opens the site in chromium

VISIT = r"""
const [base, path] = args;
const page = await browser.newPage();
await page.setViewport({ width: 375, height: 812 });
let requests = [];
page.on("request", (request) => requests.push(request.url()));
await page.goto(base + path, { waitUntil: "networkidle0" });
await new Promise((resolve) => setTimeout(resolve, 1000));
const first = requests;
requests = [];
await page.click('button[data-strategy-toggle="__search"]');  // the Search button in the header
await page.type(".md-search__input", "knife");
await page.waitForFunction(() => {
  const meta = document.querySelector(".md-search-result__meta");
  return meta && /\d+ matching|No matching/.test(meta.textContent);
}, { timeout: 60000 });
const found = await page.$$eval(".md-search-result__item", (items) => items.length);
// On a desktop, from the keyboard: Tab reaches the search box in the header.
const desk = await browser.newPage();
await desk.setViewport({ width: 1280, height: 900 });
await desk.goto(base + path, { waitUntil: "networkidle0" });
for (let i = 0; i < 20; i++) {
  if (await desk.evaluate(() => document.activeElement.matches(".md-search__input"))) break;
  await desk.keyboard.press("Tab");
}
await desk.keyboard.type("knife");
await desk.waitForFunction(() => {
  const meta = document.querySelector(".md-search-result__meta");
  return meta && /\d+ matching|No matching/.test(meta.textContent);
}, { timeout: 60000 });
const keyboard = await desk.$$eval(".md-search-result__item", (items) => items.length);
await browser.close();
console.log(JSON.stringify({ first, search: requests, found, keyboard }));
"""


@pytest.fixture(scope="module")
def visit(real_site: BuiltSite) -> dict[str, Any]:
    with serve(real_site.root) as base:
        report: dict[str, Any] = in_chromium(VISIT, base, "barking-and-dagenham/funding/")
    report["base"] = base
    return report


def test_a_first_visit_asks_only_this_site_and_not_for_the_search_index(
        visit: dict[str, Any]) -> None:
    first = visit["first"]
    assert any(url.endswith("barking-and-dagenham/funding/") for url in first)
    assert any("/assets/javascripts/bundle." in url for url in first)
    assert all(url.startswith(visit["base"]) or url.startswith("data:") for url in first), first
    assert not [url for url in first if "search_index" in url or "/pagefind/" in url], first


def test_opening_search_fetches_only_the_parts_of_the_index_it_needs(
        visit: dict[str, Any]) -> None:
    """Pagefind's script, its metadata, the word index's chunk that holds "knife" and the
    fragments of the results shown; not Material's index of every page's text."""
    search = visit["search"]
    assert all(url.startswith(visit["base"]) for url in search), search
    assert not [url for url in search if "search_index" in url], search
    assert [url for url in search if url.endswith("/pagefind/pagefind.js")], search
    chunks = [url for url in search if url.endswith(".pf_index")]
    fragments = [url for url in search if url.endswith(".pf_fragment")]
    assert 1 <= len(chunks) <= 2, search
    assert 0 < len(fragments) <= 10, search  # the first page of results, not every page
    assert visit["found"] > 0
    assert visit["keyboard"] == visit["found"]
