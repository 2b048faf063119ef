"""The Python API: clean(), clean_records(), strip().

>>> from dedup import Config, clean_records
>>> result = clean_records([{"id": "a", "text": "Read more: elsewhere\\nA real line."}])
>>> result.documents[0]["text"]
'A real line.'
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from dedup.analysis import extract_chunk
from dedup.boilerplate import classify_text, explain_lines
from dedup.config import Config
from dedup.documents import InputError
from dedup.engines import Engine, make_engine
from dedup.index import Index, IndexParams, open_index
from dedup.io.outdir import REPORT, WORK_DIR, FileSink, StreamSink, run_marker
from dedup.io.readers import ErrorLog, iter_records, read_inputs
from dedup.io.spool import Spool, SpoolTexts
from dedup.io.writers import write_json
from dedup.pipeline import CleanResult, run_pipeline
from dedup.report import write_report_html

log = logging.getLogger(__name__)


@contextlib.contextmanager
def _resources(config: Config, quiet: bool) -> Iterator[tuple[Engine, Index | None]]:
    """The engine and, with ``index.against``, the opened persistent index."""
    index = None
    if config.index.against:
        index = open_index(
            config.index.against,
            IndexParams.from_config(config),
            create=config.index.update,
            name=config.index.name,
        )
    try:
        engine = make_engine(
            config.run.engine, config.run.workers, quiet=quiet, address=config.run.ray_address
        )
        try:
            yield engine, index
        finally:
            engine.close()
    finally:
        if index is not None:
            index.close()


def clean_records(
    records: Iterable[dict[str, Any]],
    config: Config | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> CleanResult:
    """Clean in-memory records (dicts with ``text`` and ``id`` fields); nothing is written."""
    config = config or Config()
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    with _resources(config, quiet=True) as (engine, index):
        docs = iter_records(records, config.input, errors)
        return run_pipeline(docs, config, engine, errors, index=index)


def clean(
    inputs: Sequence[str],
    outdir: str | Path | None,
    config: Config | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    report_dir: str | Path | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> CleanResult:
    """Clean files, directories or ``-`` (JSONL on stdin) and write OUTDIR.

    Records stream to OUTDIR's files (the returned result then holds only the
    report); ``outdir="-"`` streams cleaned documents as JSONL to ``stdout``
    and the other files to ``report_dir`` when given; ``outdir=None`` writes
    nothing and returns every record in memory.
    """
    config = config or Config()
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    with _resources(config, quiet=config.run.quiet) as (engine, index):
        docs = read_inputs(inputs, config.input, errors, stdin=stdin)
        if outdir is None:
            return run_pipeline(docs, config, engine, errors, inputs, index=index)
        if str(outdir) == "-":
            target = Path(report_dir) if report_dir is not None else None
            stream = stdout if stdout is not None else sys.stdout
            with contextlib.ExitStack() as stack:
                if target is not None:
                    stack.enter_context(run_marker(target))
                with StreamSink(stream, target) as sink:
                    result = run_pipeline(
                        docs, config, engine, errors, inputs, sink=sink, index=index
                    )
                stream.flush()
                if target is not None:
                    write_json(target / REPORT, result.report)
                    write_report_html(target)
            return result
        target = Path(outdir)
        work = target / WORK_DIR
        with run_marker(target):
            with FileSink(target) as sink:
                result = run_pipeline(
                    docs,
                    config,
                    engine,
                    errors,
                    inputs,
                    sink=sink,
                    work_dir=work,
                    index=index,
                    defer_index_update=True,
                )
            write_json(target / REPORT, result.report)
            write_report_html(target, SpoolTexts(work))
            if result.commit_index is not None:
                _commit_index(result, target, work)
            shutil.rmtree(work, ignore_errors=True)
        return result


def _commit_index(result: CleanResult, target: Path, work: Path) -> None:
    """Add the survivors to the index once every output file is final.

    A failure while writing OUTDIR then leaves the index untouched, so the run
    can be resumed; the manifest notes the update first, so a resume after a
    crash *during* it is refused instead of finding every document in the index.
    """
    spool = Spool(work)
    manifest = spool.load_manifest() or {}
    spool.save_manifest({**manifest, "index_update_started": True})
    added = result.commit_index() if result.commit_index is not None else 0
    result.report["index"]["added"] = added
    write_json(target / REPORT, result.report)


class _Discard:
    """A sink that keeps nothing (index building needs no records)."""

    def document(self, record: dict[str, Any]) -> None:
        pass

    def removal(self, record: dict[str, Any]) -> None:
        pass

    def cluster(self, record: dict[str, Any]) -> None:
        pass


def build_index(
    inputs: Sequence[str],
    location: str,
    config: Config | None = None,
    *,
    name: str | None = None,
    stdin: IO[bytes] | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> CleanResult:
    """Clean ``inputs`` and add what survives (documents and passages) to the
    persistent index at ``location``, creating it if needed, in one transaction.

    Documents already in the index are deduplicated against it first, so
    building twice from the same input adds nothing new.
    """
    config = (config or Config()).replace(index={"against": location, "update": True, "name": name})
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    with _resources(config, quiet=config.run.quiet) as (engine, index):
        docs = read_inputs(inputs, config.input, errors, stdin=stdin)
        return run_pipeline(docs, config, engine, errors, inputs, sink=_Discard(), index=index)


def explain(
    inputs: Sequence[str],
    config: Config | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """(doc_id, a table of every line with its label and reason) per document:
    what `dedup strip --explain` prints. HTML is extracted first, as in a run."""
    config = config or Config()
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    for doc in read_inputs(inputs, config.input, errors):
        inp = config.input
        kept, failed = extract_chunk([doc], config.boilerplate, inp.url_field, inp.date_field)
        for _, message in failed:
            errors.add(doc.source, doc.line, message)
        for d in kept:
            decisions = classify_text(
                d.text,
                config.boilerplate,
                None,
                d.site,
                line_roles=d.line_roles,
                keep_title=config.boilerplate.keep_title,
            )
            yield d.doc_id, explain_lines(decisions)


def strip_config(config: Config | None = None) -> Config:
    """The config for boilerplate-only runs: both dedup levels off."""
    return (config or Config()).replace(document={"enabled": False}, passage={"enabled": False})


def strip(
    inputs: Sequence[str],
    outdir: str | Path | None,
    config: Config | None = None,
    **kwargs: Any,
) -> CleanResult:
    """Boilerplate removal only (no deduplication); same outputs as :func:`clean`."""
    return clean(inputs, outdir, strip_config(config), **kwargs)
