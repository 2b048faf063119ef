"""Issue 19, data-safety items: Ctrl-C and --resume (6), pool workers dying
with their parent (7), OUTDIR and INPUT protection (8)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dedup.io.outdir import RUN_FILES
from tests.conftest import REPO, SEEDS
from tests.test_cli import dedup

ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _corpus(tmp_path: Path, n: int) -> tuple[Path, Path]:
    """n distinct documents of random words, and a config of small chunks, so a
    two-worker run lasts seconds and has many chunks to interrupt."""
    import random

    rng = random.Random(7)
    words = [
        "".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(3000)
    ]
    path = tmp_path / "corpus.jsonl"
    with path.open("w") as fh:
        for i in range(n):
            lines = [" ".join(rng.choices(words, k=rng.randint(8, 25))) + "." for _ in range(12)]
            fh.write(json.dumps({"id": f"d{i}", "text": "\n".join(lines)}) + "\n")
    conf = tmp_path / "small-chunks.toml"
    conf.write_text("[run]\nchunk_docs = 100\n")
    return path, conf


def _start(args: list[str]) -> subprocess.Popen[bytes]:
    # Its own session: a signal to the group reaches the run and its workers,
    # as a terminal's Ctrl-C does.
    return subprocess.Popen(
        [sys.executable, "-m", "dedup", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=ENV,
    )


def _wait_for(predicate, timeout: float = 90) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("the run did not get far enough in time")
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie left for a non-reaping init counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, check=False)
    return [int(x) for x in out.stdout.split()]


def _analysing(out: Path) -> bool:
    return any((out / ".dedup-work").glob("analysis-*.pkl"))


# ------------------------------------------------------------------ item 6


def _run_part_way(tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[str], Path]:
    """A two-worker run into OUTDIR, still running, once it has analysed a chunk."""
    corpus, conf = _corpus(tmp_path, n=3000)
    out = tmp_path / "out"
    args = ["clean", str(corpus), "-o", str(out), "--workers", "2", "--config", str(conf)]
    proc = _start(args)
    _wait_for(lambda: _analysing(out) or proc.poll() is not None)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    return proc, args, out


def test_item06_ctrl_c_then_resume(tmp_path: Path):
    proc, args, out = _run_part_way(tmp_path)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, err.decode()
    assert "interrupted" in lines[0] and "--resume" in lines[0]

    again = dedup(*args, "--quiet")
    assert again.returncode == 2
    assert "interrupted run" in again.stderr.decode() and "--resume" in again.stderr.decode()

    other = dedup(*args, "--quiet", "--resume", "--threshold", "0.8")
    assert other.returncode == 2
    assert "document.threshold: 0.5 then, now 0.8" in other.stderr.decode()

    done = dedup(*args, "--quiet", "--resume")
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads((out / "report.json").read_text())
    assert report["runtime"]["resumed_chunks"] > 0
    assert report["documents"]["out"] == 3000
    assert sorted(p.name for p in out.iterdir()) == sorted(RUN_FILES)


@pytest.mark.slow
def test_item06_resume_after_sigkill_leaves_no_temporaries(tmp_path: Path):
    proc, args, out = _run_part_way(tmp_path)
    assert list(out.glob(".documents.jsonl.*.tmp"))
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    done = dedup(*args, "--quiet", "--resume")
    assert done.returncode == 0, done.stderr.decode()
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


def test_item06_resume_with_other_inputs_says_what_differs(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    # An interrupted run of another job: its manifest names the other input.
    first = dedup("clean", str(SEEDS / "000_8ec7dab5599037c8.txt"), "-o", str(out), "--quiet")
    assert first.returncode == 0
    work = out / ".dedup-work"
    work.mkdir()
    from dedup.config import Config
    from dedup.stages.job import describe_job, fingerprint

    job = describe_job(
        Config().replace(run={"resume": True}), [str(SEEDS / "000_8ec7dab5599037c8.txt")]
    )
    (work / "manifest.json").write_text(
        json.dumps({"fingerprint": fingerprint(job), "job": job, "read_complete": False})
    )
    (out / ".dedup-incomplete").write_text("interrupted\n")
    proc = dedup("clean", str(SEEDS), "-o", str(out), "--quiet", "--resume")
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "inputs:" in err and "000_8ec7dab5599037c8.txt then, now" in err


# ------------------------------------------------------------------ item 7

_PARENT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from dedup.engines.local import LocalEngine

    def slow(item):
        Path(sys.argv[1], str(os.getpid())).touch()
        time.sleep(60)
        return item

    LocalEngine(workers=2, min_parallel_items=1).map(slow, list(range(4)))
    """
)


def test_item07_pool_workers_exit_when_the_parent_is_killed(tmp_path: Path):
    pids = tmp_path / "pids"
    pids.mkdir()
    parent = subprocess.Popen([sys.executable, "-c", _PARENT, str(pids)], env=ENV)
    try:
        _wait_for(lambda: len(list(pids.iterdir())) >= 2, timeout=60)
        workers = [int(p.name) for p in pids.iterdir()]
        assert set(workers) <= set(_children(parent.pid))
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if _alive(w)], "workers outlived their parent"
    finally:
        for w in [int(p.name) for p in pids.iterdir()]:
            if _alive(w):
                os.kill(w, signal.SIGKILL)


_ORPHAN_PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c",
        "import os; from dedup.engines.local import _watch_parent; parent = os.getppid(); "
        "print('watching', flush=True); _watch_parent(parent)"])
    print(child.pid, flush=True)
    time.sleep(60)
    """
)


def test_item07_watchdog_ends_a_worker_whose_parent_died(tmp_path: Path):
    # The fallback where prctl is not available (or came too late): the
    # worker notices its parent's pid change and exits.
    parent = subprocess.Popen(
        [sys.executable, "-c", _ORPHAN_PARENT], stdout=subprocess.PIPE, env=ENV
    )
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    try:
        assert parent.stdout.readline().strip() == b"watching"
        assert _alive(child)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 5
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)


# ------------------------------------------------------------------ item 8


def test_item08_refuses_a_foreign_non_empty_outdir(tmp_path: Path):
    precious = tmp_path / "precious"
    precious.mkdir()
    mine = precious / "documents.jsonl"
    mine.write_text('{"id": "mine", "text": "my own file"}\n')
    proc = dedup("clean", str(SEEDS), "-o", str(precious), "--quiet")
    assert proc.returncode == 2
    assert "not empty" in proc.stderr.decode() and "--force" in proc.stderr.decode()
    assert mine.read_text() == '{"id": "mine", "text": "my own file"}\n'
    forced = dedup("clean", str(SEEDS), "-o", str(precious), "--quiet", "--force")
    assert forced.returncode == 0, forced.stderr.decode()
    assert "my own file" not in mine.read_text()


def test_item08_rerun_into_an_earlier_run_is_allowed(tmp_path: Path):
    out = tmp_path / "o"
    assert dedup("clean", str(SEEDS), "-o", str(out), "--quiet").returncode == 0
    again = dedup("clean", str(SEEDS), "-o", str(out), "--quiet")
    assert again.returncode == 0, again.stderr.decode()


def test_item08_refuses_an_input_that_contains_outdir(tmp_path: Path):
    src = tmp_path / "precious"
    src.mkdir()
    (src / "a.txt").write_text("A document of a few words to read from the input folder.\n")
    proc = dedup("clean", str(src), "-o", str(src / "out"), "--quiet")
    assert proc.returncode == 2
    assert "contains OUTDIR" in proc.stderr.decode()
    assert not (src / "out").exists()


@pytest.mark.slow
def test_item08_refuses_an_input_holding_an_earlier_run(tmp_path: Path):
    src = tmp_path / "corpus"
    src.mkdir()
    (src / "a.txt").write_text("A document of a few words to read from the input folder.\n")
    assert dedup("clean", str(SEEDS), "-o", str(src / "run1"), "--quiet").returncode == 0
    proc = dedup("clean", str(src), "-o", str(tmp_path / "o"), "--quiet")
    assert proc.returncode == 2
    assert "earlier dedup run" in proc.stderr.decode()
    removed = dedup("clean", str(src / "run1" / "removed.jsonl"), "-o", str(tmp_path / "o2"))
    assert removed.returncode == 2
    # The documents of an earlier run are a corpus: cleaning them again is fine.
    docs = dedup("clean", str(src / "run1" / "documents.jsonl"), "-o", str(tmp_path / "o3"))
    assert docs.returncode == 0, docs.stderr.decode()
