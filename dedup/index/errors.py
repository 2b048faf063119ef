"""The index's own errors, one base class so callers can catch them all."""

from __future__ import annotations

__all__ = ["IndexBusy", "IndexNotFound", "IndexParamsMismatch", "IndexStoreError"]


class IndexStoreError(Exception):
    """Base of the index's own errors."""


class IndexParamsMismatch(IndexStoreError, ValueError):
    """The index was built with other MinHash/LSH parameters than the run wants."""


class IndexBusy(IndexStoreError, RuntimeError):
    """Another writer holds the index for longer than we were willing to wait."""


class IndexNotFound(IndexStoreError, FileNotFoundError):
    """No index at the location (and ``create`` was not asked for)."""
