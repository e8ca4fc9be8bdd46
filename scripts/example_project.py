#!/usr/bin/env python3
"""A project that builds one of the tests' example data folders with this repository's site
settings and pages, for the accessibility gate: `make test` builds the bilingual example
(tests/fixtures/bilingual, made-up text in Welsh and English) and runs the gate on both of its
languages, as issue 19 asks.

Usage: scripts/example_project.py FIXTURE PROJECT   copies tests/fixtures/FIXTURE to
PROJECT/strategy_data and writes PROJECT/mkdocs.yml; then `mkdocs build -f PROJECT/mkdocs.yml`.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from long_data import ROOT, write_config


def write_project(fixture: str, project: Path) -> Path:
    """The project of the example `fixture`; its mkdocs.yml."""
    data_dir = project / "strategy_data"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(ROOT / "tests" / "fixtures" / fixture, data_dir)
    return write_config(project, data_dir)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("fixture", help="the example's folder in tests/fixtures")
    parser.add_argument("project", type=Path, help="the folder to write the project into")
    args = parser.parse_args(argv)
    print(write_project(args.fixture, args.project.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
