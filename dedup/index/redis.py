"""Redis backend: a shared index on a Redis server.

Location: ``redis://[:password@]host:port/db[?prefix=NAME]`` (``rediss://`` for
TLS). Every key starts with the prefix (default ``dedup``), so several indexes
can share one database:

- ``P:meta``: JSON of parameters, name and format version;
- ``P:count``: hash, entries per level; ``P:next``: the next insertion order;
- ``P:e:<order>``: hash of one entry (level, doc_id, start, end, source,
  signature and shingles as little-endian bytes);
- ``P:b:<level>:<band>:<key>``: set of the orders in that LSH bucket (key as
  signed int64, the same bits as the SQLite backend stores);
- ``P:lock``: held by the writer (``SET NX PX``), its value names the writer.

Safety: a write is one ``MULTI``/``EXEC`` transaction, applied whole or not at
all (a client that dies before ``EXEC`` leaves nothing). Writers take the
lock first and wait at most ``busy_timeout`` seconds for it, then raise
:class:`IndexBusy`; the transaction also ``WATCH``es the lock and the order
counter, so even a writer whose lock expired can never interleave with
another. A lock left by a killed writer expires after ``lock_ttl`` seconds.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import redis

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

__all__ = ["DEFAULT_PREFIX", "RedisIndex", "split_location"]

DEFAULT_PREFIX = "dedup"
# Commands per pipeline round trip on reads: bounds client and server buffers.
_READ_BATCH = 20_000
_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) "
    "else return 0 end"
)


def split_location(location: str) -> tuple[str, str, str]:
    """(URL for redis-py, key prefix, location safe to print: no password).

    >>> split_location("redis://:secret@127.0.0.1:6390/2?prefix=crawl")
    ('redis://:secret@127.0.0.1:6390/2', 'crawl', 'redis://127.0.0.1:6390/2?prefix=crawl')
    >>> split_location("redis://localhost")[1:]
    ('dedup', 'redis://localhost?prefix=dedup')
    """
    parts = urlsplit(location)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"not a Redis URL: {location!r}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [v for k, v in query if k == "prefix"]
    prefix = prefixes[-1] if prefixes else DEFAULT_PREFIX
    if not prefix or any(c in prefix for c in " \t\r\n"):
        raise ValueError(f"Redis key prefix must be non-empty without spaces, got {prefix!r}")
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, parts.fragment))
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    shown_query = urlencode([*([(k, v) for k, v in query if k != "prefix"]), ("prefix", prefix)])
    shown = urlunsplit((parts.scheme, netloc, parts.path, shown_query, ""))
    return url, prefix, shown


class RedisIndex(Index):
    """An index in a Redis database (see module doc for the layout)."""

    def __init__(
        self,
        location: str,
        params: IndexParams | None = None,
        *,
        create: bool = False,
        name: str | None = None,
        busy_timeout: float = 30.0,
        lock_ttl: float = 120.0,
    ) -> None:
        url, self.prefix, self.location = split_location(location)
        self.busy_timeout = float(busy_timeout)
        self.lock_ttl = float(lock_ttl)
        self._r = redis.Redis.from_url(url, socket_connect_timeout=10)
        try:
            self.params, self.name = self._open(params, create, name)
        except redis.exceptions.ConnectionError as exc:
            self._r.close()
            raise IndexStoreError(f"cannot reach Redis for index {self.location}: {exc}") from exc
        except BaseException:
            self._r.close()
            raise
        # What this writer's additions are recorded under (dedup index info).
        self.corpus = name if name is not None else self.name

    # ------------------------------------------------------------- keys
    def _k(self, *parts: object) -> str:
        return ":".join([self.prefix, *(str(p) for p in parts)])

    # ------------------------------------------------------------- opening
    def _open(
        self, params: IndexParams | None, create: bool, name: str | None
    ) -> tuple[IndexParams, str]:
        raw = self._r.get(self._k("meta"))
        if raw is None:
            if not create:
                raise IndexNotFound(
                    f"no index at {self.location}: build one with "
                    f"`dedup index build INPUT... --index {self.location}`"
                )
            if params is None:
                raise ValueError(f"creating the index {self.location} needs its parameters")
            return self._create(params, name)
        stored_params, stored_name = parse_meta(self.location, _text(raw))
        check_params(self.location, stored_params, params)
        check_name(self.location, stored_name, name)
        return stored_params, stored_name

    def _create(self, params: IndexParams, name: str | None) -> tuple[IndexParams, str]:
        label = name if name is not None else self.prefix
        token = self._acquire()
        try:
            raw = self._r.get(self._k("meta"))
            if raw is None:
                with self._r.pipeline(transaction=True) as pipe:
                    pipe.set(self._k("meta"), meta_json(params, label))
                    pipe.hset(self._k("count"), mapping={level: 0 for level in LEVELS})
                    pipe.set(self._k("next"), 0)
                    pipe.execute()
                result = (params, label)
                logger.info("created index %s (%s)", self.location, label)
            else:
                # Another process created it between our look and our lock.
                result = parse_meta(self.location, _text(raw))
        finally:
            self._release(token)
        check_params(self.location, result[0], params)
        check_name(self.location, result[1], name)
        return result

    # ------------------------------------------------------------- locking
    def _acquire(self) -> str:
        token = f"{socket.gethostname()} pid {os.getpid()} ({uuid.uuid4().hex[:8]})"
        deadline = time.monotonic() + self.busy_timeout
        ttl_ms = max(1, int(self.lock_ttl * 1000))
        delay = 0.01
        while True:
            if self._r.set(self._k("lock"), token, nx=True, px=ttl_ms):
                return token
            if time.monotonic() >= deadline:
                holder = self._r.get(self._k("lock"))
                who = _text(holder) if holder is not None else "another writer"
                raise IndexBusy(
                    f"index {self.location} is locked by {who} (waited "
                    f"{self.busy_timeout:g} s); retry when that run has finished (a lock left "
                    f"by a killed writer expires after {self.lock_ttl:g} s)"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def _release(self, token: str) -> None:
        self._r.eval(_RELEASE, 1, self._k("lock"), token)

    # ------------------------------------------------------------- storage
    def _write(self, chunks: Iterator[list[PreparedEntry]]) -> int:
        # Rows are checked before the lock is taken; MULTI buffers them all anyway.
        entries = [e for chunk in chunks for e in chunk]
        if not entries:
            return 0
        token = self._acquire()
        lock, nxt = self._k("lock"), self._k("next")
        try:
            with self._r.pipeline(transaction=True) as pipe:
                pipe.watch(lock, nxt)
                if _text(pipe.get(lock) or b"") != token:
                    raise IndexBusy(
                        f"index {self.location}: lost the write lock before writing (nothing "
                        "was written); retry"
                    )
                first = int(pipe.get(nxt) or 0)
                pipe.multi()
                added: dict[str, int] = {}
                for i, e in enumerate(entries):
                    order = first + i
                    fields: dict[Any, Any] = {
                        "level": e.level,
                        "doc_id": e.doc_id,
                        "start": e.start,
                        "end": e.end,
                        "sig": e.signature,
                        "sh": e.shingles,
                    }
                    if e.source is not None:
                        fields["source"] = e.source
                    pipe.hset(self._k("e", order), mapping=fields)
                    code = level_code(e.level)
                    for band, key in enumerate(e.band_keys.tolist()):
                        pipe.sadd(self._k("b", code, band, key), order)
                    added[e.level] = added.get(e.level, 0) + 1
                for level, count in added.items():
                    pipe.hincrby(self._k("count"), level, count)
                pipe.hincrby(self._k("corpora"), self.corpus, len(entries))
                # A hash keeps no order: a list keeps the order corpora were first added.
                pipe.rpush(self._k("corpus_order"), self.corpus)
                pipe.set(nxt, first + len(entries))
                pipe.delete(lock)  # released in the same transaction
                pipe.execute()
        except redis.exceptions.WatchError as exc:
            raise IndexBusy(
                f"index {self.location}: another writer changed it during this write (the "
                f"lock expired after {self.lock_ttl:g} s?); nothing was written; retry"
            ) from exc
        finally:
            self._release(token)
        logger.info("index %s: added %d entries", self.location, len(entries))
        return len(entries)

    def _candidates(self, level: str, units: np.ndarray, keys: np.ndarray) -> np.ndarray:
        code = level_code(level)
        bands = keys.shape[1]
        pair_units: list[int] = []
        pair_orders: list[int] = []
        # One SUNION per unit over its band buckets: the server merges, and the
        # client parses one reply per unit instead of one per (unit, band).
        per_batch = max(1, _READ_BATCH // bands)
        for lo in range(0, units.shape[0], per_batch):
            chunk = range(lo, min(lo + per_batch, units.shape[0]))
            with self._r.pipeline(transaction=False) as pipe:
                for i in chunk:
                    pipe.sunion(
                        [self._k("b", code, band, key) for band, key in enumerate(keys[i].tolist())]
                    )
                results = pipe.execute()
            for i, members in zip(chunk, results, strict=True):
                unit = int(units[i])
                for m in members:
                    pair_units.append(unit)
                    pair_orders.append(int(m))
        return np.unique(
            np.array([pair_units, pair_orders], dtype=np.int64).T.reshape(-1, 2), axis=0
        )

    def _entries(self, orders: list[int]) -> dict[int, IndexEntry]:
        entries: dict[int, IndexEntry] = {}
        for lo in range(0, len(orders), _READ_BATCH):
            wanted = orders[lo : lo + _READ_BATCH]
            with self._r.pipeline(transaction=False) as pipe:
                for o in wanted:
                    pipe.hgetall(self._k("e", o))
                results = pipe.execute()
            for o, h in zip(wanted, results, strict=True):
                if not h:
                    raise IndexStoreError(f"index {self.location}: entry {o} is missing")
                source = h.get(b"source")
                entries[o] = stored_entry(
                    self.params,
                    o,
                    _text(h[b"level"]),
                    _text(h[b"doc_id"]),
                    int(h[b"start"]),
                    int(h[b"end"]),
                    _text(source) if source is not None else None,
                    h[b"sig"],
                    h[b"sh"],
                )
        return entries

    def _counts(self) -> dict[str, int]:
        raw = self._r.hgetall(self._k("count"))
        return {_text(k): int(v) for k, v in raw.items()}

    def _corpora(self) -> dict[str, int]:
        counts = {_text(k): int(v) for k, v in self._r.hgetall(self._k("corpora")).items()}
        order = dict.fromkeys(_text(n) for n in self._r.lrange(self._k("corpus_order"), 0, -1))
        return {n: counts[n] for n in order if n in counts}

    def _size_bytes(self) -> int:
        # Server-wide: per-key MEMORY USAGE over millions of keys would cost more than it tells.
        info = self._r.info("memory")
        return int(info.get("used_memory", 0))

    def close(self) -> None:
        self._r.close()


def _text(value: bytes | str) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else value
