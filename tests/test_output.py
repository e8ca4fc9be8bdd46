"""All or nothing: a build that fails, or is killed half way, leaves the previous site/ byte for
byte; and a build needs no network at all."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import Abort

from conftest import DATA, FIXTURES, build_site, copy_data, make_project
from strategy_site.output import STAGING_PREFIX


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file under a folder with the SHA-256 of its bytes."""
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def _staging(parent: Path) -> list[Path]:
    return sorted(parent.glob(f"{STAGING_PREFIX}*"))


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
