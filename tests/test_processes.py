"""A large data folder is loaded in two processes (issue 18: loading 300 partnerships was
most of what our build did before MkDocs' first page); what a load finds, its documents,
their order, its problems and what it withholds, is what one process finds."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from conftest import DATA
from strategy_site.loading import DataProblem, StrategyDataError, load_site
from strategy_site.loading import folders as loading_folders
from strategy_site.processes import in_two_halves

PARTNERSHIPS = loading_folders.LOAD_IN_TWO_FROM + 4


def _many_partnerships(tmp_path: Path) -> Path:
    """Barking and Dagenham's strategy, many times over: enough folders to load in two; the
    first and the last withhold a page."""
    data = tmp_path / "strategy_data"
    data.mkdir()
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    for index in range(PARTNERSHIPS):
        shutil.copytree(DATA / "barking-and-dagenham", data / f"borough-{index:03d}")
    for index in (0, PARTNERSHIPS - 1):
        engagement = data / f"borough-{index:03d}" / "engagement.yaml"
        with engagement.open("a", encoding="utf-8") as file:
            file.write(f"withhold: {{reason: safety, note: withheld in borough {index}}}\n")
    return data


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on this machine, wherever the tests run (a one-core runner loads in one process)."""
    monkeypatch.setattr(loading_folders, "cores", lambda: 2)


def _in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading_folders, "LOAD_IN_TWO_FROM", 10**6)


def _splits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that gets an entry each time a load splits its folders between two processes."""
    splits: list[int] = []
    real = in_two_halves

    def recording(work, items):  # type: ignore[no-untyped-def]
        splits.append(len(items))
        return real(work, items)

    monkeypatch.setattr(loading_folders, "in_two_halves", recording)
    return splits


def test_a_large_data_folder_loads_the_same_in_two_processes_as_in_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _many_partnerships(tmp_path)
    splits = _splits(monkeypatch)
    in_two = load_site(data)
    assert splits == [PARTNERSHIPS]
    _in_one_process(monkeypatch)
    in_one = load_site(data)
    assert in_two == in_one
    assert [piece.note for piece in in_two.withheld] == [
        "withheld in borough 0", f"withheld in borough {PARTNERSHIPS - 1}"]
    assert [document.folder for document in in_one.documents] == sorted(
        f"borough-{index:03d}" for index in range(PARTNERSHIPS))


def test_problems_in_either_half_are_reported_as_one_process_reports_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _many_partnerships(tmp_path)
    for name in ("borough-000", f"borough-{PARTNERSHIPS - 1:03d}"):  # one in each half
        identity = data / name / "strategy.yaml"
        text = identity.read_text(encoding="utf-8")
        identity.write_text(f"title: Twice\n{text}", encoding="utf-8")  # a key twice
    splits = _splits(monkeypatch)
    with pytest.raises(StrategyDataError) as in_two:
        load_site(data)
    assert splits == [PARTNERSHIPS]
    _in_one_process(monkeypatch)
    with pytest.raises(StrategyDataError) as in_one:
        load_site(data)
    assert in_two.value.problems == in_one.value.problems
    shown = [str(problem) for problem in in_two.value.problems]
    assert len(shown) == 2, shown
    assert shown[0].startswith("strategy_data/borough-000/strategy.yaml:3"), shown
    last = f"strategy_data/borough-{PARTNERSHIPS - 1:03d}/strategy.yaml:3"
    assert shown[1].startswith(last), shown
    assert "this key appears twice" in shown[1]


def _pids(items: Sequence[int]) -> list[tuple[int, int]]:
    return [(item, os.getpid()) for item in items]


def test_the_second_half_is_done_in_another_process() -> None:
    first, second = in_two_halves(_pids, range(5))
    assert [item for item, _ in first + second] == [0, 1, 2, 3, 4]
    assert {pid for _, pid in first} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in second}


_PARENT = os.getpid()


def _dies_elsewhere(items: Sequence[int]) -> list[int]:
    if os.getpid() != _PARENT:
        os._exit(1)  # the other process, killed (out of memory)
    return list(items)


def test_if_the_other_process_dies_this_one_does_its_half() -> None:
    assert in_two_halves(_dies_elsewhere, [1, 2, 3]) == ([1, 2], [3])


def _refuses_elsewhere(items: Sequence[int]) -> list[int]:
    if os.getpid() != _PARENT:
        raise StrategyDataError([DataProblem(Path("b/strategy.yaml"), 3, "title", "expected")])
    return list(items)


def test_what_the_other_process_refuses_is_said_as_it_said_it() -> None:
    with pytest.raises(StrategyDataError) as refused:
        in_two_halves(_refuses_elsewhere, [1, 2])
    assert refused.value.problems == [DataProblem(Path("b/strategy.yaml"), 3, "title",
                                                  "expected")]
    assert str(refused.value) == (
        "The strategy data has 1 problem:\n  b/strategy.yaml:3: field 'title': expected")
