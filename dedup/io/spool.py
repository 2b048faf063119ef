"""The work area of a run: chunks of documents and their analyses, on disk.

A corpus larger than memory is read once, in chunks; each chunk's documents
and analysis are pickled here, so the driver holds only what corpus-wide
decisions need (band keys, small per-document counts) and reads the rest back
chunk by chunk. Files are private to the run and removed when it succeeds.
"""

from __future__ import annotations

import bisect
import pickle
import shutil
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dedup.io.writers import atomic_writer


class Spool:
    """Numbered chunk files under ``root``: ``docs-K.pkl`` and ``analysis-K.pkl``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.chunk_sizes: list[int] = []

    def _path(self, kind: str, k: int) -> Path:
        return self.root / f"{kind}-{k:06d}.pkl"

    def add_chunk(self, docs: list[Any]) -> int:
        k = len(self.chunk_sizes)
        self.write(("docs", k), docs)
        self.chunk_sizes.append(len(docs))
        return k

    def write(self, key: tuple[str, int], obj: Any) -> None:
        with atomic_writer(self._path(*key), "wb") as fh:
            pickle.dump(obj, fh, protocol=5)

    def read(self, key: tuple[str, int]) -> Any:
        with self._path(*key).open("rb") as fh:
            return pickle.load(fh)

    def replace_docs(self, k: int, docs: list[Any]) -> None:
        self.write(("docs", k), docs)
        self.chunk_sizes[k] = len(docs)

    @property
    def n_chunks(self) -> int:
        return len(self.chunk_sizes)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


class RaggedView(Sequence[np.ndarray]):
    """Global-index access to per-chunk ragged arrays, loading chunks lazily.

    ``loader(k)`` returns chunk k's ragged array; ``sizes[k]`` its length.
    A few chunks stay cached (an instance-level LRU, no module state), which
    suits verification: it reads the sets of sorted unit indices in order.
    """

    def __init__(self, loader: Any, sizes: list[int], cache_chunks: int = 4) -> None:
        self._loader = loader
        self._starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64).tolist()
        self._cache: OrderedDict[int, Any] = OrderedDict()
        self._cache_chunks = cache_chunks

    def __len__(self) -> int:
        return int(self._starts[-1])

    def _chunk(self, k: int) -> Any:
        if k in self._cache:
            self._cache.move_to_end(k)
            return self._cache[k]
        value = self._loader(k)
        self._cache[k] = value
        if len(self._cache) > self._cache_chunks:
            self._cache.popitem(last=False)
        return value

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        if not 0 <= i < len(self):
            raise IndexError(i)
        k = bisect.bisect_right(self._starts, i) - 1
        return self._chunk(k)[i - self._starts[k]]
