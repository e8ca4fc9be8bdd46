#!/usr/bin/env python3
"""The accessibility gate: every page of a built site, at desktop and phone widths.

Serves the site on 127.0.0.1 under a sub-path (so relative links are proven too), lists the
pages from its sitemap, checks each page's HTTP status, then runs:

- pa11y-ci (WCAG2AA, runners axe and htmlcs) in Debian's chromium;
- axe-core with the WCAG 2.2 AA tags, reflow at 320 px and a keyboard walk
  (scripts/browser_checks.mjs, puppeteer-core in the same chromium);
- the Nu Html Checker (vnu.jar from npm, with the machine's Java) on every HTML file;
- the PDF checks (scripts/pdf_checks.py) on every PDF of the site: everything inside its
  pages' content box, header and footer artifacts, link annotations that say words.

Prints, per page, each problem with its rule, the element and how to fix it, then
"N pages, M problems". Exits 1 when there is any problem, 2 when the tools are missing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
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

import pdf_checks

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
WIDTHS = (1280, 320)
SUB_PATH = "/published/strategies/"
"""The site is served below a sub-path, as a council's web team would publish it."""

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


# --- serving the site ---------------------------------------------------------------------


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site only below SUB_PATH; anything else is a 404, as on a council's server."""

    def translate_path(self, path: str) -> str:
        address = urlsplit(path).path
        if not address.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_the_site__")
        return super().translate_path("/" + address[len(SUB_PATH):])

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
    """Every page must answer 200: pa11y passes a 404 page as if it were fine."""
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


BROWSER_WORKERS = 4
"""Browsers checking pages at once: they mostly wait for frames, so more than the cores."""


def _width_url(base: str, page: str, width: int) -> str:
    # pa11y-ci keys its report by URL: the query string keeps each width's result apart.
    return f"{base}{page}?a11y-width={width}"


def _page_of(base: str, url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    page = parts.path[len(urlsplit(base).path):]
    width = parts.query.removeprefix("a11y-width=")
    return page, int(width) if width.isdigit() else None


def pa11y_problems(base: str, pages: list[str], workdir: Path) -> list[Problem]:
    """pa11y-ci with WCAG2AA, runners axe and htmlcs, once per width."""
    config = {
        "concurrency": BROWSER_WORKERS,
        "defaults": {
            "standard": "WCAG2AA",
            "runners": ["axe", "htmlcs"],
            "timeout": 90000,
            "chromeLaunchConfig": {"executablePath": str(CHROMIUM), "args": CHROMIUM_ARGS},
        },
        "urls": [
            {"url": _width_url(base, page, width),
             "viewport": {"width": width, "height": 1024 if width > 400 else 640}}
            for page in pages for width in WIDTHS
        ],
    }
    config_file = workdir / "pa11y-ci.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    report_file = workdir / "pa11y-ci-report.json"
    # Into a file, not a pipe: Node cuts output to a pipe short when pa11y-ci exits.
    with report_file.open("w", encoding="utf-8") as output:
        run = subprocess.run(
            [str(NODE_MODULES / ".bin" / "pa11y-ci"), "--config", str(config_file), "--json"],
            stdout=output, stderr=subprocess.PIPE, text=True, timeout=1800, cwd=ROOT,
        )
    try:
        report = json.loads(report_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return [Problem("", None, "pa11y-ci", "did-not-run",
                        f"pa11y-ci gave no report (exit {run.returncode}): {run.stderr[-400:]}",
                        "", "run `make a11y` to install the tools")]
    found = []
    for url, issues in report.get("results", {}).items():
        page, width = _page_of(base, url)
        for issue in issues:
            if not issue.get("code"):
                # A page that failed to load is an entry with a message and no code.
                found.append(Problem(page, width, "pa11y-ci", "page-failed",
                                     str(issue.get("message", issue)), url,
                                     "make sure the page loads"))
                continue
            if _measured_elsewhere(issue):
                continue
            found.append(Problem(
                page, width, f"pa11y/{issue.get('runner', '?')}", issue["code"],
                _first_sentence(issue.get("message", "")), issue.get("selector") or "",
                _fix_from(issue.get("message", ""), issue["code"]),
            ))
    return found


def _measured_elsewhere(issue: dict[str, object]) -> bool:
    """axe could not decide the contrast of text drawn in an SVG ("needs review": it sees the
    SVG as an image). The browser checks measure exactly that text, and fail it if it is under
    4.5:1, so axe's undecided result is replaced by a decided one. Violations axe is sure of,
    and anything else it cannot decide, still count."""
    extras = issue.get("runnerExtras")
    return (issue.get("runner") == "axe" and issue.get("code") == "color-contrast"
            and isinstance(extras, dict) and bool(extras.get("needsFurtherReview"))
            and " svg " in f" {str(issue.get('selector', '')).replace('>', ' ')} ")


def browser_problems(base: str, pages: list[str], workdir: Path) -> list[Problem]:
    """axe (WCAG 2.2 AA tags), reflow and keyboard, from scripts/browser_checks.mjs."""
    job = {
        "chromium": str(CHROMIUM),
        "axe": str(NODE_MODULES / "axe-core" / "axe.min.js"),
        "concurrency": BROWSER_WORKERS,
        "pages": [{"url": _width_url(base, page, width), "width": width}
                  for page in pages for width in WIDTHS],
    }
    job_file = workdir / "browser-checks.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    result_file = workdir / "browser-checks-result.json"
    run = subprocess.run(
        ["node", str(ROOT / "scripts" / "browser_checks.mjs"), str(job_file), str(result_file)],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
    )
    if run.returncode != 0:
        return [Problem("", None, "browser", "did-not-run",
                        f"the browser checks failed (exit {run.returncode}): {run.stderr[-600:]}",
                        "", "run `make a11y` to install the tools")]
    found = []
    for result in json.loads(result_file.read_text(encoding="utf-8")):
        page, width = _page_of(base, result["url"])
        for item in result["problems"]:
            found.append(Problem(page, width, item["tool"], item["rule"], item["message"],
                                 item["element"], item["fix"]))
    return found


def html_problems(site: Path) -> list[Problem]:
    """The Nu Html Checker's errors in every HTML file of the site."""
    jar = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
    run = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html",
         str(site)],
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


def pdf_problems(site: Path) -> list[Problem]:
    """Every PDF of the site, by scripts/pdf_checks.py (pure Python: no browser, no server)."""
    return [Problem(finding.file, None, "pdf", finding.rule, finding.message,
                    f"page {finding.page}: {finding.element}", finding.fix)
            for finding in pdf_checks.site_pdf_findings(site)]


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
    if not (NODE_MODULES / ".bin" / "pa11y-ci").exists():
        missing.append("node_modules (PUPPETEER_SKIP_DOWNLOAD=1 npm ci)")
    if not CHROMIUM.exists():
        missing.append(f"chromium at {CHROMIUM} (apt-get install chromium)")
    if shutil.which("java") is None:
        missing.append("java (apt-get install default-jre-headless)")
    if shutil.which("node") is None:
        missing.append("node (apt-get install nodejs)")
    return missing


def check(site: Path) -> tuple[list[str], list[Problem]]:
    """Every check on every page of `site`; the pages and the problems found."""
    pages = sitemap_pages(site)
    with serve(site) as base, tempfile.TemporaryDirectory() as work, \
            ThreadPoolExecutor(max_workers=4) as pool:
        workdir = Path(work)
        # The checkers are separate processes: run them side by side.
        running = {
            "pa11y-ci": pool.submit(_timed, pa11y_problems, base, pages, workdir),
            "browser checks": pool.submit(_timed, browser_problems, base, pages, workdir),
            "Nu Html Checker": pool.submit(_timed, html_problems, site),
            "PDF checks": pool.submit(_timed, pdf_problems, site),
        }
        problems = status_problems(base, pages)
        for name, job in running.items():
            found, seconds = job.result()
            print(f"{name}: {seconds:.0f} s", file=sys.stderr)
            problems += found
    return pages, sorted(_dedupe(problems), key=lambda p: (p.page, p.width or 0, p.tool, p.rule))


def _timed(checker: Callable[..., list[Problem]], *args: Any) -> tuple[list[Problem], float]:
    """A checker's problems and how long it took (the gate's time is the slowest one's)."""
    start = time.perf_counter()
    return checker(*args), time.perf_counter() - start


def _dedupe(problems: list[Problem]) -> Iterator[Problem]:
    """axe runs both inside pa11y and with the WCAG 2.2 tags: report each finding once."""
    seen = set()
    for problem in problems:
        key = (problem.page, problem.width, problem.rule, problem.element)
        if key not in seen:
            seen.add(key)
            yield problem


def report(pages: list[str], problems: list[Problem]) -> str:
    """The readable report: per page, each problem; then the summary line."""
    lines = []
    by_page: dict[str, list[Problem]] = {}
    for problem in problems:
        by_page.setdefault(problem.page, []).append(problem)
    for page, found in by_page.items():
        lines.append(f"\n/{page}")
        for problem in found:
            at = f" at {problem.width} px" if problem.width else ""
            lines.append(f"  - [{problem.tool} {problem.rule}]{at}: {problem.message}")
            if problem.element:
                lines.append(f"      element: {problem.element}")
            lines.append(f"      fix: {problem.fix}")
    lines.append(f"\n{len(pages)} pages, {len(problems)} problems "
                 f"(widths {' and '.join(f'{w} px' for w in WIDTHS)})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the gate; 0 when no page has a problem."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site")
    parser.add_argument("--json", type=Path, help="also write the problems here as JSON")
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("The accessibility gate needs: " + "; ".join(missing), file=sys.stderr)
        return 2
    site = args.site.resolve()
    if not (site / "sitemap.xml").exists():
        print(f"{site}: no sitemap.xml; build the site first (make site)", file=sys.stderr)
        return 2
    pages, problems = check(site)
    print(report(pages, problems))
    if args.json:
        args.json.write_text(json.dumps([p.__dict__ for p in problems], indent=1),
                             encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
