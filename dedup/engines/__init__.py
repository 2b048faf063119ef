"""Engines: the only code that knows how work is spread over cores or machines.

An engine maps a picklable function over a sequence and returns the results
in input order, so every stage downstream sees the same order whatever the
number of workers; that is what makes output byte-identical across engines.
"""

from __future__ import annotations

from dedup.config import ConfigError
from dedup.engines.base import Engine
from dedup.engines.local import LocalEngine

__all__ = ["Engine", "LocalEngine", "make_engine"]


def make_engine(
    name: str, workers: int = 0, quiet: bool = True, address: str | None = None
) -> Engine:
    """The engine a run asked for: ``local`` (processes) or ``ray`` (Ray Data)."""
    if name == "local":
        return LocalEngine(workers=workers, quiet=quiet)
    if name == "ray":
        from dedup.engines.ray import RayEngine

        return RayEngine(workers=workers, address=address, quiet=quiet)
    raise ConfigError(f"engine {name!r} is not available in this version; use --engine local")
