"""Reading a finished run for its page: report.json, and the records of
clusters.jsonl, removed.jsonl and documents.jsonl parsed into small typed records.

Every parse of an output record the page makes is here, behind a few small
functions, so that the page's picture of the record schema lives in one place.
The files are read line by line (documents and removed may be gzipped JSONL or
Parquet, ``output.format``). A record that cannot be read is logged and skipped:
the page shows what it can of a damaged run; only an unreadable report.json or
file is an error (:class:`ReportError`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedup.io.outdir import REPORT
from dedup.io.outfiles import iter_numbered, open_text
from dedup.io.writers import dumps

logger = logging.getLogger(__name__)


class ReportError(Exception):
    """OUTDIR is not a finished run, or one of its files cannot be read."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Removal:
    """One record of removed.jsonl."""

    doc_id: str
    kind: str
    reason: str
    start: int
    end: int
    text: str
    cluster_id: str | None
    kept: tuple[str, int, int] | None


@dataclass(frozen=True)
class Member:
    """One member (or the canonical copy) of a cluster record."""

    doc_id: str
    start: int
    end: int
    score: float | None
    similarity: float | None


@dataclass(frozen=True)
class Cluster:
    """One record of clusters.jsonl."""

    cluster_id: str
    level: str
    members: tuple[Member, ...]
    canonical: Member | None
    policy: str
    why: str
    similarity: float | None


def same_span(a: Member, b: Member | None) -> bool:
    """Whether ``a`` and ``b`` are the same span of the same document (scores aside)."""
    return b is not None and (a.doc_id, a.start, a.end) == (b.doc_id, b.start, b.end)


# --------------------------------------------------------------------------- lines


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a JSONL output file.

    documents and removed may be gzipped JSONL or Parquet (``output.format``):
    a Parquet row comes as its JSON line, so every reader here reads all three.
    """
    if path.name.endswith(".parquet"):
        try:
            yield from ((n, dumps(rec)) for n, rec in iter_numbered(path))
        except (OSError, ValueError) as exc:
            raise ReportError(f"cannot read {path}: {exc}") from exc
        return
    try:
        fh = open_text(path)
    except OSError as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    with fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                yield n, line


def _jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each non-blank line; a bad line is logged and skipped."""
    for n, line in _lines(path):
        try:
            rec = json.loads(line)
        except ValueError as exc:
            logger.warning("%s:%d: not JSON (%s); skipped in report.html", path, n, exc)
            continue
        if isinstance(rec, dict):
            yield n, rec
        else:
            logger.warning("%s:%d: not a JSON object; skipped in report.html", path, n)


# --------------------------------------------------------------------------- values


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"not an integer: {v!r}")
    return v


def as_num(v: Any) -> float | None:
    """``v`` as a float if it is a JSON number (not a boolean), else None."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def as_map(v: Any) -> Mapping[str, Any]:
    """``v`` if it is a JSON object, else an empty one (report.json may be hand-edited)."""
    return v if isinstance(v, Mapping) else {}


def as_list(v: Any) -> list[Any]:
    """``v`` if it is a JSON array, else an empty one."""
    return v if isinstance(v, list) else []


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError(f"not a string: {v!r}")
    return v


# --------------------------------------------------------------------------- parsing


def _parse_removal(rec: Mapping[str, Any]) -> Removal:
    kept = rec.get("kept")
    kept_t = None
    if isinstance(kept, Mapping):
        kept_t = (_str(kept.get("doc_id")), _int(kept.get("start")), _int(kept.get("end")))
    cid = rec.get("cluster_id")
    start, end = _int(rec.get("start")), _int(rec.get("end"))
    if not 0 <= start <= end:
        raise ValueError(f"bad span [{start}, {end})")
    return Removal(
        doc_id=_str(rec.get("doc_id")),
        kind=_str(rec.get("kind")),
        reason=_str(rec.get("reason")),
        start=start,
        end=end,
        text=_str(rec.get("text")),
        cluster_id=cid if isinstance(cid, str) else None,
        kept=kept_t,
    )


def _parse_member(m: Mapping[str, Any]) -> Member:
    start, end = _int(m.get("start")), _int(m.get("end"))
    if not 0 <= start <= end:
        raise ValueError(f"bad span [{start}, {end})")
    return Member(
        doc_id=_str(m.get("doc_id")),
        start=start,
        end=end,
        score=as_num(m.get("score")),
        similarity=as_num(m.get("similarity")),
    )


def _parse_cluster(rec: Mapping[str, Any]) -> Cluster:
    members = rec.get("members")
    if not isinstance(members, list):
        raise ValueError("members is not a list")
    mem = tuple(_parse_member(m) for m in members if isinstance(m, Mapping))
    can = rec.get("canonical")
    canonical = _parse_member(can) if isinstance(can, Mapping) else None
    policy = can.get("policy") if isinstance(can, Mapping) else None
    why = can.get("why") if isinstance(can, Mapping) else None
    return Cluster(
        cluster_id=_str(rec.get("cluster_id")),
        level=str(rec.get("level")),
        members=mem,
        canonical=canonical,
        policy=policy if isinstance(policy, str) else "",
        why=why if isinstance(why, str) else "",
        similarity=as_num(rec.get("similarity")),
    )


# --------------------------------------------------------------------------- readers


def read_clusters(path: Path) -> Iterator[Cluster]:
    """The clusters of clusters.jsonl in file order (none without the file)."""
    if not path.is_file():
        return
    for n, rec in _jsonl(path):
        try:
            yield _parse_cluster(rec)
        except ValueError as exc:
            logger.warning("%s:%d: bad cluster record (%s); skipped", path, n, exc)


def removed_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of removed.jsonl, unparsed (none without the file):
    a caller skips lines by :func:`fast_doc_id` before paying for
    :func:`parse_removed_line`."""
    if path.is_file():
        yield from _lines(path)


def fast_doc_id(line: str) -> str | None:
    """The doc_id of a removed.jsonl line without parsing the rest (it is written first).

    >>> fast_doc_id('{"doc_id": "a\\\\"b", "kind": "x"}')
    'a"b'
    >>> fast_doc_id('{"kind": "x"}') is None
    True
    """
    prefix = '{"doc_id": "'
    if not line.startswith(prefix):
        return None
    end = line.find('"', len(prefix))
    if end < 0:
        return None
    value = line[len(prefix) : end]
    if "\\" not in value:
        return value
    # An escape inside the id: let the JSON decoder read the string.
    try:
        decoded, _ = json.JSONDecoder().raw_decode(line, len(prefix) - 1)
    except ValueError:
        return None
    return decoded if isinstance(decoded, str) else None


def parse_removed_line(path: Path, n: int, line: str) -> Removal | None:
    """Line ``n`` of removed.jsonl at ``path`` as a record, or None (logged) if it is bad."""
    try:
        return _parse_removal(json.loads(line))
    except (ValueError, AttributeError) as exc:
        logger.warning("%s:%d: bad removed record (%s); skipped", path, n, exc)
        return None


def read_output_texts(
    path: Path, id_field: str, text_field: str, wanted: set[str]
) -> dict[str, tuple[str, int | None]]:
    """Output text and original length (``dedup.chars_in``) of the wanted documents."""
    found: dict[str, tuple[str, int | None]] = {}
    if not wanted or not path.is_file():
        return found
    for n, rec in _jsonl(path):
        doc_id = rec.get(id_field)
        if not isinstance(doc_id, str) and isinstance(doc_id, (int, float)):
            doc_id = str(doc_id)
        if doc_id not in wanted:
            continue
        text = rec.get(text_field)
        if not isinstance(text, str):
            logger.warning("%s:%d: no %r field; document shown without it", path, n, text_field)
            continue
        meta = rec.get("dedup")
        chars_in = meta.get("chars_in") if isinstance(meta, Mapping) else None
        length = chars_in if isinstance(chars_in, int) and not isinstance(chars_in, bool) else None
        found[doc_id] = (text, length)
        if len(found) == len(wanted):
            break  # the sample is usually at the front: stop early on big runs
    return found


# --------------------------------------------------------------------------- report.json


def load_report(outdir: Path) -> dict[str, Any]:
    """OUTDIR/report.json; :class:`ReportError` if it cannot be read or is no object."""
    path = outdir / REPORT
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read {path}: {exc}") from exc
    if not isinstance(report, dict):
        raise ReportError(f"{path} is not a JSON object")
    return report


def input_field(report: Mapping[str, Any], name: str, default: str) -> str:
    """A field name of the run's ``[input]`` config (documents.jsonl uses them).

    >>> input_field({"parameters": {"config": {"input": {"id_field": "url"}}}}, "id_field", "id")
    'url'
    >>> input_field({}, "text_field", "text")
    'text'
    """
    config = as_map(as_map(report.get("parameters")).get("config"))
    value = as_map(config.get("input")).get(name)
    return value if isinstance(value, str) else default


def timings_of(report: Mapping[str, Any]) -> Mapping[str, Any]:
    """Per-stage seconds: ``runtime.timings_s``, or top-level ``timings_s`` (older runs).

    >>> timings_of({"runtime": {"timings_s": {"read": 0.5}}}), timings_of({"timings_s": {"x": 1}})
    ({'read': 0.5}, {'x': 1})
    """
    runtime = as_map(report.get("runtime"))
    return as_map(runtime.get("timings_s")) or as_map(report.get("timings_s"))


def source_priority(report: Mapping[str, Any]) -> list[str]:
    """The run's ``canonical.source_priority`` list (the keeper scores name ranks in it)."""
    config = as_map(as_map(report.get("parameters")).get("config"))
    return [str(s) for s in as_list(as_map(config.get("canonical")).get("source_priority"))]
