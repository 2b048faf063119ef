"""What a run returns: its records (in memory, or read back from OUTDIR one at a
time) and its report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dedup.io.outdir import CLUSTERS, DOCUMENTS, REMOVED
from dedup.io.outfiles import find_output, iter_output


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one of OUTDIR's JSONL files, in file order, one line at a time.

    Raises FileNotFoundError naming the file when the run did not write it.
    """
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


@dataclass
class ListSink:
    """Keeps every record in memory (the Python API's in-memory mode)."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[dict[str, Any]] = field(default_factory=list)

    def document(self, record: dict[str, Any]) -> None:
        self.documents.append(record)

    def removal(self, record: dict[str, Any]) -> None:
        self.removed.append(record)

    def cluster(self, record: dict[str, Any]) -> None:
        self.clusters.append(record)


@dataclass
class CleanResult:
    """A run's records (the lists: only when kept in memory) and its report.

    ``iter_documents()``, ``iter_removed()`` and ``iter_clusters()`` give the
    records whichever way the run went: from memory, or read back one at a
    time from ``outdir`` when they were written there (the lists are then
    empty, so a large run never sits in memory). ``commit_index`` is set when
    the caller asked to add the survivors to the index itself, after its
    outputs are final; it returns how many entries it added.
    """

    documents: list[dict[str, Any]]
    removed: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    report: dict[str, Any]
    commit_index: Callable[[], int] | None = None
    # Where the records were written (None: in memory); with -o - the documents
    # went to a stream and only removed/clusters are in ``outdir`` (--report-dir).
    outdir: Path | None = None
    documents_streamed: bool = False

    def iter_documents(self) -> Iterator[dict[str, Any]]:
        if self.documents_streamed:
            raise ValueError("the documents were streamed to stdout; they are not kept")
        return self._records(self.documents, DOCUMENTS)

    def iter_removed(self) -> Iterator[dict[str, Any]]:
        return self._records(self.removed, REMOVED)

    def iter_clusters(self) -> Iterator[dict[str, Any]]:
        return self._records(self.clusters, CLUSTERS)

    def _records(self, held: list[dict[str, Any]], name: str) -> Iterator[dict[str, Any]]:
        if self.outdir is None:
            if self.documents_streamed:
                raise ValueError(f"{name} was not written (-o - without a report directory)")
            return iter(held)
        # documents and removed in whichever output.format the run wrote.
        return iter_output(find_output(self.outdir, name))
