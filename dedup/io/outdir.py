"""OUTDIR layout: what `dedup clean` writes, and how it shows a run is complete.

Every file is written atomically. While a run is writing, OUTDIR holds the
marker file ``.dedup-incomplete``; it is removed only after report.json, the
last file, is in place. A directory with the marker, or without report.json,
is not a finished run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from dedup.io.writers import atomic_writer, write_json, write_jsonl

INCOMPLETE_MARKER = ".dedup-incomplete"
DOCUMENTS = "documents.jsonl"
REMOVED = "removed.jsonl"
CLUSTERS = "clusters.jsonl"
REPORT = "report.json"


@contextlib.contextmanager
def run_marker(outdir: Path) -> Iterator[None]:
    """Mark OUTDIR incomplete for the duration of a run; stale results are cleared."""
    outdir.mkdir(parents=True, exist_ok=True)
    marker = outdir / INCOMPLETE_MARKER
    with atomic_writer(marker) as fh:
        fh.write("a dedup run is writing here, or was killed before it finished\n")
    # A finished report from an earlier run must not sit beside new partial files.
    with contextlib.suppress(FileNotFoundError):
        (outdir / REPORT).unlink()
    yield
    marker.unlink()


def is_complete(outdir: Path) -> bool:
    """True when OUTDIR holds a finished run."""
    return (outdir / REPORT).is_file() and not (outdir / INCOMPLETE_MARKER).exists()


def write_outdir(
    outdir: Path,
    documents: Iterable[dict[str, Any]] | None,
    removed: Iterable[dict[str, Any]],
    clusters: Iterable[dict[str, Any]],
    report: dict[str, Any],
) -> None:
    """Write the run's files; report.json last, so it is the completion signal."""
    if documents is not None:
        write_jsonl(outdir / DOCUMENTS, documents)
    write_jsonl(outdir / REMOVED, removed)
    write_jsonl(outdir / CLUSTERS, clusters)
    write_json(outdir / REPORT, report)
