"""The index: queried by LSH band keys and verified exactly, the same for every backend.

An index holds *entries*: documents and passages of earlier corpora, each with
its MinHash signature, its LSH band keys and its exact shingle set. A run
queries it with the signatures and shingle sets of new units and gets, for
each unit, its best verified match among the indexed copies.

Backends (SQLite, Redis) only store and fetch rows; everything that decides an
answer (band keys, verification, the choice of the best match) lives here, so
both backends give the same answers by construction. Parameters are in
:mod:`dedup.index.params`, rows in :mod:`dedup.index.entries`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Any

import numpy as np

from dedup.cluster.verify import jaccard, verify_pairs
from dedup.index.entries import AddRow, IndexEntry, IndexMatch, PreparedEntry, prepare_rows
from dedup.index.params import FORMAT_VERSION, LEVELS, IndexParams
from dedup.sketch.lsh import band_keys

__all__ = ["ADD_CHUNK", "ENTRY_BATCH", "QUERY_CHUNK", "Index"]

# Rows checked and encoded at a time by add(): bounds memory for big generators.
ADD_CHUNK = 10_000
# Query units looked up at a time by query().
QUERY_CHUNK = 20_000
# Index entries (with their shingle sets) held at once while a query verifies.
ENTRY_BATCH = 512


class Index(ABC):
    """A persistent store of entries, queried by LSH band keys and verified exactly.

    Subclasses implement the ``_``-prefixed storage methods; the answers are
    computed here. Use as a context manager, or call :meth:`close`.
    """

    params: IndexParams
    name: str
    location: str
    # Seconds a writer waits for another writer before raising IndexBusy.
    busy_timeout: float

    # ------------------------------------------------------------- storage
    @abstractmethod
    def _candidates(self, level: str, units: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Pairs (query unit, entry order) sharing a band key.

        ``keys`` is (len(units), bands) int64, row i belonging to query unit
        ``units[i]``. Returns an (m, 2) int64 array of unique pairs.
        """

    @abstractmethod
    def _entries(self, orders: list[int]) -> dict[int, IndexEntry]:
        """The entries of ``orders`` (all present: entries are only ever appended,
        so every order a candidate query returned can be read later)."""

    @abstractmethod
    def _write(self, chunks: Iterator[list[PreparedEntry]]) -> int:
        """Append the entries of all ``chunks`` in one transaction; return the count.

        Orders continue the index's. ``chunks`` may raise (a bad row found
        late): then nothing is written. No chunk at all writes nothing.
        """

    @abstractmethod
    def _counts(self) -> dict[str, int]:
        """Entries per level."""

    @abstractmethod
    def _size_bytes(self) -> int:
        """Storage used, in bytes."""

    @abstractmethod
    def _corpora(self) -> dict[str, int]:
        """Entries added under each corpus name (``--name``), in the order first added."""

    @abstractmethod
    def close(self) -> None:
        """Release connections; the index stays where it is."""

    # ------------------------------------------------------------- public
    def __enter__(self) -> Index:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __reduce__(self) -> Any:
        # A connection cannot cross processes; say what to do instead of
        # failing inside pickle on a socket or sqlite3 object.
        raise TypeError(
            f"an open index ({self.location}) cannot be sent to another process or pickled: "
            "pass its location and call open_index() there"
        )

    def __len__(self) -> int:
        return sum(self._counts().values())

    def query(
        self,
        level: str,
        signatures: np.ndarray,
        shingles: Sequence[np.ndarray],
        threshold: float,
        containment: float | None = None,
        *,
        same_source: Sequence[str | None] | None = None,
    ) -> list[IndexMatch]:
        """For each query unit that has one, its best verified indexed copy.

        Candidates are indexed units of ``level`` that share an LSH band key
        with the query unit (same bands x rows as the index's parameters). A
        candidate matches when its exact Jaccard with the unit is at least
        ``threshold``, or, when ``containment`` is given, its containment is at
        least that (see :func:`dedup.cluster.verify.verify_pairs`). The best match
        has the highest similarity; ties go to the lowest ``order`` (the
        earliest indexed). Units without tokens never match. Results are
        sorted by unit. A very large batch is looked up in chunks, each from
        one consistent state of the index.

        ``same_source`` (one value per query unit) restricts each unit to
        indexed copies of the same source, for the ``per_source`` policy: a
        copy on another site is then no match at all (None matches None).
        """
        sigs = self._check_signatures(signatures)
        if len(shingles) != sigs.shape[0]:
            raise ValueError(f"got {sigs.shape[0]} signatures but {len(shingles)} shingle arrays")
        _check_fraction("threshold", threshold)
        if containment is not None:
            _check_fraction("containment", containment)
        if same_source is not None and len(same_source) != sigs.shape[0]:
            raise ValueError(
                f"got {sigs.shape[0]} signatures but {len(same_source)} same_source values"
            )
        sets = [np.asarray(s, dtype=np.uint64) for s in shingles]
        units = np.array([i for i, s in enumerate(sets) if s.shape[0] > 0], dtype=np.int64)
        out: list[IndexMatch] = []
        # Units in chunks bound the lookup tables and candidate lists of a huge batch.
        for lo in range(0, units.shape[0], QUERY_CHUNK):
            chunk = units[lo : lo + QUERY_CHUNK]
            out.extend(
                self._query_units(level, sigs, sets, chunk, threshold, containment, same_source)
            )
        return out

    def _query_units(
        self,
        level: str,
        sigs: np.ndarray,
        sets: list[np.ndarray],
        units: np.ndarray,
        threshold: float,
        containment: float | None,
        same_source: Sequence[str | None] | None,
    ) -> list[IndexMatch]:
        bands, rows = self.params.shape(level)
        keys = band_keys(sigs[units], bands, rows).view(np.int64)
        pairs = self._candidates(level, units, keys)
        if pairs.shape[0] == 0:
            return []
        # Entries are read and verified ENTRY_BATCH at a time, in order: a busy
        # band key (a passage on every page of a site) pairs a unit with every
        # entry of its bucket, and holding all their shingle sets at once was
        # the query's memory. The best match per unit is kept as batches go:
        # highest similarity, then lowest order, exactly as over all at once
        # (orders increase across batches, so an equal later one never wins).
        pairs = pairs[np.argsort(pairs[:, 1], kind="stable")]
        orders = np.unique(pairs[:, 1])
        n = len(sets)
        best: dict[int, tuple[float, IndexEntry]] = {}
        for lo in range(0, orders.shape[0], ENTRY_BATCH):
            batch = orders[lo : lo + ENTRY_BATCH]
            a = int(np.searchsorted(pairs[:, 1], batch[0], side="left"))
            b = int(np.searchsorted(pairs[:, 1], batch[-1], side="right"))
            part = pairs[a:b]
            entries = self._entries(batch.tolist())
            if same_source is not None:
                ok = [same_source[u] == entries[o].source for u, o in part.tolist()]
                part = part[np.array(ok, dtype=bool).reshape(-1)]
                if part.shape[0] == 0:
                    continue
            # One list of sets: the query units first, then this batch's entries.
            local = np.searchsorted(batch, part[:, 1])
            combined = sets + [entries[int(o)].shingles for o in batch.tolist()]
            kept, sim = verify_pairs(
                np.stack([part[:, 0], local + n], axis=1), combined, threshold, containment
            )
            if containment is not None and kept.shape[0]:
                kept, sim = _contained_only(kept, sim, combined, threshold)
            if kept.shape[0] == 0:
                continue
            unit_of = kept[:, 0]
            order_of = batch[kept[:, 1] - n]
            # Per unit: highest similarity first, then lowest order.
            rank = np.lexsort((order_of, -sim, unit_of))
            first = np.ones(rank.shape[0], dtype=bool)
            first[1:] = unit_of[rank][1:] != unit_of[rank][:-1]
            for i in rank[first].tolist():
                u, value = int(unit_of[i]), float(sim[i])
                if u not in best or value > best[u][0]:
                    best[u] = (value, entries[int(order_of[i])])
            del entries, combined
        return [IndexMatch(u, best[u][1], best[u][0]) for u in sorted(best)]

    def add(self, entries: Iterable[AddRow]) -> int:
        """Add ``entries`` (level, doc_id, start, end, signature, shingles, source) in one go.

        All or nothing: a bad row, a failure or a killed process leaves the
        index as it was. A concurrent writer makes this wait (bounded) or
        raise :class:`IndexBusy`. Orders continue from the index's last one,
        in the order given. Returns the number added. ``entries`` may be a
        generator: the SQLite backend then holds only one chunk of encoded
        rows in memory at a time, still in one transaction.
        """
        return self._write(self._prepared_chunks(entries))

    def _prepared_chunks(self, entries: Iterable[AddRow]) -> Iterator[list[PreparedEntry]]:
        batch: list[AddRow] = []
        offset = 0
        for row in entries:
            batch.append(row)
            if len(batch) == ADD_CHUNK:
                yield prepare_rows(self.params, batch, offset)
                offset += len(batch)
                batch = []
        if batch:
            yield prepare_rows(self.params, batch, offset)

    def stats(self) -> dict[str, Any]:
        """Entries per level, storage size, parameters and name."""
        counts = self._counts()
        return {
            "location": self.location,
            "name": self.name,
            "backend": type(self).__name__,
            "entries": {level: counts.get(level, 0) for level in LEVELS},
            "size_bytes": self._size_bytes(),
            "params": self.params.to_dict(),
            "format_version": FORMAT_VERSION,
        }

    def info(self) -> dict[str, Any]:
        """:meth:`stats` plus the corpora added (``dedup index info``)."""
        return {**self.stats(), "corpora": self._corpora()}

    # ------------------------------------------------------------- helpers
    def _check_signatures(self, signatures: np.ndarray) -> np.ndarray:
        sigs = np.asarray(signatures)
        if sigs.ndim != 2 or sigs.shape[1] != self.params.num_perm:
            raise ValueError(
                f"signatures must have shape (n, {self.params.num_perm}), got {sigs.shape}"
            )
        if sigs.shape[0] and sigs.dtype.kind not in "ui":
            raise ValueError(f"signatures must be integers, got dtype {sigs.dtype}")
        return sigs


def _contained_only(
    kept: np.ndarray, sim: np.ndarray, sets: Sequence[np.ndarray], threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """Passing (query, entry) pairs minus those where the query unit is the
    larger and passed by containment alone: containment makes the contained
    unit the copy, and an indexed copy contained in a new, longer unit must
    not remove the longer one (its extra text would be lost)."""
    ok = np.ones(kept.shape[0], dtype=bool)
    for row, (a, b) in enumerate(kept.tolist()):
        if sets[a].shape[0] > sets[b].shape[0]:
            ok[row] = jaccard(sets[a], sets[b]) >= threshold
    return kept[ok], sim[ok]


def _check_fraction(name: str, value: float) -> None:
    if not isinstance(value, int | float) or not 0.0 < float(value) <= 1.0:
        raise ValueError(f"{name} must be a number in (0, 1], got {value!r}")
