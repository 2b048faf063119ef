"""SQLite backend: one file, embedded, no server.

Layout (format version 1):

- ``meta(key, value)``: ``index`` = JSON of parameters, name and format
  version; ``count:<level>`` = entries per level (kept in the write
  transaction, so stats need no scan of the large ``entries`` table).
- ``entries(ord, level, doc_id, start, end, source, signature, shingles)``:
  ``ord`` is the insertion order; signature and shingles are little-endian
  BLOBs.
- ``bands(level, band, key, ord)``, a ``WITHOUT ROWID`` table whose primary key
  is the lookup path (level, band, key): band keys are stored as signed int64
  (SQLite has no unsigned integers), the bits unchanged.

Safety: WAL journal, so readers never block the writer and a writer killed
part way leaves only uncommitted WAL frames, which SQLite ignores. Writers take
the write lock up front (``BEGIN IMMEDIATE``) and wait at most ``busy_timeout``
seconds for another writer, then raise :class:`IndexBusy`. While it writes, a
writer leaves ``<path>.writer`` (host, pid, start time) so that message can
say who holds the lock; the note is only a hint and is removed afterwards.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from dedup.index.base import Index
from dedup.index.entries import IndexEntry, PreparedEntry, stored_entry
from dedup.index.errors import IndexBusy, IndexNotFound, IndexStoreError
from dedup.index.params import (
    LEVELS,
    IndexParams,
    check_name,
    check_params,
    level_code,
    meta_json,
    parse_meta,
)

logger = logging.getLogger(__name__)

__all__ = ["SqliteIndex"]

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS entries ("
    " ord INTEGER PRIMARY KEY, level TEXT NOT NULL, doc_id TEXT NOT NULL,"
    ' start INTEGER NOT NULL, "end" INTEGER NOT NULL, source TEXT,'
    " signature BLOB NOT NULL, shingles BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bands ("
    " level INTEGER NOT NULL, band INTEGER NOT NULL, key INTEGER NOT NULL,"
    " ord INTEGER NOT NULL, PRIMARY KEY (level, band, key, ord)) WITHOUT ROWID",
)

_PAGE_SIZE = 16384
# Page cache per connection, KiB: the band-key B-tree of a large index stays hot.
_CACHE_KIB = 65536
# Batches of rows per executemany call: bounds the Python lists built at once.
_BATCH = 20_000


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class SqliteIndex(Index):
    """An index in one SQLite file (see module doc for the layout)."""

    def __init__(
        self,
        path: str | Path,
        params: IndexParams | None = None,
        *,
        create: bool = False,
        name: str | None = None,
        busy_timeout: float = 30.0,
    ) -> None:
        self.path = Path(path)
        self.location = str(path)
        self.busy_timeout = float(busy_timeout)
        self._note = ""
        existed = self.path.exists() and self.path.stat().st_size > 0
        if self.path.is_dir():
            raise IndexStoreError(f"index path {self.location} is a directory; give a file path")
        if not existed and not create:
            raise IndexNotFound(
                f"no index at {self.location}: build one with "
                f"`dedup index build INPUT... --index {self.location}`"
            )
        if not existed and params is None:
            raise ValueError(f"creating the index {self.location} needs its parameters")
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        try:
            self.params, self.name = self._open(existed, params, create, name)
        except BaseException:
            self._conn.close()
            raise
        # What this writer's additions are recorded under (dedup index info).
        self.corpus = name if name is not None else self.name

    # ------------------------------------------------------------- opening
    def _open(
        self, existed: bool, params: IndexParams | None, create: bool, name: str | None
    ) -> tuple[IndexParams, str]:
        conn = self._conn
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            if not existed:
                # Rows are a few KB (shingle BLOBs): with the default 4 KB pages most
                # pages hold one row and a third of the file is slack. Only takes
                # effect on a new, empty file (and must come before WAL).
                conn.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
            # WAL: crash-safe appends and readers that never block the writer.
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                logger.warning("index %s: could not switch to WAL (mode %s)", self.location, mode)
            # NORMAL in WAL mode: a killed process never loses committed data.
            conn.execute("PRAGMA synchronous = NORMAL")
            # Keeps the WAL file from staying as large as the biggest transaction.
            conn.execute("PRAGMA journal_size_limit = 67108864")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            stored = self._read_meta(existed)
            if stored is None:
                if not create or params is None:
                    raise IndexNotFound(f"no index at {self.location}")
                return self._create(params, name)
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._busy() from exc
            raise IndexStoreError(f"cannot open index {self.location}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            raise IndexStoreError(f"{self.location} is not a dedup index ({exc})") from exc
        stored_params, stored_name = stored
        check_params(self.location, stored_params, params)
        check_name(self.location, stored_name, name)
        self._temp_tables()
        return stored_params, stored_name

    def _read_meta(self, existed: bool) -> tuple[IndexParams, str] | None:
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master")}
        if "meta" not in tables:
            if existed and tables:
                raise IndexStoreError(
                    f"{self.location} is an SQLite file but not a dedup index; give another path"
                )
            return None
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'index'").fetchone()
        if row is None:
            return None
        return parse_meta(self.location, row[0])

    def _create(self, params: IndexParams, name: str | None) -> tuple[IndexParams, str]:
        label = name if name is not None else self.path.stem
        self._begin_write()
        try:
            for statement in _SCHEMA:
                self._conn.execute(statement)
            # Another process may have created it between our look and our lock.
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'index'").fetchone()
            if row is None:
                self._conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('index', ?)", (meta_json(params, label),)
                )
                for level in LEVELS:
                    self._conn.execute(
                        "INSERT INTO meta (key, value) VALUES (?, '0')", (f"count:{level}",)
                    )
                result = (params, label)
            else:
                result = parse_meta(self.location, row[0])
            self._conn.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        finally:
            self._end_write()
        check_params(self.location, result[0], params)
        check_name(self.location, result[1], name)
        self._temp_tables()
        logger.info("created index %s (%s)", self.location, result[1])
        return result

    def _temp_tables(self) -> None:
        # Per-connection scratch tables for batched lookups (never touch the file).
        self._conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS q (unit INTEGER, band INTEGER, key INTEGER)"
        )
        self._conn.execute("CREATE TEMP TABLE IF NOT EXISTS c (ord INTEGER PRIMARY KEY)")

    @property
    def _writer_file(self) -> Path:
        return Path(str(self.path) + ".writer")

    def _busy(self) -> IndexBusy:
        # SQLite does not say who holds its lock: the holder leaves a note.
        try:
            who = self._writer_file.read_text(encoding="utf-8").strip()
        except OSError:
            who = ""
        holder = f"another writer ({who})" if who else "another writer"
        return IndexBusy(
            f"index {self.location} is locked by {holder} (waited {self.busy_timeout:g} s); "
            "retry when that run has finished"
        )

    def _begin_write(self) -> None:
        try:
            # Set each time so a changed ``busy_timeout`` attribute takes effect.
            self._conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _is_busy(exc):
                raise self._busy() from exc
            raise
        self._note = (
            f"{socket.gethostname()} pid {os.getpid()} since "
            f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC"
        )
        with contextlib.suppress(OSError):  # only a hint for error messages
            self._writer_file.write_text(self._note, encoding="utf-8")

    def _end_write(self) -> None:
        """Remove the writer note if it is still ours (call after COMMIT or ROLLBACK)."""
        with contextlib.suppress(OSError):
            if self._writer_file.read_text(encoding="utf-8") == self._note:
                self._writer_file.unlink()

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    # ------------------------------------------------------------- storage
    def _write(self, chunks: Iterator[list[PreparedEntry]]) -> int:
        conn = self._conn
        # The first chunk is checked before the write lock is taken.
        head = next(chunks, None)
        if head is None:
            return 0
        self._begin_write()
        added: dict[str, int] = {}
        total = 0
        try:
            first = conn.execute("SELECT COALESCE(MAX(ord), -1) + 1 FROM entries").fetchone()[0]
            for chunk in itertools.chain([head], chunks):
                for lo in range(0, len(chunk), _BATCH):
                    part = chunk[lo : lo + _BATCH]
                    self._insert(part, first + total)
                    total += len(part)
                for e in chunk:
                    added[e.level] = added.get(e.level, 0) + 1
            for level, count in added.items():
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = ?",
                    (count, f"count:{level}"),
                )
            # In the same transaction, so the corpora always add up to the entries.
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                "SET value = CAST(value AS INTEGER) + excluded.value",
                (f"corpus:{self.corpus}", total),
            )
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            self._rollback()
            if _is_busy(exc):
                raise self._busy() from exc
            raise
        except BaseException:
            self._rollback()
            raise
        finally:
            self._end_write()
        logger.info("index %s: added %d entries", self.location, total)
        return total

    def _insert(self, part: Sequence[PreparedEntry], first: int) -> None:
        self._conn.executemany(
            "INSERT INTO entries"
            ' (ord, level, doc_id, start, "end", source, signature, shingles)'
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (first + i, e.level, e.doc_id, e.start, e.end, e.source, e.signature, e.shingles)
                for i, e in enumerate(part)
            ],
        )
        self._conn.executemany(
            "INSERT INTO bands (level, band, key, ord) VALUES (?, ?, ?, ?)",
            _band_rows(part, first),
        )

    def _candidates(self, level: str, units: np.ndarray, keys: np.ndarray) -> np.ndarray:
        conn = self._conn
        bands = keys.shape[1]
        unit_col = np.repeat(units, bands).tolist()
        band_col = np.tile(np.arange(bands), units.shape[0]).tolist()
        key_col = keys.reshape(-1).tolist()
        conn.execute("BEGIN")
        try:
            conn.execute("DELETE FROM q")
            conn.executemany(
                "INSERT INTO q (unit, band, key) VALUES (?, ?, ?)",
                zip(unit_col, band_col, key_col, strict=True),
            )
            rows = conn.execute(
                "SELECT DISTINCT q.unit, b.ord FROM q JOIN bands AS b"
                " ON b.level = ? AND b.band = q.band AND b.key = q.key",
                (level_code(level),),
            ).fetchall()
        finally:
            # Read-only for the file; rolling back also empties the scratch table.
            self._rollback()
        return np.array(rows, dtype=np.int64).reshape(-1, 2)

    def _entries(self, orders: list[int]) -> dict[int, IndexEntry]:
        conn = self._conn
        entries: dict[int, IndexEntry] = {}
        conn.execute("BEGIN")
        try:
            conn.execute("DELETE FROM c")
            conn.executemany("INSERT INTO c (ord) VALUES (?)", ((o,) for o in orders))
            for row in conn.execute(
                'SELECT e.ord, e.level, e.doc_id, e.start, e."end", e.source,'
                " e.signature, e.shingles FROM c JOIN entries AS e ON e.ord = c.ord"
            ):
                entries[int(row[0])] = stored_entry(self.params, *row)
        finally:
            self._rollback()
        missing = [o for o in orders if o not in entries]
        if missing:
            raise IndexStoreError(f"index {self.location}: entry {missing[0]} is missing")
        return entries

    def _counts(self) -> dict[str, int]:
        rows = self._conn.execute("SELECT key, value FROM meta WHERE key LIKE 'count:%'").fetchall()
        return {str(k).split(":", 1)[1]: int(v) for k, v in rows}

    def _corpora(self) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT key, value FROM meta WHERE key LIKE 'corpus:%' ORDER BY rowid"
        ).fetchall()
        return {str(k).split(":", 1)[1]: int(v) for k, v in rows}

    def _size_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            p = Path(str(self.path) + suffix)
            if p.exists():
                total += p.stat().st_size
        return total

    def close(self) -> None:
        self._conn.close()


def _band_rows(entries: Sequence[PreparedEntry], first: int) -> list[tuple[int, int, int, int]]:
    """(level, band, key, ord) rows, sorted so inserts walk the B-tree in order."""
    lens = np.array([e.band_keys.shape[0] for e in entries], dtype=np.int64)
    total = int(lens.sum())
    if total == 0:
        return []
    keys = np.concatenate([e.band_keys for e in entries])
    ords = np.repeat(np.arange(first, first + len(entries), dtype=np.int64), lens)
    levels = np.repeat(np.array([level_code(e.level) for e in entries], dtype=np.int64), lens)
    bands = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(lens) - lens, lens)
    order = np.lexsort((ords, keys, bands, levels))
    return list(
        zip(
            levels[order].tolist(),
            bands[order].tolist(),
            keys[order].tolist(),
            ords[order].tolist(),
            strict=True,
        )
    )
