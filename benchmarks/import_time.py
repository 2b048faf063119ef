"""Import cost of ``from dedup import Config`` against the whole stack, in fresh processes.

    .venv/bin/python benchmarks/import_time.py [--repeat 7]

Each statement runs in a new interpreter, timed with ``perf_counter`` around it
(interpreter start-up excluded); the figure is the median of ``--repeat`` runs. The
ratio is to ``import dedup.stages.run`` (the whole stack: numba, numpy, pyarrow,
trafilatura) measured in the same run. Target (issue 18): ``from dedup import Config``
under 0.3 s. tests/test_imports.py checks the deterministic part (which modules load).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

STATEMENTS = {
    "from dedup import Config": "from dedup import Config",
    "import dedup.stages.run (whole stack)": "import dedup.stages.run",
}


def import_seconds(statement: str) -> float:
    """Wall seconds the statement takes in a fresh interpreter (interpreter start excluded)."""
    code = f"import time\nt = time.perf_counter()\n{statement}\nprint(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    return float(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    medians = {
        label: statistics.median(import_seconds(stmt) for _ in range(args.repeat))
        for label, stmt in STATEMENTS.items()
    }
    base = medians["import dedup.stages.run (whole stack)"]
    for label, seconds in medians.items():
        print(f"{label:40s} {seconds:7.3f} s  ({seconds / base:.3f} of the whole stack)")


if __name__ == "__main__":
    main()
