"""dedup against its peers, side by side in one run, on the same corpora.

    .venv/bin/python benchmarks/peers.py [--workers 1,2] [--repeat 3] [--sparse-mb 6]
        [--big 2 --big-copies 1000] [--peers-python /work/venvs/peers/bin/python]

Corpora: benchmarks/_heavy.py (as benchmarks/heavy_dup.py: *heavy* = heavy-tailed
copies of AEB article text, a sentence pasted into 2 x big-copies documents, a
line on every page of a site; *sparse* = the same articles with 30 % of words
replaced). Each corpus is written once as JSONL, split in two files (so a
peer that shards by file can use two workers), and every contender reads
those files.

Contenders, each in a fresh subprocess per repeat, timed inside the process
around the work only (imports done, output written to a fresh directory),
wall seconds, median of ``--repeat``:
  - datasketch ``MinHash.bulk`` signing alone (5-word shingles of ``\\w+``
    tokens, 128 perms), one process whatever ``--workers`` says: the baseline;
  - datatrove's MinHash pipeline, its 4 stages (signatures, buckets, clusters,
    filter + JSONL writer) with the default ``MinhashConfig``, on a
    ``LocalPipelineExecutor`` with ``--workers`` workers;
  - text-dedup's ``text_dedup.minhash`` with its defaults (``num_proc`` =
    workers, a fresh ``datasets`` cache per run, so nothing is reused);
  - dedup with the document level only, dedup default settings, and dedup
    default with word 2-grams at J 0.5 (``document.ngram=2, threshold=0.5``,
    39 x 3 bands: the settings the near-duplicate work is moving to).
The peers run under ``--peers-python`` (their own venv: they pin versions the
project's venv must not get); a peer that cannot be imported is reported with
the reason and skipped. The ratio printed is datasketch signing / contender
(> 1: faster than signing alone). Targets (issue 15): dedup default >= 4x on
both corpora; heavy / sparse time per MB <= 1.5.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEERS_PYTHON = Path("/work/venvs/peers/bin/python")
NUM_PERM = 128
NGRAM = 5


def _records(files: list[str]) -> list[dict[str, Any]]:
    out = []
    for path in files:
        with open(path, encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh)
    return out


def _datasketch(files: list[str], out: Path, workers: int) -> None:
    import regex
    from datasketch import MinHash

    word = regex.compile(r"\w+")
    shingles = []
    for r in _records(files):
        toks = word.findall(str(r["text"]).casefold())
        grams = [" ".join(toks[i : i + NGRAM]) for i in range(max(1, len(toks) - NGRAM + 1))]
        shingles.append([g.encode("utf-8") for g in grams if g])
    MinHash.bulk(shingles, num_perm=NUM_PERM, seed=1)


def _datatrove(files: list[str], out: Path, workers: int) -> None:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    config = MinhashConfig()
    src = str(Path(files[0]).parent)
    logs = str(out / "logs")

    def reader() -> Any:
        return JsonlReader(src, glob_pattern="*.jsonl", id_key="id")

    stages = [
        ([reader(), MinhashDedupSignature(str(out / "sigs"), config=config)], len(files)),
        (
            [MinhashDedupBuckets(str(out / "sigs"), str(out / "buckets"), config=config)],
            config.num_buckets,
        ),
        ([MinhashDedupCluster(str(out / "buckets"), str(out / "remove"), config=config)], 1),
        (
            [
                reader(),
                MinhashDedupFilter(str(out / "remove")),
                JsonlWriter(str(out / "output")),
            ],
            len(files),
        ),
    ]
    for n, (pipeline, tasks) in enumerate(stages):
        t0 = time.perf_counter()
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=tasks,
            workers=min(workers, tasks),
            logging_dir=f"{logs}/{n}",
        ).run()
        print(f"datatrove stage {n + 1}: {time.perf_counter() - t0:.2f} s", file=sys.stderr)


def _text_dedup(files: list[str], out: Path, workers: int) -> None:
    from text_dedup.minhash import main

    args = ["--path", "json", "--data_files", ",".join(files), "--split", "train"]
    args += ["--cache_dir", str(out / "cache"), "--output", str(out / "output")]
    args += ["--column", "text", "--num_proc", str(workers)]
    if len(files) > 1:
        # load_dataset wants a list for several files; the option is one string.
        args[3] = str(Path(files[0]).parent / "*.jsonl")
    main.main(args=args, standalone_mode=False)


def _dedup(files: list[str], out: Path, workers: int, mode: str) -> dict[str, Any]:
    from dedup import Config, clean

    config = Config().replace(run={"workers": workers, "quiet": True})
    if mode == "doc":
        config = config.replace(boilerplate={"enabled": False}, passage={"enabled": False})
    elif mode == "ngram2":
        config = config.replace(document={"ngram": 2, "threshold": 0.5, "bands": 39, "rows": 3})
    result = clean([Path(f) for f in files], out / "out", config=config)
    return dict(result.report)


def child(kind: str, files: list[str], workers: int) -> dict[str, Any]:
    """One timed run of one contender (in its own process), after a warm-up on
    100 records (imports, JIT caches, worker start-up code paths)."""

    def run(files: list[str], out: Path) -> dict[str, Any]:
        if kind == "datasketch":
            _datasketch(files, out, workers)
        elif kind == "datatrove":
            _datatrove(files, out, workers)
        elif kind == "text-dedup":
            _text_dedup(files, out, workers)
        else:
            return _dedup(files, out, workers, kind)
        return {}

    with tempfile.TemporaryDirectory(prefix=f"peer-{kind}-") as tmp:
        warm = Path(tmp) / "warm"
        (warm / "in").mkdir(parents=True)
        with open(files[0], encoding="utf-8") as src:
            head = list(itertools.islice(src, 100))
        (warm / "in" / "part-0.jsonl").write_text("".join(head), encoding="utf-8")
        run([str(warm / "in" / "part-0.jsonl")], warm)
        out = Path(tmp) / "run"
        out.mkdir()
        t0 = time.perf_counter()
        report = run(files, out)
        seconds = time.perf_counter() - t0
    res: dict[str, Any] = {"seconds": seconds}
    if report:
        res["stages_s"] = report["runtime"]["timings_s"]
    return res


def _spawn(python: Path, kind: str, files: list[str], workers: int) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [str(python), __file__, "--child", kind, "--workers", str(workers), *files]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd="/")
    if res.returncode != 0:
        return {"error": res.stderr.strip().splitlines()[-1] if res.stderr.strip() else "failed"}
    result: dict[str, Any] = json.loads(res.stdout.strip().splitlines()[-1])
    return result


def _can_import(python: Path, module: str) -> str | None:
    """None if ``python`` imports ``module``, else why not."""
    if not python.is_file():
        return f"{python} does not exist"
    res = subprocess.run(
        [str(python), "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    return None if res.returncode == 0 else res.stderr.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--big", type=int, default=2)
    ap.add_argument("--big-copies", type=int, default=1000)
    ap.add_argument("--sparse-mb", type=float, default=6.0)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    ap.add_argument("--only", default="", help="comma-separated contenders to run (default all)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("files", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.files, int(args.workers))))
        return

    sys.path.insert(0, str(ROOT))
    from benchmarks._heavy import corpus_mb, heavy_corpus, sparse_corpus

    project = Path(sys.executable)
    contenders: list[tuple[str, str, Path, bool]] = [
        # label, kind, interpreter, uses --workers
        ("datasketch MinHash.bulk signing", "datasketch", project, False),
        ("datatrove MinHash (4 stages)", "datatrove", args.peers_python, True),
        ("text-dedup minhash", "text-dedup", args.peers_python, True),
        ("dedup doc-only", "doc", project, True),
        ("dedup default", "default", project, True),
        ("dedup default, doc 2-grams J0.5", "ngram2", project, True),
    ]
    if args.only:
        keep = set(args.only.split(","))
        contenders = [c for c in contenders if c[1] in keep or c[1] == "datasketch"]
    usable = []
    for label, kind, python, per_worker in contenders:
        module = {"datatrove": "datatrove", "text-dedup": "text_dedup.minhash"}.get(kind)
        why = _can_import(python, module) if module else None
        if why:
            print(f"note: {label} skipped: {why}")
        else:
            usable.append((label, kind, python, per_worker))
    heavy = heavy_corpus(big=args.big, big_copies=args.big_copies, pasted=2 * args.big_copies)
    corpora = {"sparse": sparse_corpus(int(args.sparse_mb * 1e6)), "heavy": heavy}
    workers = [int(w) for w in args.workers.split(",") if w]
    per_mb: dict[tuple[str, int], dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        for name, records in corpora.items():
            folder = Path(tmp) / name
            folder.mkdir()
            files = [str(folder / f"part-{i}.jsonl") for i in range(2)]
            half = (len(records) + 1) // 2
            for path, part in zip(files, (records[:half], records[half:]), strict=True):
                with open(path, "w", encoding="utf-8") as fh:
                    for r in part:
                        fh.write(json.dumps(r) + "\n")
            mb = corpus_mb(records)
            print(f"\n{name}: {len(records)} docs, {mb:.1f} MB, median of {args.repeat}")
            base = 0.0
            for label, kind, python, per_worker in usable:
                for w in workers if per_worker else [1]:
                    runs = [_spawn(python, kind, files, w) for _ in range(args.repeat)]
                    errors = [r["error"] for r in runs if "error" in r]
                    if errors:
                        print(f"  {label:34s} {w}w  failed: {errors[0]}")
                        continue
                    sec = statistics.median(float(r["seconds"]) for r in runs)
                    if kind == "datasketch":
                        base = sec
                    per_mb.setdefault((label, w), {})[name] = sec / mb
                    every = [round(float(r["seconds"]), 2) for r in runs]
                    stages = runs[len(runs) // 2].get("stages_s")
                    print(
                        f"  {label:34s} {w}w {sec:8.2f} s  {sec / mb:6.3f} s/MB  "
                        f"signing/this {base / sec:5.2f}x  all {every}"
                        + (f"  stages {stages}" if stages else "")
                    )
    print("\nheavy / sparse time per MB (target <= 1.5 for dedup):")
    for (label, w), v in per_mb.items():
        if len(v) == 2:
            print(f"  {label:34s} {w}w {v['heavy'] / v['sparse']:5.2f}")


if __name__ == "__main__":
    main()
