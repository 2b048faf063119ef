"""Growth of the whole pipeline (``dedup clean``, default settings) with corpus size.

    .venv/bin/python benchmarks/growth_pipeline.py [--sizes 10000,30000,100000] [--workers 1]

Corpora: ``benchmarks._heavy.scaled_heavy_corpus(n)`` (AEB article text; the
two largest clusters hold n/10 copies each, a sentence is pasted into n/5
documents, a site line is on every page of one site: the duplicate structure
grows with the corpus). Each size is written to JSONL and cleaned once by
``python -m dedup clean`` in its own process (the sizes here take minutes, so
one run each: say so when quoting them). Reported: wall and CPU seconds of the
run (CPU: the machine may be shared), each stage's seconds and peak RSS from
report.json, and the growth exponent of each (slope of log time against log n;
1.0 is linear).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def run(n: int, workers: int, tmp: Path) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from benchmarks._heavy import corpus_mb, scaled_heavy_corpus

    records = scaled_heavy_corpus(n)
    path = tmp / f"g{n}.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r) + "\n")
    mb = corpus_mb(records)
    del records
    out = tmp / f"out{n}"
    cmd = [sys.executable, "-m", "dedup", "clean", str(path), "-o", str(out)]
    cmd += ["--workers", str(workers), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    runtime = report["runtime"]
    return {
        "n": n,
        "mb": mb,
        "wall_s": wall,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "stages_s": runtime["timings_s"],
        "peak_mb": runtime["peak_rss_mb"],
        "counts": report.get("stages"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--workers", type=int, default=1)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="growth-") as tmp:
        for n in (int(s) for s in args.sizes.split(",") if s):
            r = run(n, args.workers, Path(tmp))
            rows.append(r)
            print(json.dumps(r), flush=True)
            for f in Path(tmp).iterdir():
                if f.is_file():
                    f.unlink()
    if len(rows) < 2:
        return
    ns = np.log([float(r["n"]) for r in rows])  # type: ignore[arg-type]

    def slope(values: list[float]) -> float:
        return float(np.polyfit(ns, np.log([max(v, 1e-3) for v in values]), 1)[0])

    print(f"growth exponent wall: {slope([float(r['wall_s']) for r in rows]):.2f}")  # type: ignore[arg-type]
    print(f"growth exponent cpu:  {slope([float(r['cpu_s']) for r in rows]):.2f}")  # type: ignore[arg-type]
    stages = rows[0]["stages_s"]
    assert isinstance(stages, dict)
    for stage in stages:
        values = [float(r["stages_s"][stage]) for r in rows]  # type: ignore[index]
        shown = ", ".join(f"{v:.1f}" for v in values)
        print(f"growth exponent {stage:18s} {slope(values):.2f}  ({shown} s)")


if __name__ == "__main__":
    main()
