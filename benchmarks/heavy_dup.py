"""Throughput on heavily duplicated real text against the sparse case, and against datasketch.

    .venv/bin/python benchmarks/heavy_dup.py [--big 2 --big-copies 1000] [--sparse-mb 6]
        [--workers 1,2] [--repeat 3] [--baseline /path/to/other/checkout]

Corpora (benchmarks/_heavy.py, from ../shared/data/aeb ground-truth article
text): *heavy* = a few articles with ``--big-copies`` lightly edited copies
(0.5-3 % of words replaced), 30 with 10 copies, the rest once, a background
sentence pasted inside a paragraph of 2 x big-copies documents, one line on
every page of one site; *sparse* = the same articles with 30 % of words
replaced (almost no duplicates), about ``--sparse-mb`` MB.

Contenders, each in its own subprocess on the same JSONL file, timed after a
warm-up (JIT cache load, imports) in wall seconds (workers are processes),
median of ``--repeat``:
  - datasketch ``MinHash.bulk`` signing alone, with its shingling in Python
    (5-word shingles of ``\\w+`` tokens of the casefolded text, 128 perms),
    one process whatever ``--workers`` says;
  - dedup with the document level only (no boilerplate, no passages);
  - dedup with default settings (boilerplate + document + passage);
  - with ``--baseline DIR``: dedup default from another checkout (e.g. the
    code before a change), on the same files in the same run.
Packages: datasketch (in the project venv). datatrove and text-dedup need
their own venv: benchmarks/peers.py runs them beside dedup on these corpora.
Targets (issue 15): heavy / sparse time per MB <= 1.5; dedup default >= 4x
faster than datasketch signing alone on both corpora.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NUM_PERM = 128
NGRAM = 5


def _load(path: str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _run_datasketch(records: list[dict[str, object]]) -> None:
    import regex
    from datasketch import MinHash

    word = regex.compile(r"\w+")
    shingles = []
    for r in records:
        toks = word.findall(str(r["text"]).casefold())
        grams = [" ".join(toks[i : i + NGRAM]) for i in range(max(1, len(toks) - NGRAM + 1))]
        shingles.append([g.encode("utf-8") for g in grams if g])
    MinHash.bulk(shingles, num_perm=NUM_PERM, seed=1)


def _run_dedup(records: list[dict[str, object]], mode: str, workers: int) -> dict[str, object]:
    from dedup import Config, clean_records

    config = Config().replace(run={"workers": workers, "quiet": True})
    if mode == "doc":
        config = config.replace(boilerplate={"enabled": False}, passage={"enabled": False})
    return clean_records(records, config).report


def child(kind: str, path: str, workers: int, repeat: int) -> dict[str, object]:
    """One contender on one corpus: warm up, then the median of ``repeat`` runs."""
    records = _load(path)
    warm = records[:200]
    times = []
    report: dict[str, object] = {}
    if kind == "datasketch":
        _run_datasketch(warm)
    else:
        _run_dedup(warm, kind, workers)
    for _ in range(repeat):
        t0 = time.perf_counter()
        if kind == "datasketch":
            _run_datasketch(records)
        else:
            report = _run_dedup(records, kind, workers)
        times.append(time.perf_counter() - t0)
    out: dict[str, object] = {"seconds": statistics.median(times), "all": times}
    if report:
        runtime = report["runtime"]
        assert isinstance(runtime, dict)
        out["stages_s"] = runtime["timings_s"]
        out["documents"] = report["documents"]
        out["pair_counts"] = report.get("stages")
    return out


def _spawn(kind: str, path: str, workers: int, repeat: int, pythonpath: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    cmd = [sys.executable, __file__, "--child", kind, "--input", path]
    cmd += ["--workers", str(workers), "--repeat", str(repeat)]
    # The child imports dedup from `pythonpath` (this checkout or the baseline),
    # so run it from a neutral directory.
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd="/")
    if res.returncode != 0:
        sys.exit(f"{kind} failed:\n{res.stderr[-3000:]}")
    result: dict[str, object] = json.loads(res.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--big", type=int, default=2, help="articles with --big-copies copies")
    ap.add_argument("--big-copies", type=int, default=1000)
    ap.add_argument("--sparse-mb", type=float, default=6.0)
    ap.add_argument("--workers", default="1", help="comma-separated worker counts")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", type=Path, help="another checkout whose dedup to time too")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.input, int(args.workers), args.repeat)))
        return

    sys.path.insert(0, str(ROOT))
    from benchmarks._heavy import corpus_mb, heavy_corpus, sparse_corpus

    for peer in ("datatrove", "text_dedup"):
        if importlib.util.find_spec(peer) is None:
            print(f"note: {peer} is not in this venv; benchmarks/peers.py runs it from its own")
    heavy = heavy_corpus(big=args.big, big_copies=args.big_copies, pasted=2 * args.big_copies)
    corpora = {"sparse": sparse_corpus(int(args.sparse_mb * 1e6)), "heavy": heavy}
    workers = [int(w) for w in args.workers.split(",") if w]
    contenders: list[tuple[str, str, int, Path]] = []
    for w in workers:
        contenders += [("dedup doc-only", "doc", w, ROOT), ("dedup default", "default", w, ROOT)]
        if args.baseline is not None:
            contenders.append(("baseline default", "default", w, args.baseline.resolve()))
    results: dict[tuple[str, str, int], float] = {}
    with tempfile.TemporaryDirectory(prefix="heavy-dup-") as tmp:
        for name, records in corpora.items():
            path = str(Path(tmp) / f"{name}.jsonl")
            with open(path, "w", encoding="utf-8") as fh:
                for r in records:
                    fh.write(json.dumps(r) + "\n")
            mb = corpus_mb(records)
            print(f"\n{name}: {len(records)} docs, {mb:.1f} MB")
            ds = _spawn("datasketch", path, 1, args.repeat, ROOT)
            results[name, "datasketch", 1] = float(ds["seconds"])  # type: ignore[arg-type]
            print(f"  {'datasketch MinHash.bulk signing':34s} 1w {ds['seconds']:8.2f} s")
            for label, kind, w, where in contenders:
                r = _spawn(kind, path, w, args.repeat, where)
                sec = float(r["seconds"])  # type: ignore[arg-type]
                results[name, label, w] = sec
                print(
                    f"  {label:34s} {w}w {sec:8.2f} s  {sec / mb:6.3f} s/MB  "
                    f"datasketch/this {results[name, 'datasketch', 1] / sec:5.2f}x  "
                    f"stages {r.get('stages_s')}"
                )
                if r.get("pair_counts"):
                    print(f"  {'':34s}    pairs {r['pair_counts']}")
            results[name, "mb", 0] = mb
    print("\nheavy / sparse time per MB (target <= 1.5):")
    for label, _, w, _ in contenders:
        per = [results[c, label, w] / results[c, "mb", 0] for c in ("heavy", "sparse")]
        print(f"  {label:34s} {w}w {per[0] / per[1]:5.2f}")


if __name__ == "__main__":
    main()
