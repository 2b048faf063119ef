"""Lazy package exports: a package's public names, imported on first use.

``from dedup import Config`` should not pay for numba, numpy, pyarrow and
trafilatura, and ``dedup.config`` must be able to read
``dedup.boilerplate.reasons`` without running the classifier's imports (which
import ``dedup.config`` back). A package ``__init__`` therefore names where
each export lives and leaves the import to :pep:`562`'s module ``__getattr__``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for *package*, exporting ``where``'s names.

    *where* maps an exported name to the module defining it, relative to
    *package* when it starts with a dot. Nothing is cached here: after the
    first use the module sits in ``sys.modules`` and the lookup is a dict hit.

    >>> getattr_, dir_ = lazy_exports("dedup", {"Config": ".config"})
    >>> getattr_("Config").__name__
    'Config'
    >>> getattr_("nothing")
    Traceback (most recent call last):
    ...
    AttributeError: module 'dedup' has no attribute 'nothing'
    """

    def getattr_(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    def dir_() -> list[str]:
        return sorted(set(vars(importlib.import_module(package))) | set(where))

    return getattr_, dir_
