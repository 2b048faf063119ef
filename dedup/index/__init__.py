"""Persistent index of earlier corpora, for incremental dedup (issue 11).

An index stores, per indexed document or passage, its MinHash signature, its
LSH band keys, its exact shingle set, its span and its source. A new run asks
:meth:`Index.query` for each new unit's best verified indexed copy, and
:meth:`Index.add` appends what survives, in one transaction.

- :func:`open_index` picks the backend from the location: a file path is
  SQLite (:mod:`dedup.index.sqlite`, the default, one file, no server);
  ``redis://host:port/db?prefix=P`` is Redis (:mod:`dedup.index.redis`).
- :class:`IndexParams` is everything that must match between the index and a
  run (:meth:`IndexParams.from_config` derives it from a Config); an index
  built with other parameters raises :class:`IndexParamsMismatch`.
- Answers are computed in :mod:`dedup.index.base` for both backends (band keys
  by :func:`dedup.sketch.lsh.band_keys`, verification by
  :func:`dedup.cluster.verify.verify_pairs`), so they are the same by construction;
  rows are checked and encoded in :mod:`dedup.index.entries`, parameters and the
  stored metadata in :mod:`dedup.index.params`, errors in :mod:`dedup.index.errors`.

>>> import tempfile, os, numpy as np
>>> params = IndexParams(16, 1, "fast", "word", 5, 4, 4, 3, 4, 4)
>>> sig = np.arange(16, dtype=np.uint32)
>>> sh = np.array([1, 2, 3, 4], dtype=np.uint64)
>>> with tempfile.TemporaryDirectory() as tmp:
...     with open_index(os.path.join(tmp, "a.idx"), params, create=True, name="crawl-1") as idx:
...         idx.add([("document", "doc-1", 0, 120, sig, sh, "example.org")])
...         [(m.unit, m.entry.doc_id, m.similarity) for m in idx.query(
...             "document", sig.reshape(1, -1), [sh], threshold=0.8)]
1
[(0, 'doc-1', 1.0)]
"""

from __future__ import annotations

from dedup.index.base import Index
from dedup.index.entries import AddRow, IndexEntry, IndexMatch
from dedup.index.errors import IndexBusy, IndexNotFound, IndexParamsMismatch, IndexStoreError
from dedup.index.params import LEVELS, IndexParams

__all__ = [
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
    "is_redis_location",
    "open_index",
]


def is_redis_location(location: str) -> bool:
    """True for ``redis://`` and ``rediss://`` URLs; anything else is an SQLite file path."""
    return location.startswith(("redis://", "rediss://"))


def open_index(
    location: str,
    params: IndexParams | None = None,
    *,
    create: bool = False,
    name: str | None = None,
    busy_timeout: float = 30.0,
) -> Index:
    """Open (or with ``create``, create if absent) the index at ``location``.

    ``location`` is a file path (SQLite) or ``redis://host:port/db[?prefix=P]``.
    ``params`` None takes the index's own parameters; otherwise they must equal
    the stored ones or :class:`IndexParamsMismatch` is raised. ``name`` labels
    the corpus in a new index (an existing index keeps its stored name).
    Writers wait up to ``busy_timeout`` seconds for another writer, then
    raise :class:`IndexBusy`. A missing index without ``create`` raises
    :class:`IndexNotFound`.
    """
    if not isinstance(location, str) or not location:
        raise ValueError(f"index location must be a non-empty string, got {location!r}")
    if busy_timeout < 0:
        raise ValueError(f"busy_timeout must be >= 0, got {busy_timeout}")
    if is_redis_location(location):
        # Imported here so SQLite users need no redis client installed.
        from dedup.index.redis import RedisIndex

        return RedisIndex(location, params, create=create, name=name, busy_timeout=busy_timeout)
    from dedup.index.sqlite import SqliteIndex

    return SqliteIndex(location, params, create=create, name=name, busy_timeout=busy_timeout)
