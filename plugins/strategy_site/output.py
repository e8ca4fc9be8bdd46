"""All or nothing: the build writes into a staging folder beside `site/` and replaces `site/`
only when everything (pages, PDFs, feeds, packs, checks) has succeeded.

A council's web team copies `site/` to its servers. A build that fails on publication day, or
is killed half way, must leave the previous site exactly as it was, never a mixture of old and
new pages or a PDF cut short; and so must two builds at once, into the same folder or into
neighbouring ones.

Each target (`site/`) has a folder of its own beside it, `.building-site/`, holding a lock file
and the staging folders. A build holds the target's lock from the moment it starts staging
until its swap is done, so only one build at a time writes a target, and whatever else is in
that folder when a build takes the lock was left by a build that is gone. Nothing matches by
name prefix, so `site` and `site-preview` never touch each other's staging.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.strategy_site")

STAGING_PREFIX = ".building-"
"""The name of a target's own folder of staging work starts so: `.building-site/`."""
LOCK_FILE = "build.lock"
"""In a target's own folder: locked by the build writing the target; it holds its process id."""
STAGE = "stage-"
"""A staging folder: a new site being written."""
PREVIOUS = "previous-"
"""The previous site, moved aside for an instant during the swap: whole, put back by the next
build if a build is killed between the two renames."""
DISCARDED = "discarded-"
"""A previous site being deleted after a swap; removed by the next build if left."""

DEFAULT_LOCK_TIMEOUT = 600.0
"""How long a build waits, in seconds, for another build writing the same target."""
_POLL_SECONDS = 0.1

FULL_DISK = (errno.ENOSPC, errno.EDQUOT)
"""The errors that mean there is no room left to write (the disk, or the user's quota)."""


REMOVERS = 4
"""Threads that delete a folder together: deleting is the disk's time, not the processor's (a
site of 12,600 files at N = 300 took 2.6 s in one thread, 1.4 s in four, 1.7 s in eight)."""


def remove_folder(folder: Path) -> None:
    """Delete a folder and everything in it, as `shutil.rmtree(ignore_errors=True)` does, each
    of its folders in one of `REMOVERS` threads. Nothing is followed through a link: a link
    in its place (a `site/` that was a link to `/var/www/html`) is removed, not what it points
    to, and the folder is read through a descriptor, so no link swapped in meanwhile is
    followed."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        if folder.is_symlink():
            with contextlib.suppress(OSError):
                folder.unlink()  # the link itself
        return
    try:
        with os.scandir(handle) as scan:
            entries = list(scan)
        with ThreadPoolExecutor(REMOVERS) as removers:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    removers.submit(shutil.rmtree, entry.name, ignore_errors=True,
                                    dir_fd=handle)
                else:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.name, dir_fd=handle)
    finally:
        os.close(handle)
    shutil.rmtree(folder, ignore_errors=True)


class OutputError(Exception):
    """The output cannot be written or published; the message says why and what to do."""


class StagedOutput:
    """A staging folder for one build, under the target's lock, and the swap that publishes it.

    `what` names the target in messages ("site/", "the submission packs")."""

    def __init__(self, target: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
                 what: str | None = None) -> None:
        self.target = target
        self.what = what or f"{target.name}/"
        if target.exists() and not target.is_dir():
            raise OutputError(f"{target}: expected a folder to write {self.what} into, found "
                              "a file; move the file away or choose another folder")
        self.workspace = target.with_name(f"{STAGING_PREFIX}{target.name}")
        self.workspace.mkdir(parents=True, exist_ok=True)
        self._lock: int | None = _take_lock(self.workspace / LOCK_FILE, target, lock_timeout)
        self._held: int | None = None
        try:
            self._clear_leftovers()
            self.staging = Path(tempfile.mkdtemp(prefix=STAGE, dir=self.workspace))
            # Held open, the folder keeps its inode even if removed: one made again in its
            # place never has the same identity.
            self._held = os.open(self.staging, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            self._made = _identity_of(self._held)
        except BaseException:
            self._release()
            raise

    def commit(self, expected: Iterable[Path] = (),
               discard: Callable[[Path], None] | None = None) -> None:
        """Put the staged output in place of the old one, once it is checked whole: the
        staging folder is the one this build made, and every file in `expected` (what this
        build wrote) is in it. Each rename is atomic; between the two there is no target for
        an instant, never a partial one. `discard` removes the old one, moved aside (by
        default at once; the preview does it after the pages are served)."""
        try:
            self._check(expected)
            os.chmod(self.staging, 0o777 & ~_umask())  # mkdtemp's 0700 would hide it
            previous = None
            if self.target.exists():
                previous = self.workspace / f"{PREVIOUS}{self.staging.name[len(STAGE):]}"
                self.target.rename(previous)
            try:
                self.staging.rename(self.target)
            except OSError:
                if previous is not None:
                    previous.rename(self.target)
                raise
            if previous is not None:
                discarded = previous.rename(self.workspace / f"{DISCARDED}{previous.name}")
                (discard or remove_folder)(discarded)
        finally:
            self._release()

    def abandon(self) -> None:
        """Throw the staged output away; the old one was never touched."""
        try:
            remove_folder(self.staging)
        finally:
            self._release()

    def replaced(self, error: BaseException | None = None) -> str | None:
        """What is wrong, if the staging folder was removed or replaced while this build wrote
        it, or is being removed (`error`: a file or folder in it vanished): then writing into
        it fails wherever the build was, often inside MkDocs."""
        vanished = (isinstance(error, FileNotFoundError) and error.filename is not None
                    and Path(str(error.filename)).is_relative_to(self.staging))
        if (vanished or _identity_or_none(self.staging) != self._made
                or not self.staging.is_dir()):
            return (f"the staging folder {self.staging} was removed or replaced while this "
                    f"build wrote it (by another program); {self.what} is unchanged: build "
                    "again")
        return None

    def _check(self, expected: Iterable[Path]) -> None:
        replaced = self.replaced()
        if replaced is not None:
            raise OutputError(replaced)
        present = _files_in(self.staging)
        lacking = [path for path in expected if os.path.normpath(path) not in present]
        if lacking:
            shown = ", ".join(str(path) for path in lacking[:3])
            raise OutputError(
                f"the new {self.what} lacks {len(lacking)} of the files this build wrote "
                f"({shown}); {self.what} is unchanged: build again")

    def _clear_leftovers(self) -> None:
        """With the lock held, everything in the target's folder but the lock file was left by
        a build that is gone. A previous site moved aside by a build killed in the middle of
        its swap goes back in place; the rest is removed."""
        previous = sorted(self.workspace.glob(f"{PREVIOUS}*"))
        if previous and not self.target.exists():
            previous[0].rename(self.target)
            log.info("Put the previous %s back in place: a build was stopped while it swapped "
                     "in its own", self.what)
        for path in self.workspace.iterdir():
            if path.name == LOCK_FILE:
                continue
            if path.is_dir() and not path.is_symlink():
                remove_folder(path)
            else:
                path.unlink(missing_ok=True)

    def _release(self) -> None:
        if self._held is not None:
            os.close(self._held)
            self._held = None
        if self._lock is not None:
            os.close(self._lock)  # closing the file releases the lock
            self._lock = None


def remove_workspace(target: Path) -> None:
    """Remove the target's own folder of staging work (its lock file and whatever a build left)
    unless a build holds its lock: for a target that goes with the process that made it, as
    the preview's temporary site does, which otherwise left the folder in TMPDIR at each
    `mkdocs serve`."""
    workspace = target.with_name(f"{STAGING_PREFIX}{target.name}")
    if not workspace.is_dir():
        return
    try:
        lock = _take_lock(workspace / LOCK_FILE, target, 0)
    except (OutputError, OSError):
        return  # a build is writing it, or it went already
    try:
        shutil.rmtree(workspace, ignore_errors=True)
    finally:
        os.close(lock)


def _files_in(folder: Path) -> set[str]:
    """Every file in `folder` and its folders, by normalised path, symbolic links not followed
    (a file reached through a link is not in the folder): one walk, where resolving each of a
    thousand paths took a build at 33 partnerships 0.1 s."""
    found: set[str] = set()
    todo = [os.path.normpath(folder)]
    while todo:
        with os.scandir(todo.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    found.add(entry.path)
    return found


def _take_lock(path: Path, target: Path, timeout: float) -> int:
    """Hold the lock on `path`: at once, or after waiting (and saying so) for the build that
    holds it, at most `timeout` seconds.

    A POSIX record lock (fcntl.lockf), not flock: it belongs to this process alone, so PDF
    worker processes forked by the build never hold it, and the kernel releases it when the
    process ends, however it ends."""
    deadline = time.monotonic() + timeout
    told = False
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(handle)
            if error.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = _holder(path)
            if time.monotonic() >= deadline:
                raise OutputError(
                    f"Another build ({holder}) has been writing {target} for more than "
                    f"{timeout:g} seconds; this build stopped and changed nothing. Wait for "
                    "that build to finish, or stop it, then build again (the plugin's "
                    "lock_timeout sets how long a build waits)") from None
            if not told:
                log.info("Another build (%s) is writing %s; waiting for it to finish",
                         holder, target)
                told = True
            time.sleep(_POLL_SECONDS)
            continue
        if _identity_of(handle) == _identity_or_none(path):
            os.ftruncate(handle, 0)
            os.write(handle, f"{os.getpid()}\n".encode())
            return handle
        os.close(handle)  # the lock file was replaced while we waited: lock the new one


def _holder(path: Path) -> str:
    """The build holding a lock, as its process id says (written when it took the lock)."""
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        pid = ""
    return f"process {pid}" if pid.isdigit() else "process unknown"


def _identity(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_dev, status.st_ino


def _identity_or_none(path: Path) -> tuple[int, int] | None:
    try:
        return _identity(path)
    except FileNotFoundError:
        return None


def _identity_of(handle: int) -> tuple[int, int]:
    status = os.fstat(handle)
    return status.st_dev, status.st_ino


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target` so that readers see the old file or the new, never a part.

    An error names the file (a full disk does not say where on its own)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp's 0600 would hide it from a server
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(target)) from error
        raise
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_staged(target: Path, data: bytes) -> None:
    """Write `data` to `target` in a staging folder (StagedOutput.staging): plainly, as MkDocs
    writes its pages there. No one reads the folder until it is put in place whole, and a build
    stopped midway leaves it to the next build, which clears it; a temporary file and a rename
    for each of a thousand files (write_atomically) cost a build at 33 partnerships 0.2 s for
    nothing. An error names the file (a full disk does not say where on its own)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "wb") as output:
            output.write(data)
    except OSError as error:
        if error.filename is None:
            raise OSError(error.errno, error.strerror, str(target)) from error
        raise


def write_new_atomically(target: Path, data: bytes) -> None:
    """Write a file that must not exist yet, whole: FileExistsError if it does, even when
    another process makes it at the same moment (a hard link never replaces a file)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.link(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


def full_disk(error: BaseException) -> OSError | None:
    """The error, or the one it was raised from, if it says the disk is full."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in FULL_DISK:
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
