"""The rows of an index: what add() takes, what is stored, and what a query returns.

:func:`prepare_rows` checks the rows a caller adds (every error names the row)
and encodes them for storage with their LSH band keys; :func:`stored_entry`
turns stored fields back into an :class:`IndexEntry`. Both backends store the
same encoded fields, so they decode to the same entries.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dedup.index.params import LEVELS, IndexParams
from dedup.sketch.lsh import band_keys

__all__ = [
    "AddRow",
    "IndexEntry",
    "IndexMatch",
    "PreparedEntry",
    "check_row",
    "decode_shingles",
    "encode_shingles",
    "prepare_rows",
    "stored_entry",
]

# (level, doc_id, start, end, signature, shingles, source): what add() takes.
AddRow = tuple[str, str, int, int, np.ndarray, np.ndarray, "str | None"]


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


def prepare_rows(
    params: IndexParams, entries: Sequence[AddRow], offset: int = 0
) -> list[PreparedEntry]:
    """Check every row (errors name row ``offset + i``) and encode it."""
    checked = [check_row(params, offset + i, row) for i, row in enumerate(entries)]
    if not checked:
        return []
    dtype = params.signature_dtype
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
        rows_at = [i for i, (lvl, *_, sh) in enumerate(checked) if lvl == level and sh.shape[0] > 0]
        if rows_at:
            bands, rows = params.shape(level)
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


def check_row(
    params: IndexParams, i: int, row: AddRow
) -> tuple[str, str, int, int, str | None, np.ndarray]:
    """Row ``i`` checked: (level, doc_id, start, end, source, shingles as uint64)."""
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
    if sig.shape != (params.num_perm,) or sig.dtype.kind not in "ui":
        raise ValueError(
            f"entry {i}: signature must be ({params.num_perm},) integers, "
            f"got {sig.shape} {sig.dtype}"
        )
    sh = np.asarray(shingles)
    if sh.ndim != 1 or (sh.size and sh.dtype.kind not in "ui"):
        raise ValueError(f"entry {i}: shingles must be a 1-D integer array")
    sh = sh.astype(np.uint64)
    if sh.shape[0] > 1 and not bool((sh[1:] > sh[:-1]).all()):
        raise ValueError(f"entry {i}: shingles must be sorted and unique")
    return level, doc_id, int(start), int(end), source, sh


def stored_entry(
    params: IndexParams,
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
    sig = np.frombuffer(signature, dtype=params.signature_dtype.newbyteorder("<"))
    return IndexEntry(
        level=level,
        doc_id=doc_id,
        start=int(start),
        end=int(end),
        signature=sig.astype(params.signature_dtype),
        shingles=decode_shingles(shingles),
        source=source,
        order=int(order),
    )
