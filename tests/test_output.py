"""All or nothing: a build that fails, or is killed half way, leaves the previous site/ byte for
byte; and a build needs no network at all."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort, PluginError
from pypdf import PdfReader

from conftest import DATA, FIXTURES, PUBLISHED_AT, build_site, copy_data, make_project
from strategy_site.output import LOCK_FILE, STAGING_PREFIX

pytestmark = pytest.mark.slow  # whole builds killed, failed or swapped, with their PDFs


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _staging(parent: Path) -> list[Path]:
    """What builds left beside their targets: staging folders, previous sites (not the
    targets' lock files, which stay)."""
    return sorted(path for folder in parent.glob(f"{STAGING_PREFIX}*")
                  for path in folder.iterdir() if path.name != LOCK_FILE)


def _build_command(project: Path) -> list[str]:
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
            str(project / "mkdocs.yml"), "-d", str(project.parent / "site")]


def test_a_build_killed_half_way_leaves_the_previous_site(tmp_path: Path) -> None:
    project = make_project(tmp_path, copy_data(tmp_path, DATA))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(_build_command(project), check=True, env=env, capture_output=True,
                   timeout=600)
    site = tmp_path / "site"
    before = _fingerprint(site)
    assert len(before) > 100

    build = subprocess.Popen(_build_command(project), env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        # Wait until the new site is being written: theme files copied, pages to come.
        while not any((staged / "assets").exists() for staged in _staging(tmp_path)):
            assert build.poll() is None, "the build finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        build.send_signal(signal.SIGTERM)
        build.wait(timeout=60)
    finally:
        build.kill()
    assert build.returncode != 0
    assert _fingerprint(site) == before  # not a byte changed, nothing added or removed

    subprocess.run(_build_command(project), check=True, env=env, capture_output=True,
                   timeout=600)
    assert not _staging(tmp_path), "the next build clears what the killed one left"


def test_a_build_that_fails_at_the_end_leaves_the_previous_site(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A warning in strict mode aborts the build after every page and PDF was written: the
    staged site is thrown away, not swapped in."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    built = build_site(tmp_path, data)
    before = _fingerprint(built.root)
    (tmp_path / "project" / "docs" / "about.md").write_text(
        "# About\n\n[A page that is not there](missing.md)\n", encoding="utf-8")
    objectives = data / "testshire" / "objectives.yaml"
    objectives.write_text(objectives.read_text("utf-8").replace(
        "Reduce knife crime", "Reduce knife crime and robbery"), encoding="utf-8")
    with pytest.raises(Abort):
        build_site(tmp_path, data)
    assert _fingerprint(built.root) == before
    assert not _staging(tmp_path)


def test_a_successful_build_replaces_the_site_whole(tmp_path: Path) -> None:
    data = copy_data(tmp_path, FIXTURES / "minimal")
    built = build_site(tmp_path, data)
    stray = built.root / "left-over.html"
    stray.write_text("from an earlier build", encoding="utf-8")
    build_site(tmp_path, data)
    assert not stray.exists()
    assert (built.root / "testshire" / "index.html").exists()
    assert not _staging(tmp_path)
    assert oct(built.root.stat().st_mode & 0o777) != oct(0o700)  # readable by a web server


def test_a_site_folder_that_is_a_link_leaves_what_it_points_to(tmp_path: Path) -> None:
    """`site/` linked to the web server's folder: the swap replaces the link with the new
    site and deletes nothing the link pointed to (rmtree refuses a link; a scan of the old site
    that followed it emptied the web server's folder)."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    served = tmp_path / "www"
    (served / "other-service").mkdir(parents=True)
    (served / "other-service" / "index.html").write_text("another team's", encoding="utf-8")
    (served / "top.html").write_text("another team's", encoding="utf-8")
    (tmp_path / "site").symlink_to(served, target_is_directory=True)
    built = build_site(tmp_path, data)
    assert (served / "other-service" / "index.html").read_text(encoding="utf-8") == (
        "another team's")
    assert (served / "top.html").exists()
    assert not built.root.is_symlink()
    assert (built.root / "testshire" / "index.html").exists()
    assert not _staging(tmp_path)


def test_deleting_the_replaced_site_follows_no_link_out_of_it(tmp_path: Path) -> None:
    """The replaced site is deleted by several threads at once (output.remove_folder): all of
    it, deep folders too, and nothing a link in it points to."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    built = build_site(tmp_path, data)
    outside = tmp_path / "outside"
    (outside / "kept").mkdir(parents=True)
    (outside / "kept" / "page.html").write_text("not the site's", encoding="utf-8")
    (built.root / "linked-folder").symlink_to(outside, target_is_directory=True)
    (built.root / "testshire" / "linked-file").symlink_to(outside / "kept" / "page.html")
    deep = built.root / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "file.txt").write_text("from an earlier build", encoding="utf-8")
    build_site(tmp_path, data)
    assert (outside / "kept" / "page.html").read_text(encoding="utf-8") == "not the site's"
    assert not (built.root / "a").exists()
    assert not (built.root / "linked-folder").is_symlink()
    assert (built.root / "testshire" / "index.html").exists()
    assert not _staging(tmp_path)


# --- no network --------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Outbound connections fail, as on a locked-down build server; each attempt is kept."""
    attempts: list[Any] = []
    connect = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return connect(self, address)
        attempts.append(address)
        raise OSError(f"network blocked by the test: {address}")

    def resolve(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args[:2])
        raise socket.gaierror(f"network blocked by the test: {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    yield attempts


def test_the_site_builds_with_the_network_blocked(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, no_network: list[Any]) -> None:
    site = build_site(tmp_path, DATA, caplog)
    assert (site.root / "bexley" / "delivery-2024" / "index.html").exists()
    assert list((site.root / "bromley").glob("*.pdf"))
    assert no_network == [], "the build tried to reach the network"


def test_the_network_block_is_real(no_network: list[Any]) -> None:
    with pytest.raises(OSError), socket.create_connection(("192.0.2.1", 80), timeout=1):
        pass
    assert no_network


# --- the submission packs: made before the swap, all or nothing ------------------------------


def _published_minimal(tmp_path: Path) -> Path:
    """The minimal borough with the timetable, so its publication date gives it a pack."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    shutil.copy(DATA / "timetable.yaml", data / "timetable.yaml")
    make_project(tmp_path, data, site_url=PUBLISHED_AT)  # not the example address
    return data


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_pack_that_cannot_be_written_leaves_the_site_and_the_packs(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A line break in the partnership's name cannot go in the email's Subject. The build
    swapped the new site in and then died on `ValueError: Header values may not contain
    linefeed`; now it stops before the swap (or the data is refused when it is loaded),
    leaving site/ and submissions/ as they were."""
    data = _published_minimal(tmp_path)
    built = build_site(tmp_path, data)
    packs = tmp_path / "project" / "submissions"
    site_before, packs_before = _fingerprint(built.root), _fingerprint(packs)
    assert any(name.endswith(".eml") for name in packs_before)
    _edit(data / "testshire" / "strategy.yaml",
          "partnership: Testshire Community Safety Partnership",
          'partnership: "Testshire Community Safety Partnership\\nBcc: someone@example.org"')
    with pytest.raises((Abort, PluginError)):
        build_site(tmp_path, data)
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "partnership" in errors
    assert _fingerprint(built.root) == site_before
    assert _fingerprint(packs) == packs_before
    assert not _staging(tmp_path) and not _staging(tmp_path / "project")


def test_packs_that_cannot_be_written_stop_the_build_before_the_swap(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A pack failure of another kind: submission_dir is a file. The site was swapped in,
    then the pack's folder could not be made (a traceback, exit 1)."""
    data = _published_minimal(tmp_path)
    built = build_site(tmp_path, data)
    before = _fingerprint(built.root)
    packs = tmp_path / "project" / "submissions"
    shutil.rmtree(packs)
    packs.write_text("not a folder", encoding="utf-8")
    _edit(data / "testshire" / "objectives.yaml", "Reduce knife crime", "Reduce robbery")
    with pytest.raises((Abort, PluginError)):
        build_site(tmp_path, data)
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert f"{packs}: expected a folder to write the submission packs into, found a file" \
        in errors
    assert _fingerprint(built.root) == before
    assert packs.read_text(encoding="utf-8") == "not a folder"


def test_packs_of_an_earlier_title_do_not_pile_up(tmp_path: Path) -> None:
    data = _published_minimal(tmp_path)
    build_site(tmp_path, data)
    packs = tmp_path / "project" / "submissions" / "testshire"
    assert len(list(packs.iterdir())) == 3
    _edit(data / "testshire" / "strategy.yaml", "title: Serious Violence Duty Strategy",
          "title: Serious Violence Duty Strategy Refreshed")
    build_site(tmp_path, data)
    assert sorted(path.name for path in packs.iterdir()) == [
        "testshire-serious-violence-duty-strategy-refreshed-2025-home-office-submission.eml",
        "testshire-serious-violence-duty-strategy-refreshed-2025.pdf",
        "testshire-serious-violence-duty-strategy-refreshed-2025.pdf.sha256"]


@pytest.mark.parametrize("folder", [".", "project/docs", "strategy_data", "site"])
def test_the_packs_folder_is_a_folder_of_its_own(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, folder: str) -> None:
    """submissions/ is replaced whole: a submission_dir holding the project, its pages, its
    data or its site would replace them."""
    data = copy_data(tmp_path, FIXTURES / "minimal")
    project = make_project(tmp_path, data, submission_dir=str(tmp_path / folder))
    with pytest.raises((Abort, PluginError)):
        build_site(tmp_path, data)
    assert "submission_dir: expected a folder of its own for the submission packs" \
        in caplog.text
    assert (project / "mkdocs.yml").is_file() and (data / "testshire" / "strategy.yaml").is_file()
    assert not (tmp_path / "site").exists()


# --- the PDF cache keeps what builds use ---------------------------------------------------


def test_the_pdf_cache_keeps_no_pdf_of_text_since_withheld(tmp_path: Path) -> None:
    """A build removes the cached PDFs no build has used since it started: the PDF holding a
    withheld action goes; an entry another build used meanwhile (its file time after this
    build's start) stays, and so does a file that is not a cache entry."""
    cache = tmp_path / "cache"
    data = copy_data(tmp_path, FIXTURES / "minimal")
    build_site(tmp_path, data, pdf_cache_dir=str(cache), pdf_cache_prune=True)
    [first] = cache.glob("*/*.pdf")
    assert "Patrol hotspots" in _pdf_text(first)
    _edit(data / "testshire" / "objectives.yaml", "      - title: Patrol hotspots\n",
          "      - title: Patrol hotspots\n"
          "        withhold: {reason: safety, note: names a street}\n")
    in_use = cache / "ab" / f"ab{'0' * 62}.pdf"  # as another build, running, would use it
    in_use.parent.mkdir(exist_ok=True)  # the first entry's key may begin "ab" too
    in_use.write_bytes(first.read_bytes())
    later = time.time() + 3600
    os.utime(in_use, (later, later))
    foreign = cache / "ab" / "notes.txt"  # not the cache's own: never removed
    foreign.write_text("kept", encoding="utf-8")
    os.utime(foreign, (0, 0))
    site = build_site(tmp_path, data)
    assert foreign.exists()
    entries = sorted(cache.glob("*/*.pdf"))
    assert first not in entries and in_use in entries and len(entries) == 2
    [kept] = [entry for entry in entries if entry != in_use]
    assert "Patrol hotspots" not in _pdf_text(kept)
    served = site.root / "testshire" / "testshire-serious-violence-duty-strategy-2025.pdf"
    assert served.read_bytes() == kept.read_bytes()


def _pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


# --- a full disk ---------------------------------------------------------------------------


@contextmanager
def _small_disk(folder: Path, size_kb: int) -> Iterator[Path]:
    """A real file system of `size_kb` KB at `folder` (tmpfs), where writes beyond it fail
    with ENOSPC as on a full disk."""
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs",
                              str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def _disk_usage_kb(folder: Path) -> int:
    return sum(-(-path.stat().st_size // 4096) * 4 for path in folder.rglob("*")
               if path.is_file())


def test_a_full_disk_is_said_in_a_sentence_and_leaves_the_previous_site(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, copy_data(tmp_path, FIXTURES / "minimal"), pdfs=False)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(_build_command(project), check=True, env=env, capture_output=True,
                   timeout=600)
    size = _disk_usage_kb(tmp_path / "site")
    with _small_disk(tmp_path / "disk", size * 3 // 2) as disk:
        command = [*_build_command(project)[:-1], str(disk / "site")]
        subprocess.run(command, check=True, env=env, capture_output=True, timeout=600)
        before = _fingerprint(disk / "site")
        failed = subprocess.run(command, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=600)
        assert failed.returncode == 1
        assert "Traceback" not in failed.stdout, failed.stdout[-3000:]
        assert re.search(r"The disk is full while writing \S+; the previous site is unchanged "
                         rf"\({disk / 'site'}\): free space and build again", failed.stdout), \
            failed.stdout[-3000:]
        assert _fingerprint(disk / "site") == before
        assert not _staging(disk)
