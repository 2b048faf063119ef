"""Per-stage wall time and peak memory (report.json's runtime), and the stages' progress bars.

Its own module, not run.py's: every stage draws its bars through it, and run.py
imports every stage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tqdm import tqdm

from dedup.stages.memory import peak_rss_mb, reset_peak, window_peak_mb, workers_peak_mb
from dedup.stages.progress import progress_bar

log = logging.getLogger(__name__)


@dataclass
class StageTimer:
    """Per-stage wall time and peak memory, for report.json."""

    quiet: bool = True
    resumed_chunks: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    # The driver's peak within each stage (the lifetime peak is their maximum),
    # and the live workers' summed peaks at its end.
    peak_rss_mb: dict[str, float] = field(default_factory=dict)
    workers_peak_rss_mb: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        windowed = reset_peak()
        try:
            yield
        finally:
            self.timings[name] = round(time.perf_counter() - t0, 4)
            self.peak_rss_mb[name] = window_peak_mb() if windowed else peak_rss_mb()
            self.workers_peak_rss_mb[name] = workers_peak_mb()
            # Shown by `dedup --verbose` (the CLI turns the dedup logger to INFO).
            log.info("%s: %.2f s, peak %.0f MB", name, self.timings[name], self.peak_rss_mb[name])

    def bar(self, total: int | None, desc: str, unit: str = "chunk") -> tqdm:
        return progress_bar(total, desc, unit, self.quiet)
