"""Engines give the same bytes: 1 worker, 2 worker processes, and Ray."""

from __future__ import annotations

import json
import random
import time
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


def _run(tmp_path: Path, corpus: Path, name: str, run: dict[str, object]) -> dict[str, bytes]:
    out = tmp_path / name
    clean([str(corpus), str(SEEDS)], str(out), Config().replace(run={"quiet": True, **run}))
    return _outputs(out)


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the process pool even for small stages."""
    monkeypatch.setattr("dedup.engines.local._MIN_PARALLEL_ITEMS", 1)


@pytest.mark.usefixtures("pooled")
def test_one_worker_and_two_workers_give_identical_bytes(tmp_path: Path):
    corpus = _corpus(tmp_path)
    w1 = _run(tmp_path, corpus, "w1", {"workers": 1})
    assert w1["documents.jsonl"].count(b"\n") > 50
    assert w1["clusters.jsonl"].count(b"\n") > 5
    assert w1 == _run(tmp_path, corpus, "w2", {"workers": 2})


@pytest.mark.slow
@pytest.mark.usefixtures("pooled")
def test_ray_gives_the_local_engines_bytes(tmp_path: Path):
    pytest.importorskip("ray", reason="Ray is optional (pip install 'dedup[ray]')")
    corpus = _corpus(tmp_path)
    w1 = _run(tmp_path, corpus, "w1", {"workers": 1})
    assert w1 == _run(tmp_path, corpus, "ray", {"workers": 2, "engine": "ray"})


@pytest.mark.usefixtures("pooled")
def test_workers_change_only_the_runtime_part_of_the_report(tmp_path: Path):
    corpus = _corpus(tmp_path)
    reports = [
        clean([str(corpus)], None, Config().replace(run={"workers": w, "quiet": True})).report
        for w in (1, 2)
    ]
    assert reports[0]["documents"]["in"] == 120
    assert reports[0]["documents"]["dropped_duplicate"] > 0
    assert [r["runtime"]["workers"] for r in reports] == [1, 2]
    for r in reports:
        del r["runtime"]
    assert reports[0] == reports[1]


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


def _proc_mb(path: str, field: str) -> float:
    """A kB field of a /proc file (VmRSS of /proc/self/status, MemTotal of /proc/meminfo)."""
    for line in Path(path).read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no {field} in {path}")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads Linux /proc")
def test_report_has_per_stage_time_and_memory(tmp_path: Path):
    rss_before = _proc_mb("/proc/self/status", "VmRSS")
    t0 = time.perf_counter()
    r = clean([str(SEEDS)], None, Config().replace(run={"workers": 1, "quiet": True}))
    wall = time.perf_counter() - t0
    runtime = r.report["runtime"]
    stages = list(runtime["timings_s"])
    assert stages == list(runtime["peak_rss_mb"])
    assert {"read_extract", "boilerplate_sign", "document_dedup", "passage_dedup", "write"} <= set(
        stages
    )
    # Stages run one after another inside the call.
    assert all(t >= 0 for t in runtime["timings_s"].values())
    assert sum(runtime["timings_s"].values()) <= wall
    # Each stage's peak is the driver's peak within that stage, so it may fall
    # from one stage to the next; it is in MB: a stage runs while this process
    # holds at least what it held before the run (KiB read as bytes would be far
    # below it), and no stage exceeds the machine's memory (bytes read as KiB
    # would be far above it).
    peaks = [runtime["peak_rss_mb"][s] for s in stages]
    assert min(peaks) >= 0.5 * rss_before
    assert max(peaks) <= _proc_mb("/proc/meminfo", "MemTotal")
