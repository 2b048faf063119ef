"""Engines: the only code that knows how work is spread over cores or machines.

An engine maps a picklable function over a sequence and returns the results
in input order, so every stage downstream sees the same order whatever the
number of workers; that is what makes output byte-identical across engines.
"""

from __future__ import annotations

import logging

from dedup.config import ConfigError
from dedup.engines.base import Engine
from dedup.engines.local import LocalEngine

__all__ = ["Engine", "LocalEngine", "make_engine"]


def make_engine(
    name: str,
    workers: int = 0,
    quiet: bool = True,
    address: str | None = None,
    verbose: bool | None = None,
) -> Engine:
    """The engine a run asked for: ``local`` (processes) or ``ray`` (Ray Data).

    ``verbose`` (default: whether the ``dedup`` logger shows INFO, which
    ``dedup --verbose`` turns on) lets Ray show its own logs and progress.
    """
    if name == "local":
        return LocalEngine(workers=workers, quiet=quiet)
    if name == "ray":
        from dedup.engines.ray import RayEngine

        if verbose is None:
            verbose = logging.getLogger("dedup").isEnabledFor(logging.INFO)
        return RayEngine(workers=workers, address=address, quiet=quiet, verbose=verbose)
    raise ConfigError(f"engine {name!r} is not available in this version; use --engine local")
