"""Builds at the same time: into the same folder, into neighbouring folders, one of them killed.
Each build that exits 0 leaves a whole site (every page of its sitemap, every file a page links
to, the search index); a build that fails or is killed leaves the previous site."""

from __future__ import annotations

import fcntl
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import FIXTURES, make_project
from strategy_site.output import LOCK_FILE, STAGING_PREFIX

pytestmark = pytest.mark.slow  # many whole builds at once, some killed

SITE_URL = "https://www.example.org/community-safety/serious-violence/"
"""The site_url of the project's mkdocs.yml, which the sitemap's addresses start with."""
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _copies(tmp_path: Path, copies: int, **options: object) -> Path:
    """A project whose data holds `copies` copies of the minimal partnership: a site big
    enough (about 33 files a copy) for builds to overlap."""
    data = tmp_path / "strategy_data"
    for number in range(copies):
        shutil.copytree(FIXTURES / "minimal" / "testshire", data / f"testshire-{number:02d}")
    return make_project(tmp_path, data, **{"pdfs": False, **options})


def _command(project: Path, target: str) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
            str(project / "mkdocs.yml"), "-d", str(project.parent / target)]


@dataclass
class Build:
    """A build running in its own process, its log in a file."""

    target: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _start(project: Path, target: str, name: str) -> Build:
    log = project.parent / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(_command(project, target), env=ENV, stdout=output,
                                   stderr=subprocess.STDOUT)
    return Build(target, process, log)


def _wait(build: Build, timeout: float = 300) -> int:
    return build.process.wait(timeout=timeout)


def _staging(parent: Path, target: str) -> list[Path]:
    """The staging folders of builds into `target`: `.building-<target>-*` or, since each
    target has a folder of its own, `.building-<target>/stage-*`."""
    return [*parent.glob(f".building-{target}-*"), *parent.glob(f".building-{target}/stage-*")]


def _staging_started(parent: Path, target: str) -> bool:
    """Whether a build into `target` has made its staging folder (its data is loaded; the
    pages are read next, then written)."""
    return bool(_staging(parent, target))


def _staging_written(parent: Path, target: str) -> bool:
    """Whether a build into `target` has begun writing its staging folder (the theme's assets
    are copied first, then the pages)."""
    return any((folder / "assets").is_dir() for folder in _staging(parent, target))


def _wait_until(condition: object, builds: list[Build], timeout: float = 120) -> None:
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        for build in builds:
            assert build.process.poll() is None, (
                f"the build into {build.target} ended before the test could act:\n"
                f"{build.output()[-3000:]}")
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


LINK = re.compile(r'(?:href|src)="([^"#?]*)[^"]*"')


def missing(site: Path) -> list[str]:
    """What a whole site has and `site` lacks: its home page, every page of its sitemap, the
    search index, and every file a page links to."""
    if not (site / "index.html").is_file() or not (site / "sitemap.xml").is_file():
        return [f"{site.name}/index.html or sitemap.xml"]
    absent = []
    search = site / "pagefind" / "pagefind-entry.json"
    if not search.is_file():
        absent.append("pagefind/pagefind-entry.json")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    for address in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        assert address.startswith(SITE_URL), address
        page = site / unquote(address[len(SITE_URL):]) / "index.html"
        if not page.is_file():
            absent.append(str(page.relative_to(site)))
            continue
        for link in LINK.findall(page.read_text(encoding="utf-8")):
            if not link or urlsplit(link).scheme or link.startswith("//"):
                continue
            target = (page.parent / unquote(link)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                absent.append(f"{target} (linked from {page.relative_to(site)})")
    return absent


def _assert_whole(site: Path, build: Build) -> None:
    lacking = missing(site)
    assert not lacking, (f"the build into {site.name} exited 0 and {site.name}/ lacks "
                         f"{len(lacking)} files, e.g. {lacking[:5]}\n{build.output()[-2000:]}")


def test_a_build_into_a_neighbouring_folder_leaves_the_other_whole(tmp_path: Path) -> None:
    """The issue's reproduction: a build into site-preview/, then one into site/ while it
    writes. The second one removed the first one's staging folder (`.building-site-*` matched
    `.building-site-preview-*`), and site-preview/ was swapped in half written, with exit 0."""
    project = _copies(tmp_path, 40)
    preview = _start(project, "site-preview", "preview")
    try:
        _wait_until(lambda: _staging_started(tmp_path, "site-preview"), [preview])
        site = _start(project, "site", "site")
        assert _wait(site) == 0, site.output()[-3000:]
        assert _wait(preview) == 0, preview.output()[-3000:]
    finally:
        preview.process.kill()
    _assert_whole(tmp_path / "site", site)
    _assert_whole(tmp_path / "site-preview", preview)


def test_a_killed_build_into_the_same_folder_leaves_the_other_whole(tmp_path: Path) -> None:
    """The issue's second reproduction: two builds into site/, the second one killed as soon
    as it gets going. The second removed the first one's staging folder when it started; the
    first then exited 0 with a partial site."""
    project = _copies(tmp_path, 40)
    first = _start(project, "site", "first")
    second: Build | None = None
    try:
        _wait_until(lambda: _staging_started(tmp_path, "site"), [first])
        second = _start(project, "site", "second")

        def second_is_going() -> bool:
            assert second is not None
            return _going(second)

        _wait_until(second_is_going, [first, second])
        second.process.send_signal(signal.SIGKILL)
        assert _wait(first) == 0, first.output()[-3000:]
    finally:
        first.process.kill()
        if second is not None:
            second.process.kill()
    _assert_whole(tmp_path / "site", first)

    again = _start(project, "site", "again")
    assert _wait(again) == 0, again.output()[-3000:]
    _assert_whole(tmp_path / "site", again)
    assert _leftovers(tmp_path) == [], "the next build clears what the killed one left"


def _going(build: Build) -> bool:
    """Whether a build has loaded its data and is staging, or waiting for another build."""
    output = build.output()
    return "Building documentation to directory" in output or "Another build (" in output


def _leftovers(parent: Path) -> list[str]:
    """Staging folders and retired sites beside the targets (a target's lock file stays)."""
    found = []
    for path in parent.glob(".building-*"):
        if path.is_dir() and not (path / "build.lock").exists():
            found.append(path.name)
        elif path.is_dir():
            found += [f"{path.name}/{inner.name}" for inner in path.iterdir()
                      if inner.name != "build.lock"]
    return sorted(found)


def test_a_killed_build_beside_one_rendering_pdfs_leaves_it_whole(tmp_path: Path) -> None:
    """The same with PDFs and an empty cache: the killed build had removed the staging folder
    of the one rendering PDFs, which then stopped on a FileNotFoundError traceback."""
    project = _copies(tmp_path, 4, pdfs=True, pdf_cache_dir=str(tmp_path / "cache"))
    first = _start(project, "site", "first")
    second: Build | None = None
    try:
        _wait_until(lambda: _staging_started(tmp_path, "site"), [first])
        second = _start(project, "site", "second")

        def second_is_going() -> bool:
            assert second is not None
            return _going(second)

        _wait_until(second_is_going, [second])
        second.process.send_signal(signal.SIGKILL)
        assert _wait(first) == 0, first.output()[-3000:]
    finally:
        first.process.kill()
        if second is not None:
            second.process.kill()
    assert "Traceback" not in first.output(), first.output()[-3000:]
    _assert_whole(tmp_path / "site", first)
    assert len(list((tmp_path / "site").rglob("*.pdf"))) == 8  # at home and the edition's


def _removed_while_staging(tmp_path: Path, remove: str) -> tuple[Build, dict[str, float]]:
    """A build of site/ whose staging folder loses something while it writes, as when another
    program (or a build of the old code) clears it: the staging folder itself, or one of the
    theme's files copied before the pages."""
    project = _copies(tmp_path, 40)
    first = _start(project, "site", "first")
    assert _wait(first) == 0
    before = {str(path): path.stat().st_mtime for path in (tmp_path / "site").rglob("*")}
    build = _start(project, "site", "second")
    try:
        def bundle() -> list[Path]:
            return [path for folder in _staging(tmp_path, "site")
                    for path in (folder / "assets" / "javascripts").glob("bundle.*.js")]

        _wait_until(lambda: bool(bundle()), [build])
        [written] = bundle()
        if remove == "folder":  # MkDocs writes on meanwhile, making folders again
            staging = written.parents[2]
            while staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
        else:
            written.unlink()
        _wait(build)
    finally:
        build.process.kill()
    return build, before


@pytest.mark.parametrize("remove", ["folder", "file"])
def test_a_build_whose_staging_lost_files_keeps_the_previous_site(
        tmp_path: Path, remove: str) -> None:
    build, before = _removed_while_staging(tmp_path, remove)
    assert build.process.returncode == 1
    expected = ("was removed or replaced while this build wrote it" if remove == "folder"
                else "lacks 1 of the files this build wrote")
    assert expected in build.output(), build.output()[-3000:]
    after = {str(path): path.stat().st_mtime for path in (tmp_path / "site").rglob("*")}
    assert after == before  # the previous site, not a file touched


@contextmanager
def _holding_the_lock(parent: Path, target: str) -> Iterator[None]:
    """Hold a target's lock as a build does (its lock file, this process's id in it)."""
    folder = parent / f"{STAGING_PREFIX}{target}"
    folder.mkdir(exist_ok=True)
    with (folder / LOCK_FILE).open("r+b" if (folder / LOCK_FILE).exists() else "w+b") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        lock.write(f"{os.getpid()}\n".encode())
        lock.flush()
        yield


def test_a_build_waits_for_another_into_the_same_folder_and_says_so(tmp_path: Path) -> None:
    project = _copies(tmp_path, 1)
    with _holding_the_lock(tmp_path, "site"):
        build = _start(project, "site", "build")
        _wait_until(lambda: _going(build), [build])
        time.sleep(1)
        assert build.process.poll() is None, "it did not wait"
        assert not (tmp_path / "site").exists()
    assert _wait(build) == 0, build.output()[-3000:]
    assert re.search(rf"INFO .*Another build \(process {os.getpid()}\) is writing \S*site; "
                     "waiting for it to finish", build.output()), build.output()[-3000:]
    _assert_whole(tmp_path / "site", build)


def test_a_build_stops_after_waiting_too_long_for_another(tmp_path: Path) -> None:
    """`lock_timeout` bounds the wait: a build held up that long stops, saying which build
    holds the folder and what to do, and changes nothing."""
    project = _copies(tmp_path, 1, lock_timeout=0.5)
    with _holding_the_lock(tmp_path, "site"):
        build = _start(project, "site", "build")
        assert _wait(build) == 1
    output = build.output()
    assert "Traceback" not in output
    assert re.search(rf"Another build \(process {os.getpid()}\) has been writing \S*site for "
                     r"more than 0.5 seconds; this build stopped and changed nothing. Wait for "
                     "that build to finish, or stop it, then build again", output), output
    assert not (tmp_path / "site").exists()
    assert _leftovers(tmp_path) == []


# --- the stress test ---------------------------------------------------------------------


@pytest.mark.slow
def test_builds_at_once_killed_at_random_never_leave_a_partial_site(tmp_path: Path) -> None:
    """Two and three builds at once, into the same folder and into neighbouring ones (`site`
    and `site-preview`, whose names share a prefix), one of them killed at a random moment,
    round after round (a fixed seed, so a failure can be replayed). Every build that exits 0
    has a whole target when it exits; at the end of a round every target is whole."""
    project = _copies(tmp_path, 6)
    chance = random.Random(15)
    for round_number in range(12):
        count = 2 + round_number % 2
        targets = [chance.choice(["site", "site-preview"]) for _ in range(count)]
        if round_number % 4 == 0:
            targets = ["site"] * count  # the same folder, at least every fourth round
        victim = chance.randrange(count)
        kill_after = chance.uniform(0.2, 3.0)
        how = chance.choice([signal.SIGKILL, signal.SIGTERM])
        builds: list[Build] = []
        started: list[float] = []
        try:
            for number, target in enumerate(targets):
                builds.append(_start(project, target, f"round{round_number}-{number}"))
                started.append(time.monotonic())
                time.sleep(chance.uniform(0, 0.8))
            finished = [False] * count
            deadline = time.monotonic() + 120
            while not all(finished):
                assert time.monotonic() < deadline, "a round took more than two minutes"
                for number, build in enumerate(builds):
                    if finished[number]:
                        continue
                    code = build.process.poll()
                    if code is None:
                        if number == victim and time.monotonic() - started[number] > kill_after:
                            build.process.send_signal(how)
                        continue
                    finished[number] = True
                    assert "Traceback" not in build.output(), build.output()[-3000:]
                    if code == 0:
                        _assert_whole_now(tmp_path / build.target, build)
                    else:
                        assert number == victim, (
                            f"round {round_number}: the build into {build.target} failed "
                            f"(exit {code}) and was not killed:\n{build.output()[-3000:]}")
                time.sleep(0.01)
        finally:
            for build in builds:
                build.process.kill()
        for target in set(targets):
            if (tmp_path / target).exists():
                lacking = missing(tmp_path / target)
                assert not lacking, f"round {round_number}: {target}/ lacks {lacking[:5]}"
    for target in ("site", "site-preview"):
        final = _start(project, target, f"final-{target}")
        assert _wait(final) == 0, final.output()[-3000:]
        _assert_whole(tmp_path / target, final)
    assert _leftovers(tmp_path) == []


def _assert_whole_now(site: Path, build: Build) -> None:
    """The target of a build that just exited 0. Another build may be swapping its own whole
    site in at this moment (there is no site/ for an instant between two renames): look
    again shortly if so."""
    for _ in range(5):
        if site.exists() and not missing(site):
            return
        time.sleep(0.2)
    _assert_whole(site, build)
