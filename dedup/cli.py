"""Command line: argument parsing only; the work is done by the API.

Exit codes:
  0  success (bad input records, if any, were reported and skipped)
  1  a bad input record under --strict, or the run failed
  2  usage or configuration error
  3  an output file could not be written
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dedup.api import build_index, clean, explain, strip_config
from dedup.config import Config, ConfigError
from dedup.documents import InputError
from dedup.index import IndexBusy, IndexStoreError
from dedup.io.readers import InputFatalError
from dedup.pipeline import CleanResult
from dedup.version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="directories, .txt/.md/.html/.jsonl/.json/.parquet files (gzipped or not), "
        "or - for JSONL on stdin",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUTDIR",
        help="output directory, or - to stream cleaned documents as JSONL to stdout",
    )
    p.add_argument("--config", metavar="TOML", help="a dedup.toml file (see README)")
    p.add_argument("--text-field", help="JSONL/Parquet field holding the text (default: text)")
    p.add_argument("--id-field", help="JSONL/Parquet field holding the document id (default: id)")
    p.add_argument(
        "--id-mode",
        choices=["strict", "prefix-file", "generate"],
        help="a repeated id: strict fails the run (default); prefix-file makes ids "
        "'<file>:<id>'; generate ignores the id field and uses '<file>:<line>'",
    )
    p.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="how to read the date field: auto (default; ambiguous 03/12/2023 is unknown), "
        "dayfirst, monthfirst, or a strptime pattern such as '%%d/%%m/%%Y'",
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="with -o -: where removed.jsonl, clusters.jsonl and report.json go",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    p.add_argument("--engine", choices=["local", "ray"], help="execution engine (default: local)")
    p.add_argument(
        "--ray-address", help="with --engine ray: cluster to join (default: start a local Ray)"
    )
    p.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="fail on the first bad input record (exit code 1)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        default=None,
        help="reuse the work an interrupted run into the same OUTDIR had finished",
    )
    p.add_argument(
        "--quiet", action="store_true", default=None, help="no progress bars and no summary"
    )
    p.add_argument("--no-boilerplate", action="store_true", help="skip boilerplate removal")
    p.add_argument(
        "--no-templates",
        action="store_true",
        help="do not learn site-template lines from the corpus",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dedup",
        description="Strip boilerplate and remove near-duplicate documents and passages "
        "from scraped text, with an account of every character removed.",
    )
    parser.add_argument("--version", action="version", version=f"dedup {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    pc = sub.add_parser(
        "clean",
        help="strip boilerplate and remove near-duplicates",
        description="Strip boilerplate, drop near-duplicate documents, cut "
        "near-duplicate passages; write documents.jsonl, removed.jsonl, "
        "clusters.jsonl and report.json into OUTDIR.",
    )
    _common(pc)
    pc.add_argument("--threshold", type=float, help="document-level Jaccard threshold (0.7)")
    pc.add_argument(
        "--passage",
        choices=["sentence", "paragraph", "window"],
        help="passage unit (default: sentence)",
    )
    pc.add_argument("--passage-threshold", type=float, help="passage Jaccard threshold")
    pc.add_argument("--min-tokens", type=int, help="shortest passage (words) that may cluster")
    pc.add_argument(
        "--policy",
        choices=["first", "longest", "most_complete", "earliest", "source_priority"],
        help="which copy of a cluster is kept (default: first)",
    )
    pc.add_argument(
        "--against",
        metavar="INDEX",
        help="also remove copies of what is in this persistent index "
        "(SQLite file or redis://host:port/db)",
    )
    pc.add_argument(
        "--update-index",
        action="store_true",
        help="with --against: add what survives to the index, in one transaction",
    )
    pc.add_argument(
        "--index-policy",
        choices=["protect", "drop_all", "per_source"],
        help="across corpora: indexed copies win (protect, default), every copy goes "
        "(drop_all), or one copy per source site (per_source)",
    )
    pc.add_argument("--no-document", action="store_true", help="skip document-level dedup")
    pc.add_argument("--no-passage", action="store_true", help="skip passage-level dedup")

    ps = sub.add_parser(
        "strip",
        help="boilerplate removal only",
        description="Remove boilerplate only (no deduplication).",
    )
    _common(ps)
    ps.add_argument(
        "--explain",
        action="store_true",
        help="print every line with its label and reason instead of writing files",
    )
    # --explain needs no OUTDIR; relax the requirement for it below.
    for action in ps._actions:
        if action.dest == "output":
            action.required = False

    pi = sub.add_parser(
        "index",
        help="build a persistent index of a corpus",
        description="Persistent indexes of documents and passages, for dedup clean --against.",
    )
    isub = pi.add_subparsers(dest="index_command", metavar="ACTION")
    pb = isub.add_parser(
        "build",
        help="clean INPUT and add what survives to INDEX (created if absent)",
        description="Clean INPUT (boilerplate, near-duplicates within it and against what "
        "INDEX already holds) and add the surviving documents and passages to INDEX in one "
        "transaction.",
    )
    pb.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="as for dedup clean (directories, files, -)"
    )
    pb.add_argument(
        "--index", required=True, metavar="INDEX", help="SQLite file path or redis://host:port/db"
    )
    pb.add_argument("--name", help="a label for this corpus, reported in kept.index")
    pb.add_argument("--config", metavar="TOML", help="a dedup.toml file")
    pb.add_argument("--text-field", help="JSONL/Parquet text field (default: text)")
    pb.add_argument("--id-field", help="JSONL/Parquet id field (default: id)")
    pb.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    pb.add_argument("--strict", action="store_true", default=None)
    pb.add_argument("--quiet", action="store_true", default=None)

    pr = sub.add_parser(
        "report",
        help="rebuild report.html of a finished run",
        description="Rebuild OUTDIR/report.html from a finished run's files.",
    )
    from dedup.report import add_report_arguments

    add_report_arguments(pr)

    pe = sub.add_parser(
        "eval",
        help="score clusters or removed spans against gold labels",
        description="Cluster and boilerplate quality metrics against gold.",
    )
    from dedup.evaluate import add_eval_arguments

    add_eval_arguments(pe)
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    """Defaults, then the TOML file, then command-line flags."""
    config = Config.from_toml(args.config) if getattr(args, "config", None) else Config()
    changes: dict[str, dict[str, Any]] = {}

    def put(section: str, key: str, value: Any) -> None:
        if value is not None:
            changes.setdefault(section, {})[key] = value

    put("input", "text_field", args.text_field)
    put("input", "id_field", args.id_field)
    put("input", "id_mode", getattr(args, "id_mode", None))
    put("input", "date_format", getattr(args, "date_format", None))
    put("run", "workers", args.workers)
    put("run", "strict", args.strict)
    put("run", "quiet", args.quiet)
    if args.command == "index":
        return config.replace(**changes) if changes else config
    put("run", "engine", args.engine)
    put("run", "ray_address", args.ray_address)
    put("run", "resume", args.resume)
    if args.no_boilerplate:
        put("boilerplate", "enabled", False)
    if args.no_templates:
        put("boilerplate", "templates", False)
    if args.command == "clean":
        put("document", "threshold", args.threshold)
        put("passage", "unit", args.passage)
        put("passage", "threshold", args.passage_threshold)
        put("passage", "min_tokens", args.min_tokens)
        put("canonical", "policy", args.policy)
        put("index", "against", args.against)
        put("index", "policy", args.index_policy)
        if args.update_index:
            put("index", "update", True)
        if args.no_document:
            put("document", "enabled", False)
        if args.no_passage:
            put("passage", "enabled", False)
    config = config.replace(**changes) if changes else config
    return strip_config(config) if args.command == "strip" else config


def _print_error(err: InputError) -> None:
    print(f"dedup: bad input: {err}", file=sys.stderr)


def summary(result: CleanResult) -> str:
    """A short human summary of a run (for `make demo` and the terminal)."""
    r = result.report
    d = r["documents"]
    lines = [
        f"documents: {d['in']} in, {d['out']} out "
        f"({d['dropped_duplicate']} dropped as duplicates, {d['bad_input_errors']} bad input)",
    ]
    by_reason = r["removed"]["by_reason"]
    if by_reason:
        lines.append("removed:")
        for key, v in by_reason.items():
            kind, reason = key.split(":", 1)
            # A boilerplate span is one line (or a line's dateline prefix); a
            # duplicate is a passage or a whole document.
            unit = {"boilerplate": "lines", "duplicate_document": "docs"}.get(kind, "passages")
            lines.append(
                f"  {kind:<20} {reason:<18} {v['records']:>6} {unit:<8} {v['chars']:>9} chars"
            )
    c = r["clusters"]
    lines.append(f"clusters: {c['document']} document-level, {c['passage']} passage-level")
    return "\n".join(lines)


def _run_explain(args: argparse.Namespace, config: Config) -> int:
    for doc_id, table in explain(args.inputs, config, on_error=_print_error):
        print(f"=== {doc_id}")
        print(table)
    return EXIT_OK


def _index_error(exc: IndexStoreError) -> int:
    print(f"dedup: index: {exc}", file=sys.stderr)
    # Busy is transient (retry); a missing index or other parameters is a usage error.
    return EXIT_FAILED if isinstance(exc, IndexBusy) else EXIT_USAGE


def _run_index(args: argparse.Namespace, config: Config, parser: argparse.ArgumentParser) -> int:
    if args.index_command != "build":
        parser.error("dedup index needs an action: dedup index build INPUT... --index INDEX")
    try:
        result = build_index(args.inputs, args.index, config, name=args.name, on_error=_print_error)
    except InputFatalError as exc:
        print(f"dedup: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except IndexStoreError as exc:
        return _index_error(exc)
    if not config.run.quiet:
        idx = result.report["index"] or {}
        print(
            f"index {args.index}: added {idx.get('added', 0)} entries "
            f"({result.report['documents']['in']} documents read, "
            f"{idx.get('matched_documents', 0)} already indexed)",
            file=sys.stderr,
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.ERROR, format="dedup: %(message)s")
    # trafilatura logs its own view of a bad page (no file name, nothing to do);
    # our report of that page, with file and line, is the one a user needs.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    if args.command == "eval":
        from dedup.evaluate import main_eval

        return main_eval(args)
    if args.command == "report":
        from dedup.report import main_report

        return main_report(args)
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        print(f"dedup: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "index":
        return _run_index(args, config, parser)
    if args.command == "strip" and args.explain:
        try:
            return _run_explain(args, config)
        except InputFatalError as exc:
            print(f"dedup: {exc}", file=sys.stderr)
            return EXIT_FAILED
    if not args.output:
        parser.error("the following arguments are required: -o/--output")
    if args.report_dir and args.output != "-":
        parser.error("--report-dir only applies with -o - (stdout)")
    try:
        result = clean(
            args.inputs,
            args.output,
            config,
            report_dir=args.report_dir,
            on_error=_print_error,
        )
    except InputFatalError as exc:
        print(f"dedup: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ConfigError as exc:
        print(f"dedup: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IndexStoreError as exc:
        return _index_error(exc)
    except OSError as exc:
        target = Path(args.output)
        print(f"dedup: cannot write output in {target}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT
    if not config.run.quiet:
        print(summary(result), file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
