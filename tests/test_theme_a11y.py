"""What an independent accessibility audit found in the theme, each as a test in Debian's
chromium on the real site: the phone menu from the keyboard, the section buttons, the colour
scheme button, search, the skip link, boxes that scroll, a drawing's name, forced colours, text
spacing, page titles and the 404 page served under another prefix.

The accessibility gate (scripts/a11y_check.py) checks the same kinds on every page; these tests
pin each finding to the behaviour that mends it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from conftest import BuiltSite, in_chromium
from strategy_site.gate.a11y_check import serve

pytestmark = pytest.mark.slow  # opens the site in chromium

BD = "barking-and-dagenham"

AUDIT = r"""
const [base] = args;
const report = {};
const settle = (page) => page.evaluate(() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 350)))));
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  const rect = el.getBoundingClientRect();
  const hit = document.elementFromPoint(rect.left + rect.width / 2, rect.top + rect.height / 2);
  return { tag: el.tagName.toLowerCase(), id: el.id,
    text: (el.getAttribute("aria-label") || el.textContent).trim().replace(/\s+/g, " ")
      .slice(0, 60),
    inMenu: Boolean(el.closest(".md-sidebar--primary")),
    onTop: Boolean(hit && (hit === el || el.contains(hit) || hit.contains(el))),
    expanded: el.getAttribute("aria-expanded") };
});

// The phone menu, from the keyboard.
let page = await browser.newPage();
await page.setViewport({ width: 375, height: 700 });
await page.goto(base + "bexley/", { waitUntil: "load" });
await page.focus('button[data-strategy-toggle="__drawer"]');
await page.keyboard.press("Enter");
await settle(page);
report.menuOpened = await focused(page);
report.menuStops = [];
for (let i = 0; i < 30; i++) {
  await page.keyboard.press("Tab");
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(done)));
  const state = await focused(page);
  if (state.tag !== "body") report.menuStops.push(state);
}
await page.evaluate(() => {
  const back = [...document.querySelectorAll("[data-strategy-back]")]
    .find((el) => el.checkVisibility({ visibilityProperty: true }));
  back.focus();
});
await page.keyboard.press("Enter");
await settle(page);
report.afterBack = await focused(page);
await page.keyboard.press("Escape");
await settle(page);
report.afterEscape = await focused(page);
report.menuOpenAfterEscape = await page.evaluate(() => document.getElementById("__drawer").checked);
await page.close();

// The sidebar's section buttons, at desktop width.
page = await browser.newPage();
await page.setViewport({ width: 1280, height: 900 });
await page.goto(base + "bexley/", { waitUntil: "load" });
report.navWithExpanded = await page.$$eval("nav[aria-expanded]", (found) => found.length);
report.sectionButtons = await page.$$eval(".md-sidebar--primary button[aria-expanded]",
  (found) => found.map((b) => ({ name: b.getAttribute("aria-label") || b.textContent.trim(),
                                 expanded: b.getAttribute("aria-expanded") })));
const toggle = await page.$('.md-sidebar--primary button.strategy-nav-arrow[aria-expanded="true"]');
await toggle.focus();
await page.keyboard.press("Space");
await settle(page);
report.afterSpace = await toggle.evaluate((b) => ({ expanded: b.getAttribute("aria-expanded"),
  box: document.getElementById(b.dataset.strategyFor).checked }));

// The colour scheme: one button, no radio a screen reader hears.
const cdp = await page.createCDPSession();
const tree = async () => (await cdp.send("Accessibility.getFullAXTree")).nodes
  .filter((node) => !node.ignored);
report.radios = (await tree()).filter((node) => node.role && node.role.value === "radio").length;
const scheme = await page.$(".strategy-palette-toggle");
report.schemeBefore = await scheme.evaluate((b) => ({ name: b.getAttribute("aria-label"),
  scheme: document.body.dataset.mdColorScheme }));
await scheme.focus();
await page.keyboard.press("Enter");
await settle(page);
report.schemeAfter = await scheme.evaluate((b) => ({ name: b.getAttribute("aria-label"),
  scheme: document.body.dataset.mdColorScheme }));

// A drawing: named by its title once, described by its description once.
await page.goto(base + "bexley/governance/", { waitUntil: "load" });
report.drawing = (await tree()).filter((node) => node.role &&
  ["image", "figure"].includes(node.role.value)).map((node) => ({ role: node.role.value,
    name: node.name ? node.name.value : "",
    description: node.description ? node.description.value : "" }));
report.drawingTexts = await page.$eval("#diagram-bcsp-governance", (figure) => ({
  title: figure.querySelector("svg title").textContent,
  desc: figure.querySelector("svg desc").textContent }));
await page.close();

// Search on a phone: focus goes to the search box; the count is in a live region.
page = await browser.newPage();
await page.setViewport({ width: 375, height: 812 });
await page.goto(base + BD_PAGE, { waitUntil: "load" });
await page.focus('button[data-strategy-toggle="__search"]');
await page.keyboard.press("Enter");
await settle(page);
report.searchOpened = await focused(page);
await page.keyboard.type("knife");
await page.waitForFunction(() => /\d+ matching/.test(
  document.querySelector(".md-search-result__meta").textContent), { timeout: 60000 });
report.searchCount = await page.$eval(".md-search-result__meta", (meta) => ({
  text: meta.textContent.trim(), live: meta.closest("[role=status], [aria-live]") !== null }));
await page.close();

// The skip link: the first Tab stop on a page without a second-level heading, to the article.
page = await browser.newPage();
await page.setViewport({ width: 1280, height: 900 });
await page.goto(base + BD_PAGE.replace("funding", "key-dates"), { waitUntil: "load" });
await page.keyboard.press("Tab");
report.firstStop = await focused(page);
await page.keyboard.press("Enter");
await settle(page);
report.afterSkip = await page.evaluate(() => {
  const at = document.activeElement;
  const heading = document.querySelector("h1");
  const between = [...document.querySelectorAll("a[href], button, input, [tabindex]")].filter(
    (el) => (at.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) &&
      (el.compareDocumentPosition(heading) & Node.DOCUMENT_POSITION_FOLLOWING));
  return { id: at.id, inArticle: Boolean(at.closest("article")),
           beforeHeading: Boolean(at.compareDocumentPosition(heading) &
                                  Node.DOCUMENT_POSITION_FOLLOWING),
           controlsBetween: between.length };
});

// Boxes that scroll are regions and tab stops; the others are neither.
report.boxes = {};
for (const width of [1280, 320]) {
  await page.setViewport({ width, height: 900 });
  await page.goto(base + BD_PAGE, { waitUntil: "load" });
  await settle(page);
  report.boxes[width] = await page.$$eval("[data-strategy-scroll]", (boxes) => boxes.map((box) => ({
    scrolls: box.scrollWidth > box.clientWidth + 1, tabindex: box.getAttribute("tabindex"),
    role: box.getAttribute("role"), label: box.getAttribute("aria-labelledby") })));
}

// Forced colours (a dark Windows contrast theme): the chart's text is the system's text colour.
await page.setViewport({ width: 375, height: 900 });
await page.goto(base + BD_PAGE, { waitUntil: "load" });
const media = await page.createCDPSession();
await media.send("Emulation.setEmulatedMedia", { features: [
  { name: "forced-colors", value: "active" }, { name: "prefers-color-scheme", value: "dark" }] });
await settle(page);
report.forced = await page.evaluate(() => {
  const probe = document.createElement("div");
  probe.style.color = "CanvasText";
  probe.style.backgroundColor = "Canvas";
  document.body.append(probe);
  const system = { text: getComputedStyle(probe).color,
                   canvas: getComputedStyle(probe).backgroundColor };
  probe.remove();
  const fills = [...document.querySelectorAll("#diagram-funding-chart svg text")]
    .map((text) => getComputedStyle(text).fill);
  // The menu's arrows are masks painted with a background colour, which forced colours repaint.
  const arrow = getComputedStyle(document.querySelector(".md-nav__icon"), "::after")
    .backgroundColor;
  return { system, fills: [...new Set(fills)], arrow };
});
await media.send("Emulation.setEmulatedMedia", { features: [] });

// Text spacing (WCAG 1.4.12): every label of the chart stays inside the drawing.
await page.addStyleTag({ content: "* { line-height: 1.5 !important; " +
  "letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } " +
  "p { margin-bottom: 2em !important; }" });
await settle(page);
report.spacing = await page.$$eval("#diagram-funding-chart svg text", (texts) => texts.map(
  (text) => {
  const box = text.getBBox();
  const view = text.ownerSVGElement.viewBox.baseVal;
  return { text: text.textContent.trim(), inside: box.x >= view.x - 0.5 &&
    box.x + box.width <= view.x + view.width + 0.5 };
}));
await browser.close();
console.log(JSON.stringify(report));
""".replace("BD_PAGE", f'"{BD}/funding/"')


@pytest.fixture(scope="module")
def audit(real_site: BuiltSite) -> dict[str, Any]:
    with serve(real_site.root) as base:
        report: dict[str, Any] = in_chromium(AUDIT, base)
    return report


def test_the_open_phone_menu_holds_focus_in_its_open_panel(audit: dict[str, Any]) -> None:
    assert audit["menuOpened"]["inMenu"], audit["menuOpened"]
    assert audit["menuOpened"]["text"].startswith("Back from"), audit["menuOpened"]
    stops = audit["menuStops"]
    assert stops and all(stop["inMenu"] and stop["onTop"] for stop in stops), stops
    assert any(stop["text"] == "Back from Bexley" for stop in stops)
    assert {stop["text"] for stop in stops} >= {"Foreword", "Edition history"}
    assert not {"Home", "Timetable", "Accessibility statement"} & {s["text"] for s in stops}


def test_going_back_returns_focus_and_escape_closes_the_menu(audit: dict[str, Any]) -> None:
    back = audit["afterBack"]
    assert back["inMenu"] and back["onTop"] and back["text"] == "Pages in Bexley", back
    assert audit["afterEscape"]["text"] == "Menu"
    assert audit["menuOpenAfterEscape"] is False


def test_sidebar_sections_open_and_close_with_real_buttons(audit: dict[str, Any]) -> None:
    assert audit["navWithExpanded"] == 0, "aria-expanded is not allowed on <nav>"
    names = {button["name"] for button in audit["sectionButtons"]}
    assert "Pages in Bexley" in names
    assert all(button["expanded"] in ("true", "false") for button in audit["sectionButtons"])
    assert audit["afterSpace"] == {"expanded": "false", "box": False}


def test_the_colour_scheme_is_one_button_named_for_what_it_does(audit: dict[str, Any]) -> None:
    assert audit["radios"] == 0, "no radio buttons in the accessibility tree"
    assert audit["schemeBefore"] == {"name": "Switch to dark mode", "scheme": "default"}
    assert audit["schemeAfter"] == {"name": "Switch to light mode", "scheme": "slate"}


def test_a_drawing_is_named_by_its_title_and_described_once(audit: dict[str, Any]) -> None:
    texts = audit["drawingTexts"]
    images = [node for node in audit["drawing"] if node["role"] == "image"]
    assert images == [{"role": "image", "name": texts["title"],
                       "description": texts["desc"]}], audit["drawing"]
    assert all(node["name"] in ("", texts["title"]) for node in audit["drawing"])
    named = [node for node in audit["drawing"] if texts["title"] in node["name"]]
    assert len(named) == 1, audit["drawing"]


def test_opening_search_moves_focus_and_the_count_is_announced(audit: dict[str, Any]) -> None:
    assert audit["searchOpened"]["tag"] == "input", audit["searchOpened"]
    assert audit["searchCount"]["live"], audit["searchCount"]
    assert re.match(r"“knife”: \d+ matching documents?", audit["searchCount"]["text"])


def test_the_skip_link_is_first_and_leads_to_the_heading(audit: dict[str, Any]) -> None:
    assert audit["firstStop"]["text"] == "Skip to main content"
    assert audit["afterSkip"] == {"id": "strategy-main", "inArticle": True,
                                  "beforeHeading": True, "controlsBetween": 0}


def test_a_box_is_a_focusable_region_only_while_it_scrolls(audit: dict[str, Any]) -> None:
    for width, boxes in audit["boxes"].items():
        assert boxes, width
        for box in boxes:
            if box["scrolls"]:
                assert box["tabindex"] == "0" and box["role"] == "region" and box["label"], box
            else:
                assert box["tabindex"] is None and box["role"] is None, (width, box)
    assert not any(box["scrolls"] for box in audit["boxes"]["1280"])


def test_chart_text_takes_the_system_colour_in_forced_colours(audit: dict[str, Any]) -> None:
    forced = audit["forced"]
    assert forced["fills"] == [forced["system"]["text"]], forced
    assert forced["system"]["text"] != forced["system"]["canvas"]
    assert forced["arrow"] == forced["system"]["text"], "the menu's arrows stay visible"


def test_wider_text_spacing_keeps_chart_labels_inside_the_drawing(
        audit: dict[str, Any]) -> None:
    assert audit["spacing"]
    assert all(label["inside"] for label in audit["spacing"]), [
        label for label in audit["spacing"] if not label["inside"]]


def test_every_page_title_names_its_page_and_partnership(real_site: BuiltSite) -> None:
    titles: dict[str, list[Path]] = {}
    for path in real_site.pages():
        match = re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.S)
        assert match, path
        titles.setdefault(" ".join(match.group(1).split()), []).append(path)
    shared = {title: paths for title, paths in titles.items() if len(paths) > 1}
    assert not shared, shared
    funding = re.search(r"<title>(.*?)</title>", real_site.html(f"{BD}/funding/")).group(1)
    assert "Barking and Dagenham" in funding
    history = re.search(r"<title>(.*?)</title>",
                        real_site.html("bexley/delivery-2024/editions/")).group(1)
    assert history.startswith("Edition history") and "Bexley" in history


NOT_FOUND = r"""
const [address] = args;
const page = await browser.newPage();
const failed = [];
page.on("response", (answer) => { if (answer.status() >= 400 && answer.url() !== address)
  failed.push(answer.url()); });
page.on("requestfailed", (request) => failed.push(request.url()));
const answer = await page.goto(address, { waitUntil: "networkidle0" });
const seen = await page.evaluate(() => ({
  heading: document.querySelector("h1").textContent.trim(),
  styled: getComputedStyle(document.querySelector(".md-header")).position,
  home: document.querySelector(".md-content a").href,
  skip: document.querySelector(".md-skip").href }));
await browser.close();
console.log(JSON.stringify({ status: answer.status(), failed, ...seen }));
"""


def test_the_404_page_works_under_any_prefix(real_site: BuiltSite) -> None:
    """Served as the gate serves a site: under another prefix than site_url's, the site's 404
    page at any missing address below it, as a council's server shows it."""
    with serve(real_site.root) as base:
        missing = base + "bexley/no/such/page/"
        seen = in_chromium(NOT_FOUND, missing)
    assert seen["status"] == 404
    assert [url for url in seen["failed"] if not url.endswith("/404.html")] == [], seen["failed"]
    assert seen["heading"] == "Page not found"
    assert seen["styled"] == "sticky", "Material's stylesheet applies"
    assert seen["home"] == base
    assert seen["skip"] == missing + "#strategy-main"
