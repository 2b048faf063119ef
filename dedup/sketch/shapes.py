"""LSH shapes: how many bands of how many rows each level's LSH uses.

One place decides them for the pipeline and for the persistent index, whose
stored parameters must equal the run's: the config's explicit bands x rows
when both are set, else the shape :func:`dedup.sketch.lsh.optimal_params`
derives from the level's threshold.

>>> from dedup.config import Config
>>> lsh_shapes(Config())
Shapes(doc_bands=39, doc_rows=3, passage_bands=32, passage_rows=4)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dedup.sketch.lsh import optimal_params

if TYPE_CHECKING:
    from dedup.config import Config

__all__ = ["LshShape", "Shapes", "lsh_shape", "lsh_shapes"]


@dataclass(frozen=True)
class LshShape:
    bands: int
    rows: int


def lsh_shape(
    threshold: float,
    num_perm: int,
    bands: int = 0,
    rows: int = 0,
    fp_weight: float = 0.5,
    fn_weight: float = 0.5,
) -> LshShape:
    """The explicit override when given, else bands x rows derived from the threshold."""
    if bands and rows:
        return LshShape(bands, rows)
    # A threshold of 1.0 (exact copies only) has no FN area; take the shape for 0.99.
    b, r = optimal_params(min(threshold, 0.99), num_perm, fp_weight, fn_weight)
    return LshShape(b, r)


@dataclass(frozen=True)
class Shapes:
    """LSH shapes for the two levels (bands, rows)."""

    doc_bands: int
    doc_rows: int
    passage_bands: int
    passage_rows: int


def lsh_shapes(config: Config) -> Shapes:
    """Band shapes for both levels: the override when set, else from the thresholds."""
    num_perm = config.minhash.num_perm
    dc, pc = config.document, config.passage
    d = lsh_shape(dc.threshold, num_perm, dc.bands, dc.rows, dc.lsh_fp_weight, dc.lsh_fn_weight)
    p = lsh_shape(pc.lsh_threshold, num_perm, pc.bands, pc.rows, pc.lsh_fp_weight, pc.lsh_fn_weight)
    return Shapes(d.bands, d.rows, p.bands, p.rows)
