"""Local engine: this process, or a pool of worker processes on this machine.

Workers never outlive the run: each asks the kernel for SIGKILL when its
parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``) and also watches its parent's
pid (every platform, and the case where the parent died before the request
was made), so a parent killed with SIGKILL leaves no orphaned pool behind.
Workers ignore Ctrl-C: the parent alone handles it, once, and stops them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from dedup.stages.progress import progress_bar

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Items are chunks of documents (or other coarse units): two are worth a pool.
_MIN_PARALLEL_ITEMS = 2
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# How often a worker's watchdog looks for its parent (seconds).
WATCHDOG_INTERVAL_S = 1.0


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: die with the parent, leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died before prctl took effect; the watchdog catches
    # that too, and is all there is where prctl does not exist.
    if os.getppid() != parent_pid:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    while os.getppid() == parent_pid:
        time.sleep(WATCHDOG_INTERVAL_S)
    os._exit(1)


class LocalEngine:
    """Runs a stage in-process (``workers=1``) or over a process pool.

    ``workers=0`` means one per core. Results are returned in input order
    (``Executor.map`` preserves it), so output does not depend on the count.
    """

    def __init__(
        self, workers: int = 0, quiet: bool = True, min_parallel_items: int | None = None
    ) -> None:
        self.workers = workers if workers > 0 else (os.cpu_count() or 1)
        self.quiet = quiet
        self.min_parallel_items = min_parallel_items
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Sequence[T], desc: str = "") -> list[R]:
        results: list[R] = []
        # The stages draw their own labelled bars; an unlabelled one inside
        # them ("0%| | 0/4") tells nobody anything.
        with progress_bar(len(items), desc, "item", self.quiet or not desc) as bar:
            threshold = (
                _MIN_PARALLEL_ITEMS if self.min_parallel_items is None else self.min_parallel_items
            )
            if self.workers == 1 or len(items) < threshold:
                for item in items:
                    results.append(fn(item))
                    bar.update(1)
                return results
            if self._pool is None:
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    initializer=_exit_with_parent,
                    initargs=(os.getpid(),),
                )
            chunk = max(1, min(256, len(items) // (self.workers * 8)))
            try:
                for res in self._pool.map(fn, items, chunksize=chunk):
                    results.append(res)
                    bar.update(1)
            except BaseException:
                # Ctrl-C or a failed item: stop the workers now rather than let
                # shutdown() wait for every queued item to be computed for nothing.
                self._stop()
                raise
        return results

    def _stop(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # The executor has no public way to stop running work (3.14 adds
        # terminate_workers); its process table is the one handle there is.
        processes = list(getattr(pool, "_processes", {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for p in processes:
            with contextlib.suppress(Exception):
                p.terminate()
        for p in processes:
            with contextlib.suppress(Exception):
                p.join(timeout=5)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
