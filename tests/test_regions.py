"""Issue 19 (first half): every partnership in England and Wales, not only London's. The
national template `serious-violence-duty` and London's extending it, as data; rules by region,
each citing its source; where a partnership is (`region`, `area`, `vru`), checked with file,
line and field; `strategy-site check` saying why each rule applies; and the Home Office pack
for a partnership outside London. The fixture `tests/fixtures/regions/` holds two made-up
partnerships: Northshire (outside London, national template) and Testham (London)."""

from __future__ import annotations

import datetime as dt
import email
import json
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from conftest import FIXTURES, PUBLISHED_AT, REPO, build_site, copy_data, make_project
from strategy_site.defaults import DEFAULTS
from strategy_site.init_site import init_site
from strategy_site.loading import StrategyDataError, load_site, read_yaml
from strategy_site.model import TEMPLATES, Site, Timetable, templates
from strategy_site.scaffold import ScaffoldError, scaffold
from strategy_site.timetable import edition_deadlines

REGIONS = FIXTURES / "regions"
TODAY = dt.date(2024, 2, 3)


def _rules(site: Site, home: str) -> set[str]:
    strategy = next(s for s in site.latest_editions if s.home == home)
    assert site.timetable is not None
    return {deadline.rule.id for deadline in edition_deadlines(strategy, site.timetable, TODAY)}


def _problems(data: Path) -> list[str]:
    with pytest.raises(StrategyDataError) as raised:
        load_site(data)
    return [str(problem) for problem in raised.value.problems]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- the templates, as data --------------------------------------------------------------


def test_the_national_template_holds_what_the_duty_asks_and_londons_extends_it() -> None:
    national = templates().get("serious-violence-duty")
    london = templates().get("london-serious-violence-duty")
    assert london.extends == "serious-violence-duty" and london.area == "london"
    assert TEMPLATES["serious-violence-duty"] == (
        "review-dates", "definition", "partnership", "needs-assessment", "objectives")
    # London's parts as before: the national ones and its own, in the same order.
    assert TEMPLATES["london-serious-violence-duty"] == (
        "introduction", "review-dates", "definition", "partnership", "needs-assessment",
        "objectives", "themes", "engagement", "funding")
    for requirement in (*national.requires, *london.requires):
        assert requirement.sources, f"{requirement.part} names no source"
    partnership = next(r for r in national.requires if r.part == "partnership")
    assert "educational, prison and youth custody" in partnership.holds


def test_every_source_says_how_it_is_known() -> None:
    """A source this repository confirms says where; one it cannot says so: no guessed
    paragraph numbers."""
    statutory = Timetable.model_validate(read_yaml(DEFAULTS / "timetable.yaml").data)
    sources = [source for rule in statutory.rules for source in rule.sources]
    sources += [source for template in templates().templates
                for requirement in template.requires for source in requirement.sources]
    assert all(rule.sources for rule in statutory.rules)
    for source in sources:
        assert (source.evidence if source.confirmed else source.note), source
    confirmed = [s for s in sources if s.confirmed]
    assert [s.reference for s in confirmed] == ["Chapter 3 (domestic abuse)"]
    # Each confirmed source's words are in the repository, where its evidence says.
    definition = (DEFAULTS / "shared" / "london-definition.yaml").read_text(encoding="utf-8")
    assert "in Chapter 3 of the Statutory Guidance of the act" in definition


def test_the_action_plan_rule_concerns_london_alone() -> None:
    statutory = Timetable.model_validate(read_yaml(DEFAULTS / "timetable.yaml").data)
    rule = statutory.rule("action-plan-to-vru")
    assert rule is not None and rule.applies_to != "all"
    assert rule.applies_to.area == "london"
    assert [area.id for area in statutory.areas] == ["london"]
    # Every place a statutory rule names is one the statutory timetable defines.
    for other in statutory.rules:
        if other.applies_to != "all" and other.applies_to.area:
            assert statutory.area(other.applies_to.area) is not None, other.id
        if other.applies_to != "all" and other.applies_to.vru:
            assert statutory.unit(other.applies_to.vru) is not None, other.id


# --- rules by region ---------------------------------------------------------------------


def test_outside_london_the_national_rules_apply_and_not_londons() -> None:
    site = load_site(REGIONS)
    assert _rules(site, "northshire") == {
        "first-publication", "home-office-submission", "element-review"}
    assert _rules(site, "testham") == {
        "first-publication", "home-office-submission", "element-review", "action-plan-to-vru"}


def test_a_rule_for_a_violence_reduction_units_area(tmp_path: Path) -> None:
    """A site's own timetable adds a unit and a rule for its area: only the partnership that
    names the unit gets it."""
    data = copy_data(tmp_path, REGIONS)
    (data / "timetable.yaml").write_text(
        "extends: statutory\n"
        "violence_reduction_units:\n"
        "  - id: northshire-vru\n"
        "    name: Northshire Violence Reduction Unit (an example)\n"
        "    region: england\n"
        "rules:\n"
        "  - id: vru-return\n"
        "    checks: The example return is sent to the unit\n"
        "    concerns: Northshire Violence Reduction Unit\n"
        "    applies_to: {vru: northshire-vru}\n"
        "    event: published\n"
        "    deadline: 2024-03-31\n", encoding="utf-8")
    _edit(data / "northshire" / "strategy.yaml", "region: england\n",
          "region: england\nvru: northshire-vru\n")
    site = load_site(data)
    assert "vru-return" in _rules(site, "northshire")
    assert "vru-return" not in _rules(site, "testham")


def test_check_explains_why_each_rule_applies_or_not() -> None:
    run = subprocess.run([sys.executable, "-m", "strategy_site.cli", "check", "--data",
                          str(REGIONS), "--today", TODAY.isoformat()],
                         capture_output=True, text=True, cwd=REPO, check=False)
    out = run.stdout
    assert run.returncode in (0, 1), run.stderr
    northshire = out[out.index("Rules for northshire"):out.index("Rules for testham")]
    # strategy.yaml line 7 is northshire's 'region: england'
    assert ("first-publication: applies: region england; template serious-violence-duty "
            "(strategy.yaml line 7)") in northshire
    assert ("action-plan-to-vru: does not apply: the rule concerns area london; this "
            "partnership has no area given") in northshire
    testham = out[out.index("Rules for testham"):out.index("Timetable as of")]
    assert ("action-plan-to-vru: applies: area london, implied by template "
            "london-serious-violence-duty") in testham
    as_json = subprocess.run([sys.executable, "-m", "strategy_site.cli", "check", "--data",
                              str(REGIONS), "--today", TODAY.isoformat(), "--format", "json"],
                             capture_output=True, text=True, cwd=REPO, check=False)
    rules = {(r["strategy"], r["rule"]): r for r in json.loads(as_json.stdout)["rules"]}
    assert rules[("northshire", "first-publication")] | {"because": ""} == {
        "strategy": "northshire", "rule": "first-publication", "applies": True,
        "because": "", "field": "region", "line": 7}
    assert not rules[("northshire", "action-plan-to-vru")]["applies"]
    assert rules[("testham", "action-plan-to-vru")]["applies"]


# --- where a partnership is: bad values ---------------------------------------------------


@pytest.mark.parametrize(("folder", "old", "new", "expected"), [
    ("northshire", "region: england", "region: scotland",
     "northshire/strategy.yaml:7: field 'region': expected one of: england, wales; found the "
     "text 'scotland' (the Serious Violence Duty binds the partnerships of England and Wales; "
     "write england or wales, in lower case)"),
    ("northshire", "region: england\n", "region: england\nvru: kentt\n",
     "northshire/strategy.yaml:8: field 'vru': expected one of the Violence Reduction Units "
     "the timetable names (london); found the text 'kentt'"),
    ("northshire", "region: england\n", "region: england\narea: londn\n",
     "northshire/strategy.yaml:8: field 'area': expected one of the areas the timetable "
     "names (london); found the text 'londn' (did you mean 'london'?)"),
    ("northshire", "region: england\n", "",
     "northshire/strategy.yaml:6: field 'template': expected 'region: england' or 'region: "
     "wales' beside 'template: serious-violence-duty'"),
    ("testham", "edition:", "region: wales\nedition:",
     "testham/strategy.yaml:5: field 'region': expected region england or no 'region': the "
     "london-serious-violence-duty template is for partnerships in London, which is in "
     "england; this file says region wales. A partnership outside London follows "
     "'template: serious-violence-duty'"),
    ("testham", "edition:", "region: wales\narea: london\nedition:",
     "testham/strategy.yaml:5: field 'region': expected region england: area london is in "
     "england; this file says region wales"),
    ("testham", "edition:", "area: northshire\nedition:",
     "testham/strategy.yaml:5: field 'area': expected area london or no 'area': the "
     "london-serious-violence-duty template is for partnerships in london"),
    ("northshire", "region: england\n", "region: wales\nvru: london\n",
     "northshire/strategy.yaml:8: field 'vru': expected a Violence Reduction Unit in region "
     "wales; London's Violence Reduction Unit (MOPAC) ('london') is in england"),
])
def test_a_bad_place_names_file_line_and_field(tmp_path: Path, folder: str, old: str,
                                               new: str, expected: str) -> None:
    data = copy_data(tmp_path, REGIONS)
    _edit(data / folder / "strategy.yaml", old, new)
    problems = _problems(data)
    assert any(problem.startswith(f"strategy_data/{expected}") for problem in problems), \
        problems


def test_a_rule_for_an_unknown_area_names_the_timetable_line(tmp_path: Path) -> None:
    data = copy_data(tmp_path, REGIONS)
    (data / "timetable.yaml").write_text(
        "extends: statutory\nrules:\n  - id: extra\n    checks: Something\n"
        "    concerns: Someone\n    applies_to: {area: londn}\n    event: published\n"
        "    deadline: 2024-03-31\n", encoding="utf-8")
    assert ("strategy_data/timetable.yaml:6: field 'rules[1].applies_to.area': expected one "
            "of the areas the timetable names (london); found the text 'londn' (did you mean "
            "'london'?)") in _problems(data)


# --- a new partnership on the national template -------------------------------------------


def test_new_starts_a_partnership_on_the_national_template(tmp_path: Path) -> None:
    data = tmp_path / "strategy_data"
    written = scaffold(data, "northshire", "Northshire", "serious-violence-duty", "wales")
    assert sorted(path.stem for path in written) == sorted(
        ("strategy", *TEMPLATES["serious-violence-duty"]))
    strategy = (data / "northshire" / "strategy.yaml").read_text(encoding="utf-8")
    assert "template: serious-violence-duty\nregion: wales\n" in strategy
    assert "London" not in strategy
    # Nothing wrong but the values still to write.
    problems = _problems(data)
    assert problems and all("still to do" in problem for problem in problems), problems
    with pytest.raises(ScaffoldError, match="--region england or --region wales"):
        scaffold(data, "kent", "Kent", "serious-violence-duty")


def test_init_makes_a_councils_own_site_on_the_national_template(tmp_path: Path) -> None:
    init_site(tmp_path / "site", "northshire", "Northshire", template="serious-violence-duty",
              region="england")
    data = tmp_path / "site" / "strategy_data"
    assert not (data / "northshire" / "funding.yaml").exists()
    problems = _problems(data)
    assert problems and all("still to do" in problem for problem in problems), problems


# --- the built site and the Home Office pack ------------------------------------------------


@pytest.mark.slow  # renders two PDFs
def test_outside_london_builds_with_its_rules_and_its_home_office_pack(
        tmp_path: Path) -> None:
    data = copy_data(tmp_path, REGIONS)
    make_project(tmp_path, data, site_url=PUBLISHED_AT, timetable_today=TODAY)
    built = build_site(tmp_path, data)
    northshire = built.text("northshire/key-dates/")
    assert "The strategy is sent to the Home Office within 7 days of its publication" \
        in northshire
    assert "MOPAC" not in northshire
    assert "MOPAC Violence Reduction Unit" in built.text("testham/key-dates/")
    for home in ("northshire", "testham"):
        pack = tmp_path / "project" / "submissions" / home
        [eml] = pack.glob("*.eml")
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert message["To"] == "seriousviolenceduty@homeoffice.gov.uk"
        assert len(list(pack.glob("*.pdf"))) == 1
    assert (built.root / "northshire" / "objectives" / "index.html").exists()
