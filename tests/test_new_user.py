"""What a new user hit writing a partnership from the authoring guide alone (issue 16), each
on a real site built from a small borough: the page, the PDF and the submission pack."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pypdf
import pytest
import yaml
from mkdocs.exceptions import Abort

from conftest import FIXTURES, PUBLISHED_AT, BuiltSite, article, build_site, copy_data
from strategy_site.loading import StrategyDataError, load_site

TS = "testshire"

TIMETABLE = """\
rules:
  - id: home-office-submission
    checks: The strategy is sent to the Home Office within 7 days of its publication
    concerns: Home Office
    address: seriousviolenceduty@homeoffice.gov.uk
    event: submitted_to_home_office
    starts: published
    within_days: 7
    not_before_start: true
"""
"""The one rule the submission pack needs, so the pack is made from this data alone."""


def edit(path: Path, **changes: Any) -> None:
    """Change top-level fields of a YAML file (None removes one)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def pdf_text(site: BuiltSite, home: str = TS) -> str:
    [path] = (site.root / home).glob("*.pdf")
    reader = pypdf.PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@dataclass
class Built:
    data: Path
    site: BuiltSite
    project: Path


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The small borough with what a new partnership writes: a named officer to contact, no
    funding streams, an action plan still to be written."""
    tmp = tmp_path_factory.mktemp("newcomer")
    data = copy_data(tmp, FIXTURES / "minimal")
    (data / "timetable.yaml").write_text(TIMETABLE, encoding="utf-8")
    strategy = yaml.safe_load((data / TS / "strategy.yaml").read_text(encoding="utf-8"))
    edit(data / TS / "strategy.yaml", contact={
        **strategy["contact"], "name": "Jane Example",
        "role": "Community Safety Partnership Manager", "phone": "020 8227 3000"})
    # The years in the title, the period and the edition alike; a long objective.
    edit(data / TS / "strategy.yaml", title="Serious Violence Duty Strategy 2024-27",
         period="2024-27", edition="2024-27")
    edit(data / TS / "objectives.yaml", objectives=[{
        "number": 1, "short_title": "Knife crime", "title": LONG_OBJECTIVE,
        "actions": [{"title": "Patrol hotspots"}]}])
    # No funding identified, and an action plan not yet written: said in words.
    edit(data / TS / "funding.yaml", years=None, streams=[], none_identified=NO_FUNDING)
    edit(data / TS / "themes.yaml", themes=[], action_plan_due=dt.date(2025, 6, 30))
    # A shared definition adopted without its notes.
    (data / "shared").mkdir(exist_ok=True)
    (data / "shared" / "region-definition.yaml").write_text(yaml.safe_dump({
        "name": "Regional definition of serious violence", "source": "Regional guidance",
        "statement": SHARED_STATEMENT,
        "notes": [{"label": "A", "body": SHARED_NOTE}]}), encoding="utf-8")
    (data / TS / "definition.yaml").write_text(
        "adopts: region-definition\ninclude_notes: false\n", encoding="utf-8")
    site = build_site(tmp, data, site_url=PUBLISHED_AT)
    return Built(data, site, tmp / "project")


SHARED_STATEMENT = "Any violence causing serious harm in the region."
SHARED_NOTE = "Drafted with a body the partnership does not name."


NO_FUNDING = "No funding streams are identified in this strategy."
LONG_OBJECTIVE = ("Reduce knife crime and the harm it causes young people, through enforcement, "
                  "education and support in the places where it happens most")


@pytest.mark.slow  # opens the PDFs
def test_the_contact_names_an_officer_with_role_and_phone(newcomer: Built) -> None:
    html = article(newcomer.site.html(f"{TS}/"))
    contact = html.split('id="contact"', 1)[1]
    assert "Jane Example, Community Safety Partnership Manager<br>" in contact
    assert '<a href="tel:02082273000">020 8227 3000</a>' in contact
    text = pdf_text(newcomer.site)
    assert "Jane Example, Community Safety Partnership Manager" in text
    assert "Telephone: 020 8227 3000" in text


@pytest.mark.slow  # the submission pack: made only with the PDFs
def test_the_submission_email_is_signed_by_the_officer(newcomer: Built) -> None:
    [email] = (newcomer.project / "submissions" / TS).glob("*.eml")
    body = email.read_text(encoding="utf-8")
    assert re.search(r"Jane Example\r?\nCommunity Safety Partnership Manager\r?\nCommunity "
                     r"Safety Team\r?\nTestshire Community Safety Partnership\r?\n"
                     r"csp@testshire.example\r?\n020 8227 3000", body), body[:1500]


@pytest.mark.parametrize("phone", ["call us", "12", "020 8227 3000 ext. 5"])
def test_a_phone_number_is_digits(tmp_path: Path, phone: str) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    strategy = yaml.safe_load((data / TS / "strategy.yaml").read_text(encoding="utf-8"))
    edit(data / TS / "strategy.yaml", contact={**strategy["contact"], "phone": phone})
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    [problem] = raised.value.problems
    assert problem.field == "contact.phone"
    assert "expected a telephone number" in problem.message


@pytest.mark.slow  # opens the PDFs
def test_a_strategy_with_no_funding_says_so_without_totals(newcomer: Built) -> None:
    page = article(newcomer.site.html(f"{TS}/funding/"))
    assert NO_FUNDING in page
    assert "<table" not in page and "Totals" not in page and "£" not in page
    assert "<figure" not in page
    text = pdf_text(newcomer.site)
    assert NO_FUNDING in text
    assert "£" not in text and "Totals by financial year" not in text and "All funds" not in text


@pytest.mark.slow  # opens the PDFs
def test_an_action_plan_not_yet_written_says_when_it_follows(newcomer: Built) -> None:
    page = newcomer.site.text(f"{TS}/themes/").replace(" ,", ",")  # text split at <time>
    said = ("The action plan is not yet written. It will follow by 30 June 2025, and its themes "
            "will then be listed here.")
    assert said in page
    assert "<ol" not in article(newcomer.site.html(f"{TS}/themes/"))
    assert said in pdf_text(newcomer.site)


def test_the_landing_page_still_lists_both_parts(newcomer: Built) -> None:
    contents = newcomer.site.text(f"{TS}/").split("Contents", 1)[1]
    assert "Funding" in contents and "Themes" in contents


@pytest.mark.parametrize(("file", "changes", "field", "says"), [
    ("funding.yaml", {"streams": []}, "streams",
     "expected at least one funding stream, or 'none_identified' saying so in words, like 'No "
     "funding streams are identified in this strategy.'"),
    ("funding.yaml", {"none_identified": NO_FUNDING}, "none_identified",
     "expected 'none_identified' only when there are no funding streams"),
    ("funding.yaml", {"streams": [], "none_identified": NO_FUNDING}, "years",
     "expected no 'years' when no funding streams are identified"),
    ("themes.yaml", {"themes": []}, "themes",
     "expected at least one theme of the action plan, or, while the plan is not yet written, "
     "'action_plan_due': the date by which it follows, like 2025-06-30"),
    ("themes.yaml", {"action_plan_due": dt.date(2025, 6, 30)}, "action_plan_due",
     "expected 'action_plan_due' only while the action plan has no themes"),
])
def test_an_empty_part_must_say_why(tmp_path: Path, file: str, changes: dict[str, Any],
                                    field: str, says: str) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    edit(data / TS / file, **changes)
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    [problem] = raised.value.problems
    assert problem.file.name == file and problem.field == field, problem
    assert says in problem.message


@pytest.mark.slow  # opens the PDFs
def test_a_shared_definition_can_be_adopted_without_its_notes(newcomer: Built) -> None:
    page = newcomer.site.text(f"{TS}/definition/")
    assert SHARED_STATEMENT in page
    assert SHARED_NOTE not in page and "Notes" not in page
    text = pdf_text(newcomer.site)
    assert SHARED_STATEMENT in text and SHARED_NOTE not in text


def test_include_notes_belongs_to_an_adopted_definition(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    edit(data / TS / "definition.yaml", include_notes=False)
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    [problem] = raised.value.problems
    assert problem.field == "include_notes"
    assert "expected 'include_notes' only with 'adopts'" in problem.message


@pytest.mark.slow  # the submission pack: made only with the PDFs
def test_the_pack_is_the_sites_pdf(newcomer: Built) -> None:
    [built] = (newcomer.site.root / TS).glob("*.pdf")
    pack = newcomer.project / "submissions" / TS / built.name
    assert pack.read_bytes() == built.read_bytes()
    assert PUBLISHED_AT in pdf_text(newcomer.site)


def _site_url_line(project: Path) -> int:
    rows = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, row in enumerate(rows, 1) if row.startswith("site_url:"))


@pytest.mark.slow  # the submission pack: made only with the PDFs
def test_the_example_site_url_stops_a_strict_build_while_the_pack_is_due(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Published on 31 January 2025 and not yet sent: the pack is due by 7 February, so the
    example address in mkdocs.yml is a warning, which stops a strict build."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    (data / "timetable.yaml").write_text(TIMETABLE, encoding="utf-8")
    with pytest.raises(Abort):
        build_site(tmp_path, data, timetable_today=dt.date(2025, 2, 3))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    line = _site_url_line(tmp_path / "project")
    assert warnings == [
        f"{TS}: no submission pack: the site's address is still the example address "
        f"(https://www.example.org/community-safety/serious-violence/{TS}/2025/), which the "
        "PDF's cover and the email to the Home Office would give as where the strategy is "
        f"published; set site_url (line {line} of mkdocs.yml) to the address the site is "
        "published at"]
    assert not (tmp_path / "project" / "submissions" / TS).exists()


@pytest.mark.slow  # the submission pack: made only with the PDFs
def test_the_example_site_url_is_a_note_once_the_pack_is_past(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Long after the pack was due (this repository's historical strategies), a note in the
    log, and still no pack; the PDF's cover printing the example address is noted too."""
    caplog.set_level(logging.INFO)
    data = copy_data(tmp_path, FIXTURES / "minimal")
    (data / "timetable.yaml").write_text(TIMETABLE, encoding="utf-8")
    build_site(tmp_path, data, caplog, timetable_today=dt.date(2026, 2, 3))
    notes = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    line = _site_url_line(tmp_path / "project")
    assert any(note.startswith(f"{TS}: no submission pack: the site's address is still the "
                               "example address") for note in notes), notes
    assert (f"site_url (line {line} of mkdocs.yml) is still the example address (https://www."
            "example.org/community-safety/serious-violence/), which every PDF's cover "
            "gives as where its strategy is published: set it to the address the site is "
            "published at") in notes
    assert not (tmp_path / "project" / "submissions" / TS).exists()


def test_the_timetable_status_can_be_kept_out_of_the_site(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Whether "10 overdue" is public is the council's choice: timetable_public: false keeps
    it to the build log (and `strategy-site check`); the strategy's own dates stay."""
    caplog.set_level(logging.INFO)
    data = copy_data(tmp_path, FIXTURES / "minimal")
    (data / "timetable.yaml").write_text(TIMETABLE, encoding="utf-8")
    site = build_site(tmp_path, data, caplog, site_url=PUBLISHED_AT,
                      timetable_today=dt.date(2025, 2, 3), timetable_public=False)
    logged = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"Timetable: {TS}: The strategy is sent to the Home Office within 7 "
                            "days of its publication due soon (due 2025-02-07)") for m in logged)
    assert not (site.root / "timetable").exists()
    assert not (site.root / TS / "key-dates").exists()
    assert not list(site.root.rglob("*.ics"))
    # Every page but the authoring guide's (which explains the Key dates pages).
    everything = " ".join(path.read_text(encoding="utf-8") for path in site.root.rglob("*")
                          if path.suffix in (".html", ".xml")
                          and path.relative_to(site.root).parts[0] != "guide")
    assert "key-dates" not in everything and "Timetable" not in everything
    assert "due soon" not in everything.lower()
    assert "Funding 31 January 2025 31 January 2026" in site.text(f"{TS}/introduction/")
    assert "Due for review by 31 January 2026" in site.text(f"{TS}/funding/")
    assert "Next review by 31 January 2026" in site.text("")


@pytest.mark.slow  # opens the PDFs
def test_a_period_that_is_the_edition_is_printed_once(newcomer: Built) -> None:
    """Issue 16: `edition` and `period` both "2024-27" printed the same words twice."""
    facts = newcomer.site.text(f"{TS}/").split("Contents", 1)[0]
    assert "Period and edition 2024-27 ( edition history )" in facts
    assert "Period 2024-27" not in facts and facts.count("2024-27") == 2  # title, facts
    cover = pdf_text(newcomer.site).split("Contents", 1)[0]
    assert "Period and edition 2024-27" in cover
    assert cover.split("On the web")[0].count("2024-27") == 2
    history = newcomer.site.text(f"{TS}/editions/")
    assert "Period 2024-27" not in history
    [email] = (newcomer.project / "submissions" / TS).glob("*.eml")
    message = message_from_bytes(email.read_bytes(), policy=policy.default)
    plain = message.get_body(("plain",))
    assert plain is not None
    body = " ".join(plain.get_content().split())
    assert "Testshire Community Safety Partnership's Serious Violence Duty Strategy 2024-27, " \
           "published on 31 January 2025." in body


@pytest.mark.slow  # opens the PDFs
def test_a_long_objective_has_a_short_heading_and_its_statement(newcomer: Built) -> None:
    html = article(newcomer.site.html(f"{TS}/objectives/"))
    assert '<h3 id="objective-1">Objective One: Knife crime</h3>' in html
    assert f"<p class=\"strategy-objective-statement\"><strong>{LONG_OBJECTIVE}</strong></p>" \
        in html
    toc = newcomer.site.html(f"{TS}/objectives/").split("<article", 1)[0]
    assert "Objective One: Knife crime" in toc and LONG_OBJECTIVE not in toc
    text = pdf_text(newcomer.site)
    assert "Objective One: Knife crime" in text and LONG_OBJECTIVE[:60] in text
    outline = [item.title for item in pypdf.PdfReader(next(
        (newcomer.site.root / TS).glob("*.pdf"))).outline if not isinstance(item, list)]
    assert LONG_OBJECTIVE not in " ".join(outline)
