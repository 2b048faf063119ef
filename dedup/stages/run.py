"""The cleaning pipeline, stage by stage, over an engine and an on-disk spool.

    read + extract (HTML)  -> spool chunks          (workers, per chunk)   read.py
    learn site templates   <- spool                 (driver, streaming)    templates.py
    boilerplate + sign     -> spool analyses        (workers, per chunk)   sign.py
    [against an index: drop copies of indexed documents and passages]      index.py
    document dedup         (band keys -> pairs -> verify -> components -> keepers)  documents.py
    passage dedup          (one band at a time, over surviving documents)  passages.py
    rewrite + write        <- spool, chunk by chunk (driver, streaming)    write.py
    report.json                                                            summary.py

Per-chunk work goes through ``engine.map`` in windows of a few chunks, so
memory holds a window of documents, not the corpus. Corpus-wide decisions are
made on the driver in input order, so the result never depends on the engine
or the number of workers.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from dedup.cluster.survivors import survivor_stage
from dedup.config import Config, ConfigError
from dedup.documents import Document
from dedup.engines.base import Engine
from dedup.index import Index
from dedup.io.errors import ErrorLog
from dedup.io.results import CleanResult, ListSink
from dedup.io.spool import Spool
from dedup.sketch.shapes import LshShape, lsh_shapes
from dedup.stages.documents import document_stage
from dedup.stages.index import index_query_stage, index_update_stage
from dedup.stages.job import describe_job, fingerprint, job_differences
from dedup.stages.passages import passage_stage
from dedup.stages.read import spool_stage
from dedup.stages.sign import analyse_stage
from dedup.stages.summary import build_report
from dedup.stages.templates import template_stage
from dedup.stages.timer import StageTimer
from dedup.stages.write import write_stage
from dedup.state.decisions import CutLog, Decisions, Sink


def run_pipeline(
    documents: Iterable[Document],
    config: Config,
    engine: Engine,
    errors: ErrorLog,
    inputs: Sequence[str] = (),
    sink: Sink | None = None,
    work_dir: Path | None = None,
    index: Index | None = None,
    defer_index_update: bool = False,
) -> CleanResult:
    """Run every stage; records go to ``sink`` (kept in memory when none is given).

    A given ``work_dir`` is left in place for the caller (who may still read
    the spooled texts, e.g. for report.html) to remove; without one, a
    temporary directory is used and removed. With ``defer_index_update`` the
    survivors are not added to the index here: the result's ``commit_index`` does it.
    """
    timer = StageTimer(quiet=config.run.quiet)
    memory = ListSink() if sink is None else None
    out: Sink = memory if memory is not None else sink  # type: ignore[assignment]
    shapes = lsh_shapes(config)
    with _work_dir(config, work_dir) as root:
        spool = Spool(root)
        job = describe_job(config, inputs)
        manifest = _resumable(spool, config, job, root)
        with timer.stage("read_extract"):
            n_read = spool_stage(documents, config, engine, spool, errors, timer, manifest, job)
        with timer.stage("templates"):
            templates = template_stage(spool, config, timer)
        with timer.stage("boilerplate_sign"):
            corpus = analyse_stage(spool, config, engine, templates, shapes, timer)
        decisions = Decisions(sink=out, corpus=corpus, cuts=CutLog(root, spool.chunk_sizes))
        if index is not None:
            with timer.stage("index_query"):
                index_query_stage(corpus, spool, config, index, decisions)
        with timer.stage("document_dedup"):
            document_stage(corpus, spool, config, decisions, timer)
        with timer.stage("passage_dedup"):
            shape = LshShape(shapes.passage_bands, shapes.passage_rows)
            passage_stage(corpus, spool, config, shape, decisions, timer)
            survivor_stage(corpus, spool.n_chunks, config, decisions)
        with timer.stage("write"):
            tally = write_stage(spool, config, decisions, out, timer)
        commit: Callable[[], int] | None = None
        if index is not None and config.index.update:
            commit = partial(index_update_stage, corpus, spool, config, index, decisions)
            if not defer_index_update:
                with timer.stage("index_update"):
                    commit()
                commit = None
    report = build_report(
        n_read=n_read,
        n_docs=corpus.n_docs,
        tally=tally,
        decisions=decisions,
        config=config,
        shapes=shapes,
        templates=templates,
        errors=errors,
        stages=timer,
        inputs=inputs,
        workers=engine.workers,
        table_bytes=corpus.nbytes(),
    )
    if memory is not None:
        return CleanResult(memory.documents, memory.removed, memory.clusters, report, commit)
    return CleanResult([], [], [], report, commit)


@contextmanager
def _work_dir(config: Config, work_dir: Path | None) -> Iterator[Path]:
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        yield work_dir
        return
    with tempfile.TemporaryDirectory(prefix="dedup-work-", dir=config.run.work_dir) as tmp:
        yield Path(tmp)


def _resumable(
    spool: Spool, config: Config, job: dict[str, Any], root: Path
) -> dict[str, Any] | None:
    """The manifest of the interrupted run to resume (``--resume``), refused
    when that run was another job or stopped while updating the index."""
    manifest = spool.load_manifest() if config.run.resume else None
    if manifest is not None and manifest.get("fingerprint") != fingerprint(job):
        raise ConfigError(
            f"--resume: the interrupted run in {root.parent} was another job: "
            + "; ".join(job_differences(manifest.get("job") or {}, job))
            + ". Run the same command as before with --resume, or start over "
            "without --resume (and with --force)"
        )
    if manifest is not None and manifest.get("index_update_started"):
        raise ConfigError(
            f"the interrupted run in {root.parent} stopped while adding its documents to "
            f"the index {config.index.against}; the index may already hold them, so a "
            "resumed run would find every document a duplicate of itself. Restore the "
            "index from a copy, or re-run without --update-index and --resume"
        )
    return manifest
