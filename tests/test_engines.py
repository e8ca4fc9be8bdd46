"""The site builds the same on ProperDocs (the maintained fork of MkDocs 1.6) as on MkDocs:
byte for byte, but for the generator tag each engine writes into every page. So a council can
move engine without moving its data (README, "Moving engine")."""

from __future__ import annotations

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
        [str(Path(sys.executable).parent / engine), "build", "--strict", "--quiet",
         "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        cwd=project, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"{engine} build failed:\n{done.stderr[-4000:]}"
    return site


def _files(site: Path) -> dict[str, Path]:
    return {path.relative_to(site).as_posix(): path
            for path in sorted(site.rglob("*")) if path.is_file()}


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
    # The generator tags were there to normalise, and name each engine.
    home = (ours["index.html"].read_bytes(), theirs["index.html"].read_bytes())
    tags = [GENERATOR.search(page) for page in home]
    assert tags[0] and tags[0].group(1).startswith(b"mkdocs-"), tags[0]
    assert tags[1] and b"ProperDocs" in tags[1].group(1), tags[1]
