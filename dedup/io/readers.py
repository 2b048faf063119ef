"""Readers for every input kind: directories, .txt/.md, .html/.htm, .jsonl, .json,
.parquet, any of them gzipped, and ``-`` (JSONL on stdin, gzipped or not).

Every reader yields :class:`~dedup.documents.Document` records in a stable
order (directories are walked in sorted path order) and reports each bad
record to an :class:`ErrorLog` with its file and line instead of raising, so
one bad record never loses the rest of the input.
"""

from __future__ import annotations

import json
import logging
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import regex

from dedup.config import InputConfig
from dedup.documents import Document, InputError
from dedup.io.charset import decode_html, looks_binary
from dedup.io.dates import normalise_date
from dedup.io.errors import DuplicateIdError, ErrorLog, InputFatalError
from dedup.io.formats import (
    INPUT_SUFFIXES,
    TooLarge,
    kind_of,
    maybe_gunzip,
    open_stream,
    read_bytes,
)
from dedup.io.ids import IdRegistry
from dedup.io.urls import site_of_url
from dedup.io.writers import json_safe

log = logging.getLogger(__name__)

# ErrorLog and the fatal errors live in dedup.io.errors; they are imported from here too.
__all__ = ["DuplicateIdError", "ErrorLog", "InputFatalError", "iter_records", "read_inputs"]

ALL_SUFFIXES = INPUT_SUFFIXES


@dataclass
class _Counter:
    """Gives each document its input-order position, and its id (``input.id_mode``)."""

    ids: IdRegistry = field(default_factory=IdRegistry)
    next_order: int = 0

    def take(self) -> int:
        self.next_order += 1
        return self.next_order - 1


def _unique(docs: Iterable[Document], counter: _Counter) -> Iterator[Document]:
    """``docs``, failing at the first id seen twice (see :mod:`dedup.io.ids`)."""
    for doc in docs:
        before = counter.ids.first_seen(doc.doc_id, doc.source, doc.line)
        if before is not None:
            message = counter.ids.duplicate_message(doc.doc_id, before)
            raise DuplicateIdError(InputError(doc.source, doc.line, message))
        yield doc


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
    counter = _Counter(IdRegistry(config.id_mode))
    for item in inputs:
        yield from _unique(_read_one(item, config, errors, counter, stdin), counter)


def _read_one(
    item: str,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
    stdin: IO[bytes] | None,
) -> Iterator[Document]:
    if item == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        try:
            yield from _read_jsonl_stream(maybe_gunzip(stream), "<stdin>", config, errors, counter)
        except (OSError, EOFError, zlib.error) as exc:
            errors.add("<stdin>", None, _damaged_gzip(exc))
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
            errors.add(str(path), None, f"no input files ({', '.join(ALL_SUFFIXES)}) here")
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
    counter: _Counter,
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
        doc = _read_whole(path, doc_id, site, kind == "html", config, errors, counter)
        if doc is not None:
            yield doc
    elif kind == "jsonl":
        try:
            with open_stream(path) as fh:
                yield from _read_jsonl_stream(fh, source, config, errors, counter)
        except (OSError, EOFError, zlib.error) as exc:
            if isinstance(exc, OSError) and exc.strerror:  # the file itself, not its gzip data
                errors.add(source, None, f"cannot read: {exc.strerror}")
            else:
                errors.add(source, None, _damaged_gzip(exc))
    elif kind == "json":
        yield from _read_json(path, config, errors, counter)
    elif kind == "parquet":
        yield from _read_parquet(path, config, errors, counter)
    elif kind == "arrow":
        from dedup.io.hf import arrow_batches

        batches = arrow_batches(path, errors)
        if batches is not None:
            yield from read_batches(batches, source, "Arrow", config, errors, counter)
    else:
        errors.add(source, None, f"unsupported file type; use one of {', '.join(ALL_SUFFIXES)}")


def _damaged_gzip(exc: BaseException) -> str:
    return (
        f"gzip stream is damaged or truncated ({exc}); records before the damage "
        "were read, the rest is lost: re-download or re-compress the file"
    )


def _read_json(
    path: Path, config: InputConfig, errors: ErrorLog, counter: _Counter
) -> Iterator[Document]:
    """A .json file: an array of records, or a single record. "Line" N is record N."""
    source = path.as_posix()
    try:
        raw = read_bytes(path, 4 * config.max_chars)
    except TooLarge as exc:
        errors.add(source, None, _too_big(config, exc))
        return
    except (OSError, EOFError, zlib.error) as exc:
        errors.add(source, None, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _report_decode(raw, exc, source, "utf-8", errors)
        return
    data = _parse_json(text, source, 1, errors)
    if data is _UNPARSED:
        return
    records = data if isinstance(data, list) else [data]
    if not records:
        errors.add(source, None, "empty JSON array: no records in it, nothing read")
    for n, record in enumerate(records, start=1):
        doc = _record_to_document(record, source, n, config, errors, counter)
        if doc is not None:
            yield doc


def _too_big(config: InputConfig, exc: TooLarge) -> str:
    what = "gzip data that decompresses" if exc.size is None else f"file of {exc.size:,} bytes"
    return (
        f"{what} certainly over input.max_chars ({config.max_chars:,} characters): "
        "skipped; raise the limit to process it"
    )


def _read_whole(
    path: Path,
    doc_id: str,
    site: str | None,
    is_html: bool,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
) -> Document | None:
    source = path.as_posix()
    try:
        # No encoding we read takes more than 4 bytes a character: a file this
        # big is over the limit whatever it holds, so refuse it before reading
        # it all into memory (a stray multi-GB log in an input directory, or a
        # gzip bomb: decompression stops at the limit).
        raw = read_bytes(path, 4 * config.max_chars)
    except TooLarge as exc:
        errors.add(source, None, _too_big(config, exc))
        return None
    except OSError as exc:
        errors.add(source, None, f"cannot read: {exc.strerror or exc}")
        return None
    except (EOFError, zlib.error) as exc:
        errors.add(source, None, f"gzip data is damaged or truncated ({exc}): skipped")
        return None
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    # HTML: a few NULs in real markup are stripped (and counted) by the extractor.
    if b"\x00" in raw[:8192] and not utf16 and (not is_html or looks_binary(raw)):
        errors.add(
            source,
            None,
            "binary file (NUL bytes), not text: skipped; remove it from the input directory",
        )
        return None
    if is_html:  # never skipped for its encoding: see dedup.io.charset
        decoded = decode_html(raw)
        if decoded.note() is not None:
            errors.add(source, None, str(decoded.note()))
        text: str | None = decoded.text
    else:
        text = _decode(raw, source, errors)
    if text is None:
        return None
    if not text.strip():
        if is_html:
            errors.add(source, None, "empty file: no HTML in it: skipped")
            return None
        # Not an error: kept as an empty document (one output record per input).
        errors.note("empty_documents", source, None)
    if len(text) > config.max_chars:
        errors.add(
            source,
            None,
            f"document has {len(text):,} characters, over input.max_chars "
            f"({config.max_chars:,}): skipped; raise the limit to process it",
        )
        return None
    if "\x00" in text and not is_html:
        errors.add(
            source,
            None,
            f"NUL character at offset {text.index(chr(0))} (binary content?): skipped; "
            "strip NUL characters from the file",
        )
        return None
    return Document(
        doc_id=doc_id,
        text=text,
        order=counter.take(),
        source=source,
        line=None,
        fields={},
        site=site,
        html=is_html,
    )


def _decode(raw: bytes, source: str, errors: ErrorLog) -> str | None:
    """Text of a whole text file: a byte-order mark wins, then UTF-8 (HTML: dedup.io.charset).

    >>> _decode("h\\u00e9".encode("utf-16"), "x.txt", ErrorLog())
    'hé'
    """
    encoding = "utf-8"
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"  # the codec reads and drops the BOM
    try:
        return raw.decode(encoding)
    except LookupError:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            _report_decode(raw, exc, source, "utf-8", errors)
            return None
    except UnicodeDecodeError as exc:
        _report_decode(raw, exc, source, encoding, errors)
        return None


def _report_decode(
    raw: bytes, exc: UnicodeDecodeError, source: str, encoding: str, errors: ErrorLog
) -> None:
    line = raw.count(b"\n", 0, exc.start) + 1
    declared = "" if encoding == "utf-8" else f" (the file declares {encoding})"
    errors.add(
        source,
        line,
        f"undecodable bytes (not {'UTF-8' if encoding == 'utf-8' else encoding}){declared} "
        f"at byte {exc.start}: skipped; "
        "convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)",
    )


def _read_jsonl_stream(
    stream: IO[bytes],
    source: str,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
) -> Iterator[Document]:
    saw_line = False
    for lineno, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue
        first = not saw_line
        saw_line = True
        if lineno == 1 and raw.startswith(b"\xef\xbb\xbf"):
            # A UTF-8 byte-order mark (Windows tools write one); json.loads refuses it.
            raw = raw[3:]
        if b"\x00" in raw:
            # json.loads would say "Invalid control character"; say what it is.
            if first:
                # NUL in the very first record: a binary file, not JSONL. One
                # report for the file, not one per "line" of binary data.
                errors.add(
                    source,
                    lineno,
                    "binary data (NUL bytes) in the first record: not a JSONL file, skipped; "
                    "remove it from the input",
                )
                return
            errors.add(
                source,
                lineno,
                f"NUL byte at column {raw.index(0) + 1} (binary data in a JSONL file?): "
                "record skipped; remove the NUL bytes from the input",
            )
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            errors.add(
                source,
                lineno,
                f"undecodable bytes (not UTF-8) at column {exc.start + 1}: record skipped",
            )
            continue
        record = _parse_json(line, source, lineno, errors)
        if record is _UNPARSED:
            continue
        doc = _record_to_document(record, source, lineno, config, errors, counter)
        if doc is not None:
            yield doc
    if not saw_line:
        errors.add(
            source,
            None,
            "empty file: no JSON records in it, nothing read; "
            "check that this is the input you meant",
        )


# A sentinel, not None: ``null`` is a valid JSON line (reported as "not an object").
_UNPARSED: Any = object()
# A \uD800-\uDFFF escape: the only way a JSON line can carry a lone surrogate,
# which no UTF-8 writer (ours included) can encode. Linear: no repetition at all.
_SURROGATE_ESCAPE = regex.compile(r"\\u[dD][89a-fA-F]")


def _parse_json(line: str, source: str, lineno: int, errors: ErrorLog) -> Any:
    """The parsed line, or ``_UNPARSED`` after reporting why it cannot be used.

    ``json.loads`` raises more than JSONDecodeError on hostile lines: a
    RecursionError for arrays nested ~100,000 deep and a plain ValueError for an
    integer of over 4,300 digits; either would otherwise end the whole run.
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        errors.add(
            source, lineno, f"malformed JSON ({exc.msg} at column {exc.colno}): record skipped"
        )
        return _UNPARSED
    except RecursionError:
        errors.add(
            source,
            lineno,
            "JSON nested too deeply to parse (hostile or broken record): record skipped; "
            "flatten the record",
        )
        return _UNPARSED
    except ValueError as exc:  # e.g. an integer over sys.get_int_max_str_digits() digits
        errors.add(
            source,
            lineno,
            f"unparsable JSON value ({exc}): record skipped; write very long numbers as strings",
        )
        return _UNPARSED
    if _SURROGATE_ESCAPE.search(line, timeout=10.0) is not None and _has_lone_surrogate(record):
        errors.add(
            source,
            lineno,
            "a \\uD800-\\uDFFF escape that is not half of a surrogate pair (invalid "
            "Unicode, cannot be written as UTF-8): record skipped; fix the program that "
            "wrote the JSON",
        )
        return _UNPARSED
    return record


def _has_lone_surrogate(record: Any) -> bool:
    """Whether any key or string in the parsed record holds a lone surrogate.

    >>> _has_lone_surrogate({"a": ["ok", "\\ud800"]}), _has_lone_surrogate({"a": "\\U0001f600"})
    (True, False)
    """
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _record_to_document(
    record: Any,
    source: str,
    lineno: int,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
) -> Document | None:
    if not isinstance(record, dict):
        errors.add(
            source, lineno, f"expected a JSON object, got {type(record).__name__}: record skipped"
        )
        return None
    text = record.get(config.text_field)
    if text is None:
        errors.add(
            source,
            lineno,
            f"no {config.text_field!r} field: record skipped (set --text-field to the "
            f"field holding the text; fields here: {', '.join(list(record)[:8])})",
        )
        return None
    if not isinstance(text, str):
        errors.add(
            source,
            lineno,
            f"field {config.text_field!r} is a {type(text).__name__}, not a string: record skipped",
        )
        return None
    if "\x00" in text:
        errors.add(
            source,
            lineno,
            f"NUL character in field {config.text_field!r} at offset {text.index(chr(0))} "
            "(binary data?): record skipped; strip NUL characters from the text",
        )
        return None
    if len(text) > config.max_chars:
        errors.add(
            source,
            lineno,
            f"text has {len(text):,} characters, over input.max_chars "
            f"({config.max_chars:,}): record skipped; raise the limit to process it",
        )
        return None
    raw_id = record.get(config.id_field)
    if raw_id is not None and (not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool)):
        errors.add(
            source, lineno, f"field {config.id_field!r} must be a string or integer: record skipped"
        )
        return None
    doc_id = counter.ids.record_id(None if raw_id is None else str(raw_id), source, lineno)
    if raw_id is None:
        errors.note("generated_ids", source, lineno, f"no {config.id_field!r}: id {doc_id!r}")
    if not text.strip():
        # Not an error (--strict does not stop on it) but counted, so a corpus
        # of empties gets noticed: kept as it is, which keeps one output record
        # per input record for pipeline users joining on the id.
        errors.note("empty_documents", source, lineno)
    raw_date = record.get(config.date_field)
    date = normalise_date(raw_date, config.date_format)
    if date is not None:
        errors.note("dates_read", source, lineno)
    elif raw_date is not None and raw_date != "":
        errors.note("unparsable_dates", source, lineno, repr(raw_date)[:80])
    return Document(
        doc_id=doc_id,
        text=text,
        order=counter.take(),
        source=source,
        line=lineno,
        fields=dict(record),
        site=site_of_url(record.get(config.url_field)),
        date=date,
        html=False,
    )


def _read_parquet(
    path: Path, config: InputConfig, errors: ErrorLog, counter: _Counter
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
    counter: _Counter,
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
                doc = _record_to_document(record, source, row, config, errors, counter)
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
    counter = _Counter(IdRegistry(config.id_mode))

    def docs() -> Iterator[Document]:
        for n, record in enumerate(records, start=1):
            if isinstance(record, dict):
                record = json_safe(record)
            doc = _record_to_document(record, source, n, config, errors, counter)
            if doc is not None:
                yield doc

    yield from _unique(docs(), counter)
