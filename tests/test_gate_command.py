"""`strategy-site gate` from an installed package (issue 16): what it lacks is said with the
line that installs it, and its Node packages are installed once per lock file."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from strategy_site.gate import tools


def test_missing_system_packages_are_named_with_the_apt_get_line(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path), "CHROMIUM": str(tmp_path / "no-chromium"),
           "STRATEGY_SITE_GATE_DIR": str(tmp_path / "tools")}
    run = subprocess.run([sys.executable, "-m", "strategy_site.cli", "gate"], env=env,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2
    assert ("The accessibility gate needs these Debian packages: chromium, "
            "default-jre-headless, nodejs, npm\nInstall them with:\n  sudo apt-get install "
            "chromium default-jre-headless nodejs npm") in run.stderr
    assert not (tmp_path / "tools").exists()  # nothing installed before what it needs is there


def test_the_tools_folder_is_a_cache_per_version_unless_chosen(
        tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop(tools.TOOLS_ENV, None)
    env["XDG_CACHE_HOME"] = str(tmp_path)
    code = "from strategy_site.gate import tools; print(tools.tools_dir())"
    folder = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=True).stdout.strip()
    assert Path(folder).parent == tmp_path / "strategy-site"
    assert Path(folder).name.startswith("gate-")
    env[tools.TOOLS_ENV] = str(tmp_path / "mine")
    chosen = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=60, check=True).stdout.strip()
    assert Path(chosen) == tmp_path / "mine"


def test_packages_installed_from_the_same_lock_file_are_not_installed_again(
        tmp_path: Path) -> None:
    """The stamp holds the lock file's SHA-256: npm is not run."""
    digest = hashlib.sha256((tools.HERE / "package-lock.json").read_bytes()).hexdigest()
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / tools.STAMP).write_text(digest + "\n", encoding="utf-8")
    assert tools.install(tmp_path) is False


def test_the_browser_script_is_placed_where_node_finds_the_packages(tmp_path: Path) -> None:
    placed = tools.placed_script("browser_checks.mjs", tmp_path)
    assert placed.parent == tmp_path / "node_modules" / ".strategy-site"
    assert placed.read_bytes() == (tools.HERE / "browser_checks.mjs").read_bytes()
    assert tools.placed_script("browser_checks.mjs", tmp_path) == placed
