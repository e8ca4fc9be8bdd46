"""A new borough in minutes: `strategy-site new` writes every required part with TODO markers,
`strategy-site check` lists them, and once they are written the borough builds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, build_site
from strategy_site.cli import main
from strategy_site.loading import read_yaml

TODO = re.compile(r'"?(TODO[^"\n]*)"?')


def _fill(value: str) -> str:
    """What an officer writes for a TODO, following its hint."""
    if "like 20" in value and "-" in value.split("like ", 1)[1][:10]:
        return value.split("like ", 1)[1][:10]  # a date, as the hint shows it
    if "financial year" in value:
        return '"2025/26"'
    if "in pounds" in value:
        return "125305"
    if "e-mail" in value:
        return "csp@newham.example"
    if "edition" in value:
        return '"2025"'
    return '"Written by the officer."'


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data folder with the timetable (the shared definitions are the package's), and no
    borough yet."""
    target = tmp_path / "strategy_data"
    target.mkdir()
    shutil.copy(DATA / "timetable.yaml", target / "timetable.yaml")
    return target


def test_new_writes_every_required_part_and_check_lists_the_todos(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "newham", "--name", "Newham", "--data", str(data)]) == 0
    files = sorted(p.name for p in (data / "newham").iterdir())
    assert files == ["definition.yaml", "engagement.yaml", "funding.yaml", "introduction.yaml",
                     "needs-assessment.yaml", "objectives.yaml", "partnership.yaml",
                     "review-dates.yaml", "strategy.yaml", "themes.yaml"]
    markers = sorted((path.name, " ".join(hint.removeprefix("TODO").strip(" :").split()))
                     for path in (data / "newham").iterdir()
                     for line in path.read_text("utf-8").splitlines()
                     if not line.lstrip().startswith("#")
                     for hint in TODO.findall(line))
    capsys.readouterr()
    assert main(["check", "--data", str(data)]) == 2
    report = capsys.readouterr().err
    listed = sorted(re.findall(r"newham/([a-z-]+\.yaml):\d+: field '[^']+': still to do: "
                               r"(.*)", report))
    assert listed == markers
    assert "still to do: the strategy's title, like 'Serious Violence Duty Strategy'" in report
    assert "expected" not in report  # only what is to do, not the type errors a TODO causes


@pytest.mark.slow  # renders the new borough's PDF
def test_a_new_borough_with_its_todos_written_builds(data: Path, tmp_path: Path) -> None:
    assert main(["new", "newham", "--name", "Newham", "--data", str(data)]) == 0
    for path in (data / "newham").glob("*.yaml"):
        lines = []
        for line in path.read_text("utf-8").splitlines():
            if not line.lstrip().startswith("#"):
                line = TODO.sub(lambda match: _fill(match.group(1)), line)
            lines.append(line)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = build_site(tmp_path, data)
    assert "Newham" in site.text("newham/")
    assert list((site.root / "newham").glob("*.pdf"))


def test_new_refuses_a_folder_that_exists(data: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (data / "newham").mkdir()
    assert main(["new", "newham", "--name", "Newham", "--data", str(data)]) == 2
    assert "already exists" in capsys.readouterr().err


def test_new_refuses_a_folder_name_that_is_not_an_address(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "Tower Hamlets", "--name", "Tower Hamlets", "--data", str(data)]) == 2
    assert "like 'tower-hamlets'" in capsys.readouterr().err


@pytest.mark.parametrize("name", ['Newham: "East"', "Tower Hamlets #1", "O'Brien & Co", "No",
                                  "2024", "- [x]: {y}", "Ynys Môn"])
def test_new_writes_a_name_its_own_check_reads_back(
        data: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    """The name goes into the YAML through an emitter: whatever it holds, `check` reads the
    same name back and lists only what is still to do."""
    assert main(["new", "newham", "--name", name, "--data", str(data)]) == 0
    strategy = read_yaml(data / "newham" / "strategy.yaml").data
    assert strategy["borough"] == name
    assert strategy["contact"]["organisation"] == f"London Borough of {name}"
    assert f"like '{name} Community Safety Partnership'" in strategy["partnership"]
    capsys.readouterr()
    assert main(["check", "--data", str(data)]) == 2
    problems = capsys.readouterr().err.splitlines()[1:]
    assert problems and all("still to do: " in line for line in problems), problems


def test_new_refuses_a_name_of_more_than_one_line(
        data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "newham", "--name", "Newham\nBcc: x@y", "--data", str(data)]) == 2
    assert "expected the borough's name on one line" in capsys.readouterr().err
    assert not (data / "newham").exists()
