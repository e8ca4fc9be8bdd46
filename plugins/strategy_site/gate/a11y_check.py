#!/usr/bin/env python3
"""The accessibility gate: every page of a built site, at desktop and phone widths.

Serves the site on 127.0.0.1 under a sub-path (so relative links are proven too), lists the
pages from its sitemap, checks each page's HTTP status, then runs:

- in Debian's chromium, each page loaded once (browser_checks.mjs, puppeteer-core): pa11y
  (WCAG2AA, runner HTML_CodeSniffer), axe-core with the WCAG 2.2 AA tags, IBM Equal Access,
  reflow at 320 px, a keyboard walk with the phone menu closed and open, forced colours, text
  spacing, the skip link, live regions and tab stops;
- the Nu Html Checker (vnu.jar from npm, with the machine's Java) on every HTML file;
- every page's title, which no other page may share.
- the PDF checks (scripts/pdf_checks.py) on every PDF of the site: everything inside its
  pages' content box, header and footer artifacts, link annotations that say words.

The 404 page is checked too, served at a missing address as a web server would.

Prints, per page, each problem with its rule, the element and how to fix it, then what IBM's
engine asks a person to review (listed, not failed), then "N pages, M problems". Exits 1 when
there is any problem, 2 when the tools are missing. `--only bexley` checks one partnership's
pages (with the home page, the timetable and the 404 page) for a quick look at a council's
own part.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import catalog
from . import pdf_checks, tools

TOOLS = tools.tools_dir()
"""The folder whose node_modules/ holds the gate's Node packages (gate/tools.py)."""
NODE_MODULES = TOOLS / "node_modules"
CHROMIUM = tools.chromium()
WIDTHS = (1280, 320)
SUB_PATH = "/published/strategies/"
"""The site is served below a sub-path, as a council's web team would publish it."""
MISSING_PAGE = "no-such-page/at/any/depth/"
"""An address the site does not have: the server answers it with the site's 404 page."""

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions",
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong on one page, at one width (None: not width-specific)."""

    page: str
    width: int | None
    tool: str
    rule: str
    message: str
    element: str
    fix: str
    review: bool = False
    """Something an engine asks a person to check (IBM's "potential"): listed, not failed."""


# --- serving the site ---------------------------------------------------------------------


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site only below SUB_PATH; anything else is a 404, as on a council's server,
    which shows the site's own 404 page for a missing address below it."""

    def translate_path(self, path: str) -> str:
        address = urlsplit(path).path
        if not address.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + address[len(SUB_PATH):])

    def send_error(self, code: int, message: str | None = None,
                   explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        inside = urlsplit(self.path).path.startswith(SUB_PATH)
        if code != 404 or not inside or not not_found.exists():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    """A browser that stops loading a file mid-way is normal here, not an error to print."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` on a free port; yield the base address (ending in SUB_PATH)."""
    handler = functools.partial(_SubPathHandler, directory=str(site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def sitemap_pages(site: Path) -> list[str]:
    """Every page in the sitemap, as a path relative to the site root ('' for the home page).

    The sitemap holds absolute addresses from `site_url` (or root-relative ones without it);
    only their path below the site's own root is kept, so they can be rewritten to the server.
    """
    tree = etree.parse(site / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text or "" for loc in tree.getroot().iterfind("s:url/s:loc", namespace)]
    paths = [urlsplit(location).path for location in locations]
    if not paths:
        return []
    root = min(paths, key=len)  # the home page's address is the site's root
    return sorted(path.removeprefix(root) for path in paths if path.startswith(root))


def status_problems(base: str, pages: list[str]) -> list[Problem]:
    """Every page must answer 200: the engines check a 404 page as if it were the page."""
    found = []
    if not pages:
        found.append(Problem("sitemap.xml", None, "sitemap", "no-pages",
                             "the sitemap lists no pages", "sitemap.xml",
                             "set site_url in mkdocs.yml: MkDocs lists pages only with it"))
    for page in pages:
        try:
            with urllib.request.urlopen(base + page, timeout=30) as response:
                answer = f"HTTP {response.status}" if response.status != 200 else ""
        except urllib.error.HTTPError as error:
            answer = f"HTTP {error.code}"
        except urllib.error.URLError as error:
            answer = f"no answer ({error.reason})"
        if answer:
            found.append(Problem(page, None, "http", "status", f"the page gave {answer}",
                                 base + page, "build the site again; check the sitemap"))
    return found


# --- the three checkers -------------------------------------------------------------------


BROWSER_WORKERS = 3
"""Browsers checking pages at once: one more than this machine's two cores, as they wait for
frames between key presses (measured: 3 took 88 s for one partnership alone, 4 took 98 s, 2 took
93 s, 1 took 126 s)."""


def _width_url(base: str, page: str, width: int) -> str:
    # The query string keeps each width's result apart where results are keyed by URL.
    return f"{base}{page}?a11y-width={width}"


def _page_of(base: str, url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    page = parts.path[len(urlsplit(base).path):]
    width = parts.query.removeprefix("a11y-width=")
    return page, int(width) if width.isdigit() else None


def browser_problems(base: str, pages: list[str], workdir: Path) -> list[Problem]:
    """pa11y (HTML_CodeSniffer), axe (WCAG 2.2 AA tags), IBM Equal Access, reflow, keyboard
    (menu closed and open), forced colours, text spacing and page structure, from
    browser_checks.mjs."""
    job = {
        "chromium": str(CHROMIUM),
        "axe": str(NODE_MODULES / "axe-core" / "axe.min.js"),
        "ace": str(NODE_MODULES / "accessibility-checker-engine" / "ace.js"),
        "concurrency": BROWSER_WORKERS,
        # The skip link's words in each language our theme writes (catalog.py): a Welsh page's
        # is "Neidio i'r prif gynnwys".
        "skip_links": sorted({catalog.gettext_in(language)("Skip to main content")
                              for language in catalog.LANGUAGES}),
        "pages": [{"url": _width_url(base, page, width), "width": width,
                   "status": 404 if page == MISSING_PAGE else 200}
                  for page in pages for width in WIDTHS],
    }
    job_file = workdir / "browser-checks.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    result_file = workdir / "browser-checks-result.json"
    run = subprocess.run(
        ["node", str(tools.placed_script("browser_checks.mjs", TOOLS)), str(job_file),
         str(result_file)],
        capture_output=True, text=True, timeout=1800, cwd=TOOLS,
    )
    if run.returncode != 0:
        return [Problem("", None, "browser", "did-not-run",
                        f"the browser checks failed (exit {run.returncode}): {run.stderr[-600:]}",
                        "", "run `make a11y` to install the tools")]
    found = []
    for result in json.loads(result_file.read_text(encoding="utf-8")):
        page, width = _page_of(base, result["url"])
        for item in result["problems"]:
            message, fix = item["message"], item["fix"]
            if item["tool"].startswith("pa11y"):
                message, fix = _first_sentence(message), _fix_from(message, item["rule"])
            found.append(Problem(page, width, item["tool"], item["rule"], message,
                                 item["element"], fix))
        for item in result.get("review", []):
            found.append(Problem(page, width, item["tool"], item["rule"], item["message"],
                                 item["element"], item["fix"], review=True))
    return found


def html_problems(site: Path, files: list[Path] | None = None) -> list[Problem]:
    """The Nu Html Checker's errors in every HTML file of the site (or in `files`)."""
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    targets = [str(path) for path in files] if files is not None else [str(site)]
    run = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
         *targets],
        capture_output=True, text=True, timeout=600,
    )
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        return [Problem("", None, "vnu", "did-not-run",
                        f"the Nu Html Checker gave no report: {run.stderr[-400:]}", "",
                        "install Java (the Makefile does) and run `make a11y`")]
    found = []
    for message in messages:
        if message.get("type") != "error":
            continue
        path = Path(urlsplit(message.get("url", "")).path)
        page = path.relative_to(site).as_posix() if path.is_relative_to(site) else str(path)
        page = page.removesuffix("index.html")
        line = message.get("lastLine")
        extract = " ".join(message.get("extract", "").split())
        found.append(Problem(page, None, "vnu", "html-error", message.get("message", ""),
                             f"line {line}: {extract}",
                             "write valid HTML5 (https://html.spec.whatwg.org/)"))
    return found


def title_problems(site: Path, pages: list[str]) -> list[Problem]:
    """Every page's <title> names it: no two pages of the site share one (WCAG 2.4.2)."""
    titles: dict[str, list[str]] = {}
    for page in sitemap_pages(site):
        file = site / page / "index.html"
        if not file.exists():
            continue  # status_problems names a page that does not exist
        html = file.read_text(encoding="utf-8")
        match = re.search(r"<title>(.*?)</title>", html, re.S)
        titles.setdefault(" ".join(match.group(1).split()) if match else "", []).append(page)
    found = []
    for title, sharing in titles.items():
        for page in sharing:
            if page not in pages:
                continue
            if not title:
                found.append(Problem(page, None, "titles", "no-title", "the page has no title",
                                     "<title>", "give every page a <title>"))
            elif len(sharing) > 1:
                others = ", ".join(f"/{other}" for other in sharing if other != page)
                found.append(Problem(
                    page, None, "titles", "title-not-unique",
                    f"the page's title is also the title of {others}", f"<title>{title}</title>",
                    "make each title name its page and what it belongs to (its partnership)"))
    return found


def pdf_problems(site: Path, only: list[str] | None = None) -> list[Problem]:
    """Every PDF of the site (or of the partnerships `only` names), by scripts/pdf_checks.py
    (pure Python: no browser, no server)."""
    return [Problem(finding.file, None, "pdf", finding.rule, finding.message,
                    f"page {finding.page}: {finding.element}", finding.fix)
            for finding in pdf_checks.site_pdf_findings(
                site, chosen=lambda name: _chosen(name, only))]


def _first_sentence(message: str) -> str:
    return message.split(" (https://", 1)[0].strip()


_TECHNIQUE_FOLDERS = {"ARIA": "aria", "SCR": "client-side-script", "H": "html", "C": "css",
                      "G": "general", "F": "failures"}


def _fix_from(message: str, code: str) -> str:
    """Where to read how to fix it: axe's help page, or the W3C technique HTML_CodeSniffer cites."""
    if "(https://" in message:
        return "see https://" + message.split("(https://", 1)[1].rstrip(")")
    for part in code.split("."):
        prefix = part.rstrip("0123456789")
        if prefix in _TECHNIQUE_FOLDERS and part[len(prefix):].isdigit():
            return (f"see https://www.w3.org/WAI/WCAG22/Techniques/"
                    f"{_TECHNIQUE_FOLDERS[prefix]}/{part}")
    return "see the WCAG 2.2 quick reference: https://www.w3.org/WAI/WCAG22/quickref/"


# --- running and reporting ----------------------------------------------------------------


def missing_tools() -> list[str]:
    """What must be installed before the gate can run."""
    missing = []
    if not (NODE_MODULES / "pa11y" / "package.json").exists():
        missing.append(f"the Node packages in {NODE_MODULES} (strategy-site gate installs them)")
    if not CHROMIUM.exists():
        missing.append(f"chromium at {CHROMIUM} (apt-get install chromium)")
    if shutil.which("java") is None:
        missing.append("java (apt-get install default-jre-headless)")
    if shutil.which("node") is None:
        missing.append("node (apt-get install nodejs)")
    return missing


def check(site: Path, only: list[str] | None = None) -> tuple[list[str], list[Problem]]:
    """Every check on every page of `site` (or of the partnerships `only` names, with the home
    page), and on its 404 page; the pages and the problems found (reviews among them)."""
    pages = [page for page in sitemap_pages(site) if _chosen(page, only)]
    checked = [*pages, MISSING_PAGE]
    files = None if only is None else [site / page / "index.html" for page in pages]
    with serve(site) as base, tempfile.TemporaryDirectory() as work, \
            ThreadPoolExecutor(max_workers=4) as pool:
        workdir = Path(work)
        # The checkers are separate processes: run them side by side.
        running = {
            "browser checks": pool.submit(_timed, browser_problems, base, checked, workdir),
            "Nu Html Checker": pool.submit(_timed, html_problems, site, files),
            "PDF checks": pool.submit(_timed, pdf_problems, site, only),
        }
        problems = status_problems(base, pages) + title_problems(site, pages)
        for name, job in running.items():
            found, seconds = job.result()
            print(f"{name}: {seconds:.0f} s", file=sys.stderr)
            problems += found
    return checked, sorted(_dedupe(problems),
                           key=lambda p: (p.page, p.width or 0, p.tool, p.rule))


SITE_WIDE = ("", "timetable/")
"""The pages that list every partnership (the home page, the timetable dashboard): a
partnership's data shows on them too, so `--only` checks them with its own pages."""


def _chosen(page: str, only: list[str] | None) -> bool:
    """Whether a page (or a file, by its path in the site) is among those to check: with
    `only`, a named partnership's (each its folder in the site) and the site-wide pages."""
    return only is None or page in SITE_WIDE or page.split("/", 1)[0] in only


def _timed(checker: Callable[..., list[Problem]], *args: Any) -> tuple[list[Problem], float]:
    """A checker's problems and how long it took (the gate's time is the slowest one's)."""
    start = time.perf_counter()
    return checker(*args), time.perf_counter() - start


def _dedupe(problems: list[Problem]) -> Iterator[Problem]:
    """A finding reported twice (at one width, by two checks of one engine) is shown once."""
    seen = set()
    for problem in problems:
        key = (problem.page, problem.width, problem.rule, problem.element)
        if key not in seen:
            seen.add(key)
            yield problem


def report(pages: list[str], problems: list[Problem]) -> str:
    """The readable report: per page, each problem; what IBM's engine asks a person to review,
    by rule; then the summary line."""
    lines = []
    failing = [problem for problem in problems if not problem.review]
    by_page: dict[str, list[Problem]] = {}
    for problem in failing:
        by_page.setdefault(problem.page, []).append(problem)
    for page, found in by_page.items():
        lines.append(f"\n/{page}")
        for problem in found:
            at = f" at {problem.width} px" if problem.width else ""
            lines.append(f"  - [{problem.tool} {problem.rule}]{at}: {problem.message}")
            if problem.element:
                lines.append(f"      element: {problem.element}")
            lines.append(f"      fix: {problem.fix}")
    reviews: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.review:
            reviews.setdefault(problem.rule, []).append(problem)
    if reviews:
        lines.append("\nFor a person to review (IBM Equal Access \"potential\" results; they do "
                     "not fail the gate):")
        for rule, found in sorted(reviews.items()):
            where = len({problem.page for problem in found})
            lines.append(f"  - {rule}: {len(found)} on {where} pages, e.g. {found[0].message}")
    lines.append(f"\n{len(pages)} pages, {len(failing)} problems "
                 f"(widths {' and '.join(f'{w} px' for w in WIDTHS)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the gate; 0 when no page has a problem."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site")
    parser.add_argument("--json", type=Path, help="also write the problems here as JSON")
    parser.add_argument("--only", action="append", metavar="PARTNERSHIP",
                        help="check only this partnership's pages (its folder name) and the "
                             "home page; may be given more than once")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("The accessibility gate needs: " + "; ".join(missing), file=sys.stderr)
        return 2
    site = args.site.resolve()
    if not (site / "sitemap.xml").exists():
        print(f"{site}: no sitemap.xml; build the site first (make site)", file=sys.stderr)
        return 2
    pages, problems = check(site, args.only)
    print(report(pages, problems))
    if args.json:
        args.json.write_text(json.dumps([p.__dict__ for p in problems], indent=1),
                             encoding="utf-8")
    return 1 if any(not problem.review for problem in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
