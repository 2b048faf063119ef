"""The ``dedup eval`` subcommand: its arguments and its entry point.

Here rather than in dedup/cli/, as ``dedup report`` keeps its own in
dedup/report/page.py: dedup/cli/main.py only mounts the subcommand, and the
options stay beside the code that reads them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dedup.eval.load import EvalInputError
from dedup.eval.run import LEVELS, format_table, run_eval


def add_eval_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``dedup eval``."""
    parser.add_argument(
        "--gold", required=True, type=Path, help="gold file (JSONL, formats in docs/eval.md)"
    )
    parser.add_argument(
        "--pred",
        required=True,
        type=Path,
        help="a `dedup clean` OUTDIR, clusters.jsonl, removed.jsonl or a gold-format file",
    )
    parser.add_argument(
        "--level",
        choices=(*LEVELS, "auto"),
        default="auto",
        help="what to score (default: from the gold file's format)",
    )
    parser.add_argument(
        "--texts",
        type=Path,
        default=None,
        help="corpus JSONL (id, text) for line-level boilerplate scores",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main_eval(args: argparse.Namespace) -> int:
    """Run ``dedup eval``; 0 when scored, 2 on bad input (message on stderr)."""
    try:
        result = run_eval(
            args.gold,
            args.pred,
            level=getattr(args, "level", "auto") or "auto",
            texts=getattr(args, "texts", None),
        )
    except EvalInputError as exc:
        print(f"dedup eval: error: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "json", False):
        print(json.dumps(result.to_dict(), indent=2, sort_keys=True, allow_nan=False))
    else:
        print(format_table(result))
    return 0
