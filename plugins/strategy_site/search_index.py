"""The site's search index, made by Pagefind while the engine builds the pages.

Material's own search sends the text of every page in one file (3.5 MB at 33 partnerships, 31 MB
at 300) to every reader who opens search, and builds a lunr index from it in the browser.
Pagefind splits the index into small fragments by word and page, and the browser fetches only
the fragments a query needs, so the first search costs about the same at any size of site.

Each page goes to Pagefind's service (`pagefind --service`, a process of its own) as the engine
finishes it, so Pagefind reads the pages on the second core while the engine renders the next
ones: Pagefind's command over the finished site was a fifth of the HTML build at N = 300 (9 s of
38 s), all of it after the pages. A page that waits for its PDF's size goes once that is filled
in, and at the end any page of the staged site Pagefind has not had (one the theme or another
plugin wrote) is read from the disk: what is indexed is exactly what is published, which
`tests/test_search.py` checks against Pagefind's command run over the built site. Pagefind
sends its files back (`GetFiles`) and they are written here: its own `WriteFiles` answers
before its writes are done, and a file of a service stopped then was seen left empty.

Only each page's main content is indexed (the theme marks its article `data-pagefind-body`;
pages without it, like the redirect pages and 404.html, are left out); drawings are left out
too (`data-search-exclude`): their text versions follow them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

log = logging.getLogger("mkdocs.plugins.strategy_site")

BUNDLE = "pagefind"
"""The folder of the site that holds Pagefind's index and scripts (the theme loads them from
there, relative to the page: assets/javascripts/search.js)."""

EXCLUDED = ("[data-search-exclude]",)
"""What is left out of the index on an indexed page: drawings (their text versions follow them)."""


UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css")
"""Pagefind's ready-made interfaces, which it writes into every bundle: the theme drives
Pagefind's API itself (search.js), so these are removed. They were 400 KB of every site, and
one of them (`pagefind-component-ui.js`) was seen to differ between two builds of the same
pages, which would make a site's files change with nothing changed."""

_INDEX = 0
"""The one index of a service started for one build (the service numbers them from 0)."""


class SearchIndexError(Exception):
    """Pagefind could not index the site: the message says why and what to do."""


class SearchIndexer:
    """One build's search index: pages added as they are finished, the bundle written at the
    end. Pagefind's service starts with the first page; `close` stops it (a failed build)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._errors: IO[bytes] | None = None
        self._pages: dict[int, str] = {}
        """Each message's page, by the message's number: an error names the page."""
        self._sent = 0
        self._broken: str | None = None
        self.added: set[str] = set()
        """The pages added, by their paths in the site."""
        self._asked = 0
        """The number of the message that asked for the index (`finish`)."""
        self._finished = 0.0

    def add(self, path: str, html: str) -> None:
        """Index the page published at `path` (in the site, 'bexley/strategy/index.html')
        with the text `html`, as the engine writes it (UTF-8)."""
        if self._process is None:
            self._start()
        self.added.add(path)
        number = self._send({"type": "AddFile", "index_id": _INDEX, "file_path": path,
                             "url": None, "file_contents": html})
        self._pages[number] = path

    def finish(self, site: Path) -> None:
        """Add each page of the staged `site` not added yet (one the theme or another plugin
        wrote), read from the disk; then have Pagefind make the index, while the build goes on
        (`write` takes it). Called before the build writes its own redirect pages, which are
        never indexed."""
        for folder, _, names in os.walk(site):
            for name in names:
                if not name.endswith(".html"):
                    continue
                file = Path(folder, name)
                path = file.relative_to(site).as_posix()
                if path not in self.added and not path.startswith(f"{BUNDLE}/"):
                    self.add(path, file.read_bytes().decode("utf-8", errors="replace"))
        if self._process is None:
            self._start()  # no page: Pagefind still writes its scripts, and an empty index
        self._asked = self._send({"type": "GetFiles", "index_id": _INDEX})
        self._finished = time.perf_counter()

    def write(self, bundle: Path) -> list[Path]:
        """Write the index Pagefind made (`finish`) into `bundle`; the files written. Stops
        the service."""
        assert self._asked, "finish() first"
        try:
            files = self._collect(self._asked)
        finally:
            self.close()
        written = []
        for name, data in files:
            if name.name in UNUSED:
                continue
            if not data:
                raise SearchIndexError(f"Pagefind gave {name} empty: build again")
            target = bundle.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
        log.debug("Search index: %d pages, %d files in %s, %.1f s after the last page",
                  len(self.added), len(written), bundle, time.perf_counter() - self._finished)
        return sorted(written)

    def close(self) -> None:
        """Stop Pagefind's service, if it runs (it is started anew for each build)."""
        process, self._process = self._process, None
        if process is not None:
            for pipe in (process.stdin, process.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):  # what is left of a message to a
                        pipe.close()                    # service that has gone
            process.kill()
            process.wait()
        if self._errors is not None:
            self._errors.close()
            self._errors = None

    # --- Pagefind's service: base64 JSON messages, each followed by a comma -----------------

    def _start(self) -> None:
        command = [*pagefind_command(), "--service"]
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the service)
        try:
            self._process = subprocess.Popen(command, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors)
        except OSError as error:
            self.close()
            raise SearchIndexError(
                f"Pagefind, which makes the search index, could not start ({error}): install "
                "the package with its binary, pip install 'pagefind[bin]', or set "
                "PAGEFIND_BINARY_PATH to Pagefind's binary") from None
        self._send({"type": "NewIndex",
                    "config": {"exclude_selectors": list(EXCLUDED)}})

    def _send(self, payload: dict[str, Any]) -> int:
        """Send one message (unless the service has stopped: `_collect` says so); its
        number. The service reads its input as it comes, whatever it is doing."""
        self._sent += 1
        if self._broken is None:
            assert self._process is not None and self._process.stdin is not None
            text = json.dumps({"message_id": self._sent, "payload": payload},
                              ensure_ascii=False)
            try:
                message = text.encode("utf-8")
            except UnicodeEncodeError:  # as the engine writes a page with a lone surrogate
                message = text.encode("utf-8", errors="xmlcharrefreplace")
            try:  # buffered: written whole, however the pipe takes it
                self._process.stdin.write(base64.b64encode(message) + b",")
                self._process.stdin.flush()
            except OSError as error:
                self._broken = str(error)
        return self._sent

    def _collect(self, last: int) -> list[tuple[PurePosixPath, bytes]]:
        """Read every answer up to message `last`, the files: an error on any page stops."""
        failed = []
        for answer in self._answers():
            payload = answer.get("payload") or {}
            if payload.get("type") == "Error":
                page = self._pages.get(answer.get("message_id") or 0)
                failed.append(f"{page or 'the index'}: {payload.get('message')}")
            if answer.get("message_id") == last:
                break
        else:
            raise SearchIndexError(f"Pagefind stopped before it made the search index: "
                                   f"{self._stopped()}")
        if failed:
            raise SearchIndexError(f"Pagefind could not index {len(failed)} pages: "
                                   + "; ".join(failed[:5]))
        return [(_bundle_path(file["path"]), base64.b64decode(file["content"]))
                for file in payload.get("files", [])]

    def _answers(self) -> Iterator[dict[str, Any]]:
        """The service's answers, in order, until it stops."""
        if self._broken is not None:
            return
        assert self._process is not None and self._process.stdout is not None
        output, pending = self._process.stdout.fileno(), bytearray()
        while chunk := os.read(output, 1 << 20):
            start = 0
            while (comma := chunk.find(b",", start)) != -1:
                pending += chunk[start:comma]
                yield json.loads(base64.b64decode(pending))
                pending, start = bytearray(), comma + 1
            pending += chunk[start:]

    def _stopped(self) -> str:
        """What the service said before it stopped, or how it stopped."""
        assert self._process is not None and self._errors is not None
        code = self._process.wait()
        self._errors.seek(0)
        said = self._errors.read().decode("utf-8", errors="replace").strip()[-2000:]
        if said:
            return said
        if code < 0:
            return (f"it was stopped by signal {-code} (the system stops the largest process "
                    "when memory runs out): free memory, or build on a larger machine")
        return (f"it ended with status {code}{f' ({self._broken})' if self._broken else ''}"
                " and said nothing: build again, and if it stops again, check that "
                "`pagefind --version` runs")


def _bundle_path(name: str) -> PurePosixPath:
    """A file Pagefind gave, as a path inside the bundle: never outside it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise SearchIndexError(f"Pagefind gave a file outside its bundle: {name}")
    return path


def command_over_site(site: Path) -> list[str]:
    """Pagefind's own command over a finished site, indexing it as the build does: what the
    index made beside the pages is checked against (tests/test_search.py), and what that
    would cost alone (scripts/bench)."""
    return [*pagefind_command(), "--site", str(site), "--silent",
            *(f"--exclude-selectors={selector}" for selector in EXCLUDED)]


def pagefind_command() -> list[str]:
    """Pagefind's binary, found by Pagefind's own finder (the one `python -m pagefind` uses:
    PAGEFIND_BINARY_PATH, then its extended build, then `pagefind[bin]`'s), and started
    directly: starting a Python only to find it and hand over cost each build 0.1 s, the
    finder 0.02 s (imported here: its module brings asyncio, which a build does not need)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        executable = None
    else:
        executable = get_executable()
    if executable is None:
        raise SearchIndexError("Pagefind, which makes the search index, is not installed: "
                               "install the package with its binary, pip install "
                               "'pagefind[bin]'")
    return [str(executable)]
