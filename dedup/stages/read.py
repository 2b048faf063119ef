"""Read + extract: the input in chunks, HTML extracted in workers, documents spooled."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from dedup.config import Config
from dedup.documents import Document
from dedup.engines.base import Engine
from dedup.io.errors import ErrorLog
from dedup.io.spool import Spool
from dedup.stages.analyse import extract_chunk
from dedup.stages.job import fingerprint
from dedup.stages.memory import release_free_memory
from dedup.stages.timer import StageTimer
from dedup.stages.windows import batched, window


def spool_stage(
    documents: Iterable[Document],
    config: Config,
    engine: Engine,
    spool: Spool,
    errors: ErrorLog,
    stages: StageTimer,
    manifest: dict[str, Any] | None = None,
    job: dict[str, Any] | None = None,
) -> int:
    """Read the input in chunks, extract HTML in workers, spool the documents.

    With a manifest from an interrupted run of the same job whose reading had
    finished, the spooled chunks are reused and the input is not read again;
    the bad-input reports of that reading are replayed so the report is the same.
    """
    if manifest is not None and manifest.get("read_complete"):
        spool.chunk_sizes = [int(n) for n in manifest["chunk_sizes"]]
        for e in manifest["errors"]:
            errors.add(e["source"], e["line"], e["message"])
        errors.replay_notices(manifest.get("notices", {}))
        return int(manifest["n_read"])
    spool.clear()
    # The job is recorded before anything is read, so that --resume after a
    # crash while reading can still tell the same job from another one.
    described = {"fingerprint": fingerprint(job), "job": job} if job is not None else {}
    spool.save_manifest({**described, "read_complete": False})
    chunk_docs = config.run.chunk_docs
    size = window(engine)
    fn = partial(
        extract_chunk,
        config=config.boilerplate,
        url_field=config.input.url_field,
        date_field=config.input.date_field,
    )
    n_read = 0
    with stages.bar(None, "read", unit="doc") as bar:
        for chunks in batched(batched(documents, chunk_docs), size):
            n_read += sum(len(c) for c in chunks)
            results = (
                engine.map(fn, chunks)
                if any(d.html for c in chunks for d in c)
                else [(c, []) for c in chunks]
            )
            for chunk, (kept, failed) in zip(chunks, results, strict=True):
                for pos, message in failed:
                    errors.add(chunk[pos].source, chunk[pos].line, message)
                if kept:
                    spool.add_chunk(kept)
            bar.update(sum(len(c) for c in chunks))
            release_free_memory()
    spool.save_manifest(
        {
            **described,
            "read_complete": True,
            "n_read": n_read,
            "chunk_sizes": spool.chunk_sizes,
            "errors": [e.to_json() for e in errors.errors],
            "notices": errors.notices_json(),
        }
    )
    return n_read
