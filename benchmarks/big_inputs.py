"""Time and scaling of the largest inputs tests/test_bad_input.py cleans.

    .venv/bin/python benchmarks/big_inputs.py [--repeat 3] [--scale 10]

Cases (synthetic, built here): one document just under ``input.max_chars``
(50,000,000 characters of "word "), and one document of 1,000,000 short lines.
Each runs ``clean_records`` with one worker, in this process, against the same
case cut ``--scale`` times smaller, measured in the same run; the figure is
``time(big) / (scale * time(small))``: about 1 for linear work, about ``scale``
for quadratic. Medians of ``--repeat`` runs, wall seconds. These were wall-clock
limits in the unit tests (60 s against ~8-40 s on a loaded 2-core machine); the
tests now check the outcome and the number of line-rule calls instead.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dedup import Config, clean_records

CONFIG = Config().replace(run={"workers": 1, "quiet": True})


def big_document(chars: int) -> str:
    return ("word " * (chars // 5 + 1))[:chars]


def many_lines(lines: int) -> str:
    return "\n".join(["Short line."] * lines)


def seconds(text: str, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = clean_records([{"id": "big", "text": text}], CONFIG)
        runs.append(time.perf_counter() - t0)
        assert result.documents[0]["dedup"]["chars_in"] == len(text)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=int, default=10)
    args = ap.parse_args()
    limit = Config().input.max_chars
    cases: dict[str, tuple[Callable[[int], str], int]] = {
        f"document of {limit - 1:,} chars": (big_document, limit - 1),
        "document of 1,000,000 short lines": (many_lines, 1_000_000),
    }
    for label, (make, size) in cases.items():
        small = seconds(make(size // args.scale), args.repeat)
        big = seconds(make(size), args.repeat)
        print(
            f"{label:36s} {big:7.2f} s; 1/{args.scale} of it {small:6.2f} s; "
            f"growth ratio {big / (args.scale * small):.2f} (1 = linear)"
        )


if __name__ == "__main__":
    main()
