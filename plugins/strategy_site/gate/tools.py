"""What the accessibility gate runs on: Debian's chromium, Java and Node, and the Node packages
of the packaged lock file, installed as `make` installs them (npm ci, no browser download) into
a folder of their own, so an installed package can run the gate with no copy of this repository.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_FILES = ("package.json", "package-lock.json")
TOOLS_ENV = "STRATEGY_SITE_GATE_DIR"
"""Where the gate's Node packages are (its node_modules/); default: a cache folder per version."""
STAMP = ".strategy-site-installed"
"""In node_modules/: the SHA-256 of the lock file it was installed from."""

SYSTEM_PACKAGES = {"chromium": "chromium", "java": "default-jre-headless", "node": "nodejs",
                   "npm": "npm"}
"""Each program the gate needs, by the Debian package that provides it."""


class ToolsError(Exception):
    """The gate's tools cannot be installed; the message says what to do."""


def tools_dir() -> Path:
    """The folder whose node_modules/ the gate uses: $STRATEGY_SITE_GATE_DIR, or
    ~/.cache/strategy-site/gate-VERSION (under $XDG_CACHE_HOME when that is set)."""
    chosen = os.environ.get(TOOLS_ENV)
    if chosen:
        return Path(chosen).resolve()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "strategy-site" / f"gate-{_version()}"


def _version() -> str:
    try:
        return version("strategy-site")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree not installed
        return "source"


def chromium() -> Path:
    return Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))


def missing_system_packages() -> list[str]:
    """The Debian packages to install before the gate can run."""
    missing = [] if chromium().exists() else [SYSTEM_PACKAGES["chromium"]]
    return missing + [package for program, package in SYSTEM_PACKAGES.items()
                      if program != "chromium" and shutil.which(program) is None]


def install(folder: Path) -> bool:
    """Install the packaged lock file's Node packages into `folder`/node_modules unless they
    are there already from the same lock file; return whether anything was installed."""
    lock = (HERE / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock).hexdigest()
    stamp = folder / "node_modules" / STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        source = (HERE / name).read_bytes()
        target = folder / name
        if not target.is_file() or target.read_bytes() != source:
            target.write_bytes(source)
    if shutil.which("npm") is None:
        raise ToolsError("npm is missing: apt-get install npm")
    run = subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=folder,
        env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"}, capture_output=True, text=True,
        timeout=1800, check=False)
    if run.returncode != 0:
        raise ToolsError(f"npm ci in {folder} failed (exit {run.returncode}): "
                         f"{run.stderr[-800:]}")
    stamp.write_text(digest + "\n", encoding="utf-8")
    return True


def placed_script(name: str, folder: Path) -> Path:
    """A copy of a packaged Node script inside `folder`/node_modules, where Node finds the
    packages it imports (Node resolves them from the script's own folder, not the working one).
    Named by its content, so builds at once never write over one another's copy."""
    source = (HERE / name).read_bytes()
    stem, _, suffix = name.rpartition(".")
    target = (folder / "node_modules" / ".strategy-site"
              / f"{stem}-{hashlib.sha256(source).hexdigest()[:12]}.{suffix}")
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_bytes(source)
        partial.replace(target)
    return target
