"""Local engine: this process, or a pool of worker processes on this machine."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from tqdm import tqdm

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Items are chunks of documents (or other coarse units): two are worth a pool.
_MIN_PARALLEL_ITEMS = 2


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

    def _progress(self, total: int, desc: str) -> tqdm:
        return tqdm(
            total=total,
            desc=desc,
            unit="item",
            disable=self.quiet or not sys.stderr.isatty(),
            leave=False,
        )

    def map(self, fn: Callable[[T], R], items: Sequence[T], desc: str = "") -> list[R]:
        results: list[R] = []
        with self._progress(len(items), desc) as bar:
            threshold = (
                _MIN_PARALLEL_ITEMS if self.min_parallel_items is None else self.min_parallel_items
            )
            if self.workers == 1 or len(items) < threshold:
                for item in items:
                    results.append(fn(item))
                    bar.update(1)
                return results
            if self._pool is None:
                self._pool = ProcessPoolExecutor(max_workers=self.workers)
            chunk = max(1, min(256, len(items) // (self.workers * 8)))
            for res in self._pool.map(fn, items, chunksize=chunk):
                results.append(res)
                bar.update(1)
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
