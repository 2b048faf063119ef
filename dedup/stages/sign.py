"""Boilerplate + sign: every spooled chunk analysed in workers
(:func:`dedup.stages.analyse.analyse_chunk`), its results spooled to disk and
gathered into the corpus table the corpus-wide stages work on."""

from __future__ import annotations

from functools import partial

from dedup.boilerplate import SiteTemplates
from dedup.config import Config
from dedup.engines.base import Engine
from dedup.io.spool import Spool
from dedup.sketch.shapes import Shapes
from dedup.stages.analyse import analyse_chunk
from dedup.stages.memory import release_free_memory
from dedup.stages.timer import StageTimer
from dedup.stages.windows import batched, window
from dedup.state.corpus_table import CorpusBuilder, CorpusTable


def analyse_stage(
    spool: Spool,
    config: Config,
    engine: Engine,
    templates: SiteTemplates | None,
    shapes: Shapes,
    stages: StageTimer,
) -> CorpusTable:
    """Boilerplate, signatures and band keys of every chunk, spooled to disk."""
    corpus = CorpusBuilder(spool.root)
    fn = partial(analyse_chunk, config=config, templates=templates, shapes=shapes)
    size = window(engine)
    with stages.bar(spool.n_chunks, "analyse") as bar:
        for ks in batched(range(spool.n_chunks), size):
            chunks = {k: spool.read(("docs", k)) for k in ks}
            # Chunks an interrupted run already analysed are read back, not redone.
            todo = [k for k in ks if not _analysed(spool, k)]
            fresh = dict(zip(todo, engine.map(fn, [chunks[k] for k in todo]), strict=True))
            for k in ks:
                if k in fresh:
                    analysis = fresh[k]
                    # Band keys first, analysis last: the analysis file marks the chunk done.
                    # One band per row, so a band is one contiguous read later.
                    spool.save_array("pkeys", k, analysis.passages.keys.T.copy())
                    spool.save_shingle_columns(k, analysis)
                    # The boilerplate cuts on their own: the writer needs only
                    # them, not the whole analysis (signatures and shingle sets).
                    spool.write(("bpcuts", k), analysis.cuts)
                    spool.write(("analysis", k), analysis)
                else:
                    analysis = spool.read(("analysis", k))
                    stages.resumed_chunks += 1
                corpus.add(chunks[k], analysis)
                bar.update(1)
            del chunks, fresh
            release_free_memory()
    return corpus.freeze()


def _analysed(spool: Spool, k: int) -> bool:
    return spool.has(("analysis", k)) and spool.array_path("pkeys", k).is_file()
