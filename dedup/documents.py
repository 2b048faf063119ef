"""Records that flow through the pipeline: documents, spans and removals.

Offsets are Python string indices (code points) into a document's *original*
text: the text as read for plain text and JSONL/Parquet records, the text
trafilatura extracted for HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

RemovalKind = Literal["boilerplate", "duplicate_document", "duplicate_passage"]


@dataclass(frozen=True)
class SpanRef:
    """A pointer to a span of a named document (the ``kept`` copy of a duplicate)."""

    doc_id: str
    start: int
    end: int
    # The persistent index the kept copy lives in (dedup clean --against), if any.
    index: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_id": self.doc_id, "start": self.start, "end": self.end}
        if self.index is not None:
            out["index"] = self.index
        return out


@dataclass
class Document:
    """One input document.

    ``order`` is its position in input order (stable across engines and worker
    counts); ``fields`` are the input record's other fields, passed through.
    ``source`` and ``line`` say where it came from, for error messages.
    """

    doc_id: str
    text: str
    order: int
    source: str
    line: int | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    site: str | None = None
    date: str | None = None
    html: bool = False
    # For text extracted from HTML: one structural role per line (title,
    # heading, caption furniture, ...), which the boilerplate rules use.
    line_roles: list[str] | None = None


@dataclass(frozen=True)
class Removal:
    """One thing removed from one document, never silent.

    ``start``/``end`` index the document's original text; for duplicates
    ``kept`` points at the surviving copy and ``cluster_id`` at the cluster.
    """

    doc_id: str
    kind: RemovalKind
    reason: str
    start: int
    end: int
    text: str
    cluster_id: str | None = None
    kept: SpanRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "reason": self.reason,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "cluster_id": self.cluster_id,
            "kept": self.kept.to_json() if self.kept else None,
        }


@dataclass(frozen=True)
class InputError:
    """A bad input record: where it is, what was wrong, what to do."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "line": self.line, "message": self.message}
