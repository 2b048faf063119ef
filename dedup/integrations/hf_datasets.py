"""Hugging Face ``datasets``: a ``Dataset`` in, ``Dataset`` objects out.

The rows go through the same record reader as JSONL (so ids, text field and
bad-row reports are as for any input); the kept documents come back as a
``Dataset`` whose passed-through columns keep the input's Arrow types, and
the removed and cluster records as two more.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dedup.io.outfiles import restore_types


def require_datasets() -> Any:
    try:
        import datasets
    except ImportError as exc:  # an optional extra: say how to get it
        raise ImportError(
            "Hugging Face datasets support needs the datasets package: "
            "pip install 'dedup[datasets]'"
        ) from exc
    return datasets


@dataclass
class CleanedDataset:
    """What :func:`dedup.api.clean_dataset` returns.

    ``documents``: the kept documents (a ``datasets.Dataset``); ``removed`` and
    ``clusters``: the run's removed and cluster records as datasets too;
    ``report``: report.json's content.
    """

    documents: Any
    removed: Any
    clusters: Any
    report: dict[str, Any]


def to_dataset(records: list[dict[str, Any]], arrow_types: Any = None) -> Any:
    """``records`` as a ``datasets.Dataset``; columns in ``arrow_types`` keep those types."""
    import pyarrow as pa

    from dedup.io.outfiles import typed_schema

    datasets = require_datasets()
    if not records:
        return datasets.Dataset.from_list([])
    schema = typed_schema([records], arrow_types)
    try:
        table = restore_types(records, schema)
    except (pa.ArrowException, TypeError, ValueError):
        table = restore_types(records, typed_schema([records], None))
    from datasets.table import InMemoryTable

    return datasets.Dataset(InMemoryTable(table))
