"""Progress bars on stderr: labelled, off when quiet or not a terminal, and
drawn even when the terminal reports no size.

A terminal that reports a size of 0 x 0 (a fresh pseudo-terminal, some CI
runners and ``docker exec`` sessions) makes tqdm draw nothing at all; such a
terminal gets an 80-column bar instead.
"""

from __future__ import annotations

import os
import sys
from typing import IO

from tqdm import tqdm

FALLBACK_COLUMNS = 80
FALLBACK_ROWS = 24


def terminal_columns(stream: IO[str]) -> int | None:
    """The width ``stream``'s terminal reports, or None when it reports none (0)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    return columns if columns > 0 else None


def progress_bar(
    total: int | None, desc: str, unit: str, quiet: bool, stream: IO[str] | None = None
) -> tqdm:
    """A bar on ``stream`` (stderr) that clears itself when done."""
    out = stream if stream is not None else sys.stderr
    shown = not quiet and out.isatty()
    # None: tqdm follows the terminal's size. A terminal reporting none makes
    # tqdm size the bar to nothing and hide it as "beyond the last row".
    ncols = nrows = None
    if shown and terminal_columns(out) is None:
        env = os.environ.get("COLUMNS", "")
        ncols = int(env) if env.isdigit() and int(env) > 0 else FALLBACK_COLUMNS
        nrows = FALLBACK_ROWS
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        file=out,
        disable=not shown,
        leave=False,
        ncols=ncols,
        nrows=nrows,
    )
