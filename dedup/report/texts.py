"""The texts report.html shows, kept so that ``dedup report OUTDIR`` rebuilds the same page.

At clean time the page is built from the exact original texts (in the run's
spool) and each document's boilerplate cuts, i.e. what near-duplicate
detection compared. The spool is removed when the run ends, and the original
text cannot be rebuilt exactly from documents.jsonl plus removed.jsonl
(tidying after a cut changes whitespace), so the run writes the few texts its
page shows (at most ``max_documents``, each at most ``MAX_STORED_CHARS``) to
``OUTDIR/report-texts.gz``: one JSON line per document, gzip with a fixed
header time, so the file is deterministic. A rebuild reads it and produces a
byte-identical page; a document not in it (a larger ``--max-documents``, or a
run of an older version) falls back to the reconstruction, and the page says
so. The name has no input suffix, so a directory walk never reads it as input.
"""

from __future__ import annotations

import gzip
import json
import pickle
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dedup.io.outdir import REPORT_TEXTS
from dedup.io.writers import atomic_writer, dumps

#: A longer document is not stored (the page shows at most 100,000 characters of
#: it anyway); a rebuild reconstructs it.
MAX_STORED_CHARS = 2_000_000

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class PageText:
    """One document as the page needs it: its exact original text and the spans
    cut as boilerplate before it was compared (None when not known)."""

    text: str
    boilerplate: Spans | None


class SpoolPageTexts(Mapping[str, PageText]):
    """doc_id -> :class:`PageText`, from a run's spool (chunks read on demand)."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._where: dict[str, tuple[int, int]] | None = None
        self._cache: tuple[int, list[Any], list[Any]] | None = None

    def _chunks(self) -> list[int]:
        return sorted(int(p.stem.split("-")[1]) for p in self._root.glob("docs-*.pkl"))

    def _load(self, kind: str, k: int) -> Any:
        with (self._root / f"{kind}-{k:06d}.pkl").open("rb") as fh:
            return pickle.load(fh)

    def _index(self) -> dict[str, tuple[int, int]]:
        if self._where is None:
            self._where = {}
            for k in self._chunks():
                for pos, doc in enumerate(self._load("docs", k)):
                    self._where[doc.doc_id] = (k, pos)
        return self._where

    def __getitem__(self, doc_id: str) -> PageText:
        k, pos = self._index()[doc_id]
        if self._cache is None or self._cache[0] != k:
            # The cuts alone (spooled apart by the analyse stage), not the whole
            # analysis with its signatures and shingle sets; older spools lack them.
            if (self._root / f"bpcuts-{k:06d}.pkl").is_file():
                cuts = self._load("bpcuts", k)
            else:
                cuts = self._load("analysis", k).cuts
            self._cache = (k, self._load("docs", k), cuts)
        _, docs, cuts = self._cache
        spans = tuple(sorted((int(s), int(e)) for s, e, _ in cuts[pos]))
        return PageText(str(docs[pos].text), spans)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return len(self._index())


def write_page_texts(outdir: Path, texts: Mapping[str, PageText], order: Sequence[str]) -> None:
    """Store the shown documents' texts in OUTDIR (atomically, deterministically)."""
    with (
        atomic_writer(outdir / REPORT_TEXTS, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        for doc_id in order:
            t = texts.get(doc_id)
            if t is None or len(t.text) > MAX_STORED_CHARS:
                continue
            bp = None if t.boilerplate is None else [list(s) for s in t.boilerplate]
            record = {"doc_id": doc_id, "text": t.text, "boilerplate": bp}
            gz.write((dumps(record) + "\n").encode("utf-8"))


def read_page_texts(outdir: Path) -> dict[str, PageText]:
    """The texts a run stored for its page; empty when there are none (older runs).

    A damaged file is treated as absent: the page is then rebuilt, and says so.
    """
    path = outdir / REPORT_TEXTS
    out: dict[str, PageText] = {}
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                bp = rec.get("boilerplate")
                spans = None if bp is None else tuple((int(s), int(e)) for s, e in bp)
                out[str(rec["doc_id"])] = PageText(str(rec["text"]), spans)
    except FileNotFoundError:
        return {}
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return {}
    return out


def as_page_texts(originals: Mapping[str, str] | Mapping[str, PageText]) -> Mapping[str, PageText]:
    """Plain texts (the API's older form) as PageTexts with unknown cuts."""
    return _Wrapped(originals)


class _Wrapped(Mapping[str, PageText]):
    def __init__(self, inner: Mapping[str, Any]) -> None:
        self._inner = inner

    def __getitem__(self, doc_id: str) -> PageText:
        v = self._inner[doc_id]
        return v if isinstance(v, PageText) else PageText(str(v), None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)
