"""Hugging Face datasets on disk: ``save_to_disk`` directories and Arrow files.

A ``datasets.Dataset.save_to_disk`` directory holds ``state.json`` (the
Arrow files in order), ``dataset_info.json`` and the ``.arrow`` shards (Arrow
IPC streams); a ``DatasetDict`` directory holds ``dataset_dict.json`` and one
such directory per split. Both read without the ``datasets`` package: the
shards are plain Arrow. In-memory ``datasets.Dataset`` objects go through
:func:`dedup.api.clean_dataset`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dedup.io.errors import ErrorLog

STATE = "state.json"
INFO = "dataset_info.json"
DICT = "dataset_dict.json"
#: The metadata files of a saved dataset: never read as documents.
METADATA = frozenset({STATE, INFO, DICT})


def dataset_files(root: Path) -> list[Path] | None:
    """The Arrow shards of a saved dataset (every split of a DatasetDict, in its
    order), or None when ``root`` is not one."""
    try:
        if (root / DICT).is_file():
            splits = json.loads((root / DICT).read_text(encoding="utf-8"))["splits"]
            out: list[Path] = []
            for split in splits:
                out.extend(dataset_files(root / str(split)) or [])
            return out
        if (root / STATE).is_file() and (root / INFO).is_file():
            state = json.loads((root / STATE).read_text(encoding="utf-8"))
            return [root / str(f["filename"]) for f in state["_data_files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not a dataset after all: read as a plain directory
    return None


def arrow_batches(path: Path, errors: ErrorLog) -> Iterator[Any] | None:
    """The record batches of an Arrow IPC file (the stream format datasets writes,
    or the file format), or None after reporting why it cannot be read."""
    import pyarrow as pa

    source = path.as_posix()
    try:
        source_file = pa.memory_map(str(path))
    except (pa.ArrowException, OSError) as exc:
        errors.add(source, None, f"cannot read: {exc}")
        return None
    try:
        return iter(pa.ipc.open_stream(source_file))
    except pa.ArrowInvalid:
        pass
    try:
        source_file.seek(0)
        reader = pa.ipc.open_file(source_file)
    except (pa.ArrowException, OSError) as exc:
        errors.add(source, None, f"not a readable Arrow IPC file ({exc}): skipped")
        return None
    return (reader.get_batch(i) for i in range(reader.num_record_batches))
