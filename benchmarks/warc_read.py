"""WARC reading throughput: dedup's reader against fastwarc iterating the same file alone.

Builds a gzipped WARC (one gzip member per record, as Common Crawl writes) of
HTTP ``response`` records from the AEB pages (../shared/data/aeb/html,
``--copies`` times each, every copy its own record id and URL), then times:

- **fastwarc**: ``ArchiveIterator`` over the file, reading every response's
  HTTP payload: the floor any WARC reader built on fastwarc pays;
- **dedup**: ``read_inputs`` over the same file: records, HTTP headers,
  content type, truncation check, charset decoding, Document records
  (HTML extraction is the pipeline's next stage and is not timed here).

Prints records/s and MB/s of each (medians of ``--repeats`` interleaved rounds)
and the overhead ratio dedup / fastwarc (median of the per-round ratios). Needs the [warc] extra.

    nice python benchmarks/warc_read.py [--copies 3] [--repeats 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import tempfile
import time
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType

from dedup.config import InputConfig
from dedup.io.errors import ErrorLog
from dedup.io.readers import read_inputs

AEB = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "aeb" / "html"


def build_warc(path: Path, copies: int) -> tuple[int, int]:
    """The WARC file; returns (records, uncompressed bytes)."""
    pages = sorted(AEB.glob("*.html.gz"))
    if not pages:
        raise SystemExit(f"no AEB pages under {AEB}")
    n = size = 0
    with path.open("wb") as out:
        for copy in range(copies):
            for page in pages:
                body = gzip.decompress(page.read_bytes())
                http = (
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                name = f"{page.name.split('.')[0]}-{copy}"
                head = (
                    "WARC/1.0\r\nWARC-Type: response\r\n"
                    f"WARC-Record-ID: <urn:uuid:{name}>\r\n"
                    f"WARC-Target-URI: https://aeb.example/{name}\r\n"
                    "WARC-Date: 2024-03-01T10:00:00Z\r\n"
                    "Content-Type: application/http; msgtype=response\r\n"
                    f"Content-Length: {len(http)}\r\n\r\n"
                ).encode()
                record = head + http + b"\r\n\r\n"
                out.write(gzip.compress(record, compresslevel=6, mtime=0))
                n += 1
                size += len(record)
    return n, size


def time_fastwarc(path: Path) -> int:
    n = 0
    for record in ArchiveIterator(
        str(path), record_types=WarcRecordType.response, parse_http=True, fsspec_args=False
    ):
        record.reader.read()
        n += 1
    return n


def time_dedup(path: Path) -> int:
    errors = ErrorLog()
    n = sum(1 for _ in read_inputs([str(path)], InputConfig(), errors))
    if errors.errors:
        raise SystemExit(f"unexpected read errors: {errors.errors[:3]}")
    return n


def one_time(fn, path: Path) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn(path)
    return time.perf_counter() - t0, n


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--copies", type=int, default=3, help="copies of each AEB page")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "aeb.warc.gz"
        records, size = build_warc(path, args.copies)
        mb = size / 1e6
        print(
            f"{path.name}: {records} records, {mb:.1f} MB uncompressed, "
            f"{path.stat().st_size / 1e6:.1f} MB on disk"
        )
        # Interleaved, one of each per round: on a shared machine the load
        # changes between rounds, and the ratio within a round is what counts.
        bases, ours, ratios = [], [], []
        for _ in range(args.repeats):
            tb, n_base = one_time(time_fastwarc, path)
            to, n_ours = one_time(time_dedup, path)
            assert n_base == n_ours == records, (n_base, n_ours, records)
            bases.append(tb)
            ours.append(to)
            ratios.append(to / tb)
        for name, times in (("fastwarc alone", bases), ("dedup read_inputs", ours)):
            t = statistics.median(times)
            print(f"{name:18s} {t:7.3f} s  {records / t:9.0f} records/s  {mb / t:7.1f} MB/s")
        print(
            f"overhead ratio dedup / fastwarc: {statistics.median(ratios):.2f}x "
            f"(median of {args.repeats} interleaved rounds)"
        )


if __name__ == "__main__":
    main()
