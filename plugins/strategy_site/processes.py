"""Worker processes forked from a build: the PDF workers (pdf_batch.py) and the second loader
of a large data folder (loading/folders.py) start and end the same way.

A worker is forked from a build that holds the whole site in memory: the fork copies nothing
until it is written to, so the collector is kept from walking (and so copying) the build's
heap; and a worker ends when its build has, as a killed build cannot stop it.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar

log = logging.getLogger("mkdocs.plugins.strategy_site")

Item = TypeVar("Item")
Result = TypeVar("Result")

PARENT_CHECK_SECONDS = 1.0


def cores() -> int:
    """As many processes as the machine has cores for us."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)


def in_two_halves(work: Callable[[Sequence[Item]], Result],
                  items: Sequence[Item]) -> tuple[Result, Result]:
    """`work` over the first half of `items` in this process while a forked one does the
    second half, as Sphinx reads its sources in parallel: the second half's result comes back
    pickled, so `work` and what it gives must pickle. If the other process dies (the machine
    out of memory), this one does its half too."""
    half = (len(items) + 1) // 2
    pool = worker_pool(1)
    try:
        with heap_frozen():
            later = pool.submit(work, items[half:])  # forks the worker
        first = work(items[:half])
        try:
            second = later.result()
        except BrokenProcessPool:
            log.debug("The second process stopped; doing its half in this one")
            second = work(items[half:])
    except BaseException:
        stop_workers(pool)
        raise
    pool.shutdown()
    return first, second


def can_fork() -> bool:
    """Whether this system forks (Linux and macOS do; Windows does not)."""
    return "fork" in multiprocessing.get_all_start_methods()


def worker_pool(workers: int,
                prepare: Callable[[], object] | None = None) -> ProcessPoolExecutor:
    """A pool of `workers` processes that end with this one, each calling `prepare` as it
    starts: forked, where the system forks, at its first task, which is to be submitted
    inside `heap_frozen()`. Forked, not the default of Python 3.14 on Linux (a fork server,
    whose children's parent is the server, not this build), because a worker shares what the
    build has loaded and ends with it."""
    context = multiprocessing.get_context("fork") if can_fork() else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=start_worker, initargs=(os.getpid(), prepare))


def start_worker(parent: int, prepare: Callable[[], object] | None) -> None:
    """In a worker as it starts: end with the build (`end_with_parent`), and make ready."""
    end_with_parent(parent)
    if prepare is not None:
        prepare()


@contextmanager
def heap_frozen() -> Iterator[None]:
    """While a pool forks its workers (at its first task): the build's objects are left out
    of the collector's generations (gc.freeze, as the gc module's documentation advises before
    a fork), so a worker's collections do not walk, and so copy, the whole heap of the build
    it was forked from; the build's own collections go on as before once they are forked."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def end_with_parent(parent: int) -> None:
    """In a worker process: end when the build that started it has ended (killed, it cannot
    stop its workers; they would wait for work for ever, a few hundred MB each)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="end-with-parent").start()


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """End a pool's workers at once, without waiting for their tasks (Python 3.14 has
    `terminate_workers`; before it, the pool's processes are ended one by one)."""
    terminate = getattr(pool, "terminate_workers", None)
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
