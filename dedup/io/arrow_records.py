"""Columnar input: Parquet files and Arrow record batches (Parquet, Arrow IPC shards).

Row N of a file is its "line" N in error reports; a file damaged part-way
keeps the rows read before the damage.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dedup.config import InputConfig
from dedup.documents import Document
from dedup.io.counter import InputCounter
from dedup.io.errors import ErrorLog
from dedup.io.record_fields import record_to_document
from dedup.io.writers import json_safe

__all__ = ["read_batches", "read_parquet"]


def read_parquet(
    path: Path, config: InputConfig, errors: ErrorLog, counter: InputCounter
) -> Iterator[Document]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = path.as_posix()
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as exc:
        errors.add(source, None, f"not a readable Parquet file ({exc}): skipped")
        return
    yield from read_batches(
        pf.iter_batches(batch_size=1024), source, "Parquet", config, errors, counter
    )


def read_batches(
    batches: Iterable[Any],
    source: str,
    what: str,
    config: InputConfig,
    errors: ErrorLog,
    counter: InputCounter,
) -> Iterator[Document]:
    """Documents from Arrow record batches (Parquet, Arrow IPC); row N is 'line' N."""
    import pyarrow as pa

    row = 0
    try:
        for batch in batches:
            for record in batch.to_pylist():
                row += 1
                # Arrow timestamps, decimals, binary...: JSON values from here on.
                record = json_safe(record)
                doc = record_to_document(record, source, row, config, errors, counter)
                if doc is not None:
                    yield doc
    except (pa.ArrowException, OSError) as exc:
        errors.add(
            source,
            row + 1,
            f"{what} file is damaged from row {row + 1} ({exc}); earlier rows were read",
        )
        return
    if row == 0:
        errors.add(
            source,
            None,
            "empty file: no rows in it, nothing read; check that this is the input you meant",
        )
