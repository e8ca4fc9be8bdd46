"""The timetable on fixed dates: each rule before, on and after its deadline, the 7-day
boundary, a submission before publication, a leap year, and an override with its reason."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import pytest
from mkdocs.exceptions import Abort

from conftest import DATA, REPO, BuiltSite, build_site, make_project
from strategy_site.cli import main
from strategy_site.loading import load_site
from strategy_site.model import Edition, EventDates, Override, Site
from strategy_site.timetable import Deadline, Status, add_months, edition_deadlines, site_deadlines

D = dt.date


@pytest.fixture(scope="module")
def site() -> Site:
    return load_site(DATA)


def _bd(site: Site, **identity: Any) -> Edition:
    strategy = next(s for s in site.latest_editions if s.home == "barking-and-dagenham")
    return strategy.model_copy(update={
        "identity": strategy.identity.model_copy(update=identity)})


def _finding(site: Site, strategy: Edition, rule: str, today: D,
             subject: str | None = None) -> Deadline:
    assert site.timetable is not None
    return next(f for f in edition_deadlines(strategy, site.timetable, today)
                if f.rule.id == rule and (subject is None or f.subject == subject))


@pytest.mark.parametrize(("today", "status"), [
    (D(2024, 1, 30), Status.DUE_SOON), (D(2024, 1, 31), Status.DUE_SOON),
    (D(2024, 2, 1), Status.OVERDUE)])
def test_first_publication_around_its_deadline(site: Site, today: D, status: Status) -> None:
    unpublished = _bd(site, published=None)
    assert _finding(site, unpublished, "first-publication", today).status is status


def test_first_publication_done_on_the_day_and_late(site: Site) -> None:
    on_time = _finding(site, _bd(site, published=D(2024, 1, 31)), "first-publication",
                       D(2024, 3, 1))
    late = _finding(site, _bd(site, published=D(2024, 2, 1)), "first-publication",
                    D(2024, 3, 1))
    assert (on_time.status, late.status) == (Status.DONE_ON_TIME, Status.DONE_LATE)


@pytest.mark.parametrize(("submitted", "status"), [
    (D(2024, 2, 6), Status.DONE_ON_TIME), (D(2024, 2, 7), Status.DONE_ON_TIME),
    (D(2024, 2, 8), Status.DONE_LATE), (D(2024, 1, 30), Status.TOO_EARLY)])
def test_the_seven_day_boundary_and_a_submission_before_publication(
        site: Site, submitted: D, status: Status) -> None:
    strategy = _bd(site, record=EventDates(submitted_to_home_office=submitted))
    deadline = _finding(site, strategy, "home-office-submission", D(2024, 3, 1))
    assert deadline.due == D(2024, 2, 7)  # 31 January + 7 calendar days
    assert deadline.status is status
    assert deadline.status.needs_action == (status is Status.TOO_EARLY)


@pytest.mark.parametrize(("today", "status"), [
    (D(2024, 2, 6), Status.DUE_SOON), (D(2024, 2, 7), Status.DUE_SOON),
    (D(2024, 2, 8), Status.OVERDUE)])
def test_an_unsent_strategy_around_its_submission_deadline(site: Site, today: D,
                                                           status: Status) -> None:
    assert _finding(site, _bd(site), "home-office-submission", today).status is status


def test_no_publication_date_means_the_submission_cannot_be_checked(site: Site) -> None:
    deadline = _finding(site, _bd(site, published=None), "home-office-submission", D(2024, 3, 1))
    assert deadline.status is Status.MISSING and deadline.status.needs_action
    assert "no date for 'published'" in deadline.note


@pytest.mark.parametrize(("today", "status"), [
    (D(2024, 2, 27), Status.DUE_SOON), (D(2024, 2, 28), Status.DUE_SOON),
    (D(2024, 2, 29), Status.OVERDUE), (D(2023, 12, 1), Status.UPCOMING)])
def test_the_action_plan_around_its_deadline(site: Site, today: D, status: Status) -> None:
    assert _finding(site, _bd(site), "action-plan-to-vru", today).status is status


@pytest.mark.parametrize(("today", "status"), [
    (D(2025, 1, 30), Status.DUE_SOON), (D(2025, 1, 31), Status.DUE_SOON),
    (D(2025, 2, 1), Status.OVERDUE)])
def test_an_element_review_around_its_date(site: Site, today: D, status: Status) -> None:
    deadline = _finding(site, _bd(site), "element-review", today, "Strategic Needs Assessment")
    assert (deadline.due, deadline.status) == (D(2025, 1, 31), status)


def test_the_definition_keeps_its_own_three_year_cycle(site: Site) -> None:
    deadline = _finding(site, _bd(site), "element-review", D(2025, 6, 1),
                        "Definition of Serious Violence")
    assert (deadline.due, deadline.status) == (D(2027, 1, 31), Status.UPCOMING)


def test_a_recorded_review_moves_the_next_one_a_cycle_on(site: Site) -> None:
    record = EventDates(reviews={"needs-assessment": D(2025, 1, 20)})
    deadline = _finding(site, _bd(site, record=record), "element-review", D(2025, 6, 1),
                        "Strategic Needs Assessment")
    assert (deadline.due, deadline.status) == (D(2026, 1, 20), Status.UPCOMING)


def test_an_override_changes_the_period_and_keeps_its_reason(site: Site) -> None:
    override = Override(rule="home-office-submission", within_days=14,
                        reason="Agreed with the Home Office in writing on 1 February 2024")
    strategy = _bd(site, overrides=(override,))
    deadline = _finding(site, strategy, "home-office-submission", D(2024, 2, 10))
    assert (deadline.due, deadline.status) == (D(2024, 2, 14), Status.DUE_SOON)
    assert strategy.identity.overrides[0].reason.startswith("Agreed with the Home Office")


def test_an_override_in_months_replaces_a_period_in_days(site: Site) -> None:
    """An audit: the rule's 7 days were counted before the override's month, which was
    ignored without a word (the Key dates page and the pack gave 7 days)."""
    override = Override(rule="home-office-submission", within_months=1,
                        reason="Agreed with the Home Office in writing on 1 February 2024")
    deadline = _finding(site, _bd(site, overrides=(override,)), "home-office-submission",
                        D(2024, 2, 10))
    assert deadline.due == D(2024, 2, 29)  # published 31 January 2024, a month on


def test_months_in_a_leap_year() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 1, 31), 1) == D(2023, 2, 28)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2024, 2, 29), 48) == D(2028, 2, 29)


def test_a_leap_day_publication_is_reviewed_a_year_on(site: Site) -> None:
    strategy = _bd(site, published=D(2024, 2, 29))
    deadline = _finding(site, strategy, "home-office-submission", D(2024, 3, 1))
    assert deadline.due == D(2024, 3, 7)


def test_the_accessibility_statement_is_due_a_year_after_its_review(site: Site) -> None:
    assert site.timetable is not None
    events = {"accessibility_statement_reviewed": D(2024, 2, 29)}
    (deadline,) = site_deadlines(site.timetable, events, D(2025, 2, 28))
    assert (deadline.due, deadline.status) == (D(2025, 2, 28), Status.DUE_SOON)
    (late,) = site_deadlines(site.timetable, events, D(2025, 3, 1))
    assert late.status is Status.OVERDUE


def test_free_strategies_have_no_duty_deadlines(site: Site) -> None:
    assert site.timetable is not None
    bexley = next(s for s in site.latest_editions if s.home == "bexley")
    assert edition_deadlines(bexley, site.timetable, D(2025, 1, 1)) == []


def test_uids_are_stable(site: Site) -> None:
    first = _finding(site, _bd(site), "element-review", D(2024, 1, 1), "Strategic Needs Assessment")
    again = _finding(site, _bd(site), "element-review", D(2026, 1, 1), "Strategic Needs Assessment")
    assert first.uid == again.uid == \
        "barking-and-dagenham-element-review-strategic-needs-assessment@strategy-site"


# --- the command --------------------------------------------------------------------------


def _check(*args: str) -> subprocess.CompletedProcess[str]:
    """`strategy-site check` as a reader runs it: a fresh interpreter, in the repository."""
    return subprocess.run([sys.executable, "-m", "strategy_site.cli", "check", *args],
                          capture_output=True, text=True, timeout=120, cwd=REPO)


@dataclass
class Checked:
    """What one `strategy-site check` said: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def check(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
          ) -> Callable[..., Checked]:
    """`strategy-site check` run by its own `main` in this interpreter, from a folder (the
    repository unless given): the command's code without a fresh interpreter's second or two
    of imports (test_check_prints_the_state_... runs it as `python -m strategy_site.cli`)."""
    def run(*args: str, cwd: Path = REPO) -> Checked:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        code = main(["check", *args])
        said = capsys.readouterr()
        return Checked(code, said.out, said.err)
    return run


def test_check_prints_the_state_of_barking_and_dagenham_on_10_february_2024() -> None:
    run = _check("--today", "2024-02-10")
    assert run.returncode == 1  # the Home Office submission is not recorded: overdue
    lines = run.stdout.splitlines()
    assert "Timetable as of 2024-02-10" in lines
    assert any(line.split() == ["done", "on", "time", "2024-01-31", "2024-01-31", "The", "first",
                                "strategy", "is", "published", "on", "the", "council's",
                                "website"] for line in lines)
    assert any(line.strip().startswith("overdue") and "2024-02-07" in line
               and "Home Office" in line for line in lines)
    assert any(line.strip().startswith("due soon") and "2024-02-28" in line for line in lines)


def test_check_as_json_and_strict(check: Callable[..., Checked]) -> None:
    run = check("--today", "2024-01-15", "--format", "json")
    assert run.returncode == 0
    report = json.loads(run.stdout)
    statuses = {(f["rule"], f["subject"][:20]): f["status"] for f in report["findings"]}
    assert statuses[("home-office-submission", "The strategy is sent")] == "due soon"
    assert check("--today", "2024-01-15", "--strict").returncode == 1


def test_check_today_shows_the_overdue_reviews(check: Callable[..., Checked]) -> None:
    run = check()
    assert run.returncode == 1
    assert any(line.strip().startswith("overdue") and "Local Partnership Arrangements" in line
               for line in run.stdout.splitlines())


# --- in the built site ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dated_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The real data built as of 10 February 2024."""
    return build_site(tmp_path_factory.mktemp("dated"), DATA, timetable_today=D(2024, 2, 10))


def test_the_key_dates_page_says_where_each_deadline_stands(dated_site: BuiltSite) -> None:
    text = dated_site.text("barking-and-dagenham/key-dates/")
    assert "as of 10 February 2024" in text
    assert ("The strategy is sent to the Home Office within 7 days of its publication Overdue "
            "7 February 2024 not recorded") in text
    assert ("The first strategy is published on the council's website Done on time "
            "31 January 2024 31 January 2024") in text
    assert "Definition of Serious Violence (every 36 months) Not yet due 31 January 2027" in text


def test_the_dashboard_lists_every_deadline(dated_site: BuiltSite) -> None:
    html = dated_site.html("timetable/")
    assert 'href="../barking-and-dagenham/key-dates/"' in html
    text = dated_site.text("timetable/")
    assert "Barking and Dagenham The Violence and Vulnerability Reduction Action Plan is sent to " \
           "the MOPAC Violence Reduction Unit 28 February 2024 Due soon" in text
    assert "This website The website's accessibility statement is reviewed" in text


def test_the_calendar_feeds_parse_with_the_right_dates(dated_site: BuiltSite) -> None:
    feed = icalendar.Calendar.from_ical((dated_site.root / "barking-and-dagenham" /
                                         "key-dates.ics").read_bytes())
    events = {str(e["uid"]): e for e in feed.walk("VEVENT")}
    submission = events["barking-and-dagenham-home-office-submission@strategy-site"]
    assert submission.decoded("dtstart") == D(2024, 2, 7)
    assert "seriousviolenceduty@homeoffice.gov.uk" in str(submission["description"])
    review = events["barking-and-dagenham-element-review-definition-of-serious-violence"
                    "@strategy-site"]
    assert review.decoded("dtstart") == D(2027, 1, 31)
    # Done on time: no event.
    assert "barking-and-dagenham-first-publication@strategy-site" not in events
    everything = icalendar.Calendar.from_ical((dated_site.root / "key-dates.ics").read_bytes())
    assert {str(e["uid"]) for e in everything.walk("VEVENT")} >= set(events)


def test_the_feeds_keep_their_bytes_for_the_same_data_and_day(dated_site: BuiltSite,
                                                               tmp_path: Path) -> None:
    again = build_site(tmp_path, DATA, timetable_today=D(2024, 2, 10))
    for feed in ("key-dates.ics", "barking-and-dagenham/key-dates.ics"):
        assert (again.root / feed).read_bytes() == (dated_site.root / feed).read_bytes()


def test_overdue_deadlines_are_warnings_unless_configured(
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    # A strict build stops on the overdue submission, a warning by default.
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.strategy_site"), \
            pytest.raises(Abort):
        build_site(tmp_path, DATA, timetable_today=D(2024, 2, 10), overdue_log_level="warning")
    assert any(r.levelno == logging.WARNING and "Home Office" in r.getMessage()
               for r in caplog.records)


def _statement(run: subprocess.CompletedProcess[str] | Checked) -> dict[str, Any]:
    report = json.loads(run.stdout)
    [deadline] = [f for f in report["findings"] if f["rule"] == "accessibility-statement-review"]
    return deadline  # type: ignore[no-any-return]


def test_check_from_another_folder_finds_the_sites_config(
        tmp_path: Path, check: Callable[..., Checked]) -> None:
    """Issue 16: `check --data DIR` run from another folder reported the accessibility
    statement as "cannot be checked": mkdocs.yml was looked for in the current folder only."""
    run = check("--data", str(DATA), "--today", "2024-02-10", "--format", "json", cwd=tmp_path)
    assert _statement(run)["status"] != "cannot be checked", _statement(run)
    assert _statement(run)["note"].startswith("last done on ")


@pytest.mark.slow  # three fresh interpreters of the command
def test_check_says_which_config_to_give_and_takes_it(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere" / "strategy_data"
    data.parent.mkdir()
    (data).symlink_to(DATA)  # the data folder itself may be reached through a link
    args = ["--data", str(data), "--today", "2024-02-10", "--format", "json"]
    alone = subprocess.run([sys.executable, "-m", "strategy_site.cli", "check", *args],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    deadline = _statement(alone)
    assert deadline["status"] == "cannot be checked"
    assert deadline["note"] == (f"no mkdocs.yml in {data.parent} or in this folder, where "
                                "accessibility: last_reviewed is set: give the site's with "
                                "--config")
    given = subprocess.run([sys.executable, "-m", "strategy_site.cli", "check", *args,
                            "--config", str(REPO / "mkdocs.yml")],
                           capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert _statement(given)["status"] != "cannot be checked"
    missing = subprocess.run([sys.executable, "-m", "strategy_site.cli", "check", *args,
                              "--config", "nowhere.yml"],
                             capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert missing.returncode == 2
    assert "nowhere.yml: expected the site's mkdocs.yml (--config), found no such file" \
        in missing.stderr


def test_check_reads_mkdocs_yml_as_mkdocs_does(tmp_path: Path, check: Callable[..., Checked],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`strategy-site check` read mkdocs.yml by hand, taking every tag of MkDocs' own (!ENV,
    !relative) as nothing: a review date given as `!ENV [VARIABLE, default]`, which the build
    reads as its default, was "cannot be checked"."""
    project = make_project(tmp_path, DATA)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "last_reviewed: 2026-11-21\n" in text
    config.write_text(text.replace(
        "last_reviewed: 2026-11-21\n",
        "last_reviewed: !ENV [STRATEGY_SITE_TEST_NOT_SET, 2026-11-21]\n"), encoding="utf-8")
    monkeypatch.delenv("STRATEGY_SITE_TEST_NOT_SET", raising=False)
    run = check("--data", str(DATA), "--today", "2026-12-01", "--format", "json", "--config",
                str(config), cwd=tmp_path)
    assert _statement(run)["status"] == "not yet due", _statement(run)
    assert _statement(run)["note"] == "last done on 2026-11-21"


def test_check_refuses_a_mkdocs_yml_mkdocs_refuses(tmp_path: Path,
                                                   check: Callable[..., Checked]) -> None:
    """A mkdocs.yml the build would refuse is not read halfway: the check says why, exit 2."""
    config = make_project(tmp_path, DATA) / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "docs_dir: docs", "docs_dir: no-such-folder"), encoding="utf-8")
    run = check("--data", str(DATA), "--config", str(config), cwd=tmp_path)
    assert run.returncode == 2
    assert f"{config}: " in run.stderr and "no-such-folder" in run.stderr, run.stderr
