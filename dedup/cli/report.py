"""``dedup report OUTDIR``: the command line that rebuilds a finished run's
report.html (the page is built by :mod:`dedup.report.page`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dedup.io.outdir import REPORT_HTML, is_complete
from dedup.report.outdir import ReportError
from dedup.report.page import write_report_html

EXIT_OK, EXIT_USAGE, EXIT_OUTPUT = 0, 2, 3


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``dedup report OUTDIR``."""
    parser.add_argument("outdir", metavar="OUTDIR", help="the OUTDIR of a finished `dedup clean`")
    parser.add_argument(
        "--max-documents",
        type=int,
        default=500,
        metavar="N",
        help="documents shown in the page (a sample; default 500)",
    )
    parser.add_argument(
        "--max-clusters",
        type=int,
        default=500,
        metavar="N",
        help="clusters shown in the page (a sample; default 500)",
    )


def main_report(args: argparse.Namespace) -> int:
    """``dedup report OUTDIR``: rebuild OUTDIR/report.html from the run's files."""
    outdir = Path(args.outdir)
    max_documents = getattr(args, "max_documents", 500)
    max_clusters = getattr(args, "max_clusters", 500)
    if max_documents < 0 or max_clusters < 0:
        print("dedup: --max-documents and --max-clusters must be >= 0", file=sys.stderr)
        return EXIT_USAGE
    if not outdir.is_dir():
        print(f"dedup: {outdir} is not a directory", file=sys.stderr)
        return EXIT_USAGE
    if not is_complete(outdir):
        print(
            f"dedup: {outdir} is not a finished run (no report.json, or a run is still "
            "writing there or was killed); run `dedup clean` first",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        path = write_report_html(
            outdir, None, max_documents=max_documents, max_clusters=max_clusters
        )
    except ReportError as exc:
        print(f"dedup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"dedup: cannot write {outdir / REPORT_HTML}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    print(f"dedup: wrote {path}", file=sys.stderr)
    return EXIT_OK
