"""Growth of signing + LSH + connected components with corpus size.

    .venv/bin/python benchmarks/growth.py [--sizes 10000,100000,1000000]

Each size runs in its own subprocess so its peak RSS is its own. Documents are
synthetic (benchmarks/_corpus.py: 60 random words, 20% edited copies). Timed:
signing (fast scheme, 128 perms, 5-word shingles, batches of 100k texts), band
keys at the 0.8 threshold's shape, candidate pairs and connected components;
medians of --repeat runs, in CPU seconds (the machine may be shared).
Text generation is not timed; "RSS before" is the process with its texts
built, "peak core" the peak RSS from then on (signing to components), "peak
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


def worker(n: int, repeat: int) -> dict[str, float]:
    from benchmarks._corpus import synthetic_corpus
    from dedup.lsh import band_keys, candidate_pairs, optimal_params
    from dedup.minhash import MinHasher, MinHashParams
    from dedup.union_find import connected_components

    hasher = MinHasher(MinHashParams())
    # Warm the JIT (or load its cache) outside the timings.
    hasher.sign(["warm up text"])
    connected_components(2, np.array([[0, 1]]))
    texts = synthetic_corpus(n)
    mb = sum(len(t) for t in texts) / 1e6
    before = status_mb("VmRSS")
    reset_peak()
    bands, rows = optimal_params(0.8, 128)

    runs: list[tuple[float, float, float]] = []
    for _ in range(repeat):
        t0 = time.process_time()
        sig = np.empty((n, 128), dtype=np.uint32)
        for s in range(0, n, BATCH):
            sig[s : s + BATCH] = hasher.sign(texts[s : s + BATCH])
        t1 = time.process_time()
        keys = band_keys(sig, bands, rows)
        pairs = candidate_pairs(keys)
        t2 = time.process_time()
        labels = connected_components(n, pairs)
        t3 = time.process_time()
        runs.append((t1 - t0, t2 - t1, t3 - t2))
        del sig, keys
    sign_s, lsh_s, cc_s = (statistics.median(r[i] for r in runs) for i in range(3))
    peak_core = status_mb("VmHWM")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "n": n,
        "mb": mb,
        "sign_s": sign_s,
        "lsh_s": lsh_s,
        "components_s": cc_s,
        "total_s": sign_s + lsh_s + cc_s,
        "pairs": int(pairs.shape[0]),
        "clusters_gt1": int(np.count_nonzero(np.bincount(labels) > 1)),
        "rss_before_mb": before,
        "peak_core_mb": peak_core,
        "peak_rss_mb": peak,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per size (median)")
    ap.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        print(json.dumps(worker(args.worker, args.repeat)))
        return
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = []
    print(
        f"{'n':>9s} {'MB':>7s} {'sign s':>8s} {'lsh s':>7s} {'cc s':>6s} {'total s':>8s} "
        f"{'pairs':>9s} {'clusters':>9s} {'RSS before':>10s} {'peak core':>9s} {'peak all':>9s}"
    )
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", str(n), "--repeat", str(args.repeat)],
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
            f"{r['components_s']:6.2f} {r['total_s']:8.2f} {r['pairs']:9d} "
            f"{r['clusters_gt1']:9d} {r['rss_before_mb']:8.0f}MB {r['peak_core_mb']:7.0f}MB "
            f"{r['peak_rss_mb']:7.0f}MB",
            flush=True,
        )
    if len(rows) >= 2:
        ns = np.log([r["n"] for r in rows])
        for key in ("sign_s", "lsh_s", "total_s"):
            slope = np.polyfit(ns, np.log([max(r[key], 1e-6) for r in rows]), 1)[0]
            print(f"growth exponent ({key}): {slope:.2f}")


if __name__ == "__main__":
    main()
