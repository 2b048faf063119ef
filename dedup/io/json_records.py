"""JSON input: JSON Lines files and streams (stdin), and .json files of records.

Each line (or array element) is parsed with guards against hostile input and
turned into a document by :func:`dedup.io.record_fields.record_to_document`;
a bad line is reported with its line number and skipped, a damaged gzip
stream keeps the records read before the damage.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import regex

from dedup.config import InputConfig
from dedup.documents import Document
from dedup.io.counter import InputCounter
from dedup.io.errors import ErrorLog
from dedup.io.formats import TooLarge, maybe_gunzip, open_stream, read_bytes
from dedup.io.record_fields import record_to_document
from dedup.io.whole_files import report_decode, too_big_message

__all__ = ["parse_json", "read_json", "read_jsonl_file", "read_jsonl_stdin", "read_jsonl_stream"]


def read_jsonl_stdin(
    stream: IO[bytes], config: InputConfig, errors: ErrorLog, counter: InputCounter
) -> Iterator[Document]:
    """JSONL on ``stream`` (stdin), gzipped or not."""
    try:
        yield from read_jsonl_stream(maybe_gunzip(stream), "<stdin>", config, errors, counter)
    except (OSError, EOFError, zlib.error) as exc:
        errors.add("<stdin>", None, damaged_gzip(exc))


def read_jsonl_file(
    path: Path, config: InputConfig, errors: ErrorLog, counter: InputCounter
) -> Iterator[Document]:
    """A .jsonl file, gzipped or not."""
    source = path.as_posix()
    try:
        with open_stream(path) as fh:
            yield from read_jsonl_stream(fh, source, config, errors, counter)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, OSError) and exc.strerror:  # the file itself, not its gzip data
            errors.add(source, None, f"cannot read: {exc.strerror}")
        else:
            errors.add(source, None, damaged_gzip(exc))


def damaged_gzip(exc: BaseException) -> str:
    return (
        f"gzip stream is damaged or truncated ({exc}); records before the damage "
        "were read, the rest is lost: re-download or re-compress the file"
    )


def read_json(
    path: Path, config: InputConfig, errors: ErrorLog, counter: InputCounter
) -> Iterator[Document]:
    """A .json file: an array of records, or a single record. "Line" N is record N."""
    source = path.as_posix()
    try:
        raw = read_bytes(path, 4 * config.max_chars)
    except TooLarge as exc:
        errors.add(source, None, too_big_message(config, exc))
        return
    except (OSError, EOFError, zlib.error) as exc:
        errors.add(source, None, f"cannot read: {getattr(exc, 'strerror', None) or exc}")
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        report_decode(raw, exc, source, "utf-8", errors)
        return
    data = parse_json(text, source, 1, errors)
    if data is _UNPARSED:
        return
    records = data if isinstance(data, list) else [data]
    if not records:
        errors.add(source, None, "empty JSON array: no records in it, nothing read")
    for n, record in enumerate(records, start=1):
        doc = record_to_document(record, source, n, config, errors, counter)
        if doc is not None:
            yield doc


def read_jsonl_stream(
    stream: IO[bytes],
    source: str,
    config: InputConfig,
    errors: ErrorLog,
    counter: InputCounter,
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
        record = parse_json(line, source, lineno, errors)
        if record is _UNPARSED:
            continue
        doc = record_to_document(record, source, lineno, config, errors, counter)
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


def parse_json(line: str, source: str, lineno: int, errors: ErrorLog) -> Any:
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
