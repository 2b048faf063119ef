"""Ray engine: the same stages, spread over a Ray cluster with Ray Data.

Items are pickled into a binary column so any picklable stage input (texts,
chunks of records) travels as Arrow data; each task unpickles its batch, runs
the stage function and pickles the results. Ray Data guarantees no order, so
every item carries its input position and results are put back in that order
before anything downstream (clustering, keeper choice) sees them; that is
what makes a Ray run byte-identical to a local one.

Driver-side work (bucketing, verification, components) stays on the driver:
the candidate edges are small next to the corpus, and one deterministic
union-find is simpler and exactly reproducible.
"""

from __future__ import annotations

import contextlib
import logging
import pickle
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from dedup.config import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Cap the object store of a Ray instance we start ourselves (bytes).
DEFAULT_OBJECT_STORE_BYTES = 512 * 1024 * 1024


class _Apply:
    """Picklable batch function: unpickle items, apply ``fn``, pickle results."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = [pickle.dumps(self.fn(pickle.loads(blob)), protocol=5) for blob in batch["item"]]
        return {"i": np.asarray(batch["i"]), "out": np.array(out, dtype=object)}


class RayEngine:
    """Runs stage functions as Ray Data ``map_batches`` tasks.

    ``address`` None starts (or joins) a local Ray with ``workers`` CPUs and a
    capped object store; an address such as ``ray://head:10001`` or ``auto``
    joins an existing cluster.
    """

    def __init__(
        self,
        workers: int = 0,
        address: str | None = None,
        quiet: bool = True,
        object_store_bytes: int = DEFAULT_OBJECT_STORE_BYTES,
        verbose: bool = False,
    ) -> None:
        try:
            import ray
        except ImportError:  # pragma: no cover - depends on the install
            raise ConfigError("--engine ray needs Ray Data: pip install 'ray[data]'") from None
        self._ray = ray
        self._started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": verbose,
                "logging_level": logging.INFO if verbose else logging.ERROR,
            }
            if address is None:
                kwargs["num_cpus"] = workers if workers > 0 else None
                kwargs["object_store_memory"] = object_store_bytes
            else:
                kwargs["address"] = address
            ray.init(**kwargs)
            self._started = True
        # dedup draws one labelled bar per stage; Ray Data's own bars and its
        # INFO lines about every execution would interleave with them, so they
        # are shown only with --verbose (when they are what one wants to see).
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = verbose and not quiet
        with contextlib.suppress(AttributeError):
            ctx.print_on_execution_start = verbose
        logging.getLogger("ray.data").setLevel(logging.INFO if verbose else logging.ERROR)
        resources = ray.cluster_resources()
        self.workers = int(resources.get("CPU", 1))

    def map(self, fn: Callable[[T], R], items: Sequence[T], desc: str = "") -> list[R]:
        if not items:
            return []
        rows = [{"i": i, "item": pickle.dumps(item, protocol=5)} for i, item in enumerate(items)]
        source = self._ray.data.from_items(
            rows, override_num_blocks=max(1, min(len(rows), self.workers * 4))
        )
        ds = source.map_batches(
            _Apply(fn),
            batch_size=max(1, len(rows) // (self.workers * 4) or 1),
            batch_format="numpy",
        )
        results: list[Any] = [None] * len(items)
        seen = 0
        for batch in ds.iter_batches(batch_size=None, batch_format="numpy"):
            for i, blob in zip(batch["i"], batch["out"], strict=True):
                results[int(i)] = pickle.loads(blob)
                seen += 1
        if seen != len(items):
            raise RuntimeError(f"ray engine returned {seen} results for {len(items)} items")
        return results

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()
            self._started = False
