"""The tests read nothing outside the repository: a clone on its own passes `make test`.

The seed documents the tests compare the site with live outside the repository; the passages
the tests use are kept in tests/fixtures/seeds/, each naming its source.
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import FIXTURES, REPO, SEEDS

OUTSIDE = re.compile(r"\.\./shared|REPO\.parent|/work/|(?:\.parent){3}|shared/seeds")
"""Ways a test could reach beyond the repository: the folder beside it, an absolute path on
the development machine, or one folder above the repository's own."""


def test_no_test_module_refers_to_a_path_outside_the_repository() -> None:
    modules = [path for path in sorted((REPO / "tests").rglob("*.py"))
               if path != Path(__file__).resolve() and FIXTURES not in path.parents]
    assert len(modules) > 10
    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for path in modules
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert not found


def test_the_seed_excerpts_are_in_the_repository_and_name_their_source() -> None:
    assert SEEDS.resolve().is_relative_to(REPO)
    excerpts = sorted(SEEDS.glob("*.txt"))
    assert len(excerpts) == 4
    for path in excerpts:
        header = path.read_text(encoding="utf-8").splitlines()[:2]
        assert header[0].startswith("Excerpts, word for word, of a public document: "), path
        assert header[1].startswith(f"Source: the seed file {path.name} "), path
