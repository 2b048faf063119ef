"""Reading a finished run's records back, one at a time (``CleanResult.iter_*``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one of OUTDIR's JSONL files, in file order, one line at a time.

    Raises FileNotFoundError naming the file when the run did not write it.
    """
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)
