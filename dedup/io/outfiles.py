"""The formats of OUTDIR's record files: names, atomic writers and readers.

``output.format`` (``--output-format``) picks how documents and removed
records are written: ``jsonl`` (documents.jsonl), ``jsonl.gz``
(documents.jsonl.gz: byte-identical for the same records, the gzip header's
mtime is 0 and no file name is stored) or ``parquet`` (documents.parquet).
clusters.jsonl, report.json and report.html stay JSON whatever the format.
Every reader of a run's outputs (``dedup report``, ``dedup eval``, the API's
``iter_documents``/``iter_removed``) goes through :func:`find_output` and
:func:`iter_output`, so they read any of the three.

Parquet documents keep the Arrow types of a Parquet input's columns (a
timestamp stays a timestamp, binary stays binary): the readers turn them into
JSON values on the way in, and :func:`restore_types` casts them back.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import io
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dedup.io.writers import atomic_writer, dumps

if TYPE_CHECKING:
    import pyarrow as pa

log = logging.getLogger(__name__)

OUTPUT_FORMATS: tuple[str, ...] = ("jsonl", "jsonl.gz", "parquet")
# Records per Parquet row group (and per Arrow conversion).
_BATCH = 2048


def output_name(name: str, fmt: str) -> str:
    """The file name of one of OUTDIR's record files in format ``fmt``.

    >>> output_name("documents.jsonl", "parquet"), output_name("removed.jsonl", "jsonl.gz")
    ('documents.parquet', 'removed.jsonl.gz')
    """
    stem = name.removesuffix(".jsonl")
    return f"{stem}.{fmt}"


def variants(name: str) -> list[str]:
    """Every name ``name`` (e.g. documents.jsonl) has in some output format."""
    return [output_name(name, fmt) for fmt in OUTPUT_FORMATS]


def find_output(outdir: Path, name: str) -> Path:
    """The file that holds ``name``'s records in OUTDIR, whichever format it was written in.

    The run's report.json says which format it wrote; without one, the first
    variant present; with none present, the JSONL path (so opening it says
    which file is missing).
    """
    with contextlib.suppress(OSError, ValueError, LookupError, TypeError):
        report = json.loads((outdir / "report.json").read_text(encoding="utf-8"))
        fmt = report["parameters"]["config"]["output"]["format"]
        if fmt in OUTPUT_FORMATS and (outdir / output_name(name, fmt)).is_file():
            return outdir / output_name(name, fmt)
    for candidate in variants(name):
        if (outdir / candidate).is_file():
            return outdir / candidate
    return outdir / name


def iter_output(path: Path) -> Iterator[dict[str, Any]]:
    """The records of an output file (JSONL, gzipped JSONL or Parquet), in file order.

    Parquet values come back as JSON values (:func:`~dedup.io.writers.json_safe`),
    so every reader sees the same records whatever the format.
    """
    for _, record in iter_numbered(path):
        yield record


def iter_numbered(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or row number, record) of an output file; JSON lines not objects are skipped."""
    if path.name.endswith(".parquet"):
        import pyarrow.parquet as pq

        from dedup.io.writers import json_safe

        n = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH):
            for record in batch.to_pylist():
                n += 1
                yield n, json_safe(record)
        return
    with open_text(path) as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                yield n, json.loads(line)


def open_text(path: Path) -> IO[str]:
    """A JSONL file as text, decompressed when it is gzip (by its magic bytes)."""
    with path.open("rb") as probe:
        gz = probe.read(2) == b"\x1f\x8b"
    if gz:
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return path.open(encoding="utf-8")


class RecordWriter:
    """Writes one record file atomically in one output format.

    Use as a context manager; ``write(record)`` per record. On an exception
    the target is left as it was.
    """

    def __init__(self, path: Path, fmt: str, arrow_types: pa.Schema | None = None) -> None:
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {fmt!r}; use one of {OUTPUT_FORMATS}")
        self.path = path
        self.fmt = fmt
        self.arrow_types = arrow_types
        self._stack = contextlib.ExitStack()
        self._fh: IO[Any] | None = None
        self._gz: gzip.GzipFile | None = None
        self._spool: IO[str] | None = None
        self._spool_path: str | None = None

    def __enter__(self) -> RecordWriter:
        if self.fmt == "jsonl":
            self._fh = self._stack.enter_context(atomic_writer(self.path))
        elif self.fmt == "jsonl.gz":
            raw = self._stack.enter_context(atomic_writer(self.path, "wb"))
            # filename="" and mtime=0: the same records give the same bytes.
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0)
            self._stack.callback(self._gz.close)
            self._fh = io.TextIOWrapper(self._gz, encoding="utf-8", newline="\n")
            self._stack.callback(self._fh.flush)
        else:
            # Parquet needs one schema for the whole file, known only after the
            # last record: records wait in a JSONL spool beside the target.
            fd, self._spool_path = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".spool", dir=self.path.parent
            )
            self._spool = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self

    def write(self, record: dict[str, Any]) -> None:
        fh = self._fh if self._fh is not None else self._spool
        assert fh is not None, "RecordWriter used outside its with block"
        fh.write(dumps(record))
        fh.write("\n")

    def __exit__(self, *exc: Any) -> None:
        if self._spool is None:
            self._stack.__exit__(*exc)
            return
        try:
            self._spool.close()
            if exc[0] is None:
                assert self._spool_path is not None
                write_parquet(Path(self._spool_path), self.path, self.arrow_types)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(self._spool_path))


def _spooled_batches(spool: Path) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    with spool.open(encoding="utf-8") as fh:
        for line in fh:
            batch.append(json.loads(line))
            if len(batch) >= _BATCH:
                yield batch
                batch = []
    if batch:
        yield batch


def write_parquet(spool: Path, target: Path, arrow_types: pa.Schema | None) -> None:
    """The spooled JSON records as one Parquet file, atomically.

    Two passes over the spool: the first unifies every batch's inferred
    schema (a field null in the first thousand records and a string later is
    a string column), the second converts and writes.
    """
    import pyarrow as pa

    inferred = typed_schema(_spooled_batches(spool), None)
    if arrow_types is not None:
        try:
            _write_parquet(spool, target, _with_input_types(inferred, arrow_types))
            return
        except (pa.ArrowException, TypeError, ValueError, binascii.Error) as exc:
            # A value the input's type cannot hold (a record from another input
            # under the same field name): the file keeps the inferred types.
            log.warning("%s: input column types not kept (%s); types inferred", target, exc)
    _write_parquet(spool, target, inferred)


def _write_parquet(spool: Path, target: Path, schema: pa.Schema) -> None:
    import pyarrow.parquet as pq

    with atomic_writer(target, "wb") as fh:
        writer = pq.ParquetWriter(fh, schema)
        try:
            for batch in _spooled_batches(spool):
                writer.write_table(restore_types(batch, schema))
        finally:
            writer.close()


def typed_schema(
    batches: Iterable[list[dict[str, Any]]], arrow_types: pa.Schema | None
) -> pa.Schema:
    """One schema for every batch of records (inferred types unified: a field null
    in one batch and a string in another is a string), with the columns
    ``arrow_types`` names typed as it types them."""
    import pyarrow as pa

    schemas = [pa.Table.from_pylist(b).schema for b in batches]
    inferred = pa.unify_schemas(schemas, promote_options="permissive") if schemas else pa.schema([])
    return inferred if arrow_types is None else _with_input_types(inferred, arrow_types)


def _with_input_types(schema: pa.Schema, arrow_types: pa.Schema) -> pa.Schema:
    """``schema`` with each column the input also had typed as the input typed it."""
    import pyarrow as pa

    fields = []
    for f in schema:
        idx = arrow_types.get_field_index(f.name)
        fields.append(pa.field(f.name, arrow_types.field(idx).type) if idx >= 0 else f)
    return pa.schema(fields)


def restore_types(batch: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Records as an Arrow table of ``schema``; JSON values turned back into Arrow types.

    ISO strings cast to timestamps and dates, digit strings to decimals,
    base64 to binary: the inverse of json_safe for what a Parquet reader
    gives. Raises when a column does not convert.
    """
    import pyarrow as pa

    arrays = [_column([r.get(f.name) for r in batch], f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


def _column(values: list[Any], typ: pa.DataType) -> pa.Array:
    """One column of ``typ`` from JSON values; raises when they do not convert."""
    import pyarrow as pa

    if pa.types.is_binary(typ) or pa.types.is_large_binary(typ):
        raw = [None if v is None else base64.b64decode(v) for v in values]
        return pa.array(raw, type=typ)
    if pa.types.is_time(typ):
        return pa.array(values, type=pa.string()).cast(pa.timestamp("us")).cast(typ)
    if pa.types.is_timestamp(typ) or pa.types.is_date(typ) or pa.types.is_decimal(typ):
        return pa.array(values, type=pa.string()).cast(typ)
    return pa.array(values, type=typ)


def input_arrow_types(inputs: list[str]) -> pa.Schema | None:
    """The column types of the Parquet files among ``inputs`` (files, or under
    directories), unified; None when there are none or they cannot be unified."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files: list[Path] = []
    for item in inputs:
        path = Path(item)
        if item == "-":
            continue
        if path.is_dir():
            files.extend(sorted(path.rglob("*.parquet")))
        elif path.name.lower().endswith(".parquet"):
            files.append(path)
    schemas = []
    for f in files:
        with contextlib.suppress(pa.ArrowException, OSError):
            schemas.append(pq.read_schema(f).remove_metadata())
    if not schemas:
        return None
    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowException, ValueError) as exc:
        log.warning("Parquet inputs have conflicting column types (%s): types inferred", exc)
        return None
