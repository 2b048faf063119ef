"""The work area of a run: chunks of documents and their analyses, on disk.

A corpus larger than memory is read once, in chunks; each chunk's documents
and analysis are pickled here, so the driver holds only what corpus-wide
decisions need (band keys, small per-document counts) and reads the rest back
chunk by chunk. Files are private to the run and removed when it succeeds.
"""

from __future__ import annotations

import bisect
import json
import pickle
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dedup.io.writers import atomic_writer

MANIFEST = "manifest.json"


class Spool:
    """Numbered chunk files under ``root``: ``docs-K.pkl`` and ``analysis-K.pkl``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.chunk_sizes: list[int] = []

    def _path(self, kind: str, k: int) -> Path:
        return self.root / f"{kind}-{k:06d}.pkl"

    def has(self, key: tuple[str, int]) -> bool:
        return self._path(*key).is_file()

    def clear(self) -> None:
        """Forget every chunk (a fresh run, or a resume that cannot reuse them)."""
        for p in self.root.iterdir():
            if p.is_file():
                p.unlink()
        self.chunk_sizes = []

    def save_array(self, name: str, k: int, array: np.ndarray) -> None:
        with atomic_writer(self.root / f"{name}-{k:06d}.npy", "wb") as fh:
            np.save(fh, array)

    def array_path(self, name: str, k: int) -> Path:
        return self.root / f"{name}-{k:06d}.npy"

    def load_manifest(self) -> dict[str, Any] | None:
        """What an earlier, interrupted run of this job had finished, if anything."""
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def save_manifest(self, manifest: dict[str, Any]) -> None:
        with atomic_writer(self.root / MANIFEST) as fh:
            json.dump(manifest, fh)

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

    @property
    def n_chunks(self) -> int:
        return len(self.chunk_sizes)

    def shingle_columns(self, level: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Chunk k's shingle sets of ``level`` ("document" or "passage") as
        memory-mapped (flat uint64, offsets int64) arrays.

        Written on first use from the chunk's analysis (one unpickle gives both
        levels); every later lookup maps the files instead of unpickling the
        whole analysis again, and the page cache, not the process, holds them.
        """
        flat_path = self.array_path(f"{level}-flat", k)
        off_path = self.array_path(f"{level}-offsets", k)
        if not off_path.is_file():
            self.save_shingle_columns(k, self.read(("analysis", k)))
        return np.load(flat_path, mmap_mode="r"), np.load(off_path, mmap_mode="r")

    def save_shingle_columns(self, k: int, analysis: Any) -> None:
        """Write chunk k's shingle columns of both levels from its analysis.

        The analyse stage calls this while it holds the analysis, so no later
        stage unpickles a whole chunk analysis just to map its shingle sets.
        """
        for name, units in (("document", analysis.docs), ("passage", analysis.passages)):
            # Offsets last: their file marks the pair complete.
            self.save_array(f"{name}-flat", k, np.asarray(units.shingles.flat, np.uint64))
            self.save_array(f"{name}-offsets", k, np.asarray(units.shingles.offsets, np.int64))


class SpoolTexts(Mapping[str, str]):
    """doc_id -> original text, read from a run's spooled chunks on demand.

    The index of which chunk holds which id is built on first use by one pass
    over the chunk files; texts are then read a chunk at a time.
    """

    def __init__(self, root: Path) -> None:
        self._files = sorted(root.glob("docs-*.pkl"))
        self._where: dict[str, tuple[int, int]] | None = None
        self._cache: tuple[int, list[Any]] | None = None

    def _index(self) -> dict[str, tuple[int, int]]:
        if self._where is None:
            self._where = {}
            for k, path in enumerate(self._files):
                with path.open("rb") as fh:
                    for pos, doc in enumerate(pickle.load(fh)):
                        self._where[doc.doc_id] = (k, pos)
        return self._where

    def __getitem__(self, doc_id: str) -> str:
        k, pos = self._index()[doc_id]
        if self._cache is None or self._cache[0] != k:
            with self._files[k].open("rb") as fh:
                self._cache = (k, pickle.load(fh))
        return str(self._cache[1][pos].text)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())


class MappedRagged(Sequence[np.ndarray]):
    """A chunk's ragged arrays as a flat array and offsets (e.g. memory-mapped)."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray) -> None:
        self.flat = flat
        self.offsets = offsets

    def __len__(self) -> int:
        return int(self.offsets.shape[0] - 1)

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        return self.flat[int(self.offsets[i]) : int(self.offsets[i + 1])]


class RaggedView(Sequence[np.ndarray]):
    """Global-index access to per-chunk ragged arrays, loading chunks lazily.

    ``loader(k)`` returns chunk k's ragged array; ``sizes[k]`` its length.
    Chunks stay cached (an instance-level LRU, no module state). The loader
    memory-maps files, so a cached chunk costs a mapping (two file handles),
    not its data; 64 of them keep the keeper split of a cluster spread over
    the corpus from re-opening the same files (7,176 loads for 2,425
    gathers, 12 of the passage stage's 30 s, on a 10,000-document heavy
    corpus with 4).
    """

    def __init__(self, loader: Any, sizes: list[int], cache_chunks: int = 64) -> None:
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

    def gather(self, units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The arrays of sorted ``units`` packed as (flat, offsets), a chunk at a
        time with array indexing (no Python call per unit).

        >>> from dedup.stages.analyse import Ragged
        >>> r = Ragged.pack([np.array([1, 2], np.uint64), np.array([3], np.uint64)])
        >>> flat, off = RaggedView(lambda k: r, [2, 2]).gather(np.array([1, 2, 3]))
        >>> flat.tolist(), off.tolist()
        ([3, 1, 2, 3], [0, 1, 3, 4])
        """
        units = np.asarray(units, dtype=np.int64)
        if units.size and (units[0] < 0 or units[-1] >= len(self)):
            raise IndexError(f"units out of range 0..{len(self) - 1}")
        starts = np.asarray(self._starts, dtype=np.int64)
        chunk_of = np.searchsorted(starts, units, side="right") - 1
        flats: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        cuts = np.flatnonzero(np.diff(chunk_of)) + 1
        for part in np.split(np.arange(units.shape[0]), cuts) if units.size else []:
            k = int(chunk_of[part[0]])
            chunk = self._chunk(k)
            local = units[part] - starts[k]
            offsets = np.asarray(chunk.offsets, dtype=np.int64)
            lo = offsets[local]
            n = offsets[local + 1] - lo
            # Positions of every item of the selected arrays in the chunk's flat array.
            pos = np.repeat(lo - (np.cumsum(n) - n), n) + np.arange(int(n.sum()), dtype=np.int64)
            flats.append(np.asarray(chunk.flat[pos], dtype=np.uint64))
            lengths.append(n)
        out_off = np.zeros(units.shape[0] + 1, dtype=np.int64)
        if lengths:
            np.cumsum(np.concatenate(lengths), out=out_off[1:])
        flat = np.concatenate(flats) if flats else np.empty(0, dtype=np.uint64)
        return flat, out_off

    def __getitem__(self, i: int) -> np.ndarray:  # type: ignore[override]
        if not 0 <= i < len(self):
            raise IndexError(i)
        k = bisect.bisect_right(self._starts, i) - 1
        # A copy, not a view: a view would keep the whole chunk's arrays alive
        # for as long as the caller holds one unit's set.
        return np.array(self._chunk(k)[i - self._starts[k]], copy=True)
