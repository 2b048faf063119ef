"""Engines give the same bytes: 1 worker, 2 worker processes, and Ray."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from dedup import Config
from dedup.api import clean
from dedup.engines.local import LocalEngine
from tests.conftest import SEEDS


def _square(x: int) -> tuple[int, int]:
    return x, x * x


def test_local_pool_preserves_order():
    with LocalEngine(workers=2, min_parallel_items=1) as engine:
        assert engine.map(_square, list(range(300))) == [(x, x * x) for x in range(300)]


def _corpus(path: Path) -> Path:
    """Seeds plus syndicated copies and pasted passages, in a JSONL file."""
    rng = random.Random(3)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    lines = [line for t in texts for line in t.split("\n") if len(line.split()) > 12]
    records = []
    for i in range(120):
        picked = rng.sample(lines, 6)
        if i % 5 == 0 and records:
            base = records[rng.randrange(len(records))]["text"].split("\n")
            base[rng.randrange(len(base))] += " Updated."
            picked = base
        records.append(
            {"id": f"r{i:03d}", "text": "\n".join(picked), "url": f"https://s{i % 3}.org/"}
        )
    out = path / "corpus.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in records))
    return out


def _outputs(outdir: Path) -> dict[str, bytes]:
    return {
        name: (outdir / name).read_bytes()
        for name in ("documents.jsonl", "removed.jsonl", "clusters.jsonl")
    }


def test_one_worker_two_workers_and_ray_give_identical_bytes(tmp_path: Path, monkeypatch):
    corpus = _corpus(tmp_path)
    # Force the process pool even for small stages.
    monkeypatch.setattr("dedup.engines.local._MIN_PARALLEL_ITEMS", 1)
    results = {}
    for name, run in {
        "w1": {"workers": 1, "quiet": True},
        "w2": {"workers": 2, "quiet": True},
        "ray": {"workers": 2, "quiet": True, "engine": "ray"},
    }.items():
        out = tmp_path / name
        clean([str(corpus), str(SEEDS)], str(out), Config().replace(run=run))
        results[name] = _outputs(out)
    assert results["w1"]["documents.jsonl"].count(b"\n") > 50
    assert results["w1"]["clusters.jsonl"].count(b"\n") > 5
    assert results["w1"] == results["w2"]
    assert results["w1"] == results["ray"]


@pytest.mark.parametrize("workers", [1, 2])
def test_workers_do_not_change_the_report_counts(tmp_path: Path, workers: int):
    corpus = _corpus(tmp_path)
    r = clean([str(corpus)], None, Config().replace(run={"workers": workers, "quiet": True}))
    assert r.report["documents"]["in"] == 120


def test_chunk_size_does_not_change_the_output(tmp_path: Path):
    corpus = _corpus(tmp_path)
    outs = {}
    for chunk in (7, 1000):
        out = tmp_path / f"c{chunk}"
        clean(
            [str(corpus)],
            str(out),
            Config().replace(run={"workers": 1, "quiet": True, "chunk_docs": chunk}),
        )
        outs[chunk] = _outputs(out)
        # The spool is private to the run and gone once it succeeded.
        assert not (out / ".dedup-work").exists()
    assert outs[7] == outs[1000]


def test_report_has_per_stage_time_and_memory(tmp_path: Path):
    r = clean([str(SEEDS)], None, Config().replace(run={"workers": 1, "quiet": True}))
    runtime = r.report["runtime"]
    assert set(runtime["timings_s"]) == set(runtime["peak_rss_mb"])
    assert {"read_extract", "boilerplate_sign", "document_dedup", "passage_dedup", "write"} <= set(
        runtime["timings_s"]
    )
    assert all(v > 0 for v in runtime["peak_rss_mb"].values())
