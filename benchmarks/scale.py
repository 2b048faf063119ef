"""Scale benchmark: throughput per engine, and time and memory against corpus size.

    python benchmarks/scale.py                       # engines on 20k docs, growth at 10k/100k
    python benchmarks/scale.py --sizes 10000 100000 1000000 --engine-docs 50000

Part 1 runs `dedup clean` on one synthetic corpus with 1 worker, 2 workers and
Ray (local), prints MB/s and docs/s of each, the ratio to 1 worker, and checks
the three outputs are byte-identical; "workers MB" is the local pool's
workers' summed peak RSS (report.json runtime.workers_peak_rss_mb), the
driver's is "RSS MB". Part 2 runs 1 worker on corpora of
growing size, each in a fresh subprocess so peak RSS is that size's own, and
fits time ~ n^a and RSS ~ n^b. It also prints the size of the driver's corpus
table (per-document and per-passage columns, band keys included: report.json
`runtime.corpus_table_mb`) and fits the exponent of peak RSS minus that table,
which is what "memory independent of corpus size beyond the bucket tables"
asks to be flat. Machines here are shared: each figure is the median of
--repeat runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

WORDS = (
    "the a of to and in that for on with as at by from said was were has have will would "
    "government minister police city council report market company river school health "
    "people year week month officials percent million billion election court border troops "
    "talks deal prices energy water storm fire bridge hospital budget vote party leader "
    "north south east west new old local national foreign economic political military"
).split()


def make_corpus(path: Path, n: int, seed: int = 0) -> int:
    """n JSONL documents of ~150 words; 10 % are edited copies of earlier ones,
    and 20 % carry one of 50 shared background sentences. Returns bytes written."""
    rng = random.Random(seed)
    background = [
        " ".join(rng.choice(WORDS) for _ in range(20)).capitalize() + "." for _ in range(50)
    ]
    # Only the last 1000 texts are ever copied from: keeping all of them would
    # make this process big, and a child's ru_maxrss starts from its parent's
    # at fork, which would inflate the peak RSS that report.json measures.
    docs: deque[str] = deque(maxlen=1000)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            if docs and rng.random() < 0.1:
                words = rng.choice(docs).split(" ")
                for _ in range(3):
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                text = " ".join(words)
            else:
                paras = []
                for _ in range(5):
                    sent = " ".join(rng.choice(WORDS) for _ in range(30))
                    paras.append(sent.capitalize() + ".")
                if rng.random() < 0.2:
                    paras.insert(2, rng.choice(background))
                text = "\n".join(paras)
            docs.append(text)
            line = json.dumps({"id": f"d{i}", "text": text}) + "\n"
            size += len(line.encode())
            fh.write(line)
    return size


def run_clean(
    corpus: Path, out: Path, engine: str, workers: int
) -> tuple[float, float, float, float]:
    """Wall time, the driver's peak RSS, the corpus-table size and the local
    workers' summed peak RSS (MB, from report.json) of one `dedup clean` run.
    (Ray's workers are not children of the driver and are not counted.)"""
    args = [
        sys.executable,
        "-m",
        "dedup",
        "clean",
        str(corpus),
        "-o",
        str(out),
        "--quiet",
        "--workers",
        str(workers),
        "--engine",
        engine,
    ]
    t0 = time.perf_counter()
    subprocess.run(args, check=True)
    wall = time.perf_counter() - t0
    runtime = json.loads((out / "report.json").read_text())["runtime"]
    workers_mb = max(runtime.get("workers_peak_rss_mb", {}).values(), default=0.0)
    return wall, max(runtime["peak_rss_mb"].values()), runtime["corpus_table_mb"], workers_mb


def digest(out: Path) -> str:
    h = hashlib.sha256()
    for name in ("documents.jsonl", "removed.jsonl", "clusters.jsonl"):
        h.update((out / name).read_bytes())
    return h.hexdigest()[:16]


def fit_exponent(xs: list[float], ys: list[float]) -> float:
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = statistics.fmean(lx), statistics.fmean(ly)
    num = sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True))
    den = sum((a - mx) ** 2 for a in lx)
    return num / den if den else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine-docs", type=int, default=20_000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip-ray", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dedup-scale-") as tmp:
        root = Path(tmp)
        corpus = root / "engines.jsonl"
        mb = make_corpus(corpus, args.engine_docs) / 1e6
        print(f"## Engines: {args.engine_docs} docs, {mb:.1f} MB")
        print(
            f"{'engine':<10} {'wall s':>8} {'MB/s':>7} {'docs/s':>8} {'vs 1w':>6} {'RSS MB':>7}"
            f" {'workers MB':>10}  output"
        )
        runs = [("local", 1), ("local", 2)] + ([] if args.skip_ray else [("ray", 2)])
        base = None
        digests = set()
        for engine, workers in runs:
            walls, rss, wrss = [], 0.0, 0.0
            for r in range(args.repeat):
                out = root / f"out-{engine}-{workers}-{r}"
                wall, peak, _, wpeak = run_clean(corpus, out, engine, workers)
                walls.append(wall)
                rss, wrss = max(rss, peak), max(wrss, wpeak)
                digests.add(digest(out))
            wall = statistics.median(walls)
            base = base or wall
            name = f"{engine}/{workers}w"
            print(
                f"{name:<10} {wall:>8.1f} {mb / wall:>7.2f} {args.engine_docs / wall:>8.0f} "
                f"{base / wall:>6.2f} {rss:>7.0f} {wrss:>10.0f}  {digest(out)}"
            )
        print("outputs identical:", len(digests) == 1)
        print(f"\n## Growth (1 worker): sizes {args.sizes}")
        print(f"{'docs':>9} {'MB':>8} {'wall s':>8} {'RSS MB':>8} {'table MB':>9} {'rest MB':>8}")
        walls, rsss, rests = [], [], []
        for n in args.sizes:
            c = root / f"grow-{n}.jsonl"
            size = make_corpus(c, n, seed=1) / 1e6
            wall, rss, table, _ = run_clean(c, root / f"grow-out-{n}", "local", 1)
            walls.append(wall)
            rsss.append(rss)
            rests.append(rss - table)
            print(f"{n:>9} {size:>8.1f} {wall:>8.1f} {rss:>8.0f} {table:>9.0f} {rss - table:>8.0f}")
            c.unlink()
        if len(args.sizes) > 1:
            print(
                f"time exponent {fit_exponent(args.sizes, walls):.2f}, "
                f"RSS exponent {fit_exponent(args.sizes, rsss):.2f}, "
                f"RSS beyond the corpus table exponent {fit_exponent(args.sizes, rests):.2f}"
            )


if __name__ == "__main__":
    main()
