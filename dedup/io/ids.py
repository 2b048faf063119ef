"""Document ids: what a record's id becomes, and what happens when one repeats.

Every output record (documents, removed spans, clusters, ``kept`` pointers) is
addressed by id, so two documents must never share one. ``input.id_mode``:

``"strict"`` (default)
    the id field's value, as a string. A second record with an id already
    seen fails the run (exit 1), naming both places. Loud on purpose:
    dropping the second record loses a document, and renaming it silently
    breaks every join of the output back to the input; the user picks one of
    the modes below knowing which.
``"prefix-file"``
    ``"<file>:<id>"`` for every record (``"<file>"`` for a whole .txt/.html
    file, its path as given), so the same id in two files (two crawls, two
    shards) no longer collides; a repeat within one file still fails.
``"generate"``
    the id field is ignored; every record is ``"<file>:<line>"`` (line of a
    JSONL file, row of a Parquet file, position in a .json array or in the
    records given to the API), which is unique by construction.

A record without an id (field absent or null) gets ``"<file>:<line>"`` in
every mode, and is counted (``documents.generated_ids`` in report.json). When
the written id differs from the input's, the output record's id field holds
the new one and ``dedup.input_id`` the input's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ID_MODES: tuple[str, ...] = ("strict", "prefix-file", "generate")


def location(source: str, line: int | None) -> str:
    """``file:line`` (or just the file for a whole-file document).

    >>> location("a.jsonl", 4), location("b.txt", None)
    ('a.jsonl:4', 'b.txt')
    """
    return source if line is None else f"{source}:{line}"


@dataclass
class IdRegistry:
    """Assigns ids under one ``input.id_mode`` and remembers where each was seen."""

    mode: str = "strict"
    # id -> where first seen, packed in one int (source number << 40 | line + 1):
    # a tuple or a "file:line" string per document would cost several times more
    # on a corpus of millions.
    seen: dict[str, int] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    generated: int = 0

    def record_id(self, raw: str | None, source: str, line: int) -> str:
        """The id of a record whose id field holds ``raw`` (None when absent).

        >>> ids = IdRegistry("prefix-file")
        >>> ids.record_id("7", "a.jsonl", 3), ids.record_id(None, "a.jsonl", 4), ids.generated
        ('a.jsonl:7', 'a.jsonl:4', 1)
        """
        if raw is None:
            self.generated += 1
            return location(source, line)
        if self.mode == "generate":
            return location(source, line)
        if self.mode == "prefix-file":
            return f"{source}:{raw}"
        return raw

    def file_id(self, relative: str, source: str) -> str:
        """The id of a whole-file document (``relative``: its path under the INPUT dir)."""
        return relative if self.mode == "strict" else source

    def first_seen(self, doc_id: str, source: str, line: int | None) -> str | None:
        """Where ``doc_id`` was seen before (then it is a duplicate), else None.

        >>> ids = IdRegistry()
        >>> ids.first_seen("x", "a.jsonl", 1), ids.first_seen("x", "b.jsonl", 9)
        (None, 'a.jsonl:1')
        """
        before = self.seen.get(doc_id)
        if before is None:
            number = self.sources.setdefault(source, len(self.sources))
            self.seen[doc_id] = (number << 40) | (0 if line is None else line + 1)
            return None
        names = {v: k for k, v in self.sources.items()}
        packed_line = before & ((1 << 40) - 1)
        return location(names[before >> 40], packed_line - 1 if packed_line else None)

    def duplicate_message(self, doc_id: str, before: str) -> str:
        hint = (
            'set input.id_mode = "prefix-file" (--id-mode prefix-file: ids become '
            '"<file>:<id>") or "generate" ("<file>:<line>"), or set --id-field to a '
            "unique field"
            if self.mode == "strict"
            else 'set input.id_mode = "generate" (ids become "<file>:<line>")'
        )
        return (
            f"duplicate document id {doc_id!r} (first seen at {before}): every output record "
            f"is addressed by id, so the run stops rather than lose or rename a document; "
            f"fix the input, or {hint}"
        )
