"""Compact per-document columns for the driver's corpus table.

A Python list of a million short strings costs ~60 bytes per string plus an
8-byte pointer, and a list of ints 36 bytes per int; these columns keep the
same facts in flat buffers (a few bytes per document beyond the text itself),
so the driver's memory for a large corpus is dominated by the band-key tables
it genuinely needs.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np


class StringColumn:
    """An append-only column of optional strings, stored in one UTF-8 buffer.

    >>> col = StringColumn()
    >>> col.extend(["a", None, "héllo"])
    >>> len(col), col[0], col[1], col[2]
    (3, 'a', None, 'héllo')
    >>> col[-1]
    'héllo'
    """

    def __init__(self) -> None:
        self._data = bytearray()
        # End offset of each value in _data; -1 - end marks a missing value
        # (so its end is still recoverable for the next value's start).
        self._ends = array("q")

    def append(self, value: str | None) -> None:
        if value is None:
            self._ends.append(-1 - len(self._data))
            return
        self._data += value.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._data))

    def extend(self, values: Iterable[str | None]) -> None:
        for v in values:
            self.append(v)

    def __len__(self) -> int:
        return len(self._ends)

    def _end(self, i: int) -> int:
        e = self._ends[i]
        return e if e >= 0 else -1 - e

    def __getitem__(self, i: int) -> str | None:
        n = len(self._ends)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        if self._ends[i] < 0:
            return None
        start = self._end(i - 1) if i else 0
        return self._data[start : self._ends[i]].decode("utf-8", "surrogatepass")

    def nbytes(self) -> int:
        return len(self._data) + self._ends.itemsize * len(self._ends)


class CategoryColumn:
    """An append-only column of optional strings with few distinct values
    (sites), stored as integer codes so equality is a vectorised comparison.

    >>> col = CategoryColumn()
    >>> col.extend(["a.com", "b.org", "a.com", None])
    >>> col[2], col[3], col.codes().tolist()
    ('a.com', None, [0, 1, 0, 2])
    """

    def __init__(self) -> None:
        self._codes = array("i")
        self._lookup: dict[str | None, int] = {}
        self._values: list[str | None] = []

    def append(self, value: str | None) -> None:
        code = self._lookup.get(value)
        if code is None:
            code = len(self._values)
            self._lookup[value] = code
            self._values.append(value)
        self._codes.append(code)

    def extend(self, values: Iterable[str | None]) -> None:
        for v in values:
            self.append(v)

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, i: int) -> str | None:
        return self._values[self._codes[i]]

    def codes(self) -> np.ndarray:
        """The codes as an int32 array (a copy, safe to keep)."""
        return np.frombuffer(self._codes, dtype=np.int32).copy()
