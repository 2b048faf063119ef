"""The persistent index, SQLite backend: answers, parameter checks and write safety."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from dedup.cluster.verify import containment, jaccard, verify_pairs
from dedup.index import (
    Index,
    IndexBusy,
    IndexMatch,
    IndexNotFound,
    IndexParams,
    IndexParamsMismatch,
    IndexStoreError,
    open_index,
)
from dedup.sketch.lsh import band_keys, candidate_pairs
from dedup.sketch.minhash import MinHasher

REPO = Path(__file__).resolve().parents[1]
PARAMS = IndexParams(
    num_perm=128,
    seed=1,
    scheme="fast",
    shingle="word",
    doc_ngram=5,
    doc_bands=9,
    doc_rows=13,
    passage_ngram=3,
    passage_bands=25,
    passage_rows=5,
)
WORDS = (
    "army border ceasefire deal envoy forces government minister moscow officials "
    "peacekeepers region talks troops village war yesterday capital leaders agreement "
    "reported said sources statement week month country countries conflict people"
).split()


def make_texts(n: int, seed: int, words: int = 80) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, size=words)) for _ in range(n)]


def perturb(text: str, seed: int, edits: int = 1) -> str:
    """A near copy: ``edits`` words replaced by a word not in WORDS."""
    rng = np.random.default_rng(seed)
    toks = text.split()
    for pos in rng.choice(len(toks), size=edits, replace=False):
        toks[int(pos)] = f"edit{seed}x{int(pos)}"
    return " ".join(toks)


def signed(texts: Sequence[str], level: str = "document") -> tuple[np.ndarray, list[np.ndarray]]:
    hasher = MinHasher(PARAMS.minhash_params(level))
    return hasher.sign(texts), [hasher.shingle_hashes(t) for t in texts]


def rows(
    texts: Sequence[str], prefix: str, level: str = "document", source: str | None = "a.example"
) -> list[tuple[str, str, int, int, np.ndarray, np.ndarray, str | None]]:
    sigs, sh = signed(texts, level)
    return [(level, f"{prefix}{i}", 0, len(t), sigs[i], sh[i], source) for i, t in enumerate(texts)]


def answers(matches: Sequence[IndexMatch]) -> list[tuple[int, str, int, float]]:
    return [(m.unit, m.entry.doc_id, m.entry.order, m.similarity) for m in matches]


def brute_force(
    params: IndexParams,
    stored: Sequence[tuple[str, np.ndarray, np.ndarray]],
    level: str,
    sigs: np.ndarray,
    shingles: Sequence[np.ndarray],
    threshold: float,
    cont: float | None,
    same_source: Sequence[str | None] | None = None,
    sources: Sequence[str | None] | None = None,
) -> list[tuple[int, int, float]]:
    """(unit, order, similarity) by the definition: any shared band key, exact check, best."""
    bands, rws = params.shape(level)
    out = []
    for u in range(sigs.shape[0]):
        if shingles[u].shape[0] == 0:
            continue
        qk = band_keys(sigs[u : u + 1], bands, rws)[0]
        best: tuple[float, int] | None = None
        for order, (lvl, sig, sh) in enumerate(stored):
            if lvl != level or sh.shape[0] == 0:
                continue
            if same_source is not None and sources is not None and same_source[u] != sources[order]:
                continue
            if not (band_keys(sig.reshape(1, -1), bands, rws)[0] == qk).any():
                continue
            j = jaccard(shingles[u], sh)
            sim = j if j >= threshold else None
            # Containment makes the contained unit the copy: a query unit
            # larger than the indexed one matches it by Jaccard only.
            smaller = shingles[u].shape[0] <= sh.shape[0]
            c = containment(shingles[u], sh)
            if sim is None and cont is not None and smaller and c >= cont:
                sim = c
            if sim is not None and (best is None or (-sim, order) < (-best[0], best[1])):
                best = (sim, order)
        if best is not None:
            out.append((u, best[1], best[0]))
    return out


def count_entries(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])


# ----------------------------------------------------------------------- answers
def test_query_finds_near_copies_and_not_others(tmp_path: Path) -> None:
    base = make_texts(40, seed=1)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True, name="crawl-1") as idx:
        assert idx.add(rows(base, "old")) == 40
        new = [perturb(base[7], 1), perturb(base[21], 2), *make_texts(3, seed=99)]
        sigs, sh = signed(new)
        got = idx.query("document", sigs, sh, threshold=0.8)
    assert [(m.unit, m.entry.doc_id) for m in got] == [(0, "old7"), (1, "old21")]
    assert all(0.8 <= m.similarity < 1.0 for m in got)
    assert got[0].entry.source == "a.example"
    assert got[0].entry.shingles.tolist() == signed([base[7]])[1][0].tolist()
    assert got[0].entry.signature.dtype == np.uint32 and got[0].entry.signature.shape == (128,)
    assert (got[0].entry.start, got[0].entry.end) == (0, len(base[7]))


def test_levels_are_separate(tmp_path: Path) -> None:
    texts = make_texts(5, seed=2)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(texts, "p", level="passage"))
        sigs, sh = signed(texts, "document")
        assert idx.query("document", sigs, sh, 0.8) == []
        sigs, sh = signed(texts, "passage")
        assert [m.entry.doc_id for m in idx.query("passage", sigs, sh, 0.8)] == [
            f"p{i}" for i in range(5)
        ]
        assert idx.stats()["entries"] == {"document": 0, "passage": 5}


def test_ties_go_to_the_earliest_indexed_copy(tmp_path: Path) -> None:
    text = make_texts(1, seed=3)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(text * 3, "first"))
        idx.add(rows(text, "later"))
        sigs, sh = signed(text)
        (m,) = idx.query("document", sigs, sh, 0.9)
    assert (m.entry.doc_id, m.entry.order, m.similarity) == ("first0", 0, 1.0)


def test_best_match_is_the_most_similar(tmp_path: Path) -> None:
    text = make_texts(1, seed=4, words=80)[0]
    far, near = perturb(text, 5, edits=3), perturb(text, 6, edits=1)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows([far, near], "v"))
        sigs, sh = signed([text])
        (m,) = idx.query("document", sigs, sh, 0.5)
    assert m.entry.doc_id == "v1"
    assert m.similarity == pytest.approx(jaccard(sh[0], signed([near])[1][0]))


def test_containment_matches_a_passage_inside_a_longer_one(tmp_path: Path) -> None:
    long = make_texts(1, seed=7, words=30)[0]
    part = " ".join(long.split()[:24])
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows([long], "long", level="passage"))
        sigs, sh = signed([part], "passage")
        without = idx.query("passage", sigs, sh, 0.9)
        with_cont = idx.query("passage", sigs, sh, 0.9, containment=0.85)
    assert without == []
    assert [(m.entry.doc_id, m.similarity) for m in with_cont] == [("long0", 1.0)]


def test_empty_units_never_match(tmp_path: Path) -> None:
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(["", "!!!"], "empty"))
        sigs, sh = signed(["", "..."])
        assert idx.query("document", sigs, sh, 0.5) == []
        assert len(idx) == 2


def test_random_batches_agree_with_brute_force(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Few distinct signature values: many shared band keys, so many candidates to verify.
    params = IndexParams(8, 1, "fast", "word", 5, 4, 2, 3, 2, 4)
    rng = np.random.default_rng(0)
    stored: list[tuple[str, np.ndarray, np.ndarray]] = []
    with open_index(str(tmp_path / "r.idx"), params, create=True) as idx:
        for _ in range(3):
            batch: list[tuple[str, str, int, int, np.ndarray, np.ndarray, str | None]] = []
            for _ in range(40):
                level = "document" if rng.random() < 0.7 else "passage"
                sig = rng.integers(0, 3, size=8).astype(np.uint32)
                sh = np.unique(rng.integers(0, 12, size=int(rng.integers(0, 8)))).astype(np.uint64)
                batch.append((level, f"d{len(stored) + len(batch)}", 0, 1, sig, sh, None))
            idx.add(batch)
            stored.extend((b[0], b[4], b[5]) for b in batch)
        for level in ("document", "passage"):
            sigs = rng.integers(0, 3, size=(30, 8)).astype(np.uint32)
            sets = [
                np.unique(rng.integers(0, 12, size=int(rng.integers(0, 8)))).astype(np.uint64)
                for _ in range(30)
            ]
            for threshold, cont in ((0.5, None), (0.3, 0.8)):
                got = [
                    (m.unit, m.entry.order, m.similarity)
                    for m in idx.query(level, sigs, sets, threshold, cont)
                ]
                assert got == brute_force(params, stored, level, sigs, sets, threshold, cont)
                assert got  # the data are dense enough that something matches
                # Looked up a few units at a time: the same answers.
                with monkeypatch.context() as m:
                    m.setattr("dedup.index.base.QUERY_CHUNK", 4)
                    again = idx.query(level, sigs, sets, threshold, cont)
                assert [(x.unit, x.entry.order, x.similarity) for x in again] == got


# ----------------------------------------------------------------------- opening
def test_reopen_reads_params_and_name(tmp_path: Path) -> None:
    path = str(tmp_path / "a.idx")
    with open_index(path, PARAMS, create=True, name="crawl-2026-10") as idx:
        idx.add(rows(make_texts(3, seed=8), "x"))
    with open_index(path) as idx:
        assert idx.params == PARAMS
        assert idx.name == "crawl-2026-10"
        stats = idx.stats()
    assert stats["entries"] == {"document": 3, "passage": 0}
    assert stats["name"] == "crawl-2026-10" and stats["params"] == PARAMS.to_dict()
    assert stats["size_bytes"] > 0
    # create=True on an existing index opens it (parameters checked, nothing reset).
    with open_index(path, PARAMS, create=True) as idx:
        assert len(idx) == 3


def test_other_params_are_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = str(tmp_path / "a.idx")
    open_index(path, PARAMS, create=True).close()
    other = IndexParams(**{**PARAMS.to_dict(), "doc_ngram": 4, "seed": 7})
    with pytest.raises(IndexParamsMismatch) as err:
        open_index(path, other)
    message = str(err.value)
    assert path in message
    assert "doc_ngram ([document] ngram): index has 5, this run uses 4" in message
    assert "seed ([minhash] seed): index has 1, this run uses 7" in message
    assert "passage" not in message.split("\n")[1] and "dedup index build" in message
    assert isinstance(err.value, ValueError)


def test_missing_index_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="dedup index build"):
        open_index(str(tmp_path / "none.idx"), PARAMS)
    with pytest.raises(ValueError, match="needs its parameters"):
        open_index(str(tmp_path / "none.idx"), create=True)
    junk = tmp_path / "junk.idx"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(IndexStoreError, match="not a dedup index"):
        open_index(str(junk), PARAMS, create=True)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(IndexStoreError, match="not a dedup index"):
        open_index(str(other), PARAMS, create=True)


def test_bad_input_is_rejected_clearly(tmp_path: Path) -> None:
    sig = np.zeros(128, dtype=np.uint32)
    sh = np.array([1, 2], dtype=np.uint64)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        bad_rows: list[tuple[object, ...]] = [
            ("page", "d", 0, 1, sig, sh, None),
            ("document", 5, 0, 1, sig, sh, None),
            ("document", "d", 3, 1, sig, sh, None),
            ("document", "d", 0, 1, sig[:64], sh, None),
            ("document", "d", 0, 1, sig, sh[::-1], None),
            ("document", "d", 0, 1, sig.astype(np.int64) - 1, sh, None),
        ]
        for bad in bad_rows:
            with pytest.raises(ValueError, match="entry 1"):
                idx.add([("document", "ok", 0, 1, sig, sh, None), bad])  # type: ignore[list-item]
        assert len(idx) == 0  # nothing of a rejected batch is written
        with pytest.raises(ValueError, match="shape"):
            idx.query("document", np.zeros((2, 64), np.uint32), [sh, sh], 0.8)
        with pytest.raises(ValueError, match="threshold"):
            idx.query("document", np.zeros((1, 128), np.uint32), [sh], 1.5)
        with pytest.raises(ValueError, match="level"):
            idx.query("page", np.zeros((1, 128), np.uint32), [sh], 0.8)
    with pytest.raises(ValueError, match="bands"):
        IndexParams(**{**PARAMS.to_dict(), "doc_bands": 20})


# ----------------------------------------------------------------------- safety
_KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from dedup.index import open_index

    idx = open_index(sys.argv[1])
    rng = np.random.default_rng(1)
    n = 12000
    sigs = rng.integers(0, 2**32, size=(n, 128), dtype=np.uint64).astype(np.uint32)
    batch = [
        ("document", f"new{i}", 0, 10, sigs[i],
         np.unique(rng.integers(0, 2**63, size=200, dtype=np.uint64)), None)
        for i in range(n)
    ]
    said = []

    def trace(statement):
        # The entries of the first chunk are written (and spilled to the WAL):
        # stop here, inside the open transaction, until the parent kills us.
        if not said and statement.startswith("INSERT INTO bands"):
            said.append(1)
            print("mid-transaction", flush=True)
            time.sleep(60)

    # A small page cache, as in an add larger than the cache: pages spill to the WAL.
    idx._conn.execute("PRAGMA cache_size = -1000")
    idx._conn.set_trace_callback(trace)
    idx.add(batch)
    print("committed", flush=True)
    """
)


def test_writer_killed_mid_add_leaves_the_index_as_before(tmp_path: Path) -> None:
    path = tmp_path / "a.idx"
    base = make_texts(30, seed=10)
    probes = [perturb(t, 20 + i) for i, t in enumerate(base[:10])] + make_texts(5, seed=11)
    sigs, sh = signed(probes)
    with open_index(str(path), PARAMS, create=True) as idx:
        idx.add(rows(base, "old"))
        before = answers(idx.query("document", sigs, sh, 0.8))
    assert len(before) >= 5  # LSH may miss a few at J ~ 0.88: not what is tested here
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILL_SCRIPT, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    wal = Path(str(path) + "-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert line.strip() == "mid-transaction"
    assert proc.returncode == -signal.SIGKILL
    assert wal_size > 2 * 1024 * 1024  # uncommitted pages had reached the file
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert count_entries(path) == 30
    with open_index(str(path), PARAMS) as idx:
        assert len(idx) == 30
        assert answers(idx.query("document", sigs, sh, 0.8)) == before
        # The dead writer's lock died with it: writing works at once.
        idx.busy_timeout = 1.0
        assert idx.add(rows(make_texts(2, seed=12), "after")) == 2
        assert len(idx) == 32


def test_a_second_writer_waits_then_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "a.idx"
    open_index(str(path), PARAMS, create=True).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_index(str(path), busy_timeout=0.2) as idx:
            with pytest.raises(IndexBusy) as err:
                idx.add(rows(make_texts(2, seed=13), "x"))
            # Readers are not blocked by a writer (WAL).
            sigs, sh = signed(make_texts(1, seed=13))
            assert idx.query("document", sigs, sh, 0.8) == []
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(path) in str(err.value) and "retry" in str(err.value)
    assert count_entries(path) == 0


def _concurrent_adds(index_factory: object, batches: int, size: int) -> list[Exception]:
    """Two threads, each adding ``batches`` batches of ``size`` entries to one index."""
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def writer(tag: str) -> None:
        try:
            idx: Index = index_factory()  # type: ignore[operator]
            with idx:
                barrier.wait()
                for b in range(batches):
                    texts = make_texts(size, seed=hash((tag, b)) % 1000)
                    idx.add(rows(texts, f"{tag}-{b}-"))
        except Exception as exc:  # reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(t,)) for t in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def check_batches_contiguous(idx: Index, batches: int, size: int) -> None:
    """Every batch got consecutive orders (atomic, not interleaved) and nothing is lost."""
    total = 2 * batches * size
    assert len(idx) == total
    texts = {
        (tag, b): make_texts(size, seed=hash((tag, b)) % 1000)
        for tag in ("A", "B")
        for b in range(batches)
    }
    for (tag, b), batch_texts in texts.items():
        sigs, sh = signed(batch_texts)
        got = idx.query("document", sigs, sh, 0.99)
        assert [m.entry.doc_id for m in got] == [f"{tag}-{b}-{i}" for i in range(size)]
        orders = [m.entry.order for m in got]
        assert orders == list(range(orders[0], orders[0] + size))
        assert orders[0] % size == 0 and 0 <= orders[0] < total


def test_two_concurrent_writers_do_not_corrupt(tmp_path: Path) -> None:
    path = str(tmp_path / "a.idx")
    open_index(path, PARAMS, create=True).close()
    errors = _concurrent_adds(lambda: open_index(path, busy_timeout=60), batches=3, size=150)
    assert errors == []
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with open_index(path) as idx:
        check_batches_contiguous(idx, batches=3, size=150)


def test_index_answers_equal_the_in_memory_lsh_on_the_union(tmp_path: Path) -> None:
    """Querying B against A's index finds, for each b, the copy in A that
    candidate pairs + exact verification over A+B together find (buckets under
    the in-memory max_bucket, where that clusterer gives every pair)."""
    a_texts = make_texts(60, seed=30)
    rng = np.random.default_rng(31)
    b_texts = [perturb(a_texts[int(j)], 100 + k) for k, j in enumerate(rng.choice(60, 25))]
    b_texts += [perturb(a_texts[3], 200 + k) for k in range(4)] + make_texts(15, seed=32)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(a_texts, "a"))
        idx.add(rows(a_texts[:5], "again"))  # exact copies indexed later: ties -> earliest
        sigs, sh = signed(b_texts)
        got = {m.unit: (m.entry.order, m.similarity) for m in idx.query("document", sigs, sh, 0.8)}
    all_texts = [*a_texts, *a_texts[:5], *b_texts]
    all_sigs, all_sh = signed(all_texts)
    n_a = 65
    pairs = candidate_pairs(band_keys(all_sigs, PARAMS.doc_bands, PARAMS.doc_rows))
    kept, sim = verify_pairs(pairs, all_sh, 0.8)
    expected: dict[int, tuple[int, float]] = {}
    for (i, j), s in zip(kept.tolist(), sim.tolist(), strict=True):
        if i < n_a <= j:  # a cross pair: indexed copy i, query unit j - n_a
            unit = j - n_a
            if unit not in expected or (-s, i) < (-expected[unit][1], expected[unit][0]):
                expected[unit] = (i, s)
    assert got == expected
    assert len(got) >= 20 and all(order < 60 for order, _ in got.values())


def test_an_open_index_refuses_to_be_pickled(tmp_path: Path) -> None:
    with (
        open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx,
        pytest.raises(TypeError, match="call open_index\\(\\) there"),
    ):
        pickle.dumps(idx)


def test_same_source_restricts_matches_to_the_units_site(tmp_path: Path) -> None:
    text = make_texts(1, seed=40)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(text, "x-", source="x.example") + rows(text, "y-", source="y.example"))
        idx.add(rows(text, "none-", source=None))
        sigs, sh = signed(text * 4)
        got = idx.query(
            "document",
            sigs,
            sh,
            0.8,
            same_source=["y.example", "x.example", "z.example", None],
        )
        assert [(m.unit, m.entry.doc_id) for m in got] == [(0, "y-0"), (1, "x-0"), (3, "none-0")]
        assert [m.entry.doc_id for m in idx.query("document", sigs, sh, 0.8)] == ["x-0"] * 4
        with pytest.raises(ValueError, match="same_source"):
            idx.query("document", sigs, sh, 0.8, same_source=["x.example"])


def test_params_from_config_follow_the_run() -> None:
    from dedup.config import Config
    from dedup.sketch.shapes import lsh_shapes

    config = Config()
    p = IndexParams.from_config(config)
    assert (p.num_perm, p.seed, p.scheme, p.shingle) == (128, 1, "fast", "word")
    assert (p.doc_ngram, p.passage_ngram) == (config.document.ngram, config.passage.ngram)
    shapes = lsh_shapes(config)
    assert p.shape("document") == (shapes.doc_bands, shapes.doc_rows)
    assert p.shape("passage") == (shapes.passage_bands, shapes.passage_rows)
    explicit = IndexParams.from_config(config.replace(document={"bands": 16, "rows": 8}))
    assert explicit.shape("document") == (16, 8)
    assert explicit.differences(p) == [
        ("doc_bands", 16, shapes.doc_bands),
        ("doc_rows", 8, shapes.doc_rows),
    ]


@pytest.mark.parametrize("bad_at", [None, 1, 10])
def test_a_generator_is_added_in_chunks_all_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_at: int | None
) -> None:
    import dedup.index.base

    monkeypatch.setattr(dedup.index.base, "ADD_CHUNK", 3)
    good = rows(make_texts(11, seed=50), "g")

    def stream() -> Iterator[tuple[object, ...]]:
        for i, row in enumerate(good):
            yield ("page", *row[1:]) if i == bad_at else row

    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(make_texts(2, seed=51), "old"))
        if bad_at is None:
            assert idx.add(stream()) == 11  # type: ignore[arg-type]
            sigs, sh = signed(make_texts(11, seed=50))
            assert [m.entry.order for m in idx.query("document", sigs, sh, 0.99)] == list(
                range(2, 13)
            )
        else:
            with pytest.raises(ValueError, match=f"entry {bad_at}: level"):
                idx.add(stream())  # type: ignore[arg-type]
            assert len(idx) == 2
    assert count_entries(tmp_path / "a.idx") == (13 if bad_at is None else 2)


def test_busy_error_names_the_writer(tmp_path: Path) -> None:
    path = str(tmp_path / "a.idx")
    open_index(path, PARAMS, create=True).close()
    slow = open_index(path, busy_timeout=5)
    inside = threading.Event()

    def trace(statement: str) -> None:
        if statement.startswith("INSERT INTO bands") and not inside.is_set():
            inside.set()
            time.sleep(1.0)  # hold the write lock for a moment

    slow._conn.set_trace_callback(trace)  # type: ignore[attr-defined]
    writer = threading.Thread(target=slow.add, args=(rows(make_texts(3, seed=60), "s"),))
    writer.start()
    assert inside.wait(10)
    with open_index(path, busy_timeout=0.1) as idx, pytest.raises(IndexBusy) as err:
        idx.add(rows(make_texts(1, seed=61), "t"))
    writer.join()
    slow.close()
    assert f"pid {os.getpid()} since" in str(err.value) and path in str(err.value)
    assert not Path(path + ".writer").exists()  # the note goes with the lock
    assert count_entries(Path(path)) == 3


def test_a_busy_band_key_is_verified_in_bounded_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 60 near copies of one text share band keys: one hot bucket. Entries are
    # read a few at a time, and the answers (best per unit, ties to the earliest)
    # are those of reading them all at once.
    import dedup.index.base as base

    text = make_texts(1, seed=11)[0]
    copies = [text if i % 7 == 0 else perturb(text, 100 + i, edits=1 + i % 3) for i in range(60)]
    # The second query is a copy indexed in a late batch: it must beat c0.
    queries = [text, copies[37], perturb(text, 5)]
    sigs, sh = signed(queries)
    with open_index(str(tmp_path / "a.idx"), PARAMS, create=True) as idx:
        idx.add(rows(copies, "c"))
        whole = answers(idx.query("document", sigs, sh, 0.6))
        seen: list[int] = []
        read = type(idx)._entries

        def spy(self: Index, orders: list[int]) -> dict[int, object]:
            seen.append(len(orders))
            return read(self, orders)  # type: ignore[arg-type]

        monkeypatch.setattr(base, "ENTRY_BATCH", 7)
        monkeypatch.setattr(type(idx), "_entries", spy)
        batched = answers(idx.query("document", sigs, sh, 0.6))
    assert batched == whole and len(whole) == 3
    assert whole[0][1:3] == ("c0", 0)  # the exact copy first indexed wins the tie
    assert whole[1][1:] == ("c37", 37, 1.0)
    assert max(seen) == 7 and len(seen) >= 3  # many candidates, never more than 7 held
