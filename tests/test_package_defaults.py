"""What the package ships for every site (issue 16): the statutory timetable a data folder
extends, and the shared London definition a borough adopts with no shared/ folder of its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import DATA
from strategy_site.defaults import DEFAULTS
from strategy_site.loading import StrategyDataError, load_site
from strategy_site.loading.yaml_lines import read_yaml

BD = "barking-and-dagenham"
STATUTORY = ["first-publication", "home-office-submission", "element-review",
             "action-plan-to-vru", "accessibility-statement-review"]


def _data(tmp_path: Path, timetable: str | None) -> Path:
    """Barking and Dagenham alone, which adopts the London definition, with no shared/."""
    data = tmp_path / "strategy_data"
    shutil.copytree(DATA / BD, data / BD)
    if timetable is not None:
        (data / "timetable.yaml").write_text(timetable, encoding="utf-8")
    return data


def test_a_borough_adopts_the_packages_london_definition(tmp_path: Path) -> None:
    site = load_site(_data(tmp_path, None))
    assert not (tmp_path / "strategy_data" / "shared").exists()
    assert list(site.definitions) == ["london-definition"]
    assert site.timetable is None  # no timetable.yaml: no deadline is checked


def test_a_sites_own_shared_definition_replaces_the_packages(tmp_path: Path) -> None:
    data = _data(tmp_path, None)
    (data / "shared").mkdir()
    text = (DEFAULTS / "shared" / "london-definition.yaml").read_text(encoding="utf-8")
    (data / "shared" / "london-definition.yaml").write_text(
        text.replace("source:", "source: Our own copy of", 1), encoding="utf-8")
    assert load_site(data).definitions["london-definition"].source.startswith("Our own copy")


def test_extends_statutory_is_the_packages_timetable(tmp_path: Path) -> None:
    site = load_site(_data(tmp_path, "extends: statutory\n"))
    assert site.timetable is not None
    assert [rule.id for rule in site.timetable.rules] == STATUTORY
    assert site.timetable.due_soon_days == 30


def test_a_rule_with_a_statutory_id_replaces_it_and_a_new_id_adds_one(tmp_path: Path) -> None:
    site = load_site(_data(tmp_path, """\
extends: statutory
due_soon_days: 14
rules:
  - id: home-office-submission
    checks: The strategy is sent to the Home Office within 14 days
    concerns: Home Office
    address: seriousviolenceduty@homeoffice.gov.uk
    event: submitted_to_home_office
    starts: published
    within_days: 14
  - id: refresh-2027
    checks: The refreshed strategy is published
    concerns: The Community Safety Partnership
    event: published
    deadline: 2027-01-31
"""))
    assert site.timetable is not None
    assert [rule.id for rule in site.timetable.rules] == [*STATUTORY, "refresh-2027"]
    replaced = site.timetable.rule("home-office-submission")
    assert replaced is not None and replaced.within_days == 14
    assert site.timetable.due_soon_days == 14
    assert site.timetable.timezone == "Europe/London"


def test_a_timetable_with_neither_rules_nor_extends_says_what_to_add(tmp_path: Path) -> None:
    with pytest.raises(StrategyDataError) as error:
        load_site(_data(tmp_path, "due_soon_days: 10\n"))
    assert "expected at least one rule, or 'extends: statutory'" in str(error.value)


PACKAGE = Path(DEFAULTS).parent
SHIPPED_YAML = sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.yaml")
                      if "node_modules" not in path.parts)


@pytest.mark.parametrize("name", SHIPPED_YAML)
def test_every_yaml_file_the_package_ships_reads_cleanly(name: str) -> None:
    """The package's own YAML (templates, timetable, shared definitions, scaffolds) is read
    as an officer's file is: a duplicate key, which PyYAML would silently resolve by keeping
    the last (defaults/templates.yaml is read with it), fails here instead."""
    read_yaml(PACKAGE / name)


def test_a_duplicate_key_in_a_shipped_file_would_be_caught(tmp_path: Path) -> None:
    """The check above can fail: templates.yaml with one template given twice."""
    copy = tmp_path / "templates.yaml"
    text = (PACKAGE / "defaults" / "templates.yaml").read_text(encoding="utf-8")
    copy.write_text(text + "\ntemplates: []\n", encoding="utf-8")
    with pytest.raises(StrategyDataError, match="templates"):
        read_yaml(copy)
