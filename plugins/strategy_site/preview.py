"""The officer's preview (`mkdocs serve`): the pages first, the PDFs and the search index just
after, without making the officer wait for them.

An officer saves a YAML file and looks at the page: the page should show the change in well
under a second, while WeasyPrint takes seconds for the PDF and Pagefind half a second for the
search index. So a preview build writes the pages with every PDF the cache has; a PDF still
to render says so on the pages ("being made for this preview") and renders in the background;
the search index of the build before is kept as it was. When that work is done, the preview
rings its bell, a file in a folder the server watches, and the server rebuilds: the PDFs now
come from the cache (or from this process's memory, with what WeasyPrint said about them),
the index is made, and the browser reloads with the download links. A stale PDF is never
served: a PDF being made has no link until it is made, and a new save stops the PDFs of
the data before it.

A save changes one partnership's pages, or a few; rendering the others again (most of a
rebuild at N = 33) would give the same bytes. So a preview build takes a generated page's
content as the build before rendered it from our templates when everything it is rendered
from is the same (render_inputs.py), and takes a page as the build before's theme rendered
it when everything the theme renders it from is the same: its content, table of contents,
title and metadata, the navigation it shows (every title and address in it, and where the
page is in it), its neighbours, the site's settings and the theme's templates
(`fingerprint`). Anything else changed, and the page is rendered again.

`mkdocs build` is not a preview: it waits for everything, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .output import remove_folder, remove_workspace
from .pages import RenderedPage
from .pdf_batch import PdfBatch, PdfResult

log = logging.getLogger("mkdocs.plugins.strategy_site")

Made = TypeVar("Made")

BELL = "rebuild"
"""The file in the bell's folder that the preview rewrites to have the server rebuild."""

_RING_TRIES = 20
_RING_WAIT_SECONDS = 1.5
"""How long the bell waits for a rebuild to start before it rings again (the server polls its
files every half second, and may not be watching the bell yet just after its first build)."""


@dataclass(frozen=True)
class Rendering:
    """A generated page as our templates rendered it, and the PDFs they looked up with what
    each gave (render_inputs.RecordedLookups.token): taken again only if each gives the same."""

    page: RenderedPage
    lookups: dict[str, Any]


@dataclass(frozen=True)
class Conversion:
    """A hand-written page's Markdown as MkDocs converted it: its HTML, contents list, title
    and anchors, and its links to other pages' anchors (by the linked page's source, as each
    build has its own files)."""

    content: str
    toc: Any
    title: str | None
    anchors: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None


class Remembered(Generic[Made]):
    """What the last build made, by the fingerprint of what it was made from, for this build
    to take; and what this build makes, for the next (what it did not make is forgotten)."""

    def __init__(self) -> None:
        self._before: dict[str, Made] = {}
        self._now: dict[str, Made] = {}

    def start(self) -> None:
        """A build is about to make them."""
        self._now = {}

    def before(self, fingerprint: str) -> Made | None:
        """What the last build made from the same inputs, if it did."""
        return self._before.get(fingerprint)

    def made(self, fingerprint: str, made: Made) -> None:
        """What this build made (or took from the last)."""
        self._now[fingerprint] = made

    def served(self) -> None:
        """The build is in place: what it made is what the next build may take."""
        self._before, self._now = self._now, {}


class Preview:
    """What the preview's builds defer, and the rebuild that brings it in (one per `mkdocs
    serve`, kept by the plugin across its builds)."""

    def __init__(self) -> None:
        self.bell = Path(tempfile.mkdtemp(prefix="strategy-site-preview-"))
        """The folder the server watches for the preview's own rebuilds."""
        self.site: Path | None = None
        """The site the server serves (its temporary folder), once a build has staged it."""
        self.remembered: dict[str, PdfResult] = {}
        """PDFs made in the background, by key, with their warnings (a warned PDF is not
        cached, and the rebuild must report it as a build would)."""
        self.failures: dict[str, str] = {}
        """PDFs whose rendering failed in the background, by key: the rebuild fails with it."""
        self.rung = False
        """The bell was rung since the last build started: the build it brings completes
        what was deferred (the search index)."""
        self._lock = threading.Lock()
        self._started = threading.Event()
        self._rings = 0
        self._batch: PdfBatch | None = None
        self._worker: threading.Thread | None = None
        self._removers: list[threading.Thread] = []
        self.pages: Remembered[str] = Remembered()
        """Pages as the theme rendered them, by fingerprint (`fingerprint`)."""
        self.renderings: Remembered[Rendering] = Remembered()
        """Generated pages as our templates rendered them, by fingerprint (render_inputs.py)."""
        self.conversions: Remembered[Conversion] = Remembered()
        """Hand-written pages' Markdown as MkDocs converted it, by fingerprint (plugin.py's
        RememberedPage)."""

    def pages_served(self) -> None:
        """The build is in place: its pages are the ones the next build may take."""
        self.pages.served()
        self.renderings.served()
        self.conversions.served()

    # --- at each build ---------------------------------------------------------------------

    def build_starts(self) -> bool:
        """A build starts: stop the PDFs of the data before it (it may have changed) and say
        whether this build is the one the bell asked for."""
        self.stop()
        self._started.set()
        with self._lock:
            follow_up, self.rung = self.rung, False
        return follow_up

    def keep_only(self, keys: Iterable[str]) -> None:
        """Forget what no PDF of this build uses."""
        used = set(keys)
        with self._lock:
            self.remembered = {key: made for key, made in self.remembered.items()
                               if key in used}
            self.failures = {key: error for key, error in self.failures.items() if key in used}

    def carry_on(self, batch: PdfBatch) -> None:
        """Render the batch's PDFs in the background, then ring for the rebuild that serves
        them."""
        batch.progress = None  # a build's log has ended: the rebuild reports them
        self._batch = batch
        self._worker = threading.Thread(target=self._render, args=(batch,), daemon=True,
                                        name="preview-pdfs")
        self._worker.start()

    def stop(self) -> None:
        """Stop the background PDFs, at once."""
        batch, worker = self._batch, self._worker
        self._batch = self._worker = None
        if batch is not None:
            batch.stop()
        if worker is not None:
            worker.join(timeout=30)

    def close(self) -> None:
        """The server stops: no worker is left, nor the bell's folder, nor a site being
        removed, nor the site's staging folder (MkDocs removes the site itself)."""
        self.stop()
        for remover in self._removers:
            remover.join(timeout=60)
        shutil.rmtree(self.bell, ignore_errors=True)
        if self.site is not None:
            remove_workspace(self.site)

    def discard(self, folder: Path) -> None:
        """Remove the site a build replaced, after its pages are served (it was 0.2 to 0.7 s
        of a preview's build)."""
        self._removers = [remover for remover in self._removers if remover.is_alive()]
        remover = threading.Thread(target=remove_folder, args=(folder,),
                                   name="preview-discard")
        remover.start()
        self._removers.append(remover)

    # --- the search index ------------------------------------------------------------------

    @staticmethod
    def keep_search_index(previous: Path, staging: Path) -> list[Path]:
        """The previous build's index (`previous`, a folder of the served site) in the staged
        site, linked rather than copied; the files it wrote (none if there was none)."""
        if not previous.is_dir():
            return []
        target = staging / previous.name

        def link(source: str, destination: str) -> None:
            try:
                Path(destination).hardlink_to(source)
            except OSError:  # another file system, or no links there
                shutil.copy2(source, destination)

        shutil.copytree(previous, target, copy_function=link)
        return sorted(path for path in target.rglob("*") if path.is_file())

    # --- the bell --------------------------------------------------------------------------

    def ring(self) -> None:
        """Have the server rebuild, soon (in the background: the build that rings goes on)."""
        with self._lock:
            self.rung = True
        self._started.clear()
        threading.Thread(target=self._ring_until_heard, daemon=True,
                         name="preview-bell").start()

    def _ring_until_heard(self) -> None:
        for _ in range(_RING_TRIES):
            self._rings += 1
            try:  # a new size each time: the server compares size and time
                (self.bell / BELL).write_text("rebuild\n" * (self._rings % 7 + 1),
                                              encoding="utf-8")
            except OSError:  # the server has stopped and the folder is gone
                return
            if self._started.wait(_RING_WAIT_SECONDS):
                return
        log.info("Preview: the PDFs are made, but the server did not rebuild; save a file "
                 "to see them")

    def _render(self, batch: PdfBatch) -> None:
        pending = [index for index in batch.rendering]
        try:
            batch.start()  # the print documents, then WeasyPrint: the pages are made
            results = batch.results()
        except Exception as error:  # reported by the rebuild, or stopped: both below
            if self._batch is not batch:
                return  # stopped: the data changed, and the next build renders it again
            with self._lock:
                for index in pending:
                    if batch.made().get(index) is None:
                        self.failures[batch.keys[index]] = f"{type(error).__name__}: {error}"
            log.info("Preview: a PDF could not be made; rebuilding to report it")
        else:
            if self._batch is not batch:
                return
            with self._lock:
                for index in pending:
                    self.remembered[batch.keys[index]] = results[index]
            log.info("Preview: %d PDFs made; rebuilding with them", len(pending))
        self.ring()


def fingerprint(inputs: object) -> str:
    """The fingerprint of what a page is rendered from, given as plain values (lists, dicts,
    text; anything else by its text)."""
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def templates_state(folders: Iterable[str]) -> list[tuple[str, int, int]]:
    """Every template in the theme's folders by path, time and size (hidden folders, such as
    Material's icons, hold none): an edited template changes it."""
    state = []
    for folder in folders:
        for path in sorted(_templates(Path(folder))):
            status = path.stat()
            state.append((str(path), status.st_mtime_ns, status.st_size))
    return state


def _templates(folder: Path) -> Iterable[Path]:
    for entry in folder.iterdir() if folder.is_dir() else ():
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _templates(entry)
        elif entry.suffix in (".html", ".xml", ".yml"):
            yield entry


MEMORY_FOLDERS = ("/dev/shm",)
"""Folders in memory (tmpfs) where a system has one, for the preview's throwaway site."""
MEMORY_ROOM_BYTES = 2 * 1024**3
"""The room a memory folder must have free to hold two copies of a large preview site."""


def memory_folder(candidates: Iterable[str] = MEMORY_FOLDERS,
                  room: int = MEMORY_ROOM_BYTES) -> Path | None:
    """A folder in memory with room for the preview's site, or None (then the system's own
    temporary folder). `mkdocs serve` writes its site to a temporary folder, and each save
    makes it anew: about 900 folders and 1,400 files at N = 33. On a disk slow at making
    files (this machine's: 900 folders with a file each took 0.8 to 1.3 s, in memory 0.03 s)
    that was half of the wait; `make serve` gives MkDocs this folder as TMPDIR."""
    for candidate in candidates:
        folder = Path(candidate)
        try:
            status = os.statvfs(folder)
        except OSError:
            continue
        if (folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
                and status.f_bavail * status.f_frsize >= room):
            return folder
    return None
