"""Persistent index benchmark (issue 11): build an index, then query new documents.

Corpus: synthetic documents made of random sentences of the AEB article texts
(../shared/data/aeb/ground-truth.json), so they read like news but are not
near-duplicates of each other. Queries: ``--queries`` new documents, half of
them near-duplicates of indexed ones (0.2-4 % of the words replaced, sometimes a
sentence dropped or added), half fresh.

Document level with the project's defaults (``Config()``: 5-word shingles,
128 permutations, the document threshold and the band shape its LSH weights
give, as ``IndexParams.from_config``; the report prints them). Measured:

- the dedup index (SQLite, optionally Redis with ``--redis URL``): build time
  (index writes; signing is reported apart, shared by both sides), size on
  disk, query throughput (median of ``--repeat`` passes), peak RSS;
- the baseline, datasketch ``MinHashLSH`` in memory on the same signatures:
  build time, query throughput (candidate lookup only, as datasketch does no
  verification), memory growth;
- agreement: for each query, the best exactly verified match (Jaccard >= the threshold,
  highest, ties to the earliest indexed) from the index vs the same rule
  applied to datasketch's candidates.

Run: ``.venv/bin/python benchmarks/index_bench.py --n 100000 --queries 10000``
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import resource
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from dedup.cluster.verify import jaccard
from dedup.config import Config
from dedup.index import Index, IndexParams, open_index
from dedup.sketch.minhash import MinHasher

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GROUND_TRUTH = DATA / "aeb" / "ground-truth.json"
# The project's defaults: what `dedup clean --against` uses out of the box.
THRESHOLD = Config().document.threshold
NUM_PERM = Config().minhash.num_perm
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def load_sentences(path: Path = GROUND_TRUTH) -> list[str]:
    """AEB article sentences of at least 5 words, in a fixed order."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    out: list[str] = []
    for key in sorted(gold):
        body = gold[key].get("articleBody") or ""
        out.extend(s for s in _SENTENCE_END.split(body) if len(s.split()) >= 5)
    return out


@dataclass
class Corpus:
    """Documents as sentence-index lists, rendered on demand (texts are not all kept)."""

    sentences: list[str]
    docs: list[np.ndarray]

    def text(self, i: int) -> str:
        return " ".join(self.sentences[j] for j in self.docs[i].tolist())


def make_corpus(sentences: list[str], n: int, rng: np.random.Generator) -> Corpus:
    lengths = rng.integers(8, 21, size=n)
    docs = [rng.choice(len(sentences), size=int(k), replace=False) for k in lengths]
    return Corpus(sentences, docs)


def near_copy(text: str, rng: np.random.Generator, extra: str) -> str:
    """A syndicated copy: some words replaced, maybe a sentence dropped or appended."""
    words = text.split()
    rate = float(rng.uniform(0.002, 0.04))
    for pos in rng.choice(len(words), size=max(1, int(rate * len(words))), replace=False):
        words[int(pos)] = f"w{int(rng.integers(1_000_000))}"
    out = " ".join(words)
    roll = rng.random()
    if roll < 0.25:
        out = out.rsplit(". ", 1)[0] + "."
    elif roll < 0.5:
        out = f"{out} {extra}"
    return out


def make_queries(
    corpus: Corpus, n: int, near_share: float, rng: np.random.Generator
) -> tuple[list[str], list[int]]:
    """Query texts and, for each, the indexed document it copies (-1 for fresh ones)."""
    fresh = make_corpus(corpus.sentences, n, rng)
    texts: list[str] = []
    source: list[int] = []
    for i in range(n):
        if rng.random() < near_share:
            j = int(rng.integers(len(corpus.docs)))
            extra = corpus.sentences[int(rng.integers(len(corpus.sentences)))]
            texts.append(near_copy(corpus.text(j), rng, extra))
            source.append(j)
        else:
            texts.append(fresh.text(i))
            source.append(-1)
    return texts, source


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def build_index(
    idx: Index, corpus: Corpus, hasher: MinHasher, chunk: int
) -> tuple[float, float, np.ndarray]:
    """(signing seconds, index-write seconds, all signatures)."""
    sign_s = write_s = 0.0
    sigs_all = []
    for lo in range(0, len(corpus.docs), chunk):
        ids = range(lo, min(lo + chunk, len(corpus.docs)))
        t0 = time.perf_counter()
        texts = [corpus.text(i) for i in ids]
        sigs = hasher.sign(texts)
        sh = [hasher.shingle_hashes(t) for t in texts]
        t1 = time.perf_counter()
        idx.add(
            [
                ("document", f"doc{i}", 0, len(t), sigs[k], sh[k], None)
                for k, (i, t) in enumerate(zip(ids, texts, strict=True))
            ]
        )
        t2 = time.perf_counter()
        sign_s += t1 - t0
        write_s += t2 - t1
        sigs_all.append(sigs)
    return sign_s, write_s, np.concatenate(sigs_all)


def index_answers(
    idx: Index, qsigs: np.ndarray, qsh: Sequence[np.ndarray], batch: int
) -> list[int]:
    best = [-1] * qsigs.shape[0]
    for lo in range(0, qsigs.shape[0], batch):
        hi = min(lo + batch, qsigs.shape[0])
        for m in idx.query("document", qsigs[lo:hi], qsh[lo:hi], THRESHOLD):
            best[lo + m.unit] = int(m.entry.doc_id[3:])
    return best


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = np.random.default_rng(args.seed)
    sentences = load_sentences()
    corpus = make_corpus(sentences, args.n, rng)
    qtexts, qsource = make_queries(corpus, args.queries, 0.5, rng)
    params = IndexParams.from_config(Config())
    bands, rows = params.shape("document")
    hasher = MinHasher(params.minhash_params("document"))
    hasher.sign(["warm up the compiled kernel"])
    report: dict[str, Any] = {
        "n_indexed": args.n,
        "n_queries": args.queries,
        "near_duplicate_queries": sum(s >= 0 for s in qsource),
        "lsh": f"{bands}x{rows}",
        "threshold": THRESHOLD,
    }
    rss_start = current_rss_mb()

    tmp = tempfile.TemporaryDirectory(prefix="index_bench_")
    path = args.index or str(Path(tmp.name) / "bench.idx")
    if Path(path).exists():
        raise SystemExit(f"{path} exists: give a new --index path")
    with open_index(path, params, create=True, name="bench") as idx:
        sign_s, write_s, sigs = build_index(idx, corpus, hasher, args.chunk)
    report["sign_s"] = round(sign_s, 2)
    report["sign_docs_per_s"] = round(args.n / sign_s)

    t0 = time.perf_counter()
    qsigs = hasher.sign(qtexts)
    qsh = [hasher.shingle_hashes(t) for t in qtexts]
    report["query_sign_s"] = round(time.perf_counter() - t0, 2)

    open_s, idx = timed(lambda: open_index(path, params))
    query_times = []
    ours: list[int] = []
    for _ in range(args.repeat):
        dt, ours = timed(lambda: index_answers(idx, qsigs, qsh, args.batch))
        query_times.append(dt)
    size = idx.stats()["size_bytes"]
    idx.close()
    sqlite_query_s = statistics.median(query_times)
    report["sqlite"] = {
        "build_write_s": round(write_s, 2),
        "build_docs_per_s": round(args.n / write_s),
        "size_mb": round(size / 2**20, 1),
        "bytes_per_doc": round(size / args.n),
        "open_s": round(open_s, 3),
        "query_s_median": round(sqlite_query_s, 3),
        "query_docs_per_s": round(args.queries / sqlite_query_s),
        "matched": sum(b >= 0 for b in ours),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "rss_growth_mb": round(current_rss_mb() - rss_start, 1),
    }

    if args.redis:
        loc = f"{args.redis}?prefix=bench{args.seed}x{args.n}"
        with open_index(loc, params, create=True, name="bench") as ridx:
            t0 = time.perf_counter()
            for lo in range(0, args.n, args.chunk):
                ids = range(lo, min(lo + args.chunk, args.n))
                texts = [corpus.text(i) for i in ids]
                sh = [hasher.shingle_hashes(t) for t in texts]
                ridx.add(
                    [
                        ("document", f"doc{i}", 0, len(t), sigs[i], sh[k], None)
                        for k, (i, t) in enumerate(zip(ids, texts, strict=True))
                    ]
                )
            rbuild = time.perf_counter() - t0
            rtimes = []
            rbest: list[int] = []
            for _ in range(args.repeat):
                dt, rbest = timed(lambda: index_answers(ridx, qsigs, qsh, args.batch))
                rtimes.append(dt)
            rsize = ridx.stats()["size_bytes"]
        rq = statistics.median(rtimes)
        report["redis"] = {
            "build_s_incl_shingling": round(rbuild, 2),
            "server_used_memory_mb": round(rsize / 2**20, 1),
            "query_s_median": round(rq, 3),
            "query_docs_per_s": round(args.queries / rq),
            "same_answers_as_sqlite": rbest == ours,
        }

    # Baseline: datasketch MinHashLSH in memory, same signatures, same bands x rows.
    rss_before = current_rss_mb()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, params=(bands, rows))

    def ds_build() -> None:
        for i in range(args.n):
            lsh.insert(i, LeanMinHash(seed=1, hashvalues=sigs[i], scheme="affine32"))

    ds_build_s, _ = timed(ds_build)
    ds_rss = current_rss_mb() - rss_before
    qmh = [LeanMinHash(seed=1, hashvalues=qsigs[i], scheme="affine32") for i in range(args.queries)]
    ds_times = []
    cands: list[list[int]] = []
    for _ in range(args.repeat):
        dt, cands = timed(lambda: [lsh.query(m) for m in qmh])
        ds_times.append(dt)
    ds_query_s = statistics.median(ds_times)
    # Same verification rule on datasketch's candidates (not timed: shingles recomputed).
    theirs: list[int] = []
    for u, cand in enumerate(cands):
        best: tuple[float, int] | None = None
        for c in sorted(cand):
            j = jaccard(qsh[u], hasher.shingle_hashes(corpus.text(c)))
            if j >= THRESHOLD and (best is None or j > best[0]):
                best = (j, c)
        theirs.append(best[1] if best else -1)
    report["datasketch"] = {
        "build_s": round(ds_build_s, 2),
        "build_docs_per_s": round(args.n / ds_build_s),
        "rss_growth_mb": round(ds_rss, 1),
        "query_s_median": round(ds_query_s, 3),
        "query_docs_per_s": round(args.queries / ds_query_s),
        "candidates_per_query": round(sum(len(c) for c in cands) / args.queries, 3),
        "matched_after_verification": sum(b >= 0 for b in theirs),
    }
    agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
    recall_truth = [
        u
        for u, s in enumerate(qsource)
        if s >= 0 and jaccard(qsh[u], hasher.shingle_hashes(corpus.text(s))) >= THRESHOLD
    ]
    report["agreement"] = {
        "same_answer_share": round(agree / args.queries, 5),
        "disagreements": args.queries - agree,
        "true_pairs_at_threshold": len(recall_truth),
        "index_recall_of_true_pairs": round(
            sum(ours[u] == qsource[u] for u in recall_truth) / max(1, len(recall_truth)), 4
        ),
    }
    report["ratios"] = {
        "query_throughput_sqlite_vs_datasketch": round(ds_query_s / sqlite_query_s, 3),
        "build_time_sqlite_vs_datasketch": round(write_s / ds_build_s, 3),
    }
    report["peak_rss_mb_total"] = round(peak_rss_mb(), 1)
    tmp.cleanup()
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="documents to index")
    ap.add_argument("--queries", type=int, default=10_000, help="new documents to query")
    ap.add_argument("--chunk", type=int, default=5_000, help="documents per add() transaction")
    ap.add_argument("--batch", type=int, default=2_000, help="documents per query() call")
    ap.add_argument("--repeat", type=int, default=3, help="query passes (median reported)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--index", help="SQLite index path (default: a temporary file)")
    ap.add_argument("--redis", help="also measure the Redis backend at this redis:// URL")
    args = ap.parse_args(argv)
    if args.n < 1 or args.queries < 1 or args.chunk < 1 or args.batch < 1 or args.repeat < 1:
        ap.error("--n, --queries, --chunk, --batch and --repeat must be positive")
    logging.basicConfig(level=logging.WARNING)
    print(json.dumps(run(args), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
