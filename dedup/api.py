"""The Python API: clean(), clean_records(), clean_dataset(), strip().

>>> from dedup import Config, clean_records
>>> result = clean_records([{"id": "a", "text": "Read more: elsewhere\\nA real line."}])
>>> result.documents[0]["text"]
'A real line.'

As a library dedup prints nothing: bad records and notices go to the
``dedup`` logger (and to ``on_error``), which has a NullHandler until the
application configures logging; progress bars appear only with
``run.quiet = False`` on a terminal.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dedup.boilerplate import classify_text, explain_lines, learn_templates
from dedup.config import Config
from dedup.documents import InputError
from dedup.engines import Engine, make_engine
from dedup.index import Index, IndexParams, open_index
from dedup.io.errors import ErrorLog
from dedup.io.outdir import REPORT, WORK_DIR, FileSink, StreamSink, run_marker
from dedup.io.outfiles import input_arrow_types
from dedup.io.readers import iter_records, read_inputs
from dedup.io.results import CleanResult
from dedup.io.spool import Spool
from dedup.io.writers import write_json
from dedup.report.page import write_report_html
from dedup.report.texts import SpoolPageTexts
from dedup.stages.analyse import extract_chunk
from dedup.stages.run import run_pipeline

if TYPE_CHECKING:
    from dedup.integrations.hf_datasets import CleanedDataset

log = logging.getLogger(__name__)

# One input, or many: what clean() and strip() accept as ``inputs``.
Inputs = str | Path | Sequence[str | Path]


def input_list(inputs: Inputs) -> list[str]:
    """``inputs`` as a list of paths (or ``-``); a lone str or Path is one input.

    >>> input_list("corpus.jsonl"), input_list(Path("a")), input_list(["a", Path("b")])
    (['corpus.jsonl'], ['a'], ['a', 'b'])
    >>> input_list(b"corpus.jsonl")
    Traceback (most recent call last):
    ...
    TypeError: inputs must be a path (str or pathlib.Path) or a list of paths, got bytes
    """
    if isinstance(inputs, (str, Path)):
        return [str(inputs)]
    if isinstance(inputs, Sequence) and not isinstance(inputs, (bytes, bytearray)):
        bad = [type(i).__name__ for i in inputs if not isinstance(i, (str, Path))]
        if not bad:
            return [str(i) for i in inputs]
        raise TypeError(f"inputs must be paths (str or pathlib.Path); got a {bad[0]} in the list")
    raise TypeError(
        "inputs must be a path (str or pathlib.Path) or a list of paths, "
        f"got {type(inputs).__name__}"
    )


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
    """Clean in-memory records (dicts with ``text`` and ``id`` fields); nothing is written.

    The result holds every record in memory (``result.documents``, or
    ``result.iter_documents()`` as for :func:`clean`).
    """
    config = config or Config()
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    with _resources(config, quiet=True) as (engine, index):
        docs = iter_records(records, config.input, errors)
        return run_pipeline(docs, config, engine, errors, index=index)


def clean_dataset(
    dataset: Any,
    config: Config | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> CleanedDataset:
    """Clean a Hugging Face ``datasets.Dataset`` (rows with ``text`` and ``id`` columns).

    Returns ``.documents``, a ``datasets.Dataset`` of the kept documents (its
    passed-through columns keep the input's Arrow types), ``.removed`` and
    ``.clusters`` as datasets too, and ``.report``. Everything is in memory,
    as for :func:`clean_records`; for a dataset saved with ``save_to_disk``,
    ``clean(directory, outdir)`` (or ``dedup clean DIR``) streams it instead.
    Needs the ``datasets`` extra.
    """
    from dedup.integrations.hf_datasets import CleanedDataset, require_datasets, to_dataset

    datasets = require_datasets()
    if isinstance(dataset, datasets.DatasetDict):
        raise TypeError(
            "clean_dataset takes one split (a datasets.Dataset), got a DatasetDict: "
            "pass dataset['train'], or concatenate the splits first"
        )
    if not isinstance(dataset, datasets.Dataset):
        raise TypeError(f"clean_dataset takes a datasets.Dataset, got {type(dataset).__name__}")
    # Plain Python rows (no numpy/torch formatting): what the record reader expects.
    rows = dataset.with_format(None)
    result = clean_records(iter(rows), config, on_error=on_error)
    types = rows.data.schema
    return CleanedDataset(
        documents=to_dataset(result.documents, types),
        removed=to_dataset(result.removed),
        clusters=to_dataset(result.clusters),
        report=result.report,
    )


def clean(
    inputs: Inputs,
    outdir: str | Path | None,
    config: Config | None = None,
    *,
    stdin: IO[bytes] | None = None,
    stdout: IO[str] | None = None,
    report_dir: str | Path | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> CleanResult:
    """Clean files, directories or ``-`` (JSONL on stdin) and write OUTDIR.

    ``inputs`` is one path (str or Path) or a list of them. Records stream to
    OUTDIR's files and are not held in memory: ``result.iter_documents()``,
    ``iter_removed()`` and ``iter_clusters()`` read them back one at a time,
    ``result.report`` is report.json. ``outdir="-"`` streams cleaned documents
    as JSONL to ``stdout`` and the other files to ``report_dir`` when given;
    ``outdir=None`` writes nothing and keeps every record in memory
    (``result.documents`` ...).
    """
    paths = input_list(inputs)
    config = config or Config()
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    with _resources(config, quiet=config.run.quiet) as (engine, index):
        docs = read_inputs(paths, config.input, errors, stdin=stdin)
        run = partial(run_pipeline, docs, config, engine, errors, paths, index=index)
        if outdir is None:
            return run()
        if str(outdir) == "-":
            target = Path(report_dir) if report_dir is not None else None
            # With a report directory the spool lives there, so report.html is
            # built from (and stores) the exact texts, as in OUTDIR mode.
            work_dir = target / WORK_DIR if target is not None else None
            stream = stdout if stdout is not None else sys.stdout
            with contextlib.ExitStack() as stack:
                if target is not None:
                    stack.enter_context(run_marker(target))
                with StreamSink(stream, target, config.output.format) as sink:
                    result = run(sink=sink, work_dir=work_dir)
                stream.flush()
                if target is not None and work_dir is not None:
                    write_json(target / REPORT, result.report)
                    write_report_html(target, SpoolPageTexts(work_dir))
                    shutil.rmtree(work_dir, ignore_errors=True)
            result.outdir, result.documents_streamed = target, True
            return result
        target = Path(outdir)
        work = target / WORK_DIR
        with run_marker(target):
            types = input_arrow_types(paths) if config.output.format == "parquet" else None
            with FileSink(target, fmt=config.output.format, arrow_types=types) as sink:
                result = run(sink=sink, work_dir=work, defer_index_update=True)
            write_json(target / REPORT, result.report)
            write_report_html(target, SpoolPageTexts(work))
            if result.commit_index is not None:
                _commit_index(result, target, work)
            shutil.rmtree(work, ignore_errors=True)
        result.outdir = target
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
    inputs: Inputs,
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
    paths = input_list(inputs)
    config = (config or Config()).replace(index={"against": location, "update": True, "name": name})
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    with _resources(config, quiet=config.run.quiet) as (engine, index):
        docs = read_inputs(paths, config.input, errors, stdin=stdin)
        return run_pipeline(docs, config, engine, errors, paths, sink=_Discard(), index=index)


def explain(
    inputs: Inputs,
    config: Config | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[tuple[str, str]]:
    """(doc_id, a table of every line with its label and reason) per document:
    what `dedup strip --explain` prints. HTML is extracted first, as in a run."""
    config = config or Config()
    errors = ErrorLog(strict=config.run.strict, on_error=on_error)
    bp = config.boilerplate
    docs = []
    for doc in read_inputs(input_list(inputs), config.input, errors):
        inp = config.input
        kept, failed = extract_chunk([doc], bp, inp.url_field, inp.date_field)
        for _, message in failed:
            errors.add(doc.source, doc.line, message)
        docs.extend(kept)
    # The same site templates as a run learns (dedup.stages.templates.template_stage), so that
    # the table shows what `dedup strip` removes; that needs every page first.
    templates = (
        learn_templates(((d.site, d.text) for d in docs), bp)
        if bp.enabled and bp.templates
        else None
    )
    for d in docs:
        decisions = classify_text(
            d.text, bp, templates, d.site, line_roles=d.line_roles, keep_title=bp.keep_title
        )
        yield d.doc_id, explain_lines(decisions)


def strip_config(config: Config | None = None) -> Config:
    """The config for boilerplate-only runs: both dedup levels off."""
    return (config or Config()).replace(document={"enabled": False}, passage={"enabled": False})


def strip(
    inputs: Inputs,
    outdir: str | Path | None,
    config: Config | None = None,
    **kwargs: Any,
) -> CleanResult:
    """Boilerplate removal only (no deduplication); same outputs as :func:`clean`."""
    return clean(inputs, outdir, strip_config(config), **kwargs)
