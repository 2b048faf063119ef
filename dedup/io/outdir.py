"""OUTDIR layout: what `dedup clean` writes, and how it shows a run is complete.

Every file is written atomically. While a run is writing, OUTDIR holds the
marker file ``.dedup-incomplete``; it is removed only after report.json, the
last file, is in place. A directory with the marker, or without report.json,
is not a finished run.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from dedup.io.outfiles import RecordWriter, output_name, variants
from dedup.io.writers import atomic_writer, dumps

INCOMPLETE_MARKER = ".dedup-incomplete"
WORK_DIR = ".dedup-work"
DOCUMENTS = "documents.jsonl"
REMOVED = "removed.jsonl"
CLUSTERS = "clusters.jsonl"
REPORT = "report.json"
REPORT_HTML = "report.html"
# The exact texts report.html shows, so `dedup report` rebuilds the same page.
REPORT_TEXTS = "report-texts.gz"
# Every file a run writes (in the default output.format); an earlier run's
# files of these names are replaced.
RUN_FILES = (DOCUMENTS, REMOVED, CLUSTERS, REPORT, REPORT_HTML, REPORT_TEXTS)
# The same with documents and removed in every output.format (dedup.io.outfiles).
ALL_RUN_FILES = (
    *(f"{stem}.{fmt}" for stem in ("documents", "removed") for fmt in ("jsonl.gz", "parquet")),
    *RUN_FILES,
)


class OutdirError(ValueError):
    """OUTDIR or an INPUT that a run must not use; the message says what to do."""


@contextlib.contextmanager
def run_marker(outdir: Path) -> Iterator[None]:
    """Mark OUTDIR incomplete for the duration of a run; stale results are cleared."""
    outdir.mkdir(parents=True, exist_ok=True)
    marker = outdir / INCOMPLETE_MARKER
    # A killed run leaves its half-written temporaries (atomic_writer removes
    # them on any exception it sees, not on SIGKILL); this run replaces them.
    for name in ALL_RUN_FILES:
        for tmp in [*outdir.glob(f".{name}.*.tmp"), *outdir.glob(f".{name}.*.spool")]:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
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
    ``fmt`` is ``output.format`` for documents and removed records (clusters
    stay JSONL); ``arrow_types`` the Parquet inputs' column types, kept in
    Parquet output. A file an earlier run wrote in another format is removed,
    so OUTDIR never holds two versions of one output.
    """

    def __init__(
        self,
        outdir: Path,
        documents: bool = True,
        fmt: str = "jsonl",
        arrow_types: Any = None,
    ) -> None:
        self.outdir = outdir
        self._want_documents = documents
        self._fmt = fmt
        self._arrow_types = arrow_types
        self._stack = contextlib.ExitStack()
        self._files: dict[str, RecordWriter] = {}

    def __enter__(self) -> FileSink:
        names = [DOCUMENTS] if self._want_documents else []
        for name in [*names, REMOVED, CLUSTERS]:
            fmt = "jsonl" if name == CLUSTERS else self._fmt
            target = self.outdir / output_name(name, fmt)
            for other in variants(name):
                if other != target.name:
                    with contextlib.suppress(FileNotFoundError):
                        (self.outdir / other).unlink()
            types = self._arrow_types if name == DOCUMENTS else None
            self._files[name] = self._stack.enter_context(RecordWriter(target, fmt, types))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.__exit__(*exc)  # type: ignore[arg-type]

    def _write(self, name: str, record: dict[str, Any]) -> None:
        self._files[name].write(record)

    def document(self, record: dict[str, Any]) -> None:
        if self._want_documents:
            self._write(DOCUMENTS, record)

    def removal(self, record: dict[str, Any]) -> None:
        self._write(REMOVED, record)

    def cluster(self, record: dict[str, Any]) -> None:
        self._write(CLUSTERS, record)


class StreamSink(FileSink):
    """Cleaned documents as JSONL on a text stream; the rest to OUTDIR if given."""

    def __init__(self, stream: IO[str], report_dir: Path | None, fmt: str = "jsonl") -> None:
        super().__init__(report_dir or Path("."), documents=False, fmt=fmt)
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


def is_interrupted(outdir: Path) -> bool:
    """True when a run into OUTDIR was interrupted (killed, Ctrl-C, a failure)."""
    return (outdir / INCOMPLETE_MARKER).exists()


def is_dedup_run(outdir: Path) -> bool:
    """True when OUTDIR holds a run of dedup, finished or interrupted."""
    if is_interrupted(outdir) or (outdir / WORK_DIR).is_dir():
        return True
    try:
        report = json.loads((outdir / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(report, dict) and "dedup_version" in report and "documents" in report


def check_outdir(
    outdir: Path,
    inputs: Sequence[str],
    *,
    resume: bool = False,
    force: bool = False,
    resumable: bool = True,
) -> None:
    """Refuse, before anything is read, an OUTDIR a run must not write into.

    - a non-empty directory that is not an earlier dedup run (its files of the
      names a run writes would be replaced): ``force`` overrides;
    - an interrupted run, without ``resume`` (which finishes it) or ``force``
      (which starts over);
    - an INPUT that contains OUTDIR, or an earlier run's output files: they
      would be read as documents (``force`` overrides the latter only).

    ``resumable`` False (the ``--report-dir`` of ``-o -``, which keeps no
    work to resume) takes an interrupted run there as an earlier run.
    """
    target = outdir.resolve()
    for item in inputs:
        if item == "-":
            continue
        src = Path(item).resolve()
        if target == src or src in target.parents:
            raise OutdirError(
                f"INPUT {item} contains OUTDIR {outdir}: the run would read its own output "
                "as documents. Write OUTDIR outside the input"
            )
        if not force:
            found = _earlier_run_in(Path(item))
            if found is not None:
                raise OutdirError(
                    f"INPUT {item} holds the output of an earlier dedup run ({found}); its "
                    "removed.jsonl and clusters.jsonl would be read as documents. Give the "
                    "run's documents.jsonl as the input instead, or add --force"
                )
    if force or not outdir.exists():
        return
    if not outdir.is_dir():
        raise OutdirError(f"OUTDIR {outdir} exists and is not a directory")
    if resumable and is_interrupted(outdir) and not resume:
        raise OutdirError(
            f"OUTDIR {outdir} holds an interrupted run: add --resume to finish it (the "
            "same inputs and options), or --force to start it over"
        )
    if any(outdir.iterdir()) and not is_dedup_run(outdir):
        raise OutdirError(
            f"OUTDIR {outdir} is not empty and is not an earlier dedup run; its "
            f"{', '.join(RUN_FILES)} would be replaced. Choose an empty or new directory, "
            "or add --force"
        )


def _earlier_run_in(path: Path) -> Path | None:
    """The first directory at or under ``path`` holding a dedup run, if any."""
    if path.is_file():
        # A run's removed.jsonl or clusters.jsonl named as an input file;
        # its documents.jsonl is a corpus, and reading it again is a real use.
        if path.name in (*variants(REMOVED), CLUSTERS) and is_dedup_run(path.parent):
            return path.parent
        return None
    for root, dirs, files in os.walk(path):
        here = Path(root)
        has_removed = any(name in files for name in variants(REMOVED))
        looks_like_run = INCOMPLETE_MARKER in files or (REPORT in files and has_removed)
        if looks_like_run and is_dedup_run(here):
            return here
        # A run's scratch holds no input files (only .pkl/.npy); no need to walk it.
        dirs[:] = sorted(d for d in dirs if d != WORK_DIR)
    return None
