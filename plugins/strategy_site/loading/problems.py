"""What is wrong in the data, with where: one problem, the collector a load gathers them in
(so that an officer sees every problem of a run at once), and the error that stops a build."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataProblem:
    """One thing wrong in the data, with where it is."""

    file: Path
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        field = f" field '{self.field}':" if self.field else ""
        return f"{where}:{field} {self.message}"


class StrategyDataError(Exception):
    """The data cannot be published; `problems` says every reason found."""

    def __init__(self, problems: list[DataProblem]) -> None:
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"The strategy data has {count}:\n{lines}")

    def __reduce__(self) -> tuple[type[StrategyDataError], tuple[list[DataProblem]]]:
        """Made again from its problems when it comes back from another process (pickled)."""
        return type(self), (self.problems,)


class Problems:
    """Every problem found so far, in the order found: a load goes on past each one, and
    stops once, at the end, with them all (`raise_if_any`)."""

    def __init__(self) -> None:
        self._found: list[DataProblem] = []

    def add(self, file: Path, line: int | None, field: str | None, message: str) -> None:
        """Note one problem: in `file`, on `line` (if known), at `field` (if known)."""
        self._found.append(DataProblem(file, line, field, message))

    def extend(self, problems: Iterable[DataProblem]) -> None:
        """Note problems found elsewhere (another collector's, a failed read's)."""
        self._found.extend(problems)

    def __iter__(self) -> Iterator[DataProblem]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def raise_if_any(self) -> None:
        """Stop with every problem found, if there is one."""
        if self._found:
            raise StrategyDataError(list(self._found))
