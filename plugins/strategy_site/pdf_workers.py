"""The processes that render a build's PDFs, started as the build starts.

Before a PDF can be rendered, its process imports WeasyPrint (0.65 s), and before the cache
can say which PDFs it has, the engine's fingerprint is taken (pdf_key.py: WeasyPrint's and
Pango's versions, the fonts fc-list names, our code: 0.9 s in all). Done in the build's own
process, both held up its pages; done in a worker once the pages were under way, the one PDF
an officer had changed waited for them and became the warm rebuild's longest path. So a build
that makes PDFs starts its workers before it loads the data: each imports WeasyPrint as it
starts, the first takes the fingerprint, and a PDF sent to them later is rendered at once.

A preview starts its workers only once its pages are served (preview.py), so as not to take
the processor from them: its fingerprint is taken in its own process, once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

from .pdf_key import render_fingerprint
from .processes import heap_frozen, stop_workers, worker_pool

__all__ = ["PdfWorkers"]

Result = TypeVar("Result")


class PdfWorkers:
    """Up to `most` processes rendering PDFs: started at once (`started`, a build) or when
    the first PDF is sent (a preview)."""

    def __init__(self, most: int) -> None:
        self.most = max(1, most)
        self.count = 0
        """How many processes were started (none until the first is needed)."""
        self._pool: ProcessPoolExecutor | None = None
        self._fingerprint: Future[str] | None = None
        self._lock = threading.Lock()
        self._closed = False

    @classmethod
    def started(cls, most: int) -> PdfWorkers:
        """`most` workers started now, each importing WeasyPrint, the first then taking the
        engine's fingerprint."""
        workers = cls(most)
        with workers._lock, heap_frozen():  # the first task forks the workers
            workers._fingerprint = workers._pool_of(workers.most).submit(render_fingerprint)
        return workers

    def fingerprint(self) -> str:
        """What renders a PDF from its print document (pdf_key.render_fingerprint), as a
        worker found it, or, without workers started, as this process does."""
        if self._fingerprint is None:
            return render_fingerprint()
        return self._fingerprint.result()

    def submit(self, work: Callable[..., Result], *args: Any,
               wanted: int | None = None) -> Future[Result]:
        """`work(*args)` in a worker; the first starts `wanted` workers (up to `most`) if
        none were started."""
        with self._lock:
            if self._closed:
                raise RuntimeError("The PDF workers have been stopped")
            first = self._pool is None
            pool = self._pool_of(min(self.most, wanted or self.most))
            if not first:
                return pool.submit(work, *args)
            with heap_frozen():  # this task forks the workers
                return pool.submit(work, *args)

    def shutdown(self) -> None:
        """No more work: the workers end once what was sent is done, or cancelled."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    def stop(self) -> None:
        """End the workers at once, without waiting for what they are rendering."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            stop_workers(pool)

    def _pool_of(self, count: int) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = worker_pool(count, prepare=_import_engine)
            self.count = count
        return self._pool


def _import_engine() -> None:
    """In a worker as it starts: import WeasyPrint, which every PDF it renders needs."""
    import weasyprint  # noqa: F401  (imported for its time, not for a name)
