"""What the command line's safety checks cost and how fast its exits are (issue 19).

Measured, medians of ``--repeat`` runs, each against a baseline from the same run:

1. Refusing an input without a text field (trafilatura-dev.jsonl.gz, whose
   records carry ``html``, not ``text``): the preflight peek of its first
   records, vs reading the whole file through the reader, which is what a run
   did before it could tell (and then exited 0 with one error line a record).
2. The preflight and job-description cost on a usable input (``--docs``
   synthetic JSONL documents), as a share of a full ``dedup clean`` of it.
3. How long pool workers outlive a parent killed with SIGKILL: the Linux
   ``PR_SET_PDEATHSIG`` path (a real LocalEngine pool) and the watchdog
   fallback (a process running only the watchdog).
4. Ctrl-C to exit: from SIGINT to the run's exit, two workers, part way
   through the analysis stage.

Nothing here was tuned: the constants (20 records peeked, a 1 s watchdog
interval) are round choices, and the figures are what they give.

Needs only dedup's own dependencies. Data: ../shared/data/trafilatura-dev.jsonl.gz.
Run: ``PYTHONPATH=. .venv/bin/python benchmarks/cli_safety.py [--baseline-repo ../main]``
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "trafilatura-dev.jsonl.gz"
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def _median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def refusal(repeat: int) -> None:
    from dedup.cli.preflight import UsageError, check_inputs
    from dedup.config import InputConfig
    from dedup.io.errors import ErrorLog
    from dedup.io.readers import read_inputs

    if not DATA.exists():
        print(f"skip 1: {DATA} not found")
        return

    def peek() -> None:
        try:
            check_inputs([str(DATA)], InputConfig())
        except UsageError:
            return
        raise AssertionError("trafilatura-dev.jsonl.gz was not refused")

    def full_read() -> None:
        errors = ErrorLog()
        assert sum(1 for _ in read_inputs([str(DATA)], InputConfig(), errors)) == 0
        assert len(errors.errors) == 653

    t_peek, t_read = _median_time(peek, repeat), _median_time(full_read, repeat)
    print(
        f"1. refuse trafilatura-dev.jsonl.gz (no 'text' field): preflight {t_peek * 1000:.1f} ms, "
        f"full read (the old path) {t_read * 1000:.0f} ms; ratio {t_read / t_peek:.0f}x"
    )


def _synthetic(path: Path, n: int) -> None:
    rng = random.Random(3)
    words = ["".join(rng.choices("abcdefghijklmnop", k=rng.randint(2, 8))) for _ in range(2000)]
    with path.open("w") as fh:
        for i in range(n):
            lines = [" ".join(rng.choices(words, k=15)) + "." for _ in range(10)]
            fh.write(json.dumps({"id": f"d{i}", "text": "\n".join(lines)}) + "\n")


def overhead(n_docs: int, repeat: int) -> None:
    from dedup.cli.preflight import check_inputs
    from dedup.config import Config
    from dedup.io.outdir import check_outdir
    from dedup.stages.job import describe_job

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        _synthetic(corpus, n_docs)
        config = Config()

        def checks() -> None:
            check_outdir(Path(tmp) / "out", [str(corpus)])
            check_inputs([str(corpus)], config.input)
            describe_job(config, [str(corpus)])

        def run() -> None:
            out = Path(tmp) / "out"
            cmd = [sys.executable, "-m", "dedup", "clean", str(corpus), "-o", str(out)]
            subprocess.run([*cmd, "--quiet", "--workers", "2", "--force"], check=True, env=ENV)

        t_checks, t_run = _median_time(checks, repeat), _median_time(run, repeat)
    print(
        f"2. checks on a usable {n_docs}-document JSONL: {t_checks * 1000:.2f} ms, "
        f"a whole clean {t_run:.1f} s; share {t_checks / t_run:.2e}"
    )


_POOL_PARENT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from dedup.engines.local import LocalEngine
    def slow(item):
        Path(sys.argv[1], str(os.getpid())).touch()
        time.sleep(60)
    LocalEngine(workers=2, min_parallel_items=1).map(slow, list(range(4)))
    """
)
_WATCH_PARENT = textwrap.dedent(
    """
    import subprocess, sys, time
    from pathlib import Path
    child = subprocess.Popen([sys.executable, "-c",
        "import os, sys; from pathlib import Path; from dedup.engines.local import _watch_parent;"
        "p = os.getppid(); Path(sys.argv[1], str(os.getpid())).touch(); _watch_parent(p)",
        sys.argv[1]])
    time.sleep(60)
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state not in ("Z", "X")


def _orphan_lifetime(script: str, n_children: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        parent = subprocess.Popen([sys.executable, "-c", script, tmp], env=ENV)
        deadline = time.monotonic() + 60
        while len(os.listdir(tmp)) < n_children and time.monotonic() < deadline:
            time.sleep(0.01)
        children = [int(name) for name in os.listdir(tmp)]
        time.sleep(0.2)
        t0 = time.perf_counter()
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        while any(_alive(c) for c in children) and time.perf_counter() - t0 < 30:
            time.sleep(0.005)
        lifetime = time.perf_counter() - t0
        for c in children:
            if _alive(c):
                os.kill(c, signal.SIGKILL)
        return lifetime


def orphans(repeat: int) -> None:
    pdeath = statistics.median(_orphan_lifetime(_POOL_PARENT, 2) for _ in range(repeat))
    watch = statistics.median(_orphan_lifetime(_WATCH_PARENT, 1) for _ in range(repeat))
    print(
        f"3. workers outlive a SIGKILLed parent by: {pdeath * 1000:.0f} ms (prctl pool), "
        f"{watch * 1000:.0f} ms (watchdog only; interval 1 s); before: until their work ended"
    )


def interrupt(repeat: int, n_docs: int, repo: Path = REPO) -> tuple[float, float]:
    """(median seconds from SIGINT to exit, median stderr lines) of the code in ``repo``."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    lat, lines = [], []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        _synthetic(corpus, n_docs)
        conf = Path(tmp) / "c.toml"
        conf.write_text("[run]\nchunk_docs = 100\n")
        for k in range(repeat):
            out = Path(tmp) / f"out{k}"
            cmd = [sys.executable, "-m", "dedup", "clean", str(corpus), "-o", str(out)]
            proc = subprocess.Popen(
                [*cmd, "--workers", "2", "--config", str(conf)],
                stderr=subprocess.PIPE,
                start_new_session=True,
                env=env,
                cwd=repo,  # `python -m` puts the working directory first on sys.path
            )
            while not list((out / ".dedup-work").glob("analysis-*.pkl")):
                if proc.poll() is not None:
                    break
                time.sleep(0.01)
            t0 = time.perf_counter()
            os.killpg(proc.pid, signal.SIGINT)
            _, err = proc.communicate()
            lat.append(time.perf_counter() - t0)
            lines.append(len(err.decode().splitlines()))
    return statistics.median(lat), statistics.median(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument(
        "--baseline-repo",
        type=Path,
        help="a checkout of the code before issue 19 (e.g. ../main), for item 4's baseline",
    )
    args = ap.parse_args()
    # The reader logs every bad record; the figures are what matters here.
    logging.getLogger("dedup.io.readers").setLevel(logging.ERROR)
    refusal(args.repeat)
    overhead(args.docs, max(1, args.repeat // 2))
    orphans(args.repeat)
    n = max(1, args.repeat // 2)
    t, lines = interrupt(n, args.docs)
    line = f"4. Ctrl-C to exit (two workers, analysing): {t * 1000:.0f} ms, {lines:.0f} stderr"
    line += " lines"
    if args.baseline_repo is not None:
        t0, lines0 = interrupt(n, args.docs, args.baseline_repo.resolve())
        line += f"; baseline {t0 * 1000:.0f} ms, {lines0:.0f} lines; time ratio {t / t0:.2f}"
    print(line)


if __name__ == "__main__":
    main()
