"""Reading every input kind: directories, .txt/.md, .html/.htm, .jsonl, .json,
.parquet, Arrow and WARC files, any of them gzipped, and ``-`` (JSONL on stdin,
gzipped or not).

This module walks the inputs and hands each file to the reader of its kind:
:mod:`dedup.io.whole_files` (text, HTML), :mod:`dedup.io.json_records` (JSONL,
JSON, stdin), :mod:`dedup.io.arrow_records` (Parquet, Arrow),
:mod:`dedup.io.warc`; records become documents in :mod:`dedup.io.record_fields`.
Every reader yields :class:`~dedup.documents.Document` records in a stable
order (directories are walked in sorted path order) and reports each bad
record to an :class:`~dedup.io.errors.ErrorLog` with its file and line instead
of raising, so one bad record never loses the rest of the input.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from dedup.config import InputConfig
from dedup.documents import Document
from dedup.io.arrow_records import read_batches, read_parquet
from dedup.io.counter import InputCounter, unique_ids
from dedup.io.errors import ErrorLog
from dedup.io.formats import INPUT_SUFFIXES, kind_of
from dedup.io.ids import IdRegistry
from dedup.io.json_records import read_json, read_jsonl_file, read_jsonl_stdin
from dedup.io.record_fields import record_to_document
from dedup.io.whole_files import read_whole
from dedup.io.writers import json_safe

__all__ = ["iter_records", "read_inputs"]


def read_inputs(
    inputs: Iterable[str],
    config: InputConfig,
    errors: ErrorLog,
    stdin: IO[bytes] | None = None,
) -> Iterator[Document]:
    """Yield documents from every input in order; report bad records to ``errors``.

    Document ids must be unique across the run, because every output record is
    addressed by id: a repeated id raises :class:`DuplicateIdError` unless
    ``config.id_mode`` makes ids unique (:mod:`dedup.io.ids`).
    """
    counter = InputCounter(IdRegistry(config.id_mode))
    for item in inputs:
        yield from unique_ids(_read_one(item, config, errors, counter, stdin), counter)


def _read_one(
    item: str,
    config: InputConfig,
    errors: ErrorLog,
    counter: InputCounter,
    stdin: IO[bytes] | None,
) -> Iterator[Document]:
    if item == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from read_jsonl_stdin(stream, config, errors, counter)
        return
    path = Path(item)
    if path.is_dir():
        from dedup.io.hf import dataset_files

        saved = dataset_files(path)  # a Hugging Face save_to_disk directory
        if saved is not None:
            for f in saved:
                yield from _read_file(f, f.as_posix(), None, config, errors, counter)
            return
        files = sorted(
            (p for p in path.rglob("*") if p.is_file() and _is_input(p)),
            key=lambda p: p.relative_to(path).as_posix(),
        )
        if not files:
            errors.add(str(path), None, f"no input files ({', '.join(INPUT_SUFFIXES)}) here")
        for f in files:
            rel = f.relative_to(path).as_posix()
            parent = f.parent.relative_to(path).as_posix()
            site = path.name if parent == "." else parent
            yield from _read_file(f, rel, site, config, errors, counter)
        return
    if not path.exists():
        errors.add(item, None, "no such file or directory")
        return
    yield from _read_file(path, path.as_posix(), path.parent.name or None, config, errors, counter)


def _is_input(path: Path) -> bool:
    """Whether a directory walk reads ``path``: a known kind, and not the metadata of
    a Hugging Face dataset saved beside its Arrow shards."""
    if kind_of(path) is None:
        return False
    from dedup.io.hf import METADATA

    return not (path.name in METADATA and any(path.parent.glob("*.arrow")))


def _read_file(
    path: Path,
    doc_id: str,
    site: str | None,
    config: InputConfig,
    errors: ErrorLog,
    counter: InputCounter,
) -> Iterator[Document]:
    kind = kind_of(path)
    source = path.as_posix()
    if kind is None or kind == "warc":
        from dedup.io.warc import sniff_warc

        # A WARC file by its bytes whatever its name (Common Crawl segments are
        # also fetched as bare "*.gz" or renamed): sniffed only for a file named
        # as an INPUT or with a WARC suffix, so a directory walk stays a listing.
        if kind == "warc" or sniff_warc(path):
            from dedup.io.warc import read_warc

            yield from read_warc(path, config, errors, counter)
            return
    if kind in ("text", "html"):
        doc_id = counter.ids.file_id(doc_id, source)
        doc = read_whole(path, doc_id, site, kind == "html", config, errors, counter)
        if doc is not None:
            yield doc
    elif kind == "jsonl":
        yield from read_jsonl_file(path, config, errors, counter)
    elif kind == "json":
        yield from read_json(path, config, errors, counter)
    elif kind == "parquet":
        yield from read_parquet(path, config, errors, counter)
    elif kind == "arrow":
        from dedup.io.hf import arrow_batches

        batches = arrow_batches(path, errors)
        if batches is not None:
            yield from read_batches(batches, source, "Arrow", config, errors, counter)
    else:
        errors.add(source, None, f"unsupported file type; use one of {', '.join(INPUT_SUFFIXES)}")


def iter_records(
    records: Iterable[dict[str, Any]],
    config: InputConfig,
    errors: ErrorLog,
    source: str = "<records>",
) -> Iterator[Document]:
    """Documents from in-memory records (the Python API); record N is 'line' N.

    Values that JSON cannot hold (datetimes, decimals, bytes...) are converted
    as :func:`~dedup.io.writers.json_safe` says, so every record can be written.
    """
    counter = InputCounter(IdRegistry(config.id_mode))

    def docs() -> Iterator[Document]:
        for n, record in enumerate(records, start=1):
            if isinstance(record, dict):
                record = json_safe(record)
            doc = record_to_document(record, source, n, config, errors, counter)
            if doc is not None:
                yield doc

    yield from unique_ids(docs(), counter)
