"""Search on the real site, in Debian's chromium, served under a sub-path as the gate serves it
(/published/strategies/): on a phone and a desktop, from the keyboard alone, with what a screen
reader is given (the accessibility tree), and without JavaScript.

Search is Pagefind's (plugins/strategy_site/search_index.py, theme/assets/javascripts/search.js):
the index is found relative to the page, and nothing comes from another host."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, BuiltSite, in_chromium
from strategy_site.gate.a11y_check import SUB_PATH, serve

COUNT = re.compile(r"^“knife”: \d+ matching documents?$")
"""What the live region says: the words searched for and how many pages have them."""

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
// The keyboard alone to the header's search box (a desktop has no Search button).
const tabToBox = async (page) => {
  for (let i = 0; i < 20; i++) {
    if (await page.evaluate(() => document.activeElement.matches(".md-search__input"))) return;
    await page.keyboard.press("Tab");
  }
};
// Every text the live region was given, in order.
const watchStatus = (page) => page.evaluate(() => {
  window.said = [];
  const meta = document.querySelector(".md-search-result__meta");
  new MutationObserver(() => window.said.push(meta.textContent))
    .observe(meta, { childList: true, characterData: true, subtree: true });
});
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

// A desktop, the keyboard alone: Tab reaches the search box in the header, then the results;
// Enter opens one.
page = await open(1280, "barking-and-dagenham/funding/");
await tabToBox(page);
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
// Typing on and pressing Enter at once: focus goes to the first result of the words in the box,
// not to a result of the earlier words that is about to vanish (and then to the page's body).
page = await open(1280, "bexley/");
await tabToBox(page);
await page.keyboard.type("knife");
await counted(page);
await page.keyboard.type(" partnership");
await page.keyboard.press("Enter");
await new Promise((done) => setTimeout(done, 1500));
report.typedOn = { ...(await focused(page)),
  status: await page.$eval(".md-search-result__meta", (meta) => meta.textContent) };
// Escape from a result on a desktop: search closes and focus is back in the header's box.
await page.keyboard.press("Escape");
await settle(page);
report.deskEscaped = { open: await page.$eval("#__search", (box) => box.checked),
  ...(await focused(page)) };
await page.close();

// No single-key shortcut: "s" or "/" pressed on a link of the page leaves search closed.
page = await open(1280, "bexley/");
await page.focus("article a[href]");
await page.keyboard.press("s");
await page.keyboard.press("/");
await settle(page);
report.shortcut = await page.$eval("#__search", (box) => box.checked);
await page.close();

// A screen reader's view: on a phone, open search is a modal dialog and the page it covers is
// out of reach; on a desktop, search is the header's box, not a dialog, and no landmark holds
// only its clear button.
page = await open(375, "bexley/");
await page.focus('button[data-strategy-toggle="__search"]');
await page.keyboard.press("Enter");
await settle(page);
const flatten = (node) => node ? [node, ...(node.children || []).flatMap(flatten)] : [];
report.phoneTree = flatten(await page.accessibility.snapshot()).map((n) => ({
  role: n.role, name: n.name, modal: Boolean(n.modal) }));
await page.close();
page = await open(1280, "bexley/");
report.deskClosedTree = flatten(await page.accessibility.snapshot()).map((n) => ({
  role: n.role, name: n.name }));
await tabToBox(page);
await page.keyboard.type("knife");
await counted(page);
report.deskOpenTree = flatten(await page.accessibility.snapshot()).map((n) => ({
  role: n.role, name: n.name }));
await page.close();

// The index cannot be loaded: the reader is told once, not at every key.
page = await browser.newPage();
await page.setViewport({ width: 1280, height: 800 });
await page.setRequestInterception(true);
page.on("request", (request) => request.url().includes("/pagefind/pagefind.js") ?
  request.abort() : request.continue());
await page.goto(base + "bexley/", { waitUntil: "networkidle0" });
await watchStatus(page);
await tabToBox(page);
await page.keyboard.type("knife", { delay: 150 });
await new Promise((done) => setTimeout(done, 800));
report.unavailable = await page.evaluate(() => window.said);
await page.close();

// A dark Windows contrast theme: the words marked on the page a result opens keep the
// system's colours for marked text (they kept the alpha of Material's yellow: dark on olive).
page = await browser.newPage();
await page.setViewport({ width: 375, height: 800 });
const emulation = await page.createCDPSession();  // puppeteer's own call knows no forced-colors
await emulation.send("Emulation.setEmulatedMedia", { features: [
  { name: "forced-colors", value: "active" }, { name: "prefers-color-scheme", value: "dark" }] });
await page.goto(base + "bromley/high-harm-crime/?h=knife", { waitUntil: "networkidle0" });
await page.waitForSelector("article mark", { timeout: 20000 }).catch(() => null);
report.forcedMark = await page.$$eval("article mark", (marks) => marks.slice(0, 3).map((m) => ({
  color: getComputedStyle(m).color, background: getComputedStyle(m).backgroundColor })));
await page.close();

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
def test_enter_just_after_typing_on_goes_to_a_result_of_the_words_in_the_box(
        searched: dict[str, Any]) -> None:
    """Focus went to a result of 'knife', which the search for 'knife partnership' then
    removed: focus fell to the page's body, with search still open (audit, 2026-12-02)."""
    typed = searched["typedOn"]
    assert "md-search-result__link" in typed["className"], typed
    assert typed["status"].startswith("“knife partnership”:"), typed


@BROWSER
def test_escape_from_a_result_on_a_desktop_leaves_focus_in_the_header_box(
        searched: dict[str, Any]) -> None:
    """The Search button is not shown on a desktop, so focus fell to the page's body."""
    escaped = searched["deskEscaped"]
    assert not escaped["open"]
    assert escaped["tag"] == "input" and "md-search__input" in escaped["className"], escaped


@BROWSER
def test_no_single_key_shortcut_opens_search(searched: dict[str, Any]) -> None:
    """WCAG 2.1.4: "s" and "/" opened search from anywhere, with no way to turn them off."""
    assert searched["shortcut"] is False


@BROWSER
def test_on_a_phone_open_search_is_a_modal_dialog_over_a_page_out_of_reach(
        searched: dict[str, Any]) -> None:
    tree = searched["phoneTree"]
    assert {"role": "dialog", "name": "Search", "modal": True} in tree, tree
    # The page beneath (its headings, its contents) is not in the tree while search is open.
    assert [node for node in tree if node["role"] == "heading"] == [], tree


@BROWSER
def test_on_a_desktop_search_is_no_dialog_and_no_landmark_holds_only_its_clear_button(
        searched: dict[str, Any]) -> None:
    for tree in (searched["deskClosedTree"], searched["deskOpenTree"]):
        assert [node for node in tree if node["role"] == "dialog"] == [], tree
        assert {"role": "navigation", "name": "Search"} not in tree, tree
    assert [node for node in searched["deskOpenTree"] if node["role"] == "search"]


@BROWSER
def test_an_index_that_cannot_load_is_said_once_not_at_every_key(
        searched: dict[str, Any]) -> None:
    said = searched["unavailable"]
    assert said and said[-1].startswith("Search is not available"), said
    assert len(said) <= 2, said  # "Initializing search", then that it is not available


def _luminance(css: str) -> float:
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    assert len(values) == 3 or values[3] == 1, f"see-through: {css}"

    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in values[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@BROWSER
def test_marked_words_are_readable_in_a_dark_contrast_theme(searched: dict[str, Any]) -> None:
    """Forced colours kept the alpha of Material's yellow: black on dark olive, about 2.4:1."""
    marks = searched["forcedMark"]
    assert marks, "the words were not marked"
    for mark in marks:
        dark, light = sorted((_luminance(mark["color"]), _luminance(mark["background"])))
        assert (light + 0.05) / (dark + 0.05) >= 4.5, mark


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


def test_pagefind_is_the_binary_pagefinds_own_finder_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is made by the binary Pagefind's finder names (here PAGEFIND_BINARY_PATH, a
    script that notes it ran and hands over to the installed binary), started directly; a
    binary that is not there stops with a sentence that says so."""
    from pagefind.service import get_executable

    from strategy_site.search_index import SearchIndexer, SearchIndexError

    site = tmp_path / "site"
    page = ("<!doctype html><html lang='en'><body><article data-pagefind-body>"
            "<h1>Knife crime</h1><p>Prevention in Testshire.</p></article></body></html>")
    real = get_executable()
    ran = tmp_path / "ran"
    wrapper = tmp_path / "pagefind-wrapper"
    wrapper.write_text(f'#!/bin/sh\ntouch "{ran}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    indexer = SearchIndexer()
    indexer.add("index.html", page)
    indexer.finish(site)
    written = indexer.write(site / "pagefind")
    assert ran.exists() and any(path.name == "pagefind.js" for path in written)
    assert len(list((site / "pagefind" / "fragment").iterdir())) == 1
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-binary"))
    with pytest.raises(SearchIndexError, match="could not start"):
        SearchIndexer().add("index.html", page)


def test_a_pagefind_that_stops_stops_the_build_with_what_it_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind's service stopping while pages are added is said, with its own words, when
    the index is asked for; nothing is written."""
    from strategy_site.search_index import SearchIndexer, SearchIndexError

    broken = tmp_path / "pagefind-broken"
    broken.write_text("#!/bin/sh\nhead -c 100000 >/dev/null\necho 'out of memory, say' >&2\n"
                      "exit 3\n", encoding="utf-8")  # it reads a page or two, then stops
    broken.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(broken))
    site = tmp_path / "site"
    site.mkdir()
    indexer = SearchIndexer()
    for number in range(50):  # enough to fill the pipe of a process that is gone
        indexer.add(f"{number}/index.html", "<html lang='en'><body>" + "x " * 20000)
    with pytest.raises(SearchIndexError, match="out of memory, say"):
        indexer.finish(site)
        indexer.write(site / "pagefind")
    assert list(site.iterdir()) == []


@pytest.mark.slow  # with PDFs: the pages giving their sizes are indexed once these are in
def test_the_index_made_beside_the_pages_is_pagefinds_own_of_the_published_site(
        real_site: BuiltSite, tmp_path: Path) -> None:
    """Pages go to Pagefind as they are built, and those waiting for their PDF's size once it
    is filled in: the index holds exactly what Pagefind's own command finds in the published
    site (the same pages' fragments, each named by a hash of what it holds; its word index
    numbers the pages in the order it had them, so that is compared by its page count)."""
    from strategy_site.search_index import command_over_site

    copy = tmp_path / "published"
    shutil.copytree(real_site.root, copy, ignore=shutil.ignore_patterns("pagefind"))
    subprocess.run(command_over_site(copy), check=True, capture_output=True)

    def fragments(site: Path) -> list[str]:  # each named by a hash of what it holds
        return sorted(path.name for path in (site / "pagefind" / "fragment").iterdir())

    def pages(site: Path) -> Any:
        entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
        return {language: about["page_count"] for language, about in entry["languages"].items()}

    assert fragments(real_site.root) == fragments(copy)
    assert pages(real_site.root) == pages(copy)
    with_facts = [path for path in real_site.root.rglob("*.html") if " KB, " in
                  path.read_text("utf-8") and "data-pagefind-body" in path.read_text("utf-8")]
    assert with_facts  # pages giving a PDF's size were indexed with it
