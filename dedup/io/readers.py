"""Readers for every input kind: directories, .txt, .html/.htm, .jsonl, .jsonl.gz,
.parquet and ``-`` (JSONL on stdin).

Every reader yields :class:`~dedup.documents.Document` records in a stable
order (directories are walked in sorted path order) and reports each bad
record to an :class:`ErrorLog` with its file and line instead of raising, so
one bad record never loses the rest of the input.
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit

import regex

from dedup.config import InputConfig
from dedup.documents import Document, InputError
from dedup.io.charset import decode_html, looks_binary

log = logging.getLogger(__name__)

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
PARQUET_SUFFIXES = (".parquet",)
ALL_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + PARQUET_SUFFIXES


class InputFatalError(RuntimeError):
    """A bad input record under ``--strict``; carries the :class:`InputError`."""

    def __init__(self, error: InputError) -> None:
        super().__init__(f"{error} (strict mode: fix the input or run without --strict)")
        self.error = error


@dataclass
class ErrorLog:
    """Collects bad-input reports; under ``strict`` the first one is fatal."""

    strict: bool = False
    on_error: Callable[[InputError], None] | None = None
    errors: list[InputError] = field(default_factory=list)

    def add(self, source: str, line: int | None, message: str) -> None:
        err = InputError(source=source, line=line, message=message)
        self.errors.append(err)
        log.warning("%s", err)
        if self.on_error is not None:
            self.on_error(err)
        if self.strict:
            raise InputFatalError(err)


def suffix_of(path: Path) -> str:
    """The input kind of a path, double suffixes included.

    >>> suffix_of(Path("a/b.JSONL.gz"))
    '.jsonl.gz'
    >>> suffix_of(Path("x.txt"))
    '.txt'
    """
    name = path.name.lower()
    for suffix in sorted(ALL_SUFFIXES, key=len, reverse=True):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def site_of_url(url: Any) -> str | None:
    """The host of a URL without ``www.``, or None.

    >>> site_of_url("https://www.apnews.com/article/x")
    'apnews.com'
    >>> site_of_url("not a url") is None
    True
    """
    if not isinstance(url, str) or "//" not in url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass
class _Counter:
    """Gives each document its input-order position."""

    next_order: int = 0

    def take(self) -> int:
        self.next_order += 1
        return self.next_order - 1


def read_inputs(
    inputs: Iterable[str],
    config: InputConfig,
    errors: ErrorLog,
    stdin: IO[bytes] | None = None,
) -> Iterator[Document]:
    """Yield documents from every input in order; report bad records to ``errors``.

    Document ids must be unique across the run: a repeated id is reported and
    the later record skipped, because every output record is addressed by id.
    """
    counter = _Counter()
    seen: set[str] = set()
    for item in inputs:
        for doc in _read_one(item, config, errors, counter, stdin):
            if doc.doc_id in seen:
                errors.add(
                    doc.source,
                    doc.line,
                    f"duplicate document id {doc.doc_id!r}; ids must be unique "
                    f"(set --id-field to a unique field, or fix the input)",
                )
                continue
            seen.add(doc.doc_id)
            yield doc


def _read_one(
    item: str,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
    stdin: IO[bytes] | None,
) -> Iterator[Document]:
    if item == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        yield from _read_jsonl_stream(stream, "<stdin>", config, errors, counter)
        return
    path = Path(item)
    if path.is_dir():
        files = sorted(
            (p for p in path.rglob("*") if p.is_file() and suffix_of(p) in ALL_SUFFIXES),
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


def _read_file(
    path: Path,
    doc_id: str,
    site: str | None,
    config: InputConfig,
    errors: ErrorLog,
    counter: _Counter,
) -> Iterator[Document]:
    suffix = suffix_of(path)
    source = path.as_posix()
    if suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES:
        doc = _read_whole(path, doc_id, site, suffix in HTML_SUFFIXES, config, errors, counter)
        if doc is not None:
            yield doc
    elif suffix == ".jsonl":
        try:
            with path.open("rb") as fh:
                yield from _read_jsonl_stream(fh, source, config, errors, counter)
        except OSError as exc:
            errors.add(source, None, f"cannot read: {exc.strerror or exc}")
    elif suffix == ".jsonl.gz":
        try:
            with gzip.open(path, "rb") as gz:
                yield from _read_jsonl_stream(cast(IO[bytes], gz), source, config, errors, counter)
        except (OSError, EOFError, zlib.error) as exc:
            errors.add(
                source,
                None,
                f"gzip stream is damaged or truncated ({exc}); records before the damage "
                "were read, the rest is lost: re-download or re-compress the file",
            )
    elif suffix in PARQUET_SUFFIXES:
        yield from _read_parquet(path, config, errors, counter)
    else:
        errors.add(source, None, f"unsupported file type; use one of {', '.join(ALL_SUFFIXES)}")


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
        size = path.stat().st_size
        # No encoding we read takes more than 4 bytes a character: a file this
        # big is over the limit whatever it holds, so refuse it before reading
        # it all into memory (a stray multi-GB log in an input directory).
        if size > 4 * config.max_chars:
            errors.add(
                source,
                None,
                f"file of {size:,} bytes, certainly over input.max_chars "
                f"({config.max_chars:,} characters): skipped; raise the limit to process it",
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        errors.add(source, None, f"cannot read: {exc.strerror or exc}")
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
        errors.add(
            source,
            None,
            f"empty file{' (only whitespace)' if text else ''}: kept as an empty document, "
            "nothing to clean (remove it from the input if it should not be there)",
        )
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
    if raw_id is None:
        doc_id = f"{source}:{lineno}"
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        doc_id = str(raw_id)
    else:
        errors.add(
            source, lineno, f"field {config.id_field!r} must be a string or integer: record skipped"
        )
        return None
    if not text.strip():
        # Reported (so a corpus of empties gets noticed, and --strict stops on
        # one) but kept: it costs nothing and keeps one output record per input
        # record, which pipeline users joining on the id rely on.
        errors.add(
            source,
            lineno,
            f"empty document: field {config.text_field!r} has no text"
            f"{' (only whitespace)' if text else ''}; kept as it is, nothing to clean "
            "(drop empty records upstream if they should not be there)",
        )
    fields = dict(record)
    date = record.get(config.date_field)
    return Document(
        doc_id=doc_id,
        text=text,
        order=counter.take(),
        source=source,
        line=lineno,
        fields=fields,
        site=site_of_url(record.get(config.url_field)),
        date=date if isinstance(date, str) else None,
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
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=1024):
            for record in batch.to_pylist():
                row += 1
                doc = _record_to_document(record, source, row, config, errors, counter)
                if doc is not None:
                    yield doc
    except (pa.ArrowException, OSError) as exc:
        errors.add(
            source,
            row + 1,
            f"Parquet file is damaged from row {row + 1} ({exc}); earlier rows were read",
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
    """Documents from in-memory records (the Python API); record N is 'line' N."""
    counter = _Counter()
    seen: set[str] = set()
    for n, record in enumerate(records, start=1):
        doc = _record_to_document(record, source, n, config, errors, counter)
        if doc is None:
            continue
        if doc.doc_id in seen:
            errors.add(source, n, f"duplicate document id {doc.doc_id!r}: record skipped")
            continue
        seen.add(doc.doc_id)
        yield doc
