"""Atomic writers: a crash never leaves a half-written file that looks complete."""

from __future__ import annotations

import base64
import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

# Values JSON holds as they are; a record made only of these needs no conversion.
_PLAIN = (str, int, bool, type(None))


def dumps(record: Any) -> str:
    """One JSON line, UTF-8 kept readable, key order as given (deterministic).

    Values JSON has no type for are written as :func:`json_safe` converts them.

    >>> dumps({"text": "café", "n": 1})
    '{"text": "café", "n": 1}'
    >>> dumps({"at": datetime(2023, 12, 3, 8, 30)})
    '{"at": "2023-12-03T08:30:00"}'
    """
    return json.dumps(record, ensure_ascii=False, default=json_safe)


def json_safe(value: Any) -> Any:
    """``value`` with every part JSON can hold as it is, and the rest converted.

    What a Parquet/Arrow reader or an API caller may hand over: datetimes,
    dates and times become ISO 8601 strings (a naive time stays naive), a
    timedelta an ISO 8601 duration in seconds, a Decimal its exact digits as a
    string (a JSON number would be read back as a float and lose them), bytes
    standard base64, NaN and infinities null (JSON has no such numbers),
    tuples and sets lists (sets sorted, for deterministic output), mapping
    keys strings, numpy scalars their Python value; anything else its str().

    >>> json_safe({"d": date(2023, 12, 3), "x": Decimal("1.10"), "b": b"\\x00\\xff"})
    {'d': '2023-12-03', 'x': '1.10', 'b': 'AP8='}
    >>> json_safe({"nested": [{"t": time(8, 30)}, (1, float("nan"))], 2: timedelta(hours=1)})
    {'nested': [{'t': '08:30:00'}, [1, None]], '2': 'PT3600S'}
    """
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        if all(isinstance(k, str) and isinstance(v, _PLAIN) for k, v in value.items()):
            return dict(value)
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(v) for v in value), key=dumps)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"PT{value.total_seconds():g}S"
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if hasattr(value, "dtype") and hasattr(value, "tolist"):  # numpy scalar or array
        return json_safe(value.tolist())
    return str(value)


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path``, fsync, then rename over it.

    The rename is atomic on POSIX, so readers see the old file or the complete
    new one; on an exception the temporary file is removed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    # mkstemp creates 0600; give the final file the usual umask-based mode.
    os.fchmod(fd, 0o666 & ~_umask())
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    # os.umask can only be read by setting it; put the old value straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_json(path: str | Path, obj: Any) -> None:
    with atomic_writer(path) as fh:
        json.dump(obj, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
