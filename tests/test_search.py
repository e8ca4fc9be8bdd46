"""Search on the real site, in Debian's chromium, served under a sub-path as the gate serves it
(/published/strategies/): on a phone and a desktop, from the keyboard alone, with what a screen
reader is given (the accessibility tree), and without JavaScript.

Search is Pagefind's (plugins/strategy_site/search_index.py, theme/assets/javascripts/search.js):
the index is found relative to the page, and nothing comes from another host."""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import REPO, BuiltSite, in_chromium
from strategy_site.gate.a11y_check import SUB_PATH, serve

COUNT = re.compile(r"^\d+ matching documents?$")

SEARCH = r"""
const [base, axePath] = args;
const { readFileSync } = await import("node:fs");
const axeSource = readFileSync(axePath, "utf8");
const report = {};
// axe (WCAG 2.2 AA) on the open search with its results: the gate checks pages with search
// closed, so this is where the results' colours and names are checked.
const searchProblems = async (page) => {
  await page.evaluate(axeSource);
  return page.evaluate(async () => (await window.axe.run(
    document.querySelector("[data-strategy-search]"),
    { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"] } }))
    .violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")}: ${
      n.failureSummary.replace(/\s+/g, " ")}`)));
};
const requests = [];
const settle = (page) => page.evaluate(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 350)))));
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  return { tag: el.tagName.toLowerCase(), className: String(el.className),
    label: (el.getAttribute("aria-label") || el.textContent).trim().replace(/\s+/g, " ")
      .slice(0, 80),
    href: el.href || null, inSearch: Boolean(el.closest("[data-strategy-search]")) };
});
const counted = (page) => page.waitForFunction(() =>
  /\d+ matching|No matching/.test(document.querySelector(".md-search-result__meta").textContent),
  { timeout: 60000 }).catch(() => null);
// What a screen reader is given: the live regions of the accessibility tree and their text.
const liveRegions = async (page) => {
  const cdp = await page.createCDPSession();
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  await cdp.detach();
  const byId = new Map(nodes.map((node) => [node.nodeId, node]));
  const text = (node) => node.role && node.role.value === "StaticText" ? node.name.value :
    (node.childIds || []).map((id) => byId.get(id)).filter(Boolean).map(text).join("");
  return nodes.filter((node) => (node.properties || []).some((p) => p.name === "live"))
    .map((node) => ({ role: node.role.value, text: text(node).trim(),
      live: node.properties.find((p) => p.name === "live").value.value }));
};
const arrival = (page) => page.waitForNavigation({ waitUntil: "load", timeout: 30000 })
  .catch(() => null);
const open = async (width, path) => {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 800 });
  page.on("request", (request) => requests.push(request.url()));
  await page.goto(base + path, { waitUntil: "networkidle0" });
  return page;
};

// A phone, the keyboard alone: Tab to the Search button, Enter, type, hear the count, arrow
// down to the first result, Enter opens it with the words marked.
let page = await open(375, "bexley/");
report.phoneStops = [];
for (let i = 0; i < 25; i++) {
  await page.keyboard.press("Tab");
  const state = await focused(page);
  report.phoneStops.push(state.label);
  if (state.tag === "button" && state.label === "Search") break;
}
await page.keyboard.press("Enter");
await settle(page);
report.phoneOpened = await focused(page);
await page.keyboard.type("knife");
await counted(page);
report.phoneLive = await liveRegions(page);
report.phoneItems = await page.$$eval(".md-search-result__item", (items) => items.length);
report.phoneMarks = await page.$$eval(".md-search-result__list mark", (marks) => marks.length);
report.phoneAxe = await searchProblems(page);
report.phoneWide = await page.evaluate(() =>
  [...document.querySelectorAll(".md-search-result__list *")].filter((el) =>
    el.getBoundingClientRect().right > document.documentElement.clientWidth + 1).length);
await page.keyboard.press("ArrowDown");
report.phoneResult = await focused(page);
await Promise.all([arrival(page), page.keyboard.press("Enter")]);
report.phoneArrived = page.url();
await page.waitForSelector("article mark", { timeout: 60000 }).catch(() => null);
report.phoneHighlighted = await page.$$eval("article mark", (marks) =>
  marks.map((mark) => mark.textContent.toLowerCase()));
await page.close();

// Escape closes search and gives focus back to the Search button.
page = await open(375, "bexley/");
await page.focus('button[data-strategy-toggle="__search"]');
await page.keyboard.press("Enter");
await settle(page);
await page.keyboard.type("knife");
await counted(page);
await page.keyboard.press("Escape");
await settle(page);
report.escaped = { open: await page.$eval("#__search", (box) => box.checked),
  ...(await focused(page)) };
await page.close();

// A desktop, the keyboard alone: "/" focuses the search box in the header; Tab reaches the
// results; Enter opens one.
page = await open(1280, "barking-and-dagenham/funding/");
await page.keyboard.press("/");
await settle(page);
report.deskOpened = await focused(page);
await page.keyboard.type("knife");
await counted(page);
report.deskLive = await liveRegions(page);
report.deskAxe = await searchProblems(page);
report.deskStops = [];
for (let i = 0; i < 4; i++) {
  await page.keyboard.press("Tab");
  const state = await focused(page);
  report.deskStops.push(state.label);
  if (state.className.includes("md-search-result__link")) break;
}
report.deskResult = await focused(page);
await Promise.all([arrival(page), page.keyboard.press("Enter")]);
report.deskArrived = page.url();
await page.close();

// A desktop, Tab through the header's search box and on: once focus leaves search, search is
// closed and its overlay covers nothing (the gate found every later stop hidden behind it).
page = await open(1280, "bexley/");
report.deskWalk = [];
for (let i = 0; i < 14; i++) {
  await page.keyboard.press("Tab");
  await settle(page);
  report.deskWalk.push(await page.evaluate(() => {
    const el = document.activeElement;
    const rect = el.getBoundingClientRect();
    const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
    return { label: (el.getAttribute("aria-label") || el.textContent).trim().slice(0, 40),
      inSearch: Boolean(el.closest("[data-strategy-search]")),
      open: document.getElementById("__search").checked,
      onTop: Boolean(hit && (hit === el || el.contains(hit) || hit.contains(el))) };
  }));
}
await page.close();

// Without JavaScript there is no search to see or reach, and the page reads as it is.
report.noScript = [];
for (const width of [375, 1280]) {
  page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  await page.setViewport({ width, height: 800 });
  await page.goto(base + "bexley/", { waitUntil: "load" });
  report.noScript.push(await page.evaluate(() => ({
    search: [...document.querySelectorAll('.md-search, button[data-strategy-toggle="__search"]')]
      .filter((el) => el.checkVisibility({ visibilityProperty: true })).length,
    heading: document.querySelector("h1").textContent.trim() })));
  await page.close();
}
report.requests = requests;
await browser.close();
console.log(JSON.stringify(report));
"""


BROWSER = pytest.mark.slow  # opens the site in chromium


@pytest.fixture(scope="module")
def searched(real_site: BuiltSite) -> dict[str, Any]:
    with serve(real_site.root) as base:
        report: dict[str, Any] = in_chromium(SEARCH, base,
                                             str(REPO / "node_modules/axe-core/axe.min.js"))
    report["base"] = base
    return report


def _announced(live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [region for region in live if COUNT.match(region["text"])]


@BROWSER
def test_on_a_phone_the_keyboard_opens_search_and_the_count_is_announced(
        searched: dict[str, Any]) -> None:
    assert searched["phoneStops"][-1] == "Search", searched["phoneStops"]
    assert searched["phoneOpened"]["tag"] == "input", searched["phoneOpened"]
    assert searched["phoneOpened"]["inSearch"]
    # The accessibility tree has the count in a polite live region (role="status").
    assert [(r["role"], r["live"]) for r in _announced(searched["phoneLive"])] == [
        ("status", "polite")], searched["phoneLive"]
    assert searched["phoneItems"] > 0
    assert searched["phoneMarks"] > 0  # the words found are marked in the excerpts
    assert searched["phoneWide"] == 0  # at 375 px the results fit


@BROWSER
def test_on_a_phone_an_arrow_reaches_a_result_and_enter_opens_it_highlighted(
        searched: dict[str, Any]) -> None:
    result = searched["phoneResult"]
    assert "md-search-result__link" in result["className"], result
    # The result's address is below the sub-path the site is served from, with the words.
    assert result["href"].startswith(searched["base"]) and "?h=knife" in result["href"], result
    assert searched["phoneArrived"] == result["href"]
    assert searched["phoneHighlighted"] and set(searched["phoneHighlighted"]) == {"knife"}


@BROWSER
def test_the_open_search_and_its_results_pass_axe_on_a_phone_and_a_desktop(
        searched: dict[str, Any]) -> None:
    """The results count was #6d6d6d on #ededed (4.41:1), Material's own colours: the gate
    checks pages with search closed, and no engine saw it."""
    assert searched["phoneAxe"] == [], searched["phoneAxe"]
    assert searched["deskAxe"] == [], searched["deskAxe"]


@BROWSER
def test_escape_closes_search_and_returns_focus_to_the_search_button(
        searched: dict[str, Any]) -> None:
    escaped = searched["escaped"]
    assert not escaped["open"]
    assert (escaped["tag"], escaped["label"]) == ("button", "Search"), escaped


@BROWSER
def test_on_a_desktop_the_keyboard_searches_and_opens_a_result(searched: dict[str, Any]) -> None:
    assert searched["deskOpened"]["tag"] == "input", searched["deskOpened"]
    assert [(r["role"], r["live"]) for r in _announced(searched["deskLive"])] == [
        ("status", "polite")], searched["deskLive"]
    result = searched["deskResult"]
    assert "md-search-result__link" in result["className"], searched["deskStops"]
    assert result["href"].startswith(searched["base"]), result
    assert searched["deskArrived"] == result["href"]


@BROWSER
def test_search_asks_only_this_site_for_pagefinds_index_below_the_sub_path(
        searched: dict[str, Any]) -> None:
    requests = searched["requests"]
    assert searched["base"].endswith(SUB_PATH)
    assert all(url.startswith(searched["base"]) or url.startswith("data:")
               for url in requests), [u for u in requests if not u.startswith(searched["base"])]
    assert searched["base"] + "pagefind/pagefind.js" in requests
    assert [url for url in requests if url.endswith(".pf_fragment")]
    assert not [url for url in requests if "search_index.json" in url]


@BROWSER
def test_without_javascript_there_is_no_search_and_the_page_reads(
        searched: dict[str, Any]) -> None:
    for width in searched["noScript"]:
        assert width["search"] == 0, searched["noScript"]
        assert width["heading"].startswith("Bexley"), width


@BROWSER
def test_on_a_desktop_tab_leaves_search_closed_and_nothing_covered(
        searched: dict[str, Any]) -> None:
    walk = searched["deskWalk"]
    assert [stop for stop in walk if stop["inSearch"]], walk  # the walk passed through search
    after = walk[[stop["inSearch"] for stop in walk].index(True) + 1:]
    after = [stop for stop in after if not stop["inSearch"]]
    assert after, walk
    assert [stop for stop in after if stop["open"] or not stop["onTop"]] == [], walk


def test_the_bundle_holds_what_the_search_uses_and_not_pagefinds_own_interfaces(
        real_site: BuiltSite) -> None:
    """Pagefind writes three ready-made interfaces (400 KB) the theme does not use; one of
    them differed between two builds of the same pages (test_engines caught it)."""
    bundle = real_site.root / "pagefind"
    names = {path.name for path in bundle.iterdir()}
    assert {"pagefind.js", "pagefind-worker.js", "pagefind-highlight.js",
            "pagefind-entry.json"} <= names
    assert not [name for name in names if name.startswith("pagefind-") and "ui." in name]
