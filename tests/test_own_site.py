"""A council's own site from the package (issue 16): `strategy-site init` on its own, and the
whole path from the wheel: build it, install it into a fresh venv in a temporary folder with no
copy of this repository, `strategy-site init`, fill the TODOs from tests/fixtures/own-site/,
build the site, its PDF and the submission pack, and check: 0 problems, nothing read from here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, REPO
from strategy_site.cli import main

pytestmark = pytest.mark.slow  # builds a wheel and installs it into a fresh venv

FILLED = FIXTURES / "own-site"
SLUG = "exampleton"
TODAY = "2024-03-01"


def _init(tmp_path: Path, *extra: str) -> int:
    return main(["init", str(tmp_path / "site"), "--partnership", SLUG, "--name", "Exampleton",
                 *extra])


def _todo_files(site: Path) -> set[str]:
    """The files with a TODO still to write, outside comments."""
    return {path.relative_to(site).as_posix() for path in site.rglob("*.y*ml")
            if any("TODO" in line.split(" #")[0] and not line.lstrip().startswith("#")
                   for line in path.read_text(encoding="utf-8").splitlines())}


def test_init_writes_a_whole_site_repository(tmp_path: Path) -> None:
    assert _init(tmp_path) == 0
    site = tmp_path / "site"
    written = sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                     if p.is_file() and p.parent.name != ".schemas")
    assert written == [
        ".github/workflows/site.yml", ".gitignore", ".gitlab-ci.yml", ".vscode/extensions.json",
        ".vscode/settings.json", "README.md",
        "docs/index.md", "mkdocs.yml", "requirements.txt",
        *(f"strategy_data/{SLUG}/{name}.yaml" for name in (
            "definition", "engagement", "funding", "introduction", "needs-assessment",
            "objectives", "partnership", "review-dates", "strategy", "themes")),
        "strategy_data/timetable.yaml"]
    assert (site / ".schemas" / "timetable.schema.json").exists()
    for path in (site / "strategy_data").rglob("*.yaml"):  # each file names its schema
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema="), path
    settings = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    assert settings["theme"]["font"] is False
    assert settings["theme"]["name"] == "material"
    assert "navigation.prune" in settings["theme"]["features"]
    assert "<!-- strategy-site:strategies -->" in (site / "docs" / "index.md").read_text("utf-8")
    for ci in (".github/workflows/site.yml", ".gitlab-ci.yml"):
        steps = (site / ci).read_text(encoding="utf-8")
        for command in ("pip install -r requirements.txt", "strategy-site check",
                        "mkdocs build --strict", "strategy-site gate --site site"):
            assert command in steps, (ci, command)
        yaml.safe_load(steps)


def test_init_refuses_a_folder_with_files_and_never_replaces_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "mkdocs.yml").write_text("site_name: Ours\n", encoding="utf-8")
    assert _init(tmp_path) == 2
    assert "is not empty: choose an empty or new folder, or add --force" in capsys.readouterr().err
    assert sorted(p.name for p in site.iterdir()) == ["mkdocs.yml"]
    assert _init(tmp_path, "--force") == 0
    assert (site / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Ours\n"
    assert f"{site / 'mkdocs.yml'}\n" not in capsys.readouterr().out
    assert (site / "README.md").exists()


def test_init_refuses_a_folder_name_that_is_no_address(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "site"), "--partnership", "New Ham",
                 "--name", "Newham"]) == 2
    assert "like 'newham'; found 'New Ham'" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def _run(command: list[str], cwd: Path, env: dict[str, str], timeout: int = 900) -> str:
    """Run a command of the installed package; its output, failing the test if it fails."""
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=timeout, check=False)
    assert run.returncode == 0, (command, run.stdout[-3000:], run.stderr[-3000:])
    return run.stdout + run.stderr


def _fill_in(site: Path) -> None:
    """Put the fixture's values where init wrote TODO: the partnership's files whole, and
    mkdocs.yml's TODO lines by their key."""
    assert _todo_files(site) == {"mkdocs.yml", *(f"strategy_data/{SLUG}/{p.name}"
                                                 for p in (FILLED / SLUG).iterdir())}
    for path in (FILLED / SLUG).iterdir():
        shutil.copy(path, site / "strategy_data" / SLUG / path.name)
    values = yaml.safe_load((FILLED / "mkdocs-values.yml").read_text(encoding="utf-8"))
    text = (site / "mkdocs.yml").read_text(encoding="utf-8")
    for key, value in [("site_url", values["site_url"]), *values["accessibility"].items()]:
        text, count = re.subn(rf"^(\s*){key}: .*$", rf"\g<1>{key}: {value}", text, flags=re.M)
        assert count == 1, key
    text = text.replace("      data_dir: strategy_data\n", "      data_dir: strategy_data\n"
                        f"      timetable_today: {values['timetable_today']}\n")
    (site / "mkdocs.yml").write_text(text, encoding="utf-8")
    assert _todo_files(site) == set()


@pytest.mark.slow
def test_a_council_site_from_the_wheel_alone(tmp_path: Path) -> None:
    """The done-when of issue 16, in the commands the README and the guide give."""
    # Built from a copy of what the package is made of: an in-place build would leave build/
    # in this repository, whose stale files a later wheel could hold.
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    shutil.copytree(REPO / "plugins", source / "plugins",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(wheels), str(source)], check=True, timeout=600, capture_output=True)
    wheel = next(wheels.glob("strategy_site-*.whl"))
    council = tmp_path / "council"
    council.mkdir()
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    venv = council / ".venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300, env=env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    _run([str(venv / "bin" / "pip"), "install", "--quiet", f"{wheel}[gate]"], council, env)
    location = _run([str(venv / "bin" / "python"), "-c",
                     "import strategy_site; print(strategy_site.__file__)"], council, env)
    assert Path(location.strip()).is_relative_to(venv), location
    outputs = [_run(["strategy-site", "init", "site", "--partnership", SLUG, "--name",
                     "Exampleton"], council, env)]
    site = council / "site"
    _fill_in(site)
    outputs.append(_run(["mkdocs", "build", "--strict"], site, env))
    outputs.append(_run(["strategy-site", "check", "--today", TODAY], site, env))

    built = site / "site"
    assert (built / "index.html").exists() and (built / SLUG / "index.html").exists()
    assert "Exampleton" in (built / "index.html").read_text(encoding="utf-8")
    assert "This website is run by the London Borough of Exampleton" in (
        built / "accessibility" / "index.html").read_text(encoding="utf-8")
    packaged = Path(location.strip()).parent
    assert ((built / "assets" / "stylesheets" / "strategy.css").read_bytes()
            == (packaged / "theme" / "assets" / "stylesheets" / "strategy.css").read_bytes())
    pdfs = list((built / SLUG).glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF-")
    pack = site / "submissions" / SLUG
    assert {p.suffix for p in pack.iterdir()} >= {".pdf", ".eml"}
    assert (pack / pdfs[0].name).read_bytes() == pdfs[0].read_bytes()
    assert "cannot be checked" not in outputs[-1] and "overdue" not in outputs[-1]
    assert "3 done on time" in outputs[-1]  # publication, Home Office and action plan
    # Nothing read from this repository: no output, page or pack names it.
    for text in [*outputs, *(p.read_text(encoding="utf-8", errors="replace")
                             for p in [*built.rglob("*.html"), *pack.iterdir()])]:
        assert str(REPO) not in text
