// The browser checks, run in Debian's chromium through puppeteer-core, each page loaded once:
//   pa11y with its HTML_CodeSniffer runner (WCAG2AA); axe-core with the WCAG 2.2 AA tags; IBM
//   Equal Access (accessibility-checker-engine, the rules of IBM's accessibility-checker);
//   reflow (no sideways page scroll at narrow widths); keyboard (every link and control
//   reachable with Tab, focus visible and not obscured), with the phone menu closed and open; a
//   skip link to the main content; the search results count in a live region; focusable boxes
//   only where they scroll; contrast of drawings' text and marks, also in forced colours
//   (Windows contrast themes, dark and light); text spacing (WCAG 1.4.12) clipping no text.
// Input: a JSON file {chromium, axe, ace, concurrency, pages: [{url, width, status}]} (status:
//   the HTTP status the page must answer, 200 unless given). Output: a JSON file (the second
//   argument) [{url, width, problems: [{tool, rule, message, element, fix}], review: [...]}]:
//   `review` holds what IBM's engine asks a person to check ("potential"), which does not fail.
// Driven by scripts/a11y_check.py; not meant to be run by hand.

import { readFileSync, writeFileSync } from "node:fs";
import pa11y from "pa11y";
import puppeteer from "puppeteer-core";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const NARROW = 400; // widths at or below this are checked for reflow (WCAG 1.4.10: 320 CSS px)
const MENU_PANELS = 4; // panels of the open phone menu walked with the keyboard, at most
// Pages are checked as a reader who asked for reduced motion sees them: nothing scrolls or
// slides smoothly, so each focus position is final at once (a third faster; what is checked is
// the same).
const REDUCED_MOTION = { name: "prefers-reduced-motion", value: "reduce" };

const TEXT_SPACING = "*, *::before, *::after { line-height: 1.5 !important; " +
  "letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } " +
  "p { margin-bottom: 2em !important; }"; // the WCAG 1.4.12 test values

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const axeSource = readFileSync(input.axe, "utf8");
const aceSource = input.ace ? readFileSync(input.ace, "utf8") : null;

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

async function checkPage(browser, { url, width, status = 200 }) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: width <= NARROW ? 640 : 1024 });
  await page.emulateMediaFeatures([REDUCED_MOTION]);
  const problems = [];
  const review = [];
  // Every stylesheet, script, font and picture the page asks for must load: a page served
  // under another address than the one it was built for (the 404 page) loses them silently.
  const broken = [];
  const resources = ["stylesheet", "script", "font", "image"];
  page.on("response", (answer) => {
    if (answer.status() >= 400 && resources.includes(answer.request().resourceType())) {
      broken.push(`${answer.url()} (HTTP ${answer.status()})`);
    }
  });
  page.on("requestfailed", (request) => {
    if (resources.includes(request.resourceType())) {
      broken.push(`${request.url()} (${request.failure() ? request.failure().errorText : "failed"})`);
    }
  });
  try {
    const response = await page.goto(url, { waitUntil: "load", timeout: 60000 });
    for (const address of broken) {
      problems.push(problem("page", "broken-resource",
        "a stylesheet, script, font or picture the page asks for does not load", address,
        "link it relative to the page, so it is found wherever the site is served"));
    }
    if (!response || response.status() !== status) {
      problems.push(problem("page", "http-status",
        `the page did not load (HTTP ${response ? response.status() : "no response"})`,
        url, "make sure the page exists in the built site"));
    } else {
      problems.push(...await pa11yProblems(browser, page, url, width));
      problems.push(...await axeProblems(page));
      const ibm = await ibmProblems(page);
      problems.push(...ibm.violations);
      review.push(...ibm.review);
      problems.push(...await svgTextContrastProblems(page));
      problems.push(...await svgMarkProblems(page));
      problems.push(...await structureProblems(page, input.skip_links || []));
      if (width <= NARROW) problems.push(...await reflowProblems(page));
      problems.push(...await keyboardProblems(page));
      problems.push(...await openMenuProblems(page));
      problems.push(...await forcedColoursProblems(page));
      problems.push(...await textSpacingProblems(page, width));
    }
  } catch (error) {
    problems.push(problem("page", "load-error", `the page could not be checked: ${error.message}`,
      url, "make sure the page loads in a browser"));
  }
  await page.close();
  return { url, width, problems, review };
}
writeFileSync(process.argv[3], JSON.stringify(results));

// pa11y itself, HTML_CodeSniffer's WCAG2AA errors, run on this page as it is loaded (pa11y's
// `ignoreUrl`): pa11y-ci would load every page a second time, in a browser of its own, and wait
// for the network to idle each time, which took half the gate's time. The fix is found from
// the rule's code by the gate (a11y_check.py), as for every HTML_CodeSniffer message.
async function pa11yProblems(browser, page, url, width) {
  const result = await pa11y(url, {
    browser, page, ignoreUrl: true, runners: ["htmlcs"], standard: "WCAG2AA",
    userAgent: "", viewport: { width, height: width <= NARROW ? 640 : 1024 },
    log: { debug() {}, info() {}, error() {} },
  });
  return result.issues.map((issue) =>
    problem("pa11y/htmlcs", issue.code, issue.message, issue.selector || "", ""));
}

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
  if (within === null) found.push(...await undecidedProblems(page, outcome.incomplete));
  return found;
}

// What axe could not decide ("needs review") is decided here, or fails. Text drawn in an SVG is
// measured by svgTextContrastProblems. Text in a box that scrolls (a wide table on a phone, the
// sidebar under its sticky title) is partly out of view: each such box is scrolled through, and
// axe asked again at each position, so every piece of it is decided somewhere. What stays
// undecided is a problem.
async function undecidedProblems(page, incomplete) {
  const found = [];
  const contrast = [];
  for (const rule of incomplete) {
    for (const node of rule.nodes) {
      const target = node.target.join(" ");
      if (rule.id === "color-contrast") {
        contrast.push(target);
        continue;
      }
      found.push(problem("axe", `${rule.id}-undecided`, `${rule.help} (axe could not decide)`,
        target, `${(node.failureSummary || "").replace(/\s+/g, " ").trim()} (${rule.helpUrl})`));
    }
  }
  if (!contrast.length) return found;
  await withColour(page);
  const outcome = await page.evaluate(async (targets) => {
    const inSvg = (target) => {
      const el = document.querySelector(target);
      return Boolean(el && el.closest("svg"));
    };
    const hides = (value) => value === "auto" || value === "scroll";
    const boxes = [...document.querySelectorAll("body *")].filter((el) => {
      const style = getComputedStyle(el);
      return el.getClientRects().length > 0 &&
        ((hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
         (hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1));
    });
    const decided = new Map();  // target -> failure summary, or "" when it passes
    for (const box of boxes) {
      const stepX = Math.max(40, Math.floor(box.clientWidth * 0.8));
      const stepY = Math.max(40, Math.floor(box.clientHeight * 0.8));
      const start = [box.scrollLeft, box.scrollTop];
      for (let y = 0; ; y += stepY) {
        for (let x = 0; ; x += stepX) {
          box.scrollTo(x, y);
          const result = await window.axe.run(box, { runOnly: ["color-contrast"] });
          for (const node of result.passes.flatMap((r) => r.nodes)) {
            if (!decided.has(node.target.join(" "))) decided.set(node.target.join(" "), "");
          }
          for (const node of result.violations.flatMap((r) => r.nodes)) {
            decided.set(node.target.join(" "), node.failureSummary || "insufficient contrast");
          }
          if (x + box.clientWidth >= box.scrollWidth) break;
        }
        if (y + box.clientHeight >= box.scrollHeight) break;
      }
      box.scrollTo(...start);
    }
    // What no scroll position decides (text wider than its box) is measured here, where it
    // can be: its colour against the plain colour behind it (no picture or gradient behind).
    const { parse, ratio } = window.__a11yColour;
    const measured = (target) => {
      const el = document.querySelector(target);
      if (!el) return null;
      let behind = null;
      for (let node = el; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.backgroundImage !== "none") return null;
        const colour = parse(style.backgroundColor);
        if (colour && colour[3] === 1) {
          behind = colour;
          break;
        }
        if (colour && colour[3] > 0) return null;  // see-through layers: not a plain colour
      }
      const colour = parse(getComputedStyle(el).color);
      if (!colour) return null;
      behind = behind || [255, 255, 255, 1];
      const ink = colour.slice(0, 3).map((c, i) => c * colour[3] + behind[i] * (1 - colour[3]));
      const contrast = ratio(ink, behind);
      const size = parseFloat(getComputedStyle(el).fontSize);
      const bold = Number(getComputedStyle(el).fontWeight) >= 700;
      const large = size >= 24 || (bold && size >= 18.66);
      return contrast >= (large ? 3 : 4.5) ? ""
        : `contrast ${contrast.toFixed(2)}:1, under ${large ? 3 : 4.5}:1`;
    };
    return targets.filter((target) => !inSvg(target)).map((target) => [target,
      decided.has(target) ? decided.get(target) : measured(target)]);
  }, contrast);
  for (const [target, verdict] of outcome) {
    if (verdict === null) {
      found.push(problem("axe", "contrast-undecided",
        "the contrast of this text could not be decided, even with its box scrolled through",
        target, "give the text a plain background, and keep it out from under other boxes"));
    } else if (verdict) {
      found.push(problem("axe", "color-contrast",
        "Elements must meet minimum color contrast ratio thresholds (in a box that scrolls)",
        target, verdict.replace(/\s+/g, " ").trim()));
    }
  }
  return found;
}

// IBM Equal Access, in the same page: its violations ("FAIL") are problems; what it asks a person
// to review ("POTENTIAL", "MANUAL") is returned apart, to be listed but not failed.
async function ibmProblems(page) {
  if (!aceSource) return { violations: [], review: [] };
  if (!(await page.evaluate(() => Boolean(window.ace)))) await page.evaluate(aceSource);
  const results = await page.evaluate(async () => {
    const report = await new window.ace.Checker().check(document, ["IBM_Accessibility"]);
    return report.results.filter((r) => r.value[0] === "VIOLATION" && r.value[1] !== "PASS")
      .map((r) => ({ rule: r.ruleId, level: r.value[1], message: r.message,
        element: r.path.dom, snippet: (r.snippet || "").slice(0, 120) }));
  });
  const violations = [];
  const review = [];
  for (const r of results) {
    const fix = `see https://www.ibm.com/able/requirements/checker-rule-sets (rule ${r.rule})`;
    const item = problem("ibm", r.rule, r.message, `${r.element} ${r.snippet}`, fix);
    (r.level === "FAIL" ? violations : review).push(item);
  }
  return { violations, review };
}

// Graphical marks in a drawing (bars, lines, axes, boxes, points) must stand out from what is
// behind them, 3:1 (WCAG 1.4.11): their fill or their outline. Grid lines are decoration (the
// axis and the labels carry the values), and shapes inside a <pattern> are measured as the
// pattern's ink against its own ground, not against the page.
async function svgMarkProblems(page) {
  await withColour(page);
  return page.evaluate(() => {
    const { parse, ratio, over, canvas } = window.__a11yColour;
    const behind = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour[3] > 0) return over(colour, canvas());
      }
      return canvas();
    };
    const found = [];
    for (const svg of document.querySelectorAll("svg[role=img]")) {
      if (!svg.checkVisibility({ visibilityProperty: true })) continue;
      const ground = behind(svg);
      for (const shape of svg.querySelectorAll("rect, path, circle, line, polyline, polygon")) {
        if (shape.closest("pattern, defs, clipPath, mask") || shape.matches(".sd-grid")) continue;
        const style = getComputedStyle(shape);
        const opacity = Number(style.opacity) * Number(getComputedStyle(svg).opacity);
        const paint = (value, alpha) => {
          const colour = parse(value);
          return colour ? over([...colour.slice(0, 3), colour[3] * alpha * opacity], ground) : null;
        };
        const fill = style.fill.startsWith("url(") ? null : paint(style.fill, Number(style.fillOpacity));
        const stroke = parseFloat(style.strokeWidth) > 0 && style.stroke !== "none"
          ? paint(style.stroke, Number(style.strokeOpacity)) : null;
        const best = Math.max(fill ? ratio(fill, ground) : 0, stroke ? ratio(stroke, ground) : 0);
        if (best < 3 && !(style.fill.startsWith("url(") && !stroke)) {
          const figure = svg.closest("figure");
          found.push({
            tool: "svg-marks", rule: "svg-mark-contrast",
            message: `a ${shape.tagName} in a drawing has contrast ${best.toFixed(2)}:1 against the page, under 3:1`,
            element: `${figure ? "#" + figure.id : "svg"} ${shape.tagName}.${shape.getAttribute("class") || ""}`,
            fix: "give the drawing's marks a fill or outline 3:1 from the page in every palette and in forced colours",
          });
        }
      }
    }
    return found;
  });
}

// What every page needs around its content: one "Skip to main content" link (or its words in
// another language of our catalogs, input.skip_links), the first thing Tab reaches, to the
// start of the main content (the element holding the page's heading); the search
// results count in a live region, so a screen reader hears it change; and no tab stop on a box
// that does not scroll (a region is focusable so that it can be scrolled with the keyboard).
async function structureProblems(page, skipLinks) {
  return page.evaluate((skipLinks) => {
    const found = [];
    const add = (rule, message, element, fix) => found.push({ tool: "structure", rule, message, element, fix });
    const focusables = [...document.querySelectorAll("a[href], button, input, select, textarea, [tabindex]")]
      .filter((el) => el.tabIndex >= 0 && !el.disabled && !el.closest("[inert]") &&
        el.getClientRects().length > 0 && el.checkVisibility({ visibilityProperty: true }));
    const skip = focusables[0];
    const skipText = skip ? skip.textContent.trim().replace(/\s+/g, " ") : "";
    const here = (url) => url.split("#")[0] === location.href.split("#")[0];
    const target = skip && skip.href && here(skip.href) && skip.hash
      ? document.getElementById(decodeURIComponent(skip.hash.slice(1))) : null;
    const heading = document.querySelector("h1");
    // The target starts the main content: it holds the heading, or comes before it with no
    // link or control between them but the main content's own (a notice before the heading,
    // such as an earlier edition's "not the latest edition", where GOV.UK puts its
    // notification banner); a navigation or a control outside the main content is not.
    const follows = (first, second) =>
      Boolean(first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING);
    const startsBefore = (target, heading) => {
      if (!follows(target, heading)) return false;
      const content = heading.closest("main, [role=main], article");
      const own = (el) => content && content.contains(el) && !el.closest("nav, aside, header, footer");
      return !focusables.some((el) => el !== target && follows(target, el) && follows(el, heading) &&
        !own(el));
    };
    const isSkipLink = /^skip to (the )?main content$/i.test(skipText) ||
      skipLinks.some((words) => words.toLowerCase() === skipText.toLowerCase());
    if (!skip || !isSkipLink) {
      add("skip-link", "the first thing Tab reaches is not a \"Skip to main content\" link",
        skip ? `${skip.tagName.toLowerCase()} "${skipText.slice(0, 40)}"` : "the page",
        "make a \"Skip to main content\" link the first link of every page");
    } else if (!target || !heading || target.closest("header, nav, footer, aside") ||
               !(target.contains(heading) || startsBefore(target, heading))) {
      add("skip-link-target", "the skip link does not lead to the start of the main content (its heading, or just before it)",
        skip.getAttribute("href"), "point the skip link at the element that starts the main content, before its heading");
    }
    const meta = document.querySelector(".md-search-result__meta");
    if (meta && !meta.closest("[role=status], [role=alert], [role=log], [aria-live]")) {
      add("search-live-region", "the number of search results is not in a live region: a screen reader does not hear it",
        ".md-search-result__meta", 'give the results count role="status"');
    }
    for (const el of document.querySelectorAll("[tabindex]")) {
      if (el.tabIndex < 0 || el.matches("a[href], button, input, select, textarea, summary")) continue;
      if (el.getClientRects().length === 0 || !el.checkVisibility({ visibilityProperty: true })) continue;
      const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (!scrolls) {
        add("needless-tab-stop", "this box is a tab stop but does not scroll: a keyboard user meets it for nothing",
          `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${String(el.className).trim().split(/\s+/).join(".")}`,
          "make the box focusable (tabindex, role=region) only while it scrolls");
      }
    }
    return found;
  }, skipLinks);
}

// Windows contrast themes: the reader's system colours replace the page's. Drawings must keep
// their text and marks legible against the page: measured in chromium's forced-colours mode, with
// a dark and a light system theme.
async function forcedColoursProblems(page) {
  const cdp = await page.createCDPSession();
  const found = [];
  try {
    for (const scheme of ["dark", "light"]) {
      await cdp.send("Emulation.setEmulatedMedia", { features: [REDUCED_MOTION,
        { name: "forced-colors", value: "active" }, { name: "prefers-color-scheme", value: scheme }] });
      await settled(page);
      const items = [...await svgTextContrastProblems(page), ...await svgMarkProblems(page)];
      found.push(...items.map((item) => ({ ...item, tool: "forced-colours",
        message: `${item.message} (forced colours, ${scheme} theme)`,
        fix: "under @media (forced-colors: active), draw text and marks in CanvasText on Canvas" })));
    }
  } finally {
    await cdp.send("Emulation.setEmulatedMedia", { features: [REDUCED_MOTION] });
    await cdp.detach();
  }
  return found;
}

// WCAG 1.4.12: with line height 1.5, letter spacing 0.12em, word spacing 0.16em and paragraph
// spacing 2em, no text may be cut off: every text of a drawing stays inside its drawing's box,
// no text is clipped by a box that hides its overflow, and (at phone widths) the page still does
// not scroll sideways. Material's one-line header and menu titles end in "…" by design; their
// words are the page's own heading and the site's name, shown in full on the page, so they are
// not counted (README, "What the gate cannot change").
async function textSpacingProblems(page, width) {
  const style = await page.addStyleTag({ content: TEXT_SPACING });
  await settled(page);
  const found = await page.evaluate(() => {
    const found = [];
    for (const text of document.querySelectorAll("svg text")) {
      const svg = text.ownerSVGElement;
      if (!svg || !text.checkVisibility({ visibilityProperty: true })) continue;
      const box = text.getBBox();
      const view = svg.viewBox.baseVal;
      if (!view || view.width === 0) continue;
      if (box.x < view.x - 0.5 || box.y < view.y - 0.5 || box.x + box.width > view.x + view.width + 0.5 ||
          box.y + box.height > view.y + view.height + 0.5) {
        const figure = svg.closest("figure");
        found.push({ tool: "text-spacing", rule: "svg-text-clipped",
          message: "with wider text spacing, text in a drawing runs past the drawing's edge and is cut off",
          element: `${figure ? "#" + figure.id : "svg"} text "${text.textContent.trim().slice(0, 40)}"`,
          fix: "leave room in the drawing's layout for text spacing (diagrams.py wraps text with it)" });
      }
    }
    for (const el of document.body.querySelectorAll("*")) {
      if (el.closest("svg, .md-ellipsis, [hidden], [inert]") || el.matches(".strategy-visually-hidden, .md-header__topic")) continue;
      const style = getComputedStyle(el);
      const hides = (value) => value === "hidden" || value === "clip";
      if (!(hides(style.overflowX) || hides(style.overflowY))) continue;
      if (style.textOverflow === "ellipsis" || el.getClientRects().length === 0 ||
          !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const rect = el.getBoundingClientRect();
      if (rect.width <= 2 || rect.height <= 2) continue;  // visually hidden by design
      const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const clippedX = hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
      const clippedY = hides(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      if (ownText && (clippedX || clippedY)) {
        found.push({ tool: "text-spacing", rule: "text-clipped",
          message: "with wider text spacing, this text is cut off by its box",
          element: `${el.tagName.toLowerCase()}.${String(el.className).trim().split(/\s+/).join(".")} "${el.textContent.trim().slice(0, 40)}"`,
          fix: "let the box grow with its text (no fixed height, no overflow: hidden)" });
      }
    }
    return found;
  });
  if (width <= NARROW) {
    found.push(...(await reflowProblems(page)).map((item) => ({ ...item, tool: "text-spacing",
      message: `${item.message} (with wider text spacing)` })));
  }
  await style.evaluate((node) => node.remove());
  await settled(page);
  return found;
}

// Colours, measured in the page: the checks of drawings, marks and undecided text share these
// (installed once per page by `withColour`, as page.evaluate cannot take functions along).
function installColour() {
  const parse = (colour) => {
    const m = colour && colour.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = "1"] = m[1].split(/[ ,/]+/).filter(Boolean);
    return [Number(r), Number(g), Number(b), Number(a)];
  };
  const luminance = (rgb) => {
    const [r, g, b] = rgb.slice(0, 3).map((c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (x, y) => {
    const [a, b] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (a + 0.05) / (b + 0.05);
  };
  // `top` (with its opacity) painted over `bottom`.
  const over = (top, bottom) => top.slice(0, 3).map((c, i) => c * top[3] + bottom[i] * (1 - top[3]));
  // Behind a page that sets no background: the browser's canvas, the system's in forced colours.
  const canvas = () => {
    const probe = document.createElement("div");
    probe.style.backgroundColor = "Canvas";
    document.body.append(probe);
    const colour = parse(getComputedStyle(probe).backgroundColor);
    probe.remove();
    return colour || [255, 255, 255, 1];
  };
  window.__a11yColour = { parse, luminance, ratio, over, canvas };
}

async function withColour(page) {
  if (!(await page.evaluate(() => Boolean(window.__a11yColour)))) await page.evaluate(installColour);
}

// Text drawn in an SVG: axe cannot tell its contrast (the SVG is an image to it, "needs
// review"), so measure it here: the text's fill against the shape drawn beneath it, or the
// page behind the drawing. WCAG 1.4.3: 4.5:1 (these labels are all small text).
async function svgTextContrastProblems(page) {
  await withColour(page);
  return page.evaluate(() => {
    const found = [];
    const { parse, over, ratio, canvas } = window.__a11yColour;
    const pageBehind = (el) => {
      for (let node = el; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour[3] > 0) return colour;
      }
      return canvas();
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
      const contrast = ratio(over(fill, background), background);
      if (unknown || contrast < 4.5) {
        found.push({
          tool: "svg-text", rule: "svg-text-contrast",
          message: unknown
            ? "text drawn over a patterned shape: its contrast cannot be measured"
            : `text in a drawing has contrast ${contrast.toFixed(2)}:1, under 4.5:1`,
          element: `${svg.closest("figure") ? "#" + svg.closest("figure").id : "svg"} text "${text.textContent.trim().slice(0, 40)}"`,
          fix: "give diagram text and the shape under it colours 4.5:1 apart in both palettes",
        });
      }
    }
    return found;
  });
}

// Where the navigation is a menu behind a button (phone widths), open it from the keyboard and
// check it too: axe on the open menu, then a keyboard walk of each of its panels (see
// menuKeyboardProblems).
async function openMenuProblems(page) {
  const button = await page.$('button[data-strategy-toggle="__drawer"]');
  if (!button || !(await button.isVisible())) return [];
  await button.focus();
  await page.keyboard.press("Enter");
  await settled(page);
  const found = (await axeProblems(page, ".md-sidebar--primary"))
    .map((item) => ({ ...item, message: `${item.message} (with the menu open)` }));
  found.push(...await menuKeyboardProblems(page));
  return found;
}

// The open phone menu is a dialog: focus moves into it, Tab stays inside its open panel (never
// on the page beneath, nor on a panel hidden under the open one), every stop is visible and
// shows its focus; each sub-panel opens from the keyboard, moves focus to its back button, and
// going back returns focus to the button that opened it; Escape closes the menu and returns
// focus to the menu button. Bounded: at most MENU_PANELS panels.
async function menuKeyboardProblems(page) {
  const found = [];
  const where = (state) => `${state.tag} "${state.text}"`;
  const menuProblem = (rule, message, element, fix) =>
    found.push(problem("keyboard", rule, `${message} (with the menu open)`, element, fix));
  const start = await page.evaluate(focusState);
  if (!start.inMenu) {
    menuProblem("menu-focus-not-moved", "opening the menu leaves focus outside it", where(start),
      "move focus to the first control of the menu's open panel when it opens");
  }
  // The stops of the open panel: where focus is when the walk starts (the panel's first
  // control, or the back button opening it moved focus to), then each Tab press until focus
  // comes back round. The start counts as a stop: reaching it again needs Tab to wrap through
  // the browser's own controls, which under load took more presses than the walk allows, and
  // a panel whose back button had focus was reported as having none.
  const walk = async (panel, from) => {
    const stops = [];
    const record = (state) => {
      stops.push(state);
      if (!state.inMenu) {
        menuProblem("focus-leaves-menu", `Tab leaves the open menu (${panel}) for the page beneath`,
          where(state), "make everything outside the open menu inert while it is open");
      } else if (!state.shown || !state.seen) {
        menuProblem("focus-under-panel", `Tab moves focus to something hidden under the open panel (${panel})`,
          where(state), "hide the panels beneath the open one (visibility: hidden) while it is open");
      } else if (!state.indicated) {
        menuProblem("focus-not-visible", `in the open menu (${panel}), nothing shows this has focus`,
          where(state), "give :focus-visible an outline or another clear change of style");
      }
    };
    if (from && from.key !== null && from.inMenu) record(from);
    let outside = 0;
    for (let step = 0; step < 80; step++) {
      await page.keyboard.press("Tab");
      const state = await settledFocus(page);
      if (state.key === null && !state.inMenu) {
        if (++outside > 2) break;
        continue;
      }
      outside = 0;
      if (stops.some((stop) => stop.key === state.key)) break;
      record(state);
    }
    return stops;
  };
  // Focus a stop and press a key on it; null if it can no longer take focus (never press a
  // key on whatever else has focus: it could be a link).
  const press = async (key, stop) => {
    const focused = await page.evaluate((k) => {
      const el = document.querySelector(`[data-a11y-key="${k}"]`);
      el.focus();
      return document.activeElement === el;
    }, stop.key);
    if (!focused) return null;
    await page.keyboard.press(key);
    return settledFocus(page);
  };
  let panels = 1;
  // Each sub-panel the stops of the open panel can open: open it, walk it, come back.
  const openEach = async (stops) => {
    for (const opener of stops.filter((stop) => stop.expanded === "false" && stop.shown)) {
      if (panels >= MENU_PANELS) return;
      panels++;
      const name = `the panel "${opener.text}" opens`;
      const opened = await press("Enter", opener);
      if (opened === null) continue;
      if (!opened.inMenu || !opened.shown || opened.key === opener.key) {
        menuProblem("panel-focus-not-moved", `opening ${name} leaves focus behind`,
          where(opened), "move focus to the new panel's back button when it opens");
      }
      const inner = await walk(name, opened);
      const innerBack = inner.find((stop) => stop.back && stop.shown);
      if (!innerBack) {
        menuProblem("no-way-back", `${name} has no back button Tab reaches`, where(opener),
          "give each panel a real button back to the panel above");
        return;
      }
      const returned = await press("Enter", innerBack);
      if (returned === null || returned.key !== opener.key) {
        menuProblem("back-loses-focus", `going back from ${name} does not return focus to the button that opened it`,
          returned ? where(returned) : where(innerBack), "return focus to the button that opened the panel");
        return;
      }
    }
  };
  const first = await walk("the panel it opens at", start);
  await openEach(first);
  const back = first.find((stop) => stop.back && stop.shown);
  if (back && panels < MENU_PANELS) {
    panels++;
    const after = await press("Enter", back);
    if (after !== null && (!after.inMenu || !after.shown)) {
      menuProblem("back-loses-focus", "going back a panel leaves focus where it cannot be seen",
        where(after), "return focus to the button that opened the panel");
    }
    await openEach(await walk("the panel above", after));
  }
  await page.keyboard.press("Escape");
  await settled(page);
  const closed = await page.evaluate(() => {
    const button = document.querySelector('button[data-strategy-toggle="__drawer"]');
    return { focused: document.activeElement === button,
             open: button && button.getAttribute("aria-expanded") === "true" };
  });
  if (closed.open || !closed.focused) {
    menuProblem("escape", closed.open ? "Escape does not close the menu"
      : "Escape closes the menu but does not return focus to the menu button", "the menu",
      "close the menu on Escape and move focus back to the button that opened it");
  }
  return found;
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
    const state = await settledFocus(page);
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

// Wait until the page stops moving: focus may scroll it into view, and panels (the search
// overlay) fade in and out.
async function settled(page) {
  await page.evaluate(settle);
}

// The same, then what the focused element looks like: one round trip for each Tab press.
async function settledFocus(page) {
  return page.evaluate(`(${settle})().then(${focusState})`);
}

// Runs in the page: waits, frame by frame, until the scroll position and the focused box are
// as they were a frame before and no finite animation runs (a panel sliding in, an overlay
// fading). Bounded by time rather than by a count of frames, which a loaded machine can pass
// through before a transition has ended. The first look is taken at
// once, so a page that did not move is settled after one frame (the frame in which scroll
// events, and the theme's handlers of them, have run). An endless animation is never waited for.
function settle() {
  const deadline = performance.now() + 3000;
  return new Promise((done) => {
    let last = null;
    const look = () => {
      const el = document.activeElement;
      const rect = el ? el.getBoundingClientRect() : { top: 0, left: 0 };
      const moving = document.getAnimations().filter((a) => a.playState === "running" &&
        a.effect && a.effect.getComputedTiming().endTime !== Infinity).length;
      const now = `${window.scrollX},${window.scrollY},${rect.top},${rect.left},${moving}`;
      if ((now === last && moving === 0) || performance.now() > deadline) done();
      else {
        last = now;
        requestAnimationFrame(look);
      }
    };
    look();
  });
}

// Runs in the page: what the focused element looks like now. A zero-size control (Material's
// palette radio) shows its focus on its visible label, so the label is judged instead.
function focusState() {
  const focused = document.activeElement;
  if (!focused || focused === document.body || !focused.dataset.a11yKey) {
    return { key: null, inMenu: Boolean(focused && focused.closest && focused.closest(".md-sidebar--primary")),
      tag: focused ? focused.tagName.toLowerCase() : "", text: "" };
  }
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
  return { key: focused.dataset.a11yKey, shown, indicated: outline || changed, seen,
    inMenu: Boolean(focused.closest(".md-sidebar--primary")), back: "strategyBack" in focused.dataset,
    expanded: focused.getAttribute("aria-expanded"), tag: focused.tagName.toLowerCase(),
    text: (focused.getAttribute("aria-label") || focused.textContent || "").trim()
      .replace(/\s+/g, " ").slice(0, 60) };
}
