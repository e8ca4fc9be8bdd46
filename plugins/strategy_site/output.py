"""All or nothing: the build writes into a staging folder beside `site/` and replaces `site/`
only when everything (pages, PDFs, feeds, checks) has succeeded.

A council's web team copies `site/` to its servers. A build that fails on publication day, or
is killed half way, must leave the previous site exactly as it was, never a mixture of old and
new pages or a PDF cut short.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

STAGING_PREFIX = ".building-"
"""How a staging folder's name starts; one left by a killed build is removed by the next."""


class StagedOutput:
    """A staging folder for one build, and the swap that publishes it."""

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        for stale in target.parent.glob(f"{STAGING_PREFIX}{target.name}-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a build that was killed
        self.staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{target.name}-",
                                             dir=target.parent))

    def commit(self) -> None:
        """Put the staged site in place of the old one. Each rename is atomic; between the two
        there is no `site/` for an instant, never a partial one."""
        os.chmod(self.staging, 0o777 & ~_umask())  # mkdtemp's 0700 would hide it from a server
        retired = None
        if self.target.exists():
            retired = self.target.with_name(f"{STAGING_PREFIX}{self.target.name}-old")
            shutil.rmtree(retired, ignore_errors=True)
            self.target.rename(retired)
        self.staging.rename(self.target)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)

    def abandon(self) -> None:
        """Throw the staged site away; the old one was never touched."""
        shutil.rmtree(self.staging, ignore_errors=True)


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the new, never a part."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide it from a server
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
