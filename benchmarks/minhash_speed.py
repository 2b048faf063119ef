"""Signing speed on one core, and LSH recall against exact all-pairs Jaccard.

    .venv/bin/python benchmarks/minhash_speed.py [--mb 10] [--repeat 3]

Corpus: ../shared/data/aeb ground-truth articles plus perturbed copies
(benchmarks/_corpus.py). Every contender starts from the same texts, and the
baselines' time includes their (Python) shingling, as a user's would: 5-word
shingles of ``\\w+`` tokens of the casefolded text, 128 permutations, seed 1.
Figures are medians of ``--repeat`` runs in CPU seconds (process time: the
process is pinned to one core, and the machine may be shared); ratios are to
datasketch ``MinHash.bulk`` measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._corpus import aeb_corpus
from dedup.config import Config
from dedup.sketch.lsh import band_keys, candidate_pairs, optimal_params
from dedup.sketch.minhash import MinHasher, MinHashParams

NUM_PERM = 128
NGRAM = 5
SEED = 1


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        # CPU time of this (pinned, one-core) process: the machine is shared,
        # and wall time would count the time other jobs hold the core.
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return statistics.median(times)


def exact_pairs_above(shingles: list[np.ndarray], threshold: float) -> dict[tuple[int, int], float]:
    """All pairs with exact Jaccard >= threshold, via an inverted index (no n^2 loop)."""
    doc = np.concatenate([np.full(len(s), i, dtype=np.int64) for i, s in enumerate(shingles)])
    val = np.concatenate(shingles)
    order = np.lexsort((doc, val))
    val, doc = val[order], doc[order]
    cut = np.nonzero(val[1:] != val[:-1])[0] + 1
    starts = np.concatenate([[0], cut])
    sizes = np.diff(np.concatenate([starts, [len(val)]]))
    codes = []
    n = len(shingles)
    for s, z in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        members = doc[s : s + z]
        i, j = np.triu_indices(z, 1)
        codes.append(members[i] * n + members[j])
    if not codes:
        return {}
    code, inter = np.unique(np.concatenate(codes), return_counts=True)
    a, b = code // n, code % n
    lens = np.array([len(s) for s in shingles])
    jac = inter / (lens[a] + lens[b] - inter)
    keep = jac >= threshold
    pairs = zip(a[keep].tolist(), b[keep].tolist(), strict=True)
    return dict(zip(pairs, jac[keep].tolist(), strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (UTF-8)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--recall-sample", type=int, default=3000)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    texts = aeb_corpus(int(args.mb * 1_000_000))
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    print(f"corpus: {len(texts)} docs, {mb:.1f} MB; {NUM_PERM} perms, {NGRAM}-word shingles")

    ref = MinHasher(MinHashParams(num_perm=NUM_PERM, seed=SEED, ngram=NGRAM, scheme="datasketch"))

    def shingle_bytes() -> list[list[bytes]]:
        return [[s.encode("utf-8") for s in ref.shingles(t)] for t in texts]

    def shingle_strs() -> list[list[str]]:
        return [ref.shingles(t) for t in texts]

    results: dict[str, float] = {}
    from datasketch import MinHash

    def ds_update_batch() -> None:
        for sh in shingle_bytes():
            m = MinHash(num_perm=NUM_PERM, seed=SEED)
            m.update_batch(sh)

    def ds_bulk() -> None:
        MinHash.bulk(shingle_bytes(), num_perm=NUM_PERM, seed=SEED)

    results["python shingling only"] = timed(shingle_bytes, args.repeat)
    results["datasketch update_batch"] = timed(ds_update_batch, args.repeat)
    results["datasketch bulk"] = timed(ds_bulk, args.repeat)
    try:
        import rensa

        results["rensa RMinHash matrix"] = timed(
            lambda: rensa.RMinHash.digest_matrix_from_token_sets(
                shingle_strs(), num_perm=NUM_PERM, seed=SEED
            ),
            args.repeat,
        )
        results["rensa CMinHash bulk"] = timed(
            lambda: rensa.CMinHash.digests_from_token_sets(
                shingle_strs(), num_perm=NUM_PERM, seed=SEED
            ),
            args.repeat,
        )
    except ImportError:
        print("rensa: not installed, skipped")
    results["dedup scheme=datasketch"] = timed(lambda: ref.sign(texts), 1)

    t0 = time.perf_counter()
    fast = MinHasher(MinHashParams(num_perm=NUM_PERM, seed=SEED, ngram=NGRAM))
    fast.sign(texts[:1])
    first_call = time.perf_counter() - t0
    results["dedup fast"] = timed(lambda: fast.sign(texts), args.repeat)

    base = results["datasketch bulk"]
    print(f"{'method':28s} {'s':>8s} {'MB/s':>8s} {'docs/s':>10s} {'x bulk':>8s}")
    for name, t in results.items():
        print(f"{name:28s} {t:8.3f} {mb / t:8.1f} {len(texts) / t:10.0f} {base / t:8.1f}")
    print(f"dedup fast: hasher init + first call (JIT or cache load): {first_call:.2f} s")

    # ------------------------------------------------------------ recall
    sample = texts[: args.recall_sample]
    shingles = [fast.shingle_hashes(t) for t in sample]
    # The project's default document threshold and LSH weights, plus alternatives.
    default = Config().document
    threshold = default.threshold
    truth = exact_pairs_above(shingles, threshold)
    print(f"exact pairs with J>={threshold} among {len(sample)} docs: {len(truth)}")
    sig = fast.sign(sample)
    sig_ds = ref.sign(sample)
    bins = [
        (threshold, threshold + 0.05),
        (threshold + 0.05, threshold + 0.1),
        (threshold + 0.1, 1.01),
    ]
    weights = [(0.5, 0.5), (0.3, 0.7), (0.1, 0.9)]
    if (default.lsh_fp_weight, default.lsh_fn_weight) not in weights:
        weights.append((default.lsh_fp_weight, default.lsh_fn_weight))
    print(
        f"default: threshold {threshold}, weights fp={default.lsh_fp_weight} "
        f"fn={default.lsh_fn_weight}"
    )
    for fp_w, fn_w in weights:
        bands, rows = optimal_params(threshold, NUM_PERM, fp_w, fn_w)
        for name, sg in [("fast", sig), ("datasketch", sig_ds)]:
            found = set(map(tuple, candidate_pairs(band_keys(sg, bands, rows)).tolist()))
            hit = [p for p in truth if p in found]
            by_bin = []
            for lo, hi in bins:
                inside = [p for p in truth if lo <= truth[p] < hi]
                got = sum(1 for p in inside if p in found)
                by_bin.append(f"[{lo:.2f},{min(hi, 1.0):.2f}]: {got / max(len(inside), 1):.3f}")
            print(
                f"weights fp={fp_w} fn={fn_w} -> {bands}x{rows}, {name:10s}: "
                f"recall {len(hit) / max(len(truth), 1):.4f} ({'; '.join(by_bin)}), "
                f"candidates {len(found)}, "
                f"{len(hit) / max(len(found), 1):.2f} of them J>={threshold}"
            )


if __name__ == "__main__":
    main()
