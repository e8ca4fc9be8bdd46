"""Issue 17, "rooms with one idea each": where two copies of one decision were folded into
one, the case in which the copies disagreed."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, copy_data
from strategy_site.loading import load_site
from strategy_site.pdf import RenderedPdf
from strategy_site.scaffold import ScaffoldError, scaffold
from strategy_site.submission import submission_pack
from strategy_site.timetable import edition_deadlines

BD = "barking-and-dagenham"


def _fingerprint_without_fc_list(tmp_path: Path) -> str:
    """The PDF engine's fingerprint in a fresh process that cannot run `fc-list`."""
    run = subprocess.run(
        [sys.executable, "-c",
         "from strategy_site.pdf_batch import engine_fingerprint; print(engine_fingerprint())"],
        capture_output=True, text=True, timeout=120, cwd=REPO,
        env={**os.environ, "PATH": str(tmp_path)},  # an empty folder: no fc-list on it
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_fonts_that_cannot_be_listed_never_give_a_cached_pdf(tmp_path: Path) -> None:
    """`_fonts()` gave one constant, 'fonts unknown', whenever fc-list could not run: a PDF
    cached before a font changed was then served after it. Now such a fingerprint is one no
    other build makes, so the PDF is rendered again."""
    first = _fingerprint_without_fc_list(tmp_path)
    assert "fonts unknown" in first
    assert _fingerprint_without_fc_list(tmp_path) != first


@pytest.mark.parametrize("name", ["", "a" * 81])
def test_scaffold_refuses_a_folder_name_the_loader_would_refuse(tmp_path: Path,
                                                                name: str) -> None:
    """`slugify(name) == name` let an empty name (the data folder itself) and a name longer
    than an identifier through; the loader then refused the folder. One check now: the
    model's `is_identifier`."""
    data_dir = tmp_path / "strategy_data"
    data_dir.mkdir()
    with pytest.raises(ScaffoldError, match="expected a folder name of lower-case letters"):
        scaffold(data_dir, name, "Newham")
    assert not any(data_dir.iterdir())


def test_the_submission_pack_is_due_when_the_key_dates_say(tmp_path: Path) -> None:
    """The pack counted its due date itself (publication + within_days) beside the
    timetable's own: a rule with a fixed deadline gave the email one date and the Key dates
    page another. Both now take the timetable's."""
    data_dir = copy_data(tmp_path)
    (data_dir / "timetable.yaml").write_text(
        "extends: statutory\n"
        "rules:\n"
        "  - id: home-office-submission\n"
        "    checks: The strategy is sent to the Home Office by the date agreed\n"
        "    concerns: Home Office\n"
        "    address: seriousviolenceduty@homeoffice.gov.uk\n"
        "    templates: [london-serious-violence-duty]\n"
        "    event: submitted_to_home_office\n"
        "    starts: published\n"
        "    deadline: 2024-02-29\n"
        "    within_days: 7\n", encoding="utf-8")
    site = load_site(data_dir)
    assert site.timetable is not None
    strategy = next(s for s in site.latest_editions if s.home == BD)
    deadline = next(f for f in edition_deadlines(strategy, site.timetable, dt.date(2024, 2, 1))
                    if f.rule.id == "home-office-submission")
    pdf = RenderedPdf("strategy.pdf", b"%PDF-1.7 the strategy", 1)
    pack = submission_pack(strategy, pdf, site.timetable, "https://strategies.council.gov.uk/")
    assert deadline.due == dt.date(2024, 2, 29)
    assert pack.due == deadline.due
