#!/usr/bin/env python3
"""A made-up partnership of long data, for the accessibility gate: the layout must hold for any
valid strategy, not only for the boroughs it was written against.

An audit found that a partnership with seven objectives of 20 to 40 words each broke the
keyboard check at 320 px. This writes one partnership, built from tests/fixtures/minimal, with
everything long: a long name with long words, a 35-word title, eight objectives of 20 to 40
words with long actions, many themes, findings and funding streams, long words that cannot
wrap at a space, and a chart. `make test` builds it and runs the gate on it.

Usage: scripts/long_data.py PROJECT   writes PROJECT/strategy_data/longshire/ and
PROJECT/mkdocs.yml (this repository's, with its docs and PDF cache, reading that data); then
`mkdocs build -f PROJECT/mkdocs.yml` builds the site into PROJECT/site.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minimal" / "testshire"
SLUG = "longshire"

WORDS = (
    "partnership", "prevention", "safeguarding", "communities", "violence", "exploitation",
    "young", "people", "families", "neighbourhoods", "education", "health", "probation",
    "policing", "housing", "evidence", "intervention", "support", "engagement", "accountability",
)
LONG_WORD = "Multiagencysafeguardingcoordinationarrangements"
"""A word of 47 letters, which no line of a phone can hold."""


def words(count: int, start: int = 0) -> str:
    """`count` words of strategy prose, different for each `start`, with a long word in it."""
    chosen = [WORDS[(start * 7 + n * 3) % len(WORDS)] for n in range(count)]
    chosen[count // 2] = LONG_WORD
    return " ".join(chosen).capitalize()


def _dump(folder: Path, name: str, data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    (folder / f"{name}.yaml").write_text(f"# Made-up long data (scripts/long_data.py)\n{text}",
                                        encoding="utf-8")


def write(data_dir: Path) -> Path:
    """Write the long partnership into `data_dir`; its folder."""
    folder = data_dir / SLUG
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(FIXTURE, folder)
    strategy = yaml.safe_load((folder / "strategy.yaml").read_text(encoding="utf-8"))
    strategy.update({
        "title": words(35, 1),
        "borough": f"Longshire and {LONG_WORD}-upon-the-Extraordinarily-Long-Named-River",
        "partnership": f"The {words(12, 2)} Community Safety Partnership",
        "edition": "2025",
    })
    strategy["contact"] = {"team": words(10, 3), "email": "csp@longshire.example",
                           "organisation": words(8, 4)}
    _dump(folder, "strategy", strategy)
    _dump(folder, "objectives", {
        "title": words(20, 5),
        "objectives": [
            {"number": n, "title": words(20 + 3 * n, 10 + n),
             "actions": [{"title": words(25, 30 + 3 * n + a)} for a in range(3)]}
            for n in range(1, 9)
        ],
    })
    _dump(folder, "themes", {
        "title": words(12, 6),
        "themes": [{"number": n, "title": words(15, 50 + n), "description": words(40, 60 + n)}
                   for n in range(1, 11)],
    })
    _dump(folder, "needs-assessment", {
        "title": words(18, 7),
        "body": words(60, 8),
        "appendix_title": words(16, 9),
        "themes": [
            {"number": n, "title": words(14, 70 + n),
             "findings": [{"topic": words(12, 80 + n + f), "body": words(50, 90 + n + f)}
                          for f in range(3)]}
            for n in range(1, 6)
        ],
    })
    years = ["2024/2025", "2025/2026", "2026/2027"]
    _dump(folder, "funding", {
        "title": words(16, 11),
        "years": years,
        "streams": [
            {"name": words(14, 100 + s), "activity": words(30, 110 + s),
             "items": [{"item": words(12, 120 + s + i),
                        "amounts": {year: 125305.25 * (s + 1) + 1000 * i + 7 * y
                                    for y, year in enumerate(years)}}
                       for i in range(3)]}
            for s in range(5)
        ],
        "chart": {"title": words(14, 12), "description": words(30, 13)},
    })
    for part, seed in (("introduction", 14), ("engagement", 15), ("partnership", 16)):
        _dump(folder, part, {"title": words(15, seed), "body": words(120, seed + 1)})
    return folder


def write_project(project: Path) -> Path:
    """A project that builds the long partnership alone with this repository's site settings
    and pages; its mkdocs.yml."""
    data_dir = project / "strategy_data"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    write(data_dir)
    return write_config(project, data_dir)


def write_config(project: Path, data_dir: Path) -> Path:
    """The project's mkdocs.yml: this repository's, with its docs and PDF cache, reading the
    data in `data_dir`."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(ROOT / "docs")
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "strategy_site" in plugin:
            plugin["strategy_site"].update({
                "data_dir": str(data_dir), "pdf_cache_dir": str(ROOT / ".cache" / "pdf"),
                "submission_dir": str(project / "submissions")})
    target = project / "mkdocs.yml"
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    """Write the long partnership's project into the folder given."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path, help="the folder to write the project into")
    args = parser.parse_args(argv)
    print(write_project(args.project.resolve()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
