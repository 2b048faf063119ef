"""The engine contract."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    """Maps work over items; results come back in input order."""

    workers: int

    def map(self, fn: Callable[[T], R], items: Sequence[T], desc: str = "") -> list[R]:
        """``[fn(x) for x in items]``, possibly in parallel, order preserved."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...
