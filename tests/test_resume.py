"""A run killed with SIGKILL leaves OUTDIR visibly incomplete; --resume finishes it
with the same bytes as an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedup.io.outdir import INCOMPLETE_MARKER, WORK_DIR, is_complete

FILES = ("documents.jsonl", "removed.jsonl", "clusters.jsonl")


def _corpus(path: Path, n: int = 3000) -> Path:
    rng = random.Random(5)
    words = "alpha beta gamma delta river market school people court budget storm".split()
    shared = [" ".join(rng.choice(words) for _ in range(18)).capitalize() + "." for _ in range(20)]
    with path.open("w") as fh:
        for i in range(n):
            paras = [" ".join(rng.choice(words) for _ in range(25)) + "." for _ in range(3)]
            paras.insert(1, rng.choice(shared))
            fh.write(json.dumps({"id": f"d{i}", "text": "\n".join(paras)}) + "\n")
    return path


def _run(corpus: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "dedup",
            "clean",
            str(corpus),
            "-o",
            str(out),
            "--quiet",
            "--workers",
            "1",
            *extra,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.mark.slow
def test_killed_run_looks_incomplete_and_resume_gives_the_same_bytes(tmp_path: Path):
    corpus = _corpus(tmp_path / "corpus.jsonl")
    chunking = ("--config", str(tmp_path / "c.toml"))
    (tmp_path / "c.toml").write_text("[run]\nchunk_docs = 100\n")

    full = tmp_path / "full"
    assert _run(corpus, full, *chunking).wait(timeout=300) == 0
    assert is_complete(full)

    out = tmp_path / "killed"
    proc = _run(corpus, out, *chunking)
    work = out / WORK_DIR
    deadline = time.monotonic() + 240
    # Kill once a few chunks have been analysed, i.e. part way.
    while time.monotonic() < deadline:
        if len(list(work.glob("analysis-*.pkl"))) >= 5 or proc.poll() is not None:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "run finished before it could be killed; make the corpus bigger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert (out / INCOMPLETE_MARKER).exists()
    assert not (out / "report.json").exists()
    assert not is_complete(out)
    for name in FILES:
        assert not (out / name).exists(), name
    done_before = {p.name for p in work.glob("analysis-*.pkl")}

    resumed = _run(corpus, out, *chunking, "--resume")
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read().decode() if resumed.stderr else ""
    assert is_complete(out)
    for name in FILES:
        assert (out / name).read_bytes() == (full / name).read_bytes(), name
    a = json.loads((full / "report.json").read_text())
    b = json.loads((out / "report.json").read_text())
    assert b["runtime"]["resumed_chunks"] >= len(done_before) > 0
    a.pop("runtime"), b.pop("runtime")
    assert a == b
    assert done_before, "the killed run had analysed some chunks"
    assert not work.exists()
