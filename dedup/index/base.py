"""The persistent index: parameters, records, errors and the backend-independent logic.

An index holds *entries*: documents and passages of earlier corpora, each with
its MinHash signature, its LSH band keys and its exact shingle set. A run
queries it with the signatures and shingle sets of new units and gets, for
each unit, its best verified match among the indexed copies.

Backends (SQLite, Redis) only store and fetch rows; everything that decides an
answer (band keys, verification, the choice of the best match) lives here, so
both backends give the same answers by construction.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import numpy as np

from dedup.cluster.verify import jaccard, verify_pairs
from dedup.sketch.lsh import band_keys
from dedup.sketch.minhash import MinHashParams

logger = logging.getLogger(__name__)

__all__ = [
    "FORMAT_VERSION",
    "LEVELS",
    "AddRow",
    "Index",
    "IndexBusy",
    "IndexEntry",
    "IndexMatch",
    "IndexNotFound",
    "IndexParams",
    "IndexParamsMismatch",
    "IndexStoreError",
    "PreparedEntry",
]

LEVELS: tuple[str, ...] = ("document", "passage")
# Rows checked and encoded at a time by add(): bounds memory for big generators.
ADD_CHUNK = 10_000
# Query units looked up at a time by query().
QUERY_CHUNK = 20_000
# Index entries (with their shingle sets) held at once while a query verifies.
ENTRY_BATCH = 512
# Bumped when the stored layout changes; an index of another version is refused.
FORMAT_VERSION = 1

# (level, doc_id, start, end, signature, shingles, source): what add() takes.
AddRow = tuple[str, str, int, int, np.ndarray, np.ndarray, "str | None"]

# Where each parameter lives in the config, for messages that say what to change.
_CONFIG_NAMES: dict[str, str] = {
    "num_perm": "[minhash] num_perm",
    "seed": "[minhash] seed",
    "scheme": "[minhash] scheme",
    "shingle": "[minhash] shingle",
    "doc_ngram": "[document] ngram",
    "doc_bands": "[document] bands",
    "doc_rows": "[document] rows",
    "passage_ngram": "[passage] ngram",
    "passage_bands": "[passage] bands",
    "passage_rows": "[passage] rows",
}


class IndexStoreError(Exception):
    """Base of the index's own errors."""


class IndexParamsMismatch(IndexStoreError, ValueError):
    """The index was built with other MinHash/LSH parameters than the run wants."""


class IndexBusy(IndexStoreError, RuntimeError):
    """Another writer holds the index for longer than we were willing to wait."""


class IndexNotFound(IndexStoreError, FileNotFoundError):
    """No index at the location (and ``create`` was not asked for)."""


@dataclass(frozen=True)
class IndexParams:
    """Everything that must match between an index and a run that uses it.

    >>> p = IndexParams(128, 1, "fast", "word", 5, 9, 13, 3, 25, 5)
    >>> p.shape("document"), p.minhash_params("passage").ngram
    ((9, 13), 3)
    >>> IndexParams.from_dict(p.to_dict()) == p
    True
    """

    num_perm: int
    seed: int
    scheme: str
    shingle: str
    doc_ngram: int
    doc_bands: int
    doc_rows: int
    passage_ngram: int
    passage_bands: int
    passage_rows: int

    def __post_init__(self) -> None:
        # MinHashParams validates num_perm, seed, ngram, shingle and scheme.
        for level in LEVELS:
            self.minhash_params(level)
        for level in LEVELS:
            bands, rows = self.shape(level)
            ok = isinstance(bands, int) and isinstance(rows, int) and bands >= 1 and rows >= 1
            if not ok or bands * rows > self.num_perm:
                raise ValueError(
                    f"{level} bands x rows must be positive integers with bands*rows <= "
                    f"num_perm={self.num_perm}, got {bands!r} x {rows!r}"
                )

    @classmethod
    def from_config(cls, config: Any) -> IndexParams:
        """The parameters a :class:`dedup.config.Config` implies (bands/rows 0 = from threshold)."""
        from dedup.stages.analyse import lsh_shapes

        mh = config.minhash
        shapes = lsh_shapes(config)
        db, dr = shapes.doc_bands, shapes.doc_rows
        pb, pr = shapes.passage_bands, shapes.passage_rows
        return cls(
            num_perm=mh.num_perm,
            seed=mh.seed,
            scheme=mh.scheme,
            shingle=mh.shingle,
            doc_ngram=config.document.ngram,
            doc_bands=db,
            doc_rows=dr,
            passage_ngram=config.passage.ngram,
            passage_bands=pb,
            passage_rows=pr,
        )

    def ngram(self, level: str) -> int:
        _check_level(level)
        return self.doc_ngram if level == "document" else self.passage_ngram

    def shape(self, level: str) -> tuple[int, int]:
        """(bands, rows) of the LSH for ``level``."""
        _check_level(level)
        if level == "document":
            return self.doc_bands, self.doc_rows
        return self.passage_bands, self.passage_rows

    def minhash_params(self, level: str) -> MinHashParams:
        return MinHashParams(
            num_perm=self.num_perm,
            seed=self.seed,
            ngram=self.ngram(level),
            shingle=self.shingle,
            scheme=self.scheme,
        )

    @property
    def signature_dtype(self) -> np.dtype[Any]:
        # datasketch 1.x values are 61-bit; every other scheme is 32-bit.
        return np.dtype(np.uint64 if self.scheme == "datasketch-legacy" else np.uint32)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IndexParams:
        names = {f.name for f in dataclasses.fields(cls)}
        missing = names - set(data)
        unknown = set(data) - names
        if missing or unknown:
            raise ValueError(
                f"stored index parameters are malformed (missing {sorted(missing)}, "
                f"unknown {sorted(unknown)})"
            )
        return cls(**{k: data[k] for k in names})

    def differences(self, other: IndexParams) -> list[tuple[str, Any, Any]]:
        """(name, self's value, other's value) for every parameter that differs."""
        return [
            (f.name, getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(other, f.name)
        ]


def mismatch_error(location: str, stored: IndexParams, wanted: IndexParams) -> IndexParamsMismatch:
    """The error for an index whose parameters differ from the run's, saying what to do."""
    lines = [
        f"  {name} ({_CONFIG_NAMES[name]}): index has {have!r}, this run uses {want!r}"
        for name, have, want in stored.differences(wanted)
    ]
    hint = ""
    if any(name.endswith(("_bands", "_rows")) for name, _, _ in stored.differences(wanted)):
        hint = (
            " (bands and rows follow from the threshold when they are 0 in the config: set "
            "them explicitly to the index's values to use another threshold with this index)"
        )
    return IndexParamsMismatch(
        f"index {location} was built with other parameters than this run:\n"
        + "\n".join(lines)
        + "\nAnswers would be silently wrong, so the index is refused. Either build an index "
        "with this run's parameters (`dedup index build INPUT... --index NEW_PATH`), or run "
        "with the index's parameters" + hint + "."
    )


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def level_code(level: str) -> int:
    _check_level(level)
    return LEVELS.index(level)


@dataclass(frozen=True)
class IndexEntry:
    """One indexed unit: a whole document or a passage of one."""

    level: str  # "document" | "passage"
    doc_id: str
    start: int  # span in that document's original text
    end: int
    signature: np.ndarray  # (num_perm,) unsigned
    shingles: np.ndarray  # sorted unique uint64 shingle hashes, for exact verification
    source: str | None  # site, for the per_source policy
    order: int  # insertion order in the index, assigned by the index (0, 1, ...)


@dataclass(frozen=True)
class IndexMatch:
    """The best indexed copy of query unit ``unit``."""

    unit: int  # index into the query batch
    entry: IndexEntry
    similarity: float  # Jaccard, or containment when only containment passed


@dataclass(frozen=True)
class PreparedEntry:
    """An entry checked and encoded for storage; the backend assigns ``order``."""

    level: str
    doc_id: str
    start: int
    end: int
    source: str | None
    signature: bytes
    shingles: bytes
    band_keys: np.ndarray  # (bands,) int64 (uint64 bits); empty when the unit has no shingles


def encode_shingles(shingles: np.ndarray) -> bytes:
    return np.ascontiguousarray(shingles, dtype="<u8").tobytes()


def decode_shingles(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u8").astype(np.uint64)


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
                yield self._prepare(batch, offset)
                offset += len(batch)
                batch = []
        if batch:
            yield self._prepare(batch, offset)

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

    def _prepare(self, entries: Sequence[AddRow], offset: int = 0) -> list[PreparedEntry]:
        """Check every row (errors name row ``offset + i``) and encode it."""
        checked = [self._check_row(offset + i, row) for i, row in enumerate(entries)]
        if not checked:
            return []
        dtype = self.params.signature_dtype
        sigs = np.stack([np.asarray(row[4]) for row in entries])
        if sigs.dtype.kind not in "ui":
            raise ValueError(f"signatures must be integers, got dtype {sigs.dtype}")
        if sigs.size and (int(sigs.min()) < 0 or int(sigs.max()) > np.iinfo(dtype).max):
            bad = int(
                np.flatnonzero((sigs < 0).any(axis=1) | (sigs > np.iinfo(dtype).max).any(axis=1))[0]
            )
            raise ValueError(f"entry {offset + bad}: signature values do not fit {dtype.name}")
        sigs = sigs.astype(dtype.newbyteorder("<"))
        # Band keys in one vectorised call per level; units without tokens get
        # none, so they are never candidates (the pipeline skips them too).
        keys: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * len(checked)
        for level in LEVELS:
            rows_at = [
                i for i, (lvl, *_, sh) in enumerate(checked) if lvl == level and sh.shape[0] > 0
            ]
            if rows_at:
                bands, rows = self.params.shape(level)
                level_keys = band_keys(sigs[rows_at], bands, rows).view(np.int64)
                for k, i in enumerate(rows_at):
                    keys[i] = level_keys[k]
        return [
            PreparedEntry(
                level=level,
                doc_id=doc_id,
                start=start,
                end=end,
                source=source,
                signature=sigs[i].tobytes(),
                shingles=encode_shingles(sh),
                band_keys=keys[i],
            )
            for i, (level, doc_id, start, end, source, sh) in enumerate(checked)
        ]

    def _check_row(self, i: int, row: AddRow) -> tuple[str, str, int, int, str | None, np.ndarray]:
        if len(row) != 7:
            raise ValueError(
                f"entry {i}: expected (level, doc_id, start, end, signature, shingles, source), "
                f"got {len(row)} fields"
            )
        level, doc_id, start, end, signature, shingles, source = row
        if level not in LEVELS:
            raise ValueError(f"entry {i}: level must be one of {LEVELS}, got {level!r}")
        if not isinstance(doc_id, str):
            raise ValueError(f"entry {i}: doc_id must be str, got {type(doc_id).__name__}")
        if source is not None and not isinstance(source, str):
            raise ValueError(f"entry {i}: source must be str or None, got {type(source).__name__}")
        if not (isinstance(start, int | np.integer) and isinstance(end, int | np.integer)):
            raise ValueError(f"entry {i}: start and end must be integers")
        if not 0 <= int(start) <= int(end):
            raise ValueError(f"entry {i}: need 0 <= start <= end, got {start}..{end}")
        sig = np.asarray(signature)
        if sig.shape != (self.params.num_perm,) or sig.dtype.kind not in "ui":
            raise ValueError(
                f"entry {i}: signature must be ({self.params.num_perm},) integers, "
                f"got {sig.shape} {sig.dtype}"
            )
        sh = np.asarray(shingles)
        if sh.ndim != 1 or (sh.size and sh.dtype.kind not in "ui"):
            raise ValueError(f"entry {i}: shingles must be a 1-D integer array")
        sh = sh.astype(np.uint64)
        if sh.shape[0] > 1 and not bool((sh[1:] > sh[:-1]).all()):
            raise ValueError(f"entry {i}: shingles must be sorted and unique")
        return level, doc_id, int(start), int(end), source, sh

    def _entry(
        self,
        order: int,
        level: str,
        doc_id: str,
        start: int,
        end: int,
        source: str | None,
        signature: bytes,
        shingles: bytes,
    ) -> IndexEntry:
        """An entry from its stored fields."""
        sig = np.frombuffer(signature, dtype=self.params.signature_dtype.newbyteorder("<"))
        return IndexEntry(
            level=level,
            doc_id=doc_id,
            start=int(start),
            end=int(end),
            signature=sig.astype(self.params.signature_dtype),
            shingles=decode_shingles(shingles),
            source=source,
            order=int(order),
        )


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


def meta_json(params: IndexParams, name: str) -> str:
    """The stored description of an index (parameters, name, format version)."""
    return json.dumps(
        {"format_version": FORMAT_VERSION, "name": name, "params": params.to_dict()},
        sort_keys=True,
    )


def parse_meta(location: str, text: str) -> tuple[IndexParams, str]:
    try:
        meta = json.loads(text)
        version = meta["format_version"]
        params = IndexParams.from_dict(meta["params"])
        name = str(meta["name"])
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexStoreError(f"index {location} has unreadable metadata: {exc}") from exc
    if version != FORMAT_VERSION:
        raise IndexStoreError(
            f"index {location} has format version {version}, this dedup reads version "
            f"{FORMAT_VERSION}: rebuild it with `dedup index build`"
        )
    return params, name


def check_params(location: str, stored: IndexParams, wanted: IndexParams | None) -> None:
    if wanted is not None and stored != wanted:
        raise mismatch_error(location, stored, wanted)


def check_name(location: str, stored: str, wanted: str | None) -> None:
    if wanted is not None and wanted != stored:
        logger.warning(
            "index %s holds corpus %r; keeping that name (asked for %r)", location, stored, wanted
        )
