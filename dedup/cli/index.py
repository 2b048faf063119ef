"""``dedup index build`` and ``dedup index info``: the command line of the
persistent index (the work is done by :func:`dedup.api.build_index` and
:meth:`dedup.index.base.Index.info`)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from dedup.api import build_index
from dedup.cli.terminal import ErrorPrinter, no_usable_input
from dedup.config import Config
from dedup.index import LEVELS, IndexBusy, IndexNotFound, IndexStoreError, open_index

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def index_error(exc: IndexStoreError) -> int:
    print(f"dedup: index: {exc}", file=sys.stderr)
    # Busy is transient (retry); a missing index or other parameters is a usage error.
    return EXIT_FAILED if isinstance(exc, IndexBusy) else EXIT_USAGE


def _entries(location: str) -> dict[str, int]:
    """Entries per level of the index at ``location`` (zeros when there is none yet)."""
    try:
        with open_index(location) as idx:
            return dict(idx.stats()["entries"])
    except IndexNotFound:
        return dict.fromkeys(LEVELS, 0)


def run_index_build(args: argparse.Namespace, config: Config, printer: ErrorPrinter) -> int:
    before = _entries(args.index)
    result = build_index(args.inputs, args.index, config, name=args.name, on_error=printer)
    reason = no_usable_input(result.report["documents"]["read"], printer)
    if reason is not None:
        print(f"dedup: {reason}; nothing was added to {args.index}", file=sys.stderr)
        return EXIT_USAGE
    printer.print_summary()
    if not config.run.quiet:
        after = _entries(args.index)
        idx = result.report["index"] or {}
        print(
            f"index {args.index}: added {after['document'] - before['document']} documents "
            f"and {after['passage'] - before['passage']} passages "
            f"({result.report['documents']['in']} documents read, "
            f"{idx.get('matched_documents', 0)} already indexed); it now holds "
            f"{after['document']} documents and {after['passage']} passages",
            file=sys.stderr,
        )
    return EXIT_OK


def describe(info: dict[str, Any]) -> str:
    """``dedup index info`` as text.

    >>> print(describe({"location": "k.sqlite", "name": "k", "backend": "SqliteIndex",
    ...     "entries": {"document": 2, "passage": 5}, "size_bytes": 2048,
    ...     "params": {"num_perm": 128}, "format_version": 1, "corpora": {"k": 7}}))
    index k.sqlite (SQLite, format 1)
      documents  2
      passages   5
      size       2.0 KiB
      corpora    k (7 entries)
      parameters num_perm=128
    """
    backend = str(info["backend"]).replace("Index", "").replace("Sqlite", "SQLite")
    corpora = ", ".join(f"{n} ({c} entries)" for n, c in info["corpora"].items()) or "(none)"
    params = " ".join(f"{k}={v}" for k, v in info["params"].items())
    return "\n".join(
        [
            f"index {info['location']} ({backend}, format {info['format_version']})",
            f"  documents  {info['entries'].get('document', 0)}",
            f"  passages   {info['entries'].get('passage', 0)}",
            f"  size       {_size(int(info['size_bytes']))}"
            + (" (the whole Redis server)" if backend == "Redis" else ""),
            f"  corpora    {corpora}",
            f"  parameters {params}",
        ]
    )


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} GiB"


def run_index_info(args: argparse.Namespace) -> int:
    try:
        with open_index(args.index) as idx:
            info = idx.info()
    except IndexStoreError as exc:
        return index_error(exc)
    if args.json:
        print(json.dumps(info, indent=2, sort_keys=True))
    else:
        print(describe(info))
    return EXIT_OK
