"""The persistent index, Redis backend, against a real redis-server; same answers as SQLite."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import redis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup.index import IndexBusy, IndexNotFound, IndexParams, IndexParamsMismatch, open_index
from dedup.index.redis import split_location
from tests.test_index_sqlite import (
    PARAMS,
    _concurrent_adds,
    answers,
    brute_force,
    check_batches_contiguous,
    make_texts,
    perturb,
    rows,
    signed,
)

REDIS_SERVER = "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free port of 127.0.0.1, stopped after the module."""
    server = shutil.which("redis-server") or (REDIS_SERVER if Path(REDIS_SERVER).exists() else None)
    if server is None:
        pytest.fail(
            "redis-server is not installed: the Redis index tests need it "
            "(Debian/Ubuntu: `apt-get install redis-server`)"
        )
    workdir = tmp_path_factory.mktemp("redis")
    port = _free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


def fresh(url: str) -> str:
    """A location with its own key prefix, so tests do not see each other's data."""
    return f"{url}?prefix=t{uuid.uuid4().hex[:12]}"


def test_location_parsing_hides_passwords() -> None:
    url, prefix, shown = split_location("redis://:pw@10.0.0.1:6390/3?prefix=idx")
    assert (url, prefix, shown) == (
        "redis://:pw@10.0.0.1:6390/3",
        "idx",
        "redis://10.0.0.1:6390/3?prefix=idx",
    )
    with pytest.raises(ValueError, match="prefix"):
        split_location("redis://h/0?prefix=a b")


def test_add_query_reopen(redis_url: str) -> None:
    loc = fresh(redis_url)
    base = make_texts(30, seed=1)
    with pytest.raises(IndexNotFound):
        open_index(loc, PARAMS)
    with open_index(loc, PARAMS, create=True, name="crawl-1") as idx:
        assert idx.add(rows(base[:20], "old")) == 20
        assert idx.add(rows(base[20:], "old2-", level="passage", source=None)) == 10
    with open_index(loc) as idx:
        assert idx.params == PARAMS and idx.name == "crawl-1"
        assert idx.stats()["entries"] == {"document": 20, "passage": 10}
        sigs, sh = signed([perturb(base[7], 1), *make_texts(2, seed=50)])
        got = idx.query("document", sigs, sh, 0.8)
        assert [(m.unit, m.entry.doc_id, m.entry.order) for m in got] == [(0, "old7", 7)]
        sigs, sh = signed([base[25]], "passage")
        (m,) = idx.query("passage", sigs, sh, 0.8)
        assert (m.entry.doc_id, m.entry.order, m.entry.source, m.similarity) == (
            "old2-5",
            25,
            None,
            1.0,
        )
        assert m.entry.shingles.tolist() == sh[0].tolist()


def test_other_params_are_refused(redis_url: str) -> None:
    loc = fresh(redis_url)
    open_index(loc, PARAMS, create=True).close()
    other = IndexParams(**{**PARAMS.to_dict(), "num_perm": 256})
    with pytest.raises(IndexParamsMismatch, match=r"num_perm \(\[minhash\] num_perm\): index has"):
        open_index(loc, other)


def test_a_held_lock_makes_writers_fail_clearly(redis_url: str) -> None:
    loc = fresh(redis_url)
    _, prefix, _ = split_location(loc)
    with open_index(loc, PARAMS, create=True, busy_timeout=0.2) as idx:
        client = redis.Redis.from_url(redis_url)
        client.set(f"{prefix}:lock", "builder on host-7 pid 42", px=60_000)
        with pytest.raises(IndexBusy, match="locked by builder on host-7 pid 42") as err:
            idx.add(rows(make_texts(2, seed=2), "x"))
        assert "retry" in str(err.value)
        assert len(idx) == 0
        client.delete(f"{prefix}:lock")
        assert idx.add(rows(make_texts(2, seed=2), "x")) == 2
        client.close()


def test_a_failed_transaction_writes_nothing_and_frees_the_lock(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    loc = fresh(redis_url)
    _, prefix, _ = split_location(loc)
    with open_index(loc, PARAMS, create=True) as idx:
        idx.add(rows(make_texts(3, seed=3), "old"))

        def die(self: object, *args: object, **kwargs: object) -> None:
            raise ConnectionError("client died before EXEC")

        with monkeypatch.context() as m:
            m.setattr(redis.client.Pipeline, "execute", die)
            with pytest.raises(ConnectionError):
                idx.add(rows(make_texts(50, seed=4), "new"))
        assert len(idx) == 3
        client = redis.Redis.from_url(redis_url)
        assert client.get(f"{prefix}:lock") is None
        assert client.keys(f"{prefix}:e:3") == []
        client.close()


def test_two_concurrent_writers_do_not_corrupt(redis_url: str) -> None:
    loc = fresh(redis_url)
    open_index(loc, PARAMS, create=True).close()
    errors = _concurrent_adds(lambda: open_index(loc, busy_timeout=60), batches=3, size=100)
    assert errors == []
    with open_index(loc) as idx:
        check_batches_contiguous(idx, batches=3, size=100)


# Dense random data: few signature values (many shared band keys), small shingle universe.
_SMALL = IndexParams(8, 1, "fast", "word", 5, 4, 2, 3, 2, 4)
_entry = st.tuples(
    st.sampled_from(["document", "passage"]),
    st.lists(st.integers(0, 2), min_size=8, max_size=8),
    st.sets(st.integers(0, 11), max_size=7),
)
_query = st.tuples(
    st.lists(st.integers(0, 2), min_size=8, max_size=8), st.sets(st.integers(0, 11), max_size=7)
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    batches=st.lists(st.lists(_entry, min_size=1, max_size=15), min_size=1, max_size=3),
    queries=st.lists(_query, min_size=1, max_size=12),
    level=st.sampled_from(["document", "passage"]),
    threshold=st.sampled_from([0.3, 0.5, 0.8, 1.0]),
    cont=st.sampled_from([None, 0.6, 1.0]),
    by_source=st.booleans(),
)
def test_sqlite_and_redis_give_the_same_answers(
    redis_url: str,
    batches: list[list[tuple[str, list[int], set[int]]]],
    queries: list[tuple[list[int], set[int]]],
    level: str,
    threshold: float,
    cont: float | None,
    by_source: bool,
) -> None:
    stored: list[tuple[str, np.ndarray, np.ndarray]] = []
    sources: list[str | None] = []
    with tempfile.TemporaryDirectory() as tmp:
        sql = open_index(str(Path(tmp) / "h.idx"), _SMALL, create=True)
        red = open_index(fresh(redis_url), _SMALL, create=True)
        with sql, red:
            for batch in batches:
                add = [
                    (
                        lvl,
                        f"d{len(stored) + i}",
                        i,
                        i + 5,
                        np.array(sig, np.uint32),
                        np.array(sorted(sh), np.uint64),
                        None if i % 2 else "site",
                    )
                    for i, (lvl, sig, sh) in enumerate(batch)
                ]
                assert sql.add(add) == red.add(add) == len(add)
                stored.extend((a[0], a[4], a[5]) for a in add)
                sources.extend(a[6] for a in add)
            sigs = np.array([q[0] for q in queries], np.uint32)
            sh = [np.array(sorted(q[1]), np.uint64) for q in queries]
            same = [None if u % 3 else "site" for u in range(len(queries))] if by_source else None
            a = sql.query(level, sigs, sh, threshold, cont, same_source=same)
            b = red.query(level, sigs, sh, threshold, cont, same_source=same)
            assert answers(a) == answers(b)
            assert [(m.unit, m.entry.order, m.similarity) for m in a] == brute_force(
                _SMALL, stored, level, sigs, sh, threshold, cont, same, sources
            )
            for x, y in zip(a, b, strict=True):
                assert (x.entry.start, x.entry.end, x.entry.source) == (
                    y.entry.start,
                    y.entry.end,
                    y.entry.source,
                )
                assert x.entry.signature.tolist() == y.entry.signature.tolist()
                assert x.entry.shingles.tolist() == y.entry.shingles.tolist()
            assert sql.stats()["entries"] == red.stats()["entries"]


_KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import redis.connection
    from dedup.index.redis import RedisIndex
    from tests.test_index_sqlite import make_texts, rows

    send = redis.connection.Connection.send_packed_command

    def half_then_hang(self, command, check_health=True):
        # The big MULTI ... EXEC: half of it reaches the server, then we hang
        # until the parent kills us (a writer dying in the middle of a write).
        if isinstance(command, list) and len(command) > 2 and sum(map(len, command)) > 100_000:
            send(self, command[: len(command) // 2], check_health)
            print("mid-transaction", flush=True)
            time.sleep(60)
        return send(self, command, check_health)

    redis.connection.Connection.send_packed_command = half_then_hang
    idx = RedisIndex(sys.argv[1], lock_ttl=1.5)
    idx.add(rows(make_texts(400, seed=77), "new"))
    print("committed", flush=True)
    """
)


def test_writer_killed_mid_transaction_leaves_the_index_as_before(redis_url: str) -> None:
    loc = fresh(redis_url)
    base = make_texts(20, seed=70)
    probes = [perturb(t, 80 + i) for i, t in enumerate(base[:8])] + make_texts(400, seed=77)
    sigs, sh = signed(probes)
    with open_index(loc, PARAMS, create=True) as idx:
        idx.add(rows(base, "old"))
        before = answers(idx.query("document", sigs, sh, 0.8))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, loc],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert line.strip() == "mid-transaction"
    with open_index(loc, busy_timeout=0.1) as idx:
        assert len(idx) == 20
        assert answers(idx.query("document", sigs, sh, 0.8)) == before
        # The dead writer's lock names it until it expires; then writing works.
        with pytest.raises(IndexBusy, match=f"pid {proc.pid} "):
            idx.add(rows(make_texts(1, seed=71), "x"))
        idx.busy_timeout = 10.0
        assert idx.add(rows(make_texts(1, seed=71), "x")) == 1
        assert len(idx) == 21
