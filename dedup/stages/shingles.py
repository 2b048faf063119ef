"""The spooled signatures and shingle sets, read back for verification."""

from __future__ import annotations

from typing import Any

import numpy as np

from dedup.config import Config
from dedup.io.spool import MappedRagged, RaggedView, Spool


def document_signatures(spool: Spool) -> np.ndarray:
    """Every document's MinHash signature, one row each (estimated verification)."""
    parts = [spool.read(("analysis", k)).docs.signatures for k in range(spool.n_chunks)]
    return np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.uint32)


def shingle_budget(config: Config) -> int:
    # Shingles are uint64, gathered once into one buffer per tile.
    return max(1, config.run.verify_memory_mb * (1 << 20) // 8)


def shingle_view(spool: Spool, level: str, sizes: list[int]) -> RaggedView:
    # Memory-mapped columns, not the pickled analysis: verification and the
    # keeper split look sets up across many chunks, and re-unpickling a chunk
    # per lookup was most of the document stage on heavily duplicated corpora.
    def load(k: int) -> Any:
        return MappedRagged(*spool.shingle_columns(level, k))

    return RaggedView(load, sizes)
