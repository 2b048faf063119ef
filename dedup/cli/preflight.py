"""Checks of the inputs a command line names, made before anything is read.

A path that does not exist, a directory with no input files in it, or a
JSONL/Parquet file whose records have no text field would otherwise run the
whole pipeline over nothing and exit 0 with empty outputs; each is refused
here with one message naming the file (and the fields it does have), as
``cat`` refuses a missing file.
"""

from __future__ import annotations

import itertools
import json
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from dedup.cli.terminal import join_names
from dedup.config import InputConfig
from dedup.io.formats import INPUT_SUFFIXES, kind_of, open_stream

# Records of a JSONL file looked at: refused only when none of them has the text field.
PEEK_RECORDS = 20
# Record files of a directory looked at (see check_inputs).
DIR_FILES_CHECKED = 8
RECORD_KINDS = ("jsonl", "parquet", "arrow")
# A longer first line is not parsed here (the reader reports whatever is wrong with it).
_PEEK_LINE_BYTES = 1 << 20


class UsageError(ValueError):
    """An input that cannot be used at all; the message says which and what to do."""


def check_inputs(inputs: Sequence[str], config: InputConfig) -> None:
    """Raise :class:`UsageError` for the first input that cannot give a document.

    A file named as an INPUT is refused when its records have no text field.
    In a directory, the first :data:`DIR_FILES_CHECKED` record files are
    looked at and the directory is refused only when none of them has it: a
    directory of a few odd files among good ones is read, the odd files'
    records reported one kind of problem at a time.
    """
    for item in inputs:
        if item == "-":
            continue
        path = Path(item)
        if not path.exists():
            raise UsageError(f"{item}: no such file or directory")
        if not path.is_dir():
            problem = _missing_text_field(path, config)
            if problem is not None:
                raise UsageError(problem)
            continue
        files = _input_files(path)
        first = next(files, None)
        if first is None:
            raise UsageError(
                f"{item}: no input files in this directory (looked for "
                f"{', '.join('*' + s for s in INPUT_SUFFIXES)})"
            )
        problems = []
        for f in itertools.islice(itertools.chain([first], files), DIR_FILES_CHECKED):
            if kind_of(f) not in RECORD_KINDS:
                break  # a text or HTML file always gives a document
            problem = _missing_text_field(f, config)
            if problem is None:
                break
            problems.append(problem)
        else:
            if problems:
                raise UsageError(problems[0])


def _input_files(root: Path) -> Iterator[Path]:
    for p in root.rglob("*"):
        if p.is_file() and kind_of(p) is not None:
            yield p


def _missing_text_field(path: Path, config: InputConfig) -> str | None:
    """What is wrong when the records of ``path`` have no text field, else None."""
    kind = kind_of(path)
    if kind == "parquet":
        fields = _parquet_columns(path)
        what = "columns"
    elif kind == "arrow":
        fields = _arrow_columns(path)
        what = "columns"
    elif kind == "jsonl":
        fields = _jsonl_fields(path, config.text_field)
        what = f"fields of its first {PEEK_RECORDS} records"
    else:
        return None
    if fields is None or config.text_field in fields:
        return None
    return (
        f"{path}: no {config.text_field!r} field to read the text from; "
        f"{what}: {join_names(sorted(fields)) or '(none)'}. "
        "Name the text field with --text-field FIELD (or [input] text_field)"
    )


def _parquet_columns(path: Path) -> set[str] | None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return set(pq.read_schema(path).names)
    except (pa.ArrowException, OSError):
        return None  # not Parquet at all: the reader reports it, with what to do


def _arrow_columns(path: Path) -> set[str] | None:
    """The columns of an Arrow IPC file (stream or file format), or None."""
    import pyarrow as pa

    for opener in (pa.ipc.open_stream, pa.ipc.open_file):
        try:
            with pa.memory_map(str(path)) as source:
                return set(opener(source).schema.names)
        except (pa.ArrowException, OSError):
            continue
    return None  # the reader reports it, with what to do


def _jsonl_fields(path: Path, text_field: str) -> set[str] | None:
    """The fields of the file's first records, or None when any has ``text_field``
    (or the file cannot be judged here: unreadable, not JSON, no objects)."""
    fields: set[str] = set()
    seen = 0
    try:
        with open_stream(path) as fh:
            while seen < PEEK_RECORDS:
                raw = fh.readline(_PEEK_LINE_BYTES)
                if not raw:
                    break
                if not raw.strip():
                    continue
                if not raw.endswith(b"\n") and len(raw) >= _PEEK_LINE_BYTES:
                    return None
                try:
                    record = json.loads(raw)
                except (ValueError, RecursionError):
                    return None
                if not isinstance(record, dict):
                    return None
                if text_field in record:
                    return None
                fields.update(str(k) for k in record)
                seen += 1
    except (OSError, EOFError, zlib.error):
        return None
    return fields if seen else None
