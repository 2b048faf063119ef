"""The output records, defined once: what documents/removed/clusters.jsonl hold.

The write stage builds every record through these types and the report and
evaluation read them back through ``from_json``, so a field is named, ordered
and checked in one place. ``to_json`` gives the exact key order of the files
(it is part of the output's bytes); ``from_json(data, where)`` raises a
ValueError naming ``where`` (e.g. ``"OUT/clusters.jsonl:12"``) for a malformed
record, so a hand-edited or truncated file is reported, not half-read.

Offsets are Python string indices (code points) into a document's original text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, cast

RemovalKind = Literal["boilerplate", "duplicate_document", "duplicate_passage"]
REMOVAL_KINDS: Final = ("boilerplate", "duplicate_document", "duplicate_passage")


# ------------------------------------------------------------------ checking


def _mapping(data: Any, where: str, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: {what} must be a JSON object, got {type(data).__name__}")
    return data


def _get(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ValueError(f"{where}: missing field {key!r}")
    return data[key]


def _str(data: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
    value = _get(data, key, where)
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: field {key!r} must be a string, got {value!r}")
    return value


def _int(data: Mapping[str, Any], key: str, where: str) -> int:
    value = _get(data, key, where)
    # bool is an int to Python, never an offset or a count here.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{where}: field {key!r} must be an integer, got {value!r}")
    return value


def _number(data: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> Any:
    value = _get(data, key, where)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: field {key!r} must be a number, got {value!r}")
    return value


def _span(data: Mapping[str, Any], where: str) -> tuple[str, int, int]:
    doc_id = _str(data, "doc_id", where)
    start = _int(data, "start", where)
    end = _int(data, "end", where)
    if not 0 <= start <= end:
        raise ValueError(f"{where}: span [{start}, {end}) is not 0 <= start <= end")
    return doc_id, start, end


def _index(data: Mapping[str, Any], where: str) -> str | None:
    return cast("str | None", _str(data, "index", where)) if "index" in data else None


# ---------------------------------------------------------------- removed.jsonl


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

    @classmethod
    def from_json(cls, data: Any, where: str) -> SpanRef:
        d = _mapping(data, where, "a kept span")
        return cls(*_span(d, where), index=_index(d, where))


@dataclass(frozen=True)
class Removal:
    """One thing removed from one document, never silent (a line of removed.jsonl).

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

    @classmethod
    def from_json(cls, data: Any, where: str) -> Removal:
        d = _mapping(data, where, "a removed record")
        doc_id, start, end = _span(d, where)
        kind = _str(d, "kind", where)
        if kind not in REMOVAL_KINDS:
            raise ValueError(f"{where}: kind {kind!r} is not one of {', '.join(REMOVAL_KINDS)}")
        kept = _get(d, "kept", where)
        return cls(
            doc_id,
            kind,
            _str(d, "reason", where),
            start,
            end,
            _str(d, "text", where),
            _str(d, "cluster_id", where, optional=True),
            None if kept is None else SpanRef.from_json(kept, f"{where} (kept)"),
        )


# -------------------------------------------------------------- documents.jsonl


class _Absent:
    """No "previous" value: the input had no "dedup" field (None is an input's null)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class DedupBlock:
    """A kept document's ``dedup`` object: what was removed from it, and why.

    ``input_id`` is the input's own id when ``input.id_mode`` rewrote it;
    ``previous`` an input's own ``dedup`` value (e.g. an earlier run's), kept
    inside ours so nothing of the input is lost.
    """

    cluster_id: str | None
    boilerplate_chars: int
    passage_chars: int
    removed_spans: int
    chars_in: int
    chars_out: int
    input_id: Any = None
    previous: Any = ABSENT
    # Every written document is the kept copy of its cluster (or of none).
    canonical: bool = True

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "cluster_id": self.cluster_id,
            "canonical": self.canonical,
            "removed_chars": {
                "boilerplate": self.boilerplate_chars,
                "duplicate_passage": self.passage_chars,
            },
            "removed_spans": self.removed_spans,
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
        }
        if self.input_id is not None:
            out["input_id"] = self.input_id
        if self.previous is not ABSENT:
            out["previous"] = self.previous
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> DedupBlock:
        d = _mapping(data, where, "a document's dedup field")
        canonical = _get(d, "canonical", where)
        if not isinstance(canonical, bool):
            raise ValueError(f"{where}: field 'canonical' must be true or false, got {canonical!r}")
        chars = _mapping(_get(d, "removed_chars", where), where, "removed_chars")
        return cls(
            _str(d, "cluster_id", where, optional=True),
            _int(chars, "boilerplate", f"{where} (removed_chars)"),
            _int(chars, "duplicate_passage", f"{where} (removed_chars)"),
            _int(d, "removed_spans", where),
            _int(d, "chars_in", where),
            _int(d, "chars_out", where),
            d.get("input_id"),
            d.get("previous", ABSENT),
            canonical,
        )


# --------------------------------------------------------------- clusters.jsonl


@dataclass(frozen=True)
class ClusterMember:
    """One member of a cluster; ``index`` names the index an indexed copy is in,
    ``score`` is the keeper policy's score (None for an indexed copy)."""

    doc_id: str
    start: int
    end: int
    score: float | None
    similarity: float
    index: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_id": self.doc_id, "start": self.start, "end": self.end}
        if self.index is not None:
            out["index"] = self.index
        out["score"] = self.score
        out["similarity"] = self.similarity
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> ClusterMember:
        d = _mapping(data, where, "a cluster member")
        return cls(
            *_span(d, where),
            _number(d, "score", where, optional=True),
            _number(d, "similarity", where),
            _index(d, where),
        )


@dataclass(frozen=True)
class Canonical:
    """The copy a cluster keeps, the policy that chose it and why; ``removed``
    when the ``drop_all`` index policy removed it too."""

    doc_id: str
    start: int
    end: int
    policy: str
    score: float | None
    why: str
    index: str | None = None
    removed: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_id": self.doc_id, "start": self.start, "end": self.end}
        if self.index is not None:
            out["index"] = self.index
        out["policy"] = self.policy
        out["score"] = self.score
        out["why"] = self.why
        if self.removed:
            out["removed"] = True
        return out

    @classmethod
    def from_json(cls, data: Any, where: str) -> Canonical:
        d = _mapping(data, where, "a cluster's canonical")
        removed = d.get("removed", False)
        if not isinstance(removed, bool):
            raise ValueError(f"{where}: field 'removed' must be true or false, got {removed!r}")
        return cls(
            *_span(d, where),
            _str(d, "policy", where),
            _number(d, "score", where, optional=True),
            _str(d, "why", where),
            _index(d, where),
            removed,
        )


@dataclass(frozen=True)
class ClusterRecord:
    """One line of clusters.jsonl: a group of copies and the one kept.

    ``level`` is ``document`` or ``passage``; ``similarity`` the lowest of the
    members' similarities to the kept copy.
    """

    cluster_id: str
    level: str
    members: tuple[ClusterMember, ...]
    canonical: Canonical
    similarity: float

    def to_json(self) -> dict[str, Any]:
        return {
            "cluster_id": self.cluster_id,
            "level": self.level,
            "members": [m.to_json() for m in self.members],
            "canonical": self.canonical.to_json(),
            "similarity": self.similarity,
        }

    @classmethod
    def from_json(cls, data: Any, where: str) -> ClusterRecord:
        d = _mapping(data, where, "a cluster record")
        members = _get(d, "members", where)
        if not isinstance(members, list) or not members:
            raise ValueError(f"{where}: field 'members' must be a non-empty list")
        return cls(
            _str(d, "cluster_id", where),
            _str(d, "level", where),
            tuple(
                ClusterMember.from_json(m, f"{where} (member {i})") for i, m in enumerate(members)
            ),
            Canonical.from_json(_get(d, "canonical", where), f"{where} (canonical)"),
            _number(d, "similarity", where),
        )
