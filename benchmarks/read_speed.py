"""Reader throughput: documents/s of ``read_inputs`` on JSONL.gz and on Parquet with
Arrow timestamps, decimals and lists (the values issue 19 item 1 converts).

Needs only dedup's own dependencies (pyarrow). Reads
../shared/data/trafilatura-dev.jsonl.gz (653 pages; the ``html`` field is read as
the text, no extraction) and writes a Parquet copy with extra typed columns to a
temporary directory. Prints the median of ``--repeats`` timings per format.

To compare two versions of the reader, run it with each on PYTHONPATH in the same
session and take the ratio of the medians, e.g.::

    PYTHONPATH=/work/main python benchmarks/read_speed.py
    PYTHONPATH=.          python benchmarks/read_speed.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dedup.config import InputConfig
from dedup.io.errors import ErrorLog
from dedup.io.readers import read_inputs

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "trafilatura-dev.jsonl.gz"


def _time(path: Path, config: InputConfig, repeats: int) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        n = sum(1 for _ in read_inputs([str(path)], config, ErrorLog()))
        times.append(time.perf_counter() - t0)
    return statistics.median(times), n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--copies", type=int, default=8, help="copies of the corpus (ids made unique)")
    args = ap.parse_args()
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        base = [json.loads(line) for line in fh]
    records = [
        {"id": f"{r['id']}-{c}", "url": r["url"], "html": r["html"]}
        for c in range(args.copies)
        for r in base
    ]
    config = InputConfig(text_field="html")
    with tempfile.TemporaryDirectory() as tmp:
        jsonl = Path(tmp) / "corpus.jsonl.gz"
        with gzip.open(jsonl, "wt", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r) + "\n" for r in records)
        n = len(records)
        table = pa.table(
            {
                "id": [r["id"] for r in records],
                "html": [r["html"] for r in records],
                "date": pa.array(
                    [dt.datetime(2020, 1, 1) + dt.timedelta(hours=i) for i in range(n)],
                    pa.timestamp("us"),
                ),
                "price": pa.array([Decimal(i % 1000) / 100 for i in range(n)], pa.decimal128(8, 2)),
                "tags": pa.array([["a", "b"]] * n, pa.list_(pa.string())),
            }
        )
        parquet = Path(tmp) / "corpus.parquet"
        pq.write_table(table, parquet)
        mb = sum(len(r["html"]) for r in records) / 1e6
        for name, path in (("jsonl.gz", jsonl), ("parquet+types", parquet)):
            median, count = _time(path, config, args.repeats)
            print(
                f"{name:14s} {count:6d} docs  {median:7.3f} s median of {args.repeats}  "
                f"{count / median:8.0f} docs/s  {mb / median:6.1f} MB/s"
            )


if __name__ == "__main__":
    main()
