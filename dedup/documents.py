"""What the readers hand the pipeline: documents, and bad input records.

The output records (removals, kept spans, clusters) are in dedup/io/records.py.

Offsets are Python string indices (code points) into a document's *original*
text: the text as read for plain text and JSONL/Parquet records, the text
trafilatura extracted for HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
