"""`mkdocs serve` rebuilds the preview when an officer saves a YAML file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import copy_data, make_project

pytestmark = pytest.mark.slow  # runs `mkdocs serve` and waits for it to reload


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return True
        except (urllib.error.URLError, OSError):  # not up yet, or busy rebuilding
            pass
        time.sleep(0.3)
    return False


def test_the_preview_reloads_when_the_data_changes(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    project = make_project(tmp_path, data)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
        root = urlsplit(config.get("site_url") or "/").path  # serve mirrors site_url's path
        url = f"http://127.0.0.1:{port}{root}barking-and-dagenham/foreword/"
        assert _wait_for(url, "Councillor Syed Ghani", 60)
        foreword = data / "barking-and-dagenham" / "foreword.yaml"
        text = foreword.read_text(encoding="utf-8")
        assert "[Cabinet Member for" in text
        foreword.write_text(text.replace("[Cabinet Member for", "[Lead Cabinet Member for"),
                            encoding="utf-8")
        assert _wait_for(url, "Lead Cabinet Member", 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
