"""Per-chunk work goes through ``engine.map`` in windows of a few chunks, so
memory holds a window of documents, not the corpus."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

from dedup.engines.base import Engine

T = TypeVar("T")


def batched(items: Iterable[T], n: int) -> Iterator[list[T]]:
    """``items`` in lists of ``n`` (the last one shorter)."""
    it = iter(items)
    while batch := list(islice(it, n)):
        yield batch


def window(engine: Engine) -> int:
    """Chunks mapped at once: two per worker keeps every worker busy while the
    driver handles the previous results."""
    return max(1, engine.workers * 2)
