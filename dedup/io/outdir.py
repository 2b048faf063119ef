"""OUTDIR layout: what `dedup clean` writes, and how it shows a run is complete.

Every file is written atomically. While a run is writing, OUTDIR holds the
marker file ``.dedup-incomplete``; it is removed only after report.json, the
last file, is in place. A directory with the marker, or without report.json,
is not a finished run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from dedup.io.writers import atomic_writer, dumps

INCOMPLETE_MARKER = ".dedup-incomplete"
WORK_DIR = ".dedup-work"
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


class FileSink:
    """Streams records into OUTDIR's JSONL files, each written atomically.

    Use as a context manager: on success the three files are renamed into
    place; on an exception none of them replaces an earlier file.
    ``documents=False`` leaves documents.jsonl out (they went to stdout).
    """

    def __init__(self, outdir: Path, documents: bool = True) -> None:
        self.outdir = outdir
        self._want_documents = documents
        self._stack = contextlib.ExitStack()
        self._files: dict[str, IO[str]] = {}

    def __enter__(self) -> FileSink:
        names = [DOCUMENTS] if self._want_documents else []
        for name in [*names, REMOVED, CLUSTERS]:
            self._files[name] = self._stack.enter_context(atomic_writer(self.outdir / name))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)  # type: ignore[arg-type]

    def _write(self, name: str, record: dict[str, Any]) -> None:
        fh = self._files[name]
        fh.write(dumps(record))
        fh.write("\n")

    def document(self, record: dict[str, Any]) -> None:
        if self._want_documents:
            self._write(DOCUMENTS, record)

    def removal(self, record: dict[str, Any]) -> None:
        self._write(REMOVED, record)

    def cluster(self, record: dict[str, Any]) -> None:
        self._write(CLUSTERS, record)


class StreamSink(FileSink):
    """Cleaned documents as JSONL on a text stream; the rest to OUTDIR if given."""

    def __init__(self, stream: IO[str], report_dir: Path | None) -> None:
        super().__init__(report_dir or Path("."), documents=False)
        self.stream = stream
        self._report_dir = report_dir

    def __enter__(self) -> StreamSink:
        if self._report_dir is not None:
            super().__enter__()
        return self

    def document(self, record: dict[str, Any]) -> None:
        self.stream.write(dumps(record))
        self.stream.write("\n")

    def removal(self, record: dict[str, Any]) -> None:
        if self._report_dir is not None:
            super().removal(record)

    def cluster(self, record: dict[str, Any]) -> None:
        if self._report_dir is not None:
            super().cluster(record)
