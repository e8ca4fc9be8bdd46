"""The accessibility gate can fail: a page seeded with known problems is caught and named.

`make test` runs the gate on the real site afterwards; this proves the gate is not a formality.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import REPO

GATE = REPO / "scripts" / "a11y_check.py"

BAD_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>A page with known problems</title>
</head>
<body>
  <main>
    <h1>A page with known problems</h1>
    <img src="chart.png" width="200" height="100">
    <p style="color: #b0b0b0; background: #ffffff">Pale grey text on white.</p>
    <svg role="img" aria-labelledby="pale-title" viewBox="0 0 200 40" width="200" height="40">
      <title id="pale-title">A drawing with pale text</title>
      <rect width="200" height="40" fill="#ffffff"/>
      <text x="10" y="25" fill="#c8c8c8">Pale label</text>
    </svg>
    <table>
      <caption>Far too wide for a phone</caption>
      <tr>{cells}</tr>
    </table>
  </main>
</body>
</html>
"""

SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://www.example.org/site/</loc></url>
  <url><loc>https://www.example.org/site/missing/</loc></url>
</urlset>
"""


@pytest.fixture(scope="module")
def bad_site_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, list[dict]]:
    site = tmp_path_factory.mktemp("bad-site")
    cells = "".join(f'<td style="white-space: nowrap">Column number {n}</td>' for n in range(12))
    (site / "index.html").write_text(BAD_PAGE.format(cells=cells), encoding="utf-8")
    (site / "chart.png").write_bytes(b"")
    (site / "sitemap.xml").write_text(SITEMAP, encoding="utf-8")
    report_file = site.parent / "report.json"
    run = subprocess.run(
        [sys.executable, str(GATE), "--site", str(site), "--json", str(report_file)],
        capture_output=True, text=True, timeout=900,
    )
    problems = json.loads(report_file.read_text(encoding="utf-8")) if report_file.exists() else []
    return run.returncode, run.stdout + run.stderr, problems


def _rules(problems: list[dict], page: str = "") -> set[str]:
    return {p["rule"] for p in problems if p["page"] == page}


def test_the_gate_fails_on_a_page_with_known_problems(
    bad_site_report: tuple[int, str, list[dict]],
) -> None:
    code, output, problems = bad_site_report
    assert code == 1, output
    assert problems, output


def test_an_image_without_alt_text_is_named(bad_site_report: tuple[int, str, list[dict]]) -> None:
    _, _, problems = bad_site_report
    assert "image-alt" in _rules(problems)
    assert any(p["rule"] == "image-alt" and "img" in p["element"] for p in problems)


def test_low_contrast_text_is_named(bad_site_report: tuple[int, str, list[dict]]) -> None:
    _, _, problems = bad_site_report
    assert "color-contrast" in _rules(problems)


def test_pale_text_in_a_drawing_is_measured_and_named(
    bad_site_report: tuple[int, str, list[dict]],
) -> None:
    _, _, problems = bad_site_report
    pale = [p for p in problems if p["rule"] == "svg-text-contrast"]
    assert {p["width"] for p in pale} == {320, 1280}
    assert 'text "Pale label"' in pale[0]["element"]
    assert "contrast 1.67:1" in pale[0]["message"]  # #c8c8c8 on white


def test_a_table_too_wide_for_a_phone_is_named(
    bad_site_report: tuple[int, str, list[dict]],
) -> None:
    _, _, problems = bad_site_report
    sideways = [p for p in problems if p["rule"] == "page-scrolls-sideways"]
    assert [p["width"] for p in sideways] == [320]
    assert "table" in sideways[0]["element"] or "td" in sideways[0]["element"]


def test_a_page_that_does_not_load_is_a_failure_not_a_pass(
    bad_site_report: tuple[int, str, list[dict]],
) -> None:
    _, _, problems = bad_site_report
    assert "status" in _rules(problems, "missing/")


def test_the_report_is_readable(bad_site_report: tuple[int, str, list[dict]]) -> None:
    _, output, problems = bad_site_report
    assert f"2 pages, {len(problems)} problems" in output
    assert "[axe image-alt] at 1280 px: Images must have alternative text" in output
    assert "fix:" in output and "element:" in output
