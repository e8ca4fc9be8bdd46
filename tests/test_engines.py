"""The site builds the same on ProperDocs (the maintained fork of MkDocs 1.6) as on MkDocs:
byte for byte, but for the generator tag each engine writes into every page. So a council can
move engine without moving its data (README, "Moving engine")."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from conftest import DATA, make_project

GENERATOR = re.compile(rb'<meta name="generator" content="([^"]*)"\s*/?>')
"""The one thing allowed to differ: each engine names itself (and the theme) in every page."""


def _build(engine: str, tmp_path: Path) -> Path:
    """The real site built by `engine`'s own command, strictly, with a PDF cache of its own
    (a shared one would give the second build the first's PDFs)."""
    project = make_project(tmp_path / engine, DATA, pdf_cache_dir=str(tmp_path / engine / "pdf"))
    site = tmp_path / engine / "site"
    done = subprocess.run(
        # Not --quiet: MkDocs drops warnings below its log level before --strict counts them.
        [str(Path(sys.executable).parent / engine), "build", "--strict",
         "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{engine} build failed:\n{done.stderr[-4000:]}"
    return site


PAGEFIND_UNSTABLE = re.compile(r"pagefind/(pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|"
                               r"index/[^/]+\.pf_index|filter/[^/]+\.pf_filter)")
"""Pagefind's own indexes, which it does not write the same way twice for the same pages (its
maintainers made the fragments stable in 1.3 and say the indexes may still change: Pagefind
issue #638); compared by what they hold, below, not byte for byte."""


def _files(site: Path) -> dict[str, Path]:
    return {path.relative_to(site).as_posix(): path
            for path in sorted(site.rglob("*"))
            if path.is_file() and not PAGEFIND_UNSTABLE.fullmatch(path.relative_to(site)
                                                                   .as_posix())}


def _search_index(site: Path) -> dict[str, object]:
    """What the search index holds for each language: its page count (the pages themselves
    are the fragments, compared byte for byte with the other files)."""
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    return {language: about["page_count"] for language, about in entry["languages"].items()}


def _normalised(path: Path) -> bytes:
    data = path.read_bytes()
    return GENERATOR.sub(b'<meta name="generator" content="ENGINE">', data) \
        if path.suffix == ".html" else data


@pytest.mark.parametrize("group", ["mkdocs.plugins", "properdocs.plugins"])
def test_the_plugin_is_registered_for_both_engines(group: str) -> None:
    found = [point for point in entry_points(group=group) if point.name == "strategy_site"]
    assert [point.value for point in found] == ["strategy_site.plugin:StrategySitePlugin"]


@pytest.mark.slow
def test_properdocs_builds_the_site_mkdocs_builds(tmp_path: Path) -> None:
    mkdocs, properdocs = _build("mkdocs", tmp_path), _build("properdocs", tmp_path)
    ours, theirs = _files(mkdocs), _files(properdocs)
    differences = [f"only built by MkDocs: {name}" for name in sorted(ours.keys() - theirs)]
    differences += [f"only built by ProperDocs: {name}" for name in sorted(theirs.keys() - ours)]
    differences += [f"differs: {name}" for name in sorted(ours.keys() & theirs.keys())
                    if _normalised(ours[name]) != _normalised(theirs[name])]
    assert differences == []
    assert _search_index(mkdocs) == _search_index(properdocs)
    assert _search_index(mkdocs)["en"] > 50
    # The generator tags were there to normalise, and name each engine.
    home = (ours["index.html"].read_bytes(), theirs["index.html"].read_bytes())
    tags = [GENERATOR.search(page) for page in home]
    assert tags[0] and tags[0].group(1).startswith(b"mkdocs-"), tags[0]
    assert tags[1] and b"ProperDocs" in tags[1].group(1), tags[1]
