"""Growth of the document level (signing to clusters) with corpus size.

    .venv/bin/python benchmarks/growth.py [--sizes 10000,30000,100000] [--heavy] [--repeat 3]

Each size runs in its own subprocess so its peak RSS is its own. Documents are
synthetic (benchmarks/_corpus.py: 60 random words, 20% edited copies; with
--heavy the copies have heavy-tailed cluster sizes, the largest a few percent
of the corpus). Timed, with the project's defaults (Config(): document
threshold, ngram, num_perm, and the band shape the threshold and LSH weights
give): signing with shingle sets, band keys, candidate pairs, exact
verification, connected components and the keeper-centred split
(near_dup.clusters_from_pairs, the quadratic part before issue 15); medians of
--repeat runs, in CPU seconds (the machine may be shared).
Text generation is not timed; "RSS before" is the process with its texts
built, "peak core" the peak RSS from then on (signing to clusters), "peak
all" the lifetime peak including generation. The
growth exponent is the slope of log(time) against log(n).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 100_000


def status_mb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), MB."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def worker(n: int, repeat: int, heavy: bool) -> dict[str, float]:
    from benchmarks._corpus import synthetic_corpus
    from dedup.cluster.canonical import Member
    from dedup.cluster.keeper_split import StageStats
    from dedup.cluster.near_dup import ExactVerifier, MatchRule, clusters_from_pairs
    from dedup.config import Config
    from dedup.sketch.lsh import band_keys, candidate_pairs
    from dedup.sketch.minhash import MinHasher, MinHashParams
    from dedup.sketch.shapes import lsh_shape

    dc = Config().document
    mh = Config().minhash
    params = MinHashParams(num_perm=mh.num_perm, seed=mh.seed, ngram=dc.ngram)
    shape = lsh_shape(
        dc.threshold, mh.num_perm, dc.bands, dc.rows, dc.lsh_fp_weight, dc.lsh_fn_weight
    )
    hasher = MinHasher(params)
    # Warm the JIT (or load its cache) outside the timings.
    warm = ["warm up text here", "warm up text here"]
    sig, sets = hasher.sign_and_shingles(warm)
    members = [Member(str(i), i, 0, 1, 1, 0.0, None, None) for i in range(2)]
    clusters_from_pairs(
        2,
        np.array([[0, 1]]),
        ExactVerifier(sets, MatchRule(dc.threshold)),
        members.__getitem__,
        "first",
        (),
    )
    texts = synthetic_corpus(n, heavy=heavy)
    mb = sum(len(t) for t in texts) / 1e6
    before = status_mb("VmRSS")
    reset_peak()

    def member(i: int) -> Member:
        return Member(str(i), i, 0, 60, 60, 0.0, None, None)

    runs: list[tuple[float, float, float]] = []
    for _ in range(repeat):
        t0 = time.process_time()
        sig = np.empty((n, mh.num_perm), dtype=np.uint32)
        sets = []
        for s in range(0, n, BATCH):
            part_sig, part_sets = hasher.sign_and_shingles(texts[s : s + BATCH])
            sig[s : s + BATCH] = part_sig
            sets.extend(part_sets)
        t1 = time.process_time()
        keys = band_keys(sig, shape.bands, shape.rows)
        pairs = candidate_pairs(keys)
        t2 = time.process_time()
        stats = StageStats()
        sizes = np.array([x.shape[0] for x in sets], dtype=np.int64)
        verifier = ExactVerifier(sets, MatchRule(dc.threshold), sizes)
        clusters = clusters_from_pairs(n, pairs, verifier, member, "first", (), None, stats)
        t3 = time.process_time()
        runs.append((t1 - t0, t2 - t1, t3 - t2))
        del sig, keys, sets, verifier
    sign_s, lsh_s, cluster_s = (statistics.median(r[i] for r in runs) for i in range(3))
    peak_core = status_mb("VmHWM")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": n,
        "mb": mb,
        "sign_s": sign_s,
        "lsh_s": lsh_s,
        "cluster_s": cluster_s,
        "total_s": sign_s + lsh_s + cluster_s,
        "pairs": int(pairs.shape[0]),
        "verified": stats.verified_pairs,
        "clusters": len(clusters),
        "largest": max((len(c.members) for c in clusters), default=0),
        "rss_before_mb": before,
        "peak_core_mb": peak_core,
        "peak_rss_mb": peak,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,30000,100000", help="e.g. 10000,100000,1000000")
    ap.add_argument("--heavy", action="store_true", help="heavy-tailed cluster sizes")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per size (median)")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeat, args.heavy)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = []
    print(
        f"{'n':>9s} {'MB':>7s} {'sign s':>8s} {'lsh s':>7s} {'clus s':>7s} {'total s':>8s} "
        f"{'pairs':>9s} {'verified':>9s} {'clusters':>9s} {'largest':>8s} "
        f"{'RSS before':>10s} {'peak core':>9s} {'peak all':>9s}"
    )
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(n), "--repeat", str(args.repeat)]
            + (["--heavy"] if args.heavy else []),
            check=False,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            sys.exit(f"size {n} failed:\n{out.stderr}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append(r)
        print(
            f"{r['n']:9d} {r['mb']:7.1f} {r['sign_s']:8.2f} {r['lsh_s']:7.2f} "
            f"{r['cluster_s']:7.2f} {r['total_s']:8.2f} {r['pairs']:9d} {r['verified']:9d} "
            f"{r['clusters']:9d} {r['largest']:8d} "
            f"{r['rss_before_mb']:8.0f}MB {r['peak_core_mb']:7.0f}MB "
            f"{r['peak_rss_mb']:7.0f}MB",
            flush=True,
        )
    if len(rows) >= 2:
        ns = np.log([r["n"] for r in rows])
        for key in ("sign_s", "lsh_s", "cluster_s", "total_s"):
            slope = np.polyfit(ns, np.log([max(r[key], 1e-6) for r in rows]), 1)[0]
            print(f"growth exponent ({key}): {slope:.2f}")


if __name__ == "__main__":
    main()
