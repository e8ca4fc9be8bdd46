// Browser checks pa11y-ci does not make, run in Debian's chromium through puppeteer-core:
//   axe-core with the WCAG 2.2 AA tags; reflow (no sideways page scroll at narrow widths);
//   keyboard (every link and control reachable with Tab, focus visible and not obscured).
// Input: a JSON file {chromium, axe, concurrency, pages: [{url, width}]}. Output: a JSON file (the second
//   argument) [{url, width, problems: [{tool, rule, message, element, fix}]}].
// Driven by scripts/a11y_check.py; not meant to be run by hand.

import { readFileSync, writeFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const NARROW = 400; // widths at or below this are checked for reflow (WCAG 1.4.10: 320 CSS px)

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const axeSource = readFileSync(input.axe, "utf8");

// Pages are checked a few at a time, each worker with a browser of its own (so its one page
// always has focus, as a reader's would): the Tab walk waits on animation frames far more than
// it computes, so several share the machine's cores well. Results keep the input's order.
const results = new Array(input.pages.length);
let next = 0;
async function worker() {
  const browser = await launch();
  try {
    while (next < input.pages.length) {
      const index = next++;
      results[index] = await checkPage(browser, input.pages[index]);
    }
  } finally {
    await browser.close();
  }
}
await Promise.all(Array.from({ length: input.concurrency || 1 }, worker));

function launch() {
  return puppeteer.launch({
    executablePath: input.chromium,
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-default-apps", "--disable-extensions",
    ],
  });
}

async function checkPage(browser, { url, width }) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: width <= NARROW ? 640 : 1024 });
  const problems = [];
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout: 60000 });
    if (!response || response.status() !== 200) {
      problems.push(problem("page", "http-status",
        `the page did not load (HTTP ${response ? response.status() : "no response"})`,
        url, "make sure the page exists in the built site"));
    } else {
      problems.push(...await axeProblems(page));
      problems.push(...await svgTextContrastProblems(page));
      if (width <= NARROW) problems.push(...await reflowProblems(page));
      problems.push(...await keyboardProblems(page));
      problems.push(...await openMenuProblems(page));
    }
  } catch (error) {
    problems.push(problem("page", "load-error", `the page could not be checked: ${error.message}`,
      url, "make sure the page loads in a browser"));
  }
  await page.close();
  return { url, width, problems };
}
writeFileSync(process.argv[3], JSON.stringify(results));

function problem(tool, rule, message, element, fix) {
  return { tool, rule, message, element, fix };
}

async function axeProblems(page, within = null) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(axeSource);
  const outcome = await page.evaluate(
    (tags, selector) => window.axe.run(selector ? document.querySelector(selector) : document,
      { runOnly: { type: "tag", values: tags } }), AXE_TAGS, within);
  const found = [];
  for (const violation of outcome.violations) {
    for (const node of violation.nodes) {
      found.push(problem("axe", violation.id, violation.help, node.target.join(" "),
        `${node.failureSummary.replace(/\s+/g, " ").trim()} (${violation.helpUrl})`));
    }
  }
  return found;
}

// Text drawn in an SVG: axe cannot tell its contrast (the SVG is an image to it, "needs
// review"), so measure it here: the text's fill against the shape drawn beneath it, or the
// page behind the drawing. WCAG 1.4.3: 4.5:1 (these labels are all small text).
async function svgTextContrastProblems(page) {
  return page.evaluate(() => {
    const found = [];
    const parse = (colour) => {
      const m = colour.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = "1"] = m[1].split(/[ ,/]+/).filter(Boolean);
      return [Number(r), Number(g), Number(b), Number(a)];
    };
    const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3]));
    const luminance = (rgb) => {
      const [r, g, b] = rgb.map((c) => {
        const v = c / 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const pageBehind = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour[3] > 0) return colour;
      }
      return [255, 255, 255, 1];
    };
    for (const text of document.querySelectorAll("svg text")) {
      if (!text.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const svg = text.ownerSVGElement;
      const box = text.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const x = box.left + Math.min(6, box.width / 2);
      const y = box.top + box.height / 2;
      const fill = parse(getComputedStyle(text).fill);
      let background = over(pageBehind(svg), [255, 255, 255]);
      let unknown = false;
      const beneath = document.elementsFromPoint(x, y).filter((el) =>
        el !== text && !text.contains(el) && svg.contains(el) && el !== svg &&
        ["rect", "path", "circle"].includes(el.tagName));
      if (beneath.length) {
        const paint = getComputedStyle(beneath[0]).fill;
        const colour = parse(paint);
        if (colour && colour[3] > 0) background = over(colour, background);
        else if (paint.startsWith("url(")) unknown = true;
      }
      if (!fill) continue;
      const ink = over(fill, background);
      const [a, b] = [luminance(ink), luminance(background)].sort((p, q) => q - p);
      const ratio = (a + 0.05) / (b + 0.05);
      if (unknown || ratio < 4.5) {
        found.push({
          tool: "svg-text", rule: "svg-text-contrast",
          message: unknown
            ? "text drawn over a patterned shape: its contrast cannot be measured"
            : `text in a drawing has contrast ${ratio.toFixed(2)}:1, under 4.5:1`,
          element: `${svg.closest("figure") ? "#" + svg.closest("figure").id : "svg"} text "${text.textContent.trim().slice(0, 40)}"`,
          fix: "give diagram text and the shape under it colours 4.5:1 apart in both palettes",
        });
      }
    }
    return found;
  });
}

// Where the navigation is a menu behind a button (phone widths), open it and check it too.
async function openMenuProblems(page) {
  const button = await page.$('button[data-strategy-toggle="__drawer"]');
  if (!button || !(await button.isVisible())) return [];
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); });
  await button.click();
  await settled(page);
  const found = await axeProblems(page, ".md-sidebar--primary");
  return found.map((item) => ({ ...item, message: `${item.message} (with the menu open)` }));
}

// At 320 px the page itself must not scroll sideways; only a table or diagram may scroll, inside
// its own labelled, keyboard-focusable region.
async function reflowProblems(page) {
  return page.evaluate(() => {
    const found = [];
    const root = document.documentElement;
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "") +
      (el.className && typeof el.className === "string"
        ? "." + el.className.trim().split(/\s+/).join(".") : "");
    const scrollBox = (el) => {
      for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
        const overflow = getComputedStyle(node).overflowX;
        if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") return node;
      }
      return null;
    };
    if (root.scrollWidth > window.innerWidth) {
      const culprits = [...document.body.querySelectorAll("*")].filter((el) =>
        el.getBoundingClientRect().right > window.innerWidth + 0.5 && !scrollBox(el) &&
        el.getClientRects().length > 0);
      found.push({
        tool: "reflow", rule: "page-scrolls-sideways",
        message: `the page is ${root.scrollWidth} px wide in a ${window.innerWidth} px window`,
        element: culprits.slice(0, 3).map(describe).join(", ") || "body",
        fix: "let the content wrap; put wide tables and diagrams in their own scrolling region",
      });
    }
    for (const el of document.body.querySelectorAll("*")) {
      const style = getComputedStyle(el);
      const scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") &&
        el.scrollWidth > el.clientWidth + 1 && el.getClientRects().length > 0 &&
        el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
      if (!scrolls) continue;
      const labelled = el.getAttribute("aria-labelledby") || el.getAttribute("aria-label");
      const region = el.getAttribute("role") === "region";
      const focusable = el.tabIndex >= 0;
      const content = el.querySelector("table, svg, figure, img");
      if (!(labelled && region && focusable && content)) {
        found.push({
          tool: "reflow", rule: "unlabelled-scroll-region",
          message: "this box scrolls sideways but is not a labelled, focusable region around a table or diagram",
          element: describe(el),
          fix: 'give it role="region", tabindex="0" and aria-labelledby its caption, or let its content wrap',
        });
      }
    }
    return found;
  });
}

// Tab through the page: every visible link and control must be reached, show its focus, and
// not be hidden behind the sticky header or anything else; and Tab must never land on something
// out of sight (a closed menu's links, a hidden search box).
async function keyboardProblems(page) {
  const tabbable = await page.evaluate(() => {
    const selector = "a[href], button, input, select, textarea, summary, [tabindex], [contenteditable]";
    const found = [];
    let index = 0;
    for (const el of document.querySelectorAll(selector)) {
      if (el.tabIndex < 0 || el.disabled || (el.type === "hidden")) continue;
      const style = getComputedStyle(el);
      el.dataset.a11yKey = String(index++);
      el.dataset.a11yRest = JSON.stringify([style.boxShadow, style.backgroundColor, style.color,
        style.textDecorationLine, style.borderBottomColor]);
      const visible = el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) &&
        el.getClientRects().length > 0;
      found.push({ key: el.dataset.a11yKey, visible, tag: el.tagName.toLowerCase(),
        text: (el.getAttribute("aria-label") || el.textContent || el.getAttribute("title") ||
          el.getAttribute("name") || "").trim().replace(/\s+/g, " ").slice(0, 60) });
    }
    return found;
  });
  const reached = new Map();
  let outside = 0; // presses in a row that left the page (to the browser's own controls)
  for (let step = 0; step < tabbable.length + 20; step++) {
    await page.keyboard.press("Tab");
    await settled(page);
    const state = await page.evaluate(focusState);
    if (state.key === null) {
      if (++outside > 2) break;
      continue;
    }
    outside = 0;
    if (reached.has(state.key)) break; // round the page once
    reached.set(state.key, state);
  }
  const found = [];
  for (const item of tabbable) {
    const state = reached.get(item.key);
    const element = `${item.tag} "${item.text}"`;
    if (!state) {
      if (item.visible) {
        found.push(problem("keyboard", "not-reachable", "this link or control cannot be reached with Tab",
          element, "make it focusable in the normal tab order, or hide it from everyone"));
      }
    } else if (!state.shown) {
      found.push(problem("keyboard", "focus-on-hidden", "Tab moves focus to this, but it cannot be seen",
        element, "hide it with visibility: hidden or display: none while it is out of sight"));
    } else if (!state.indicated) {
      found.push(problem("keyboard", "focus-not-visible", "when focused, nothing shows that it has focus",
        element, "give :focus-visible an outline or another clear change of style"));
    } else if (!state.seen) {
      found.push(problem("keyboard", "focus-obscured", "when focused, it is hidden behind other content",
        element, "keep the sticky header from covering it (scroll-padding-top)"));
    }
  }
  return found;
}

// Wait until the page stops moving: focus may scroll it smoothly into view, and panels (the
// search overlay) fade in and out.
async function settled(page) {
  let last = null;
  for (let i = 0; i < 40; i++) {
    const now = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => {
      const el = document.activeElement;
      const rect = el ? el.getBoundingClientRect() : { top: 0, left: 0 };
      const moving = document.getAnimations().filter((a) => a.playState === "running").length;
      done(`${window.scrollX},${window.scrollY},${rect.top},${rect.left},${moving}`);
    })));
    if (now === last && now.endsWith(",0")) return;
    last = now;
  }
}

// Runs in the page: what the focused element looks like now. A zero-size control (Material's
// palette radio) shows its focus on its visible label, so the label is judged instead.
function focusState() {
  const focused = document.activeElement;
  if (!focused || focused === document.body || !focused.dataset.a11yKey) return { key: null };
  const boxless = (el) => el.getClientRects().length === 0 ||
    el.getBoundingClientRect().width * el.getBoundingClientRect().height === 0;
  const visible = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) &&
    !boxless(el);
  let el = focused;
  if (!visible(el)) {
    const next = el.nextElementSibling;
    const labels = [...(el.labels || []), ...(next && next.tagName === "LABEL" ? [next] : [])];
    el = labels.find(visible) || el;
  }
  const rect = el.getBoundingClientRect();
  const onScreen = rect.bottom > 0 && rect.right > 0 && rect.top < window.innerHeight &&
    rect.left < window.innerWidth;
  const shown = (visible(el) || visible(focused)) && onScreen;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" &&
    (style.outlineStyle === "auto" || parseFloat(style.outlineWidth) >= 1) &&
    style.outlineColor !== "rgba(0, 0, 0, 0)" && style.outlineColor !== "transparent";
  const rest = el === focused ? JSON.parse(focused.dataset.a11yRest) : null;
  const now = [style.boxShadow, style.backgroundColor, style.color, style.textDecorationLine,
    style.borderBottomColor];
  const changed = rest !== null && now.some((value, i) => value !== rest[i]);
  const points = [[0.5, 0.5], [0.1, 0.2], [0.9, 0.2], [0.1, 0.8], [0.9, 0.8]];
  const seen = points.some(([x, y]) => {
    const hit = document.elementFromPoint(rect.left + rect.width * x, rect.top + rect.height * y);
    return hit && (hit === el || el.contains(hit) || hit.contains(el));
  });
  return { key: focused.dataset.a11yKey, shown, indicated: outline || changed, seen };
}
