"""The data folder's own files: regular files inside it, read to a limit, never through a link.

A link in the data folder reads, echoes or publishes what the folder does not own:
`foreword.yaml -> /dev/zero` has size 0 and never ends, a link to `~/.git-credentials` would be
quoted in a message (and so in CI logs), `bexley/mirror -> ../bromley` would publish another
document at a new address. So every entry is judged by `lstat`, never following a link; a file
is opened without following a link (O_NOFOLLOW), must still be the entry that was judged, must
lie inside the data folder, and is read to at most its limit plus one byte.
"""

from __future__ import annotations

import enum
import os
import stat
from pathlib import Path

LINK_MESSAGE = ("expected a file or folder of the data folder itself, found a link (a symbolic "
                "link) to somewhere else: nothing outside the data folder is read or published, "
                "so put the file or folder itself here in place of the link")
"""Said of every link in the data folder; never what it points to."""

SPECIAL_MESSAGE = ("expected a regular file, found a named pipe, device or socket: put the file "
                   "itself here")


class Entry(enum.Enum):
    """What an entry of the data folder is, judged without following a link."""

    MISSING = "missing"
    FILE = "file"
    FOLDER = "folder"
    LINK = "link"
    SPECIAL = "special"


def entry(path: Path) -> Entry:
    """What `path` is itself (a link is a link, whatever it points to)."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return Entry.MISSING
    except OSError:  # a path through something that is not a folder, or not readable
        return Entry.SPECIAL
    if stat.S_ISLNK(mode):
        return Entry.LINK
    if stat.S_ISDIR(mode):
        return Entry.FOLDER
    return Entry.FILE if stat.S_ISREG(mode) else Entry.SPECIAL


class DataFileError(Exception):
    """A data file that is not read; the message says why, in the officer's words."""


class TooLarge(DataFileError):
    """A file over its limit: `size` in bytes, or None when it grew while it was read."""

    def __init__(self, size: int | None) -> None:
        super().__init__("too large")
        self.size = size


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
"""Never through a link at the last step, never waiting on a pipe."""


def read_inside(path: Path, root: Path, limit: int) -> bytes:
    """The bytes of a regular file inside `root`, at most `limit` of them; DataFileError if it
    is a link, not a regular file, outside `root` or larger than `limit`."""
    kind = entry(path)
    if kind is Entry.LINK:
        raise DataFileError(LINK_MESSAGE)
    if kind is Entry.MISSING:
        raise DataFileError("cannot read the file: it does not exist")
    if kind is not Entry.FILE:
        raise DataFileError(SPECIAL_MESSAGE)
    if not _inside(path, root):
        raise DataFileError(f"{LINK_MESSAGE} (a folder on the way to this file is a link)")
    judged = os.lstat(path)
    if judged.st_size > limit:
        raise TooLarge(judged.st_size)
    try:
        handle = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise DataFileError(f"cannot read the file: {error.strerror}") from None
    with os.fdopen(handle, "rb") as file:
        opened = os.fstat(file.fileno())
        if (opened.st_dev, opened.st_ino) != (judged.st_dev, judged.st_ino) or not \
                stat.S_ISREG(opened.st_mode):
            raise DataFileError("cannot read the file: it was replaced while it was read; "
                                "run the command again")
        data = file.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(None)
    return data


def _inside(path: Path, root: Path) -> bool:
    """Whether the file's real place is where its path says, inside `root`: no folder on the
    way is a link (`root` itself may be reached through one)."""
    real_root = Path(os.path.realpath(root))
    try:
        relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        return False
    return Path(os.path.realpath(path)) == real_root / relative
