"""Reading gold and prediction files for ``dedup eval``: one JSONL reader, format sniffing, fields.

A file holds one format (docs/eval.md): the three gold formats, or dedup's own
``clusters.jsonl`` / ``removed.jsonl``. :func:`load_file` reads it and names its
format; :func:`document_labels`, :func:`passage_occurrences` and
:func:`removed_spans` turn it into what one level scores. Every problem is an
:class:`EvalInputError` that says which file and line, and what to give instead.

The parsing of dedup's own records is kept in the functions of the section
"dedup's output records" below, apart from the gold formats.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from dedup.eval.passages import PassageOccurrence

Record = dict[str, Any]
Numbered = list[tuple[int, Record]]
# Removed spans per document: (start, end, reason or None).
Spans = dict[str, list[tuple[int, int, str | None]]]


class EvalInputError(ValueError):
    """A gold or prediction file that cannot be scored; the message says where and what to do."""


# ------------------------------------------------------------------------ reading lines


def _open_text(path: Path) -> IO[str]:
    # By suffix, where dedup.io.outfiles.open_text goes by magic bytes: they
    # differ only on misnamed files (gzip named .jsonl, plain text named .gz),
    # which eval refuses with a message; using open_text would accept them.
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def read_jsonl(path: Path) -> Iterator[tuple[int, Record]]:
    """(line number, record) for each non-blank line; bad lines raise with file:line."""
    if not path.exists():
        raise EvalInputError(f"{path}: no such file")
    if path.is_dir():
        raise EvalInputError(f"{path}: is a directory; give a .jsonl file")
    if path.name.endswith(".parquet"):  # a run's removed.parquet (--output-format)
        from dedup.io.outfiles import iter_numbered

        try:
            yield from iter_numbered(path)
        except (OSError, ValueError) as exc:
            raise EvalInputError(f"{path}: cannot read as Parquet: {exc}") from None
        return
    # Not iter_numbered for JSONL: it raises a bare JSONDecodeError without the
    # line number and lets a line that is not an object through.
    try:
        with _open_text(path) as fh:
            for number, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvalInputError(
                        f"{path}:{number}: not valid JSON ({exc.msg}); "
                        "each line must be one JSON object"
                    ) from None
                if not isinstance(record, dict):
                    raise EvalInputError(f"{path}:{number}: expected a JSON object per line")
                yield number, record
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        raise EvalInputError(f"{path}: cannot read as UTF-8 JSON Lines: {exc}") from None


# ------------------------------------------------------------------------------ fields


def _doc_id(record: Mapping[str, Any], where: str) -> str:
    value = record.get("doc_id")
    if value is None or isinstance(value, (dict, list, bool)):
        raise EvalInputError(f"{where}: missing or invalid 'doc_id'; expected a string or number")
    return str(value)


def _offsets(record: Mapping[str, Any], where: str) -> tuple[int, int]:
    values: list[int] = []
    for name in ("start", "end"):
        value = record.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise EvalInputError(
                f"{where}: '{name}' must be a non-negative integer character offset, got {value!r}"
            )
        values.append(value)
    start, end = values
    if end < start:
        raise EvalInputError(f"{where}: 'end' ({end}) is before 'start' ({start})")
    return start, end


def _label(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise EvalInputError(f"{where}: 'cluster' must be a string, number or null")
    return str(value)


# -------------------------------------------------------------------- format sniffing


def _record_kind(record: Mapping[str, Any]) -> str:
    if "members" in record:
        return "clusters"
    if "kind" in record and "start" in record:
        return "removed"
    if "start" in record or "end" in record:
        return "passage" if "cluster" in record else "span"
    if "cluster" in record:
        return "document"
    if "doc_id" in record:
        return "scope"
    return "unknown"


@dataclass
class Loaded:
    """A file's records and its one format: document | passage | span | clusters | removed
    (dedup's files) | empty."""

    kind: str
    records: Numbered


# The level a gold file of each format is scored at (``--level auto``).
LEVEL_OF_GOLD = {"document": "document", "passage": "passage", "span": "boilerplate"}

_FORMATS_HELP = (
    'expected {"doc_id","cluster"} (document gold), {"doc_id","start","end","cluster"} '
    '(passage gold), {"doc_id","start","end"} (spans), clusters.jsonl or removed.jsonl lines'
)


def load_file(path: Path) -> Loaded:
    """All records of ``path`` and their format; a file mixing formats is refused."""
    records = list(read_jsonl(path))
    kinds: set[str] = set()
    for number, record in records:
        kind = _record_kind(record)
        if kind == "unknown":
            raise EvalInputError(f"{path}:{number}: unrecognised record; {_FORMATS_HELP}")
        kinds.add(kind)
    if "scope" in kinds:
        kinds.discard("scope")
        if kinds - {"passage"}:
            raise EvalInputError(
                f"{path}: lines with only 'doc_id' are allowed in passage gold files only"
            )
        kinds.add("passage")
    if len(kinds) > 1:
        raise EvalInputError(
            f"{path}: mixes record formats ({', '.join(sorted(kinds))}); use one format per file"
        )
    # An empty file is an empty prediction of any format.
    return Loaded(kinds.pop() if kinds else "empty", records)


# ----------------------------------------------------------------------------- levels


def document_labels(loaded: Loaded, path: Path, side: str) -> dict[str, str | None]:
    """doc_id -> cluster label (None: a singleton) from document gold or clusters.jsonl."""
    if loaded.kind == "document":
        return _gold_document_labels(loaded.records, path)
    if loaded.kind == "clusters":
        return _clusters_document_labels(loaded.records, path)
    if loaded.kind == "empty":
        return {}
    raise EvalInputError(
        f"{path}: {side} file is in {loaded.kind} format, not usable at the document level; "
        'give {"doc_id","cluster"} lines or a clusters.jsonl'
    )


def passage_occurrences(
    loaded: Loaded, path: Path, side: str
) -> tuple[list[PassageOccurrence], set[str]]:
    """The passage occurrences and the documents named (the gold's scope), from passage gold
    or clusters.jsonl."""
    if loaded.kind == "passage":
        return _gold_passages(loaded.records, path)
    if loaded.kind == "clusters":
        return _clusters_passages(loaded.records, path)
    if loaded.kind == "empty":
        return [], set()
    raise EvalInputError(
        f"{path}: {side} file is in {loaded.kind} format, not usable at the passage level; "
        'give {"doc_id","start","end","cluster"} lines or a clusters.jsonl'
    )


def removed_spans(loaded: Loaded, path: Path, side: str) -> Spans:
    """Removed spans per document from span lines or the boilerplate records of removed.jsonl."""
    if loaded.kind in ("span", "removed"):
        records = loaded.records
        if loaded.kind == "removed":
            records = _boilerplate_records(records)
        return _span_lines(records, path)
    if loaded.kind == "empty":
        return {}
    raise EvalInputError(
        f"{path}: {side} file is in {loaded.kind} format, not usable at the boilerplate level; "
        'give {"doc_id","start","end"} lines or a removed.jsonl'
    )


def dropped_documents(loaded: Loaded) -> set[str]:
    """Documents a removed.jsonl drops whole; none for any other format."""
    if loaded.kind != "removed":
        return set()
    return _duplicate_documents(loaded.records)


def load_texts(path: Path) -> dict[str, str]:
    """doc_id -> text from a corpus JSONL with ``id`` (or ``doc_id``) and ``text``."""
    texts: dict[str, str] = {}
    for number, record in read_jsonl(path):
        where = f"{path}:{number}"
        key = record.get("id", record.get("doc_id"))
        text = record.get("text")
        if key is None or not isinstance(text, str):
            raise EvalInputError(f"{where}: texts file needs 'id' (or 'doc_id') and 'text'")
        texts[str(key)] = text
    return texts


# ----------------------------------------------------------------------- gold formats


def _gold_document_labels(records: Numbered, path: Path) -> dict[str, str | None]:
    labels: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    for number, record in records:
        where = f"{path}:{number}"
        doc = _doc_id(record, where)
        if doc in seen:
            raise EvalInputError(
                f"{where}: doc_id {doc!r} already listed on line {seen[doc]}; "
                "list each document once"
            )
        seen[doc] = number
        labels[doc] = _label(record.get("cluster"), where)
    return labels


def _gold_passages(records: Numbered, path: Path) -> tuple[list[PassageOccurrence], set[str]]:
    occurrences: list[PassageOccurrence] = []
    docs: set[str] = set()
    for number, record in records:
        where = f"{path}:{number}"
        doc = _doc_id(record, where)
        docs.add(doc)
        if _record_kind(record) == "scope":
            continue
        start, end = _offsets(record, where)
        label = _label(record.get("cluster"), where)
        occurrences.append(PassageOccurrence(doc, start, end, label))
    return occurrences, docs


def _span_lines(records: Numbered, path: Path) -> Spans:
    """Span lines (gold format or removed.jsonl records): doc_id, start, end, optional reason."""
    spans: Spans = defaultdict(list)
    for number, record in records:
        where = f"{path}:{number}"
        doc = _doc_id(record, where)
        start, end = _offsets(record, where)
        reason = record.get("reason")
        spans[doc].append((start, end, str(reason) if reason else None))
    return dict(spans)


# --------------------------------------------------------------- dedup's output records
# clusters.jsonl: {"cluster_id", "level", "members": [{"doc_id", "start", "end"}], ...};
# removed.jsonl: {"doc_id", "kind", "reason", "start", "end", ...}.


def _clusters_of_level(
    records: Numbered, path: Path, level: str
) -> Iterator[tuple[str, int, str, list[Any]]]:
    """(where, line number, cluster id, members) of each cluster of ``level``."""
    for number, record in records:
        where = f"{path}:{number}"
        # A cluster without a level counts as a document cluster.
        default = "document" if level == "document" else None
        if record.get("level", default) != level:
            continue
        members = record.get("members")
        if not isinstance(members, list):
            raise EvalInputError(f"{where}: 'members' must be a list")
        cid = _label(record.get("cluster_id"), where) or f"line{number}"
        yield where, number, cid, members


def _clusters_document_labels(records: Numbered, path: Path) -> dict[str, str | None]:
    labels: dict[str, str | None] = {}
    seen: dict[str, int] = {}
    for where, number, cid, members in _clusters_of_level(records, path, "document"):
        for member in members:
            if not isinstance(member, dict):
                raise EvalInputError(f"{where}: each member must be an object with 'doc_id'")
            doc = _doc_id(member, where)
            if doc in seen and seen[doc] != number:
                raise EvalInputError(
                    f"{where}: doc_id {doc!r} is also in the cluster on line {seen[doc]}; "
                    "a document can be in one document-level cluster only"
                )
            seen[doc] = number
            labels[doc] = cid
    return labels


def _clusters_passages(records: Numbered, path: Path) -> tuple[list[PassageOccurrence], set[str]]:
    occurrences: list[PassageOccurrence] = []
    docs: set[str] = set()
    for where, _, cid, members in _clusters_of_level(records, path, "passage"):
        for member in members:
            if not isinstance(member, dict):
                raise EvalInputError(f"{where}: each member must be an object")
            doc = _doc_id(member, where)
            start, end = _offsets(member, where)
            docs.add(doc)
            occurrences.append(PassageOccurrence(doc, start, end, cid))
    return occurrences, docs


def _boilerplate_records(records: Numbered) -> Numbered:
    """The removed.jsonl records of boilerplate (duplicate passages and documents left out)."""
    return [(n, r) for n, r in records if r.get("kind") == "boilerplate"]


def _duplicate_documents(records: Numbered) -> set[str]:
    """doc_ids a removed.jsonl drops whole as duplicates."""
    return {str(r.get("doc_id")) for _, r in records if r.get("kind") == "duplicate_document"}


def resolve_pred(pred: Path, level: str) -> Path:
    """The file ``--pred`` names: itself, or in a `dedup clean` OUTDIR the one ``level`` reads."""
    if pred.is_dir():
        name = "removed.jsonl" if level == "boilerplate" else "clusters.jsonl"
        from dedup.io.outfiles import find_output

        target = find_output(pred, name)  # removed may be .jsonl.gz or .parquet
        if not target.exists():
            raise EvalInputError(
                f"{pred}: directory has no {name}; give a `dedup clean` OUTDIR or a file"
            )
        return target
    return pred
