"""Command line: argument parsing only; the work is done by the API.

Exit codes:
  0    success (bad input records, if any, were reported and skipped)
  1    a bad input record under --strict, or the run failed
  2    usage or configuration error, no usable input, an OUTDIR or INPUT refused
  3    an output file could not be written
  130  interrupted (Ctrl-C); --resume finishes the run
  141  stdout was closed by its reader (`| head`)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dedup.api import clean, explain, strip_config
from dedup.cli.index import index_error, run_index_build, run_index_info
from dedup.cli.preflight import UsageError, check_inputs
from dedup.cli.terminal import EXIT_SIGPIPE, ErrorPrinter, no_usable_input, silence_stdout
from dedup.cluster.canonical import POLICIES
from dedup.config import Config, ConfigError
from dedup.index import IndexStoreError
from dedup.io.errors import InputFatalError
from dedup.io.outdir import OutdirError, check_outdir
from dedup.io.results import CleanResult
from dedup.version import __version__

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_OUTPUT = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C

_DEFAULTS = Config()


def _input_options(p: argparse.ArgumentParser) -> None:
    """INPUT and how to read it: shared by clean, strip and index build."""
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="directories, .txt/.md/.html/.jsonl/.json/.parquet/.warc/.wet/.arrow files "
        "(gzipped or not), Hugging Face save_to_disk directories, or - for JSONL on stdin",
    )
    p.add_argument("--config", metavar="TOML", help="a dedup.toml file (see README)")
    inp = _DEFAULTS.input
    p.add_argument(
        "--text-field", help=f"JSONL/Parquet field holding the text (default: {inp.text_field})"
    )
    p.add_argument(
        "--id-field", help=f"JSONL/Parquet field holding the document id (default: {inp.id_field})"
    )
    p.add_argument(
        "--url-field",
        help=f"field holding the page URL, whose host is the site (default: {inp.url_field})",
    )
    p.add_argument(
        "--date-field",
        help=f"field holding the date, for --policy earliest (default: {inp.date_field})",
    )
    p.add_argument("--workers", type=int, help="worker processes (default: 0 = all cores)")
    p.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="stop at the first bad input record (exit code 1) instead of reporting "
        "and skipping it",
    )
    p.add_argument(
        "--quiet",
        action="store_true",
        default=None,
        help="no progress bars and no summary (bad input is still reported)",
    )
    p.add_argument(
        "--verbose",
        action="store_true",
        help="log each stage's time and memory as it ends; with --engine ray, also Ray's "
        "own logs and progress bars",
    )


def _output_option(p: argparse.ArgumentParser | argparse._MutuallyExclusiveGroup) -> None:
    p.add_argument(
        "-o",
        "--output",
        required=isinstance(p, argparse.ArgumentParser),
        metavar="OUTDIR",
        help="output directory, or - to stream cleaned documents as JSONL to stdout",
    )


def _run_options(p: argparse.ArgumentParser) -> None:
    """Where the other outputs go and how the run is executed: clean and strip."""
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
        "--output-format",
        choices=["jsonl", "jsonl.gz", "parquet"],
        help="how documents and removed records are written (default jsonl); "
        "clusters.jsonl and report.json stay JSON",
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="with -o -: where removed.jsonl, clusters.jsonl, report.json and report.html go",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty OUTDIR that is not an earlier dedup run, start an "
        "interrupted run over, or read an INPUT holding an earlier run's files",
    )
    p.add_argument("--engine", choices=["local", "ray"], help="execution engine (default: local)")
    p.add_argument(
        "--ray-address", help="with --engine ray: cluster to join (default: start a local Ray)"
    )
    p.add_argument(
        "--resume",
        action="store_true",
        default=None,
        help="finish an interrupted run into the same OUTDIR (same inputs and options)",
    )
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
    doc, pas, can = _DEFAULTS.document, _DEFAULTS.passage, _DEFAULTS.canonical

    pc = sub.add_parser(
        "clean",
        help="strip boilerplate and remove near-duplicates",
        description="Strip boilerplate, drop near-duplicate documents, cut "
        "near-duplicate passages; write documents.jsonl, removed.jsonl, "
        "clusters.jsonl, report.json and report.html into OUTDIR.",
    )
    _input_options(pc)
    _output_option(pc)
    _run_options(pc)
    pc.add_argument(
        "--threshold",
        type=float,
        help=f"document-level Jaccard threshold (default: {doc.threshold})",
    )
    pc.add_argument(
        "--passage",
        choices=["sentence", "paragraph", "window"],
        help=f"passage unit (default: {pas.unit})",
    )
    pc.add_argument(
        "--passage-threshold",
        type=float,
        help=f"passage Jaccard threshold (default: {pas.threshold})",
    )
    pc.add_argument(
        "--containment",
        type=float,
        help="a passage this share contained in a longer one matches it "
        f"(default: {pas.containment})",
    )
    pc.add_argument(
        "--min-tokens",
        type=int,
        help=f"shortest passage (words) that may cluster (default: {pas.min_tokens})",
    )
    pc.add_argument(
        "--policy",
        choices=list(POLICIES),
        help=f"which copy of a cluster is kept (default: {can.policy})",
    )
    pc.add_argument(
        "--source-priority",
        metavar="SITE,...",
        help="with --policy source_priority: sites, most trusted first "
        "(e.g. apnews.com,reuters.com)",
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
    pc.add_argument("--no-boilerplate", action="store_true", help="skip boilerplate removal")
    pc.add_argument("--no-document", action="store_true", help="skip document-level dedup")
    pc.add_argument("--no-passage", action="store_true", help="skip passage-level dedup")

    ps = sub.add_parser(
        "strip",
        help="boilerplate removal only",
        description="Remove boilerplate only (no deduplication): write OUTDIR as "
        "dedup clean does, or print every line's label with --explain.",
    )
    _input_options(ps)
    # One of the two is needed: files written (-o) or lines explained (--explain).
    what = ps.add_mutually_exclusive_group(required=True)
    _output_option(what)
    what.add_argument(
        "--explain",
        action="store_true",
        help="print every line with its label and reason instead of writing files",
    )
    _run_options(ps)

    pi = sub.add_parser(
        "index",
        help="build or describe a persistent index of a corpus",
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
    _input_options(pb)
    pb.add_argument(
        "--index", required=True, metavar="INDEX", help="SQLite file path or redis://host:port/db"
    )
    pb.add_argument(
        "--name", help="a label for this corpus, reported in kept.index and by index info"
    )
    pinfo = isub.add_parser(
        "info",
        help="parameters, counts, size and corpora of INDEX",
        description="What INDEX holds: its MinHash/LSH parameters, how many documents and "
        "passages, its size, and the corpora added to it.",
    )
    pinfo.add_argument("index", metavar="INDEX", help="SQLite file path or redis://host:port/db")
    pinfo.add_argument("--json", action="store_true", help="print JSON instead of text")

    pr = sub.add_parser(
        "report",
        help="rebuild report.html of a finished run",
        description="Rebuild OUTDIR/report.html from a finished run's files.",
    )
    from dedup.cli.report import add_report_arguments

    add_report_arguments(pr)

    pe = sub.add_parser(
        "eval",
        help="score clusters or removed spans against gold labels",
        description="Cluster and boilerplate quality metrics against gold.",
    )
    from dedup.eval.cli import add_eval_arguments

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
    put("output", "format", getattr(args, "output_format", None))
    put("input", "date_format", getattr(args, "date_format", None))
    put("input", "url_field", args.url_field)
    put("input", "date_field", args.date_field)
    put("run", "workers", args.workers)
    put("run", "strict", args.strict)
    put("run", "quiet", args.quiet)
    if args.command == "index":
        return config.replace(**changes) if changes else config
    put("run", "engine", args.engine)
    put("run", "ray_address", args.ray_address)
    put("run", "resume", args.resume)
    if args.no_templates:
        put("boilerplate", "templates", False)
    if args.command == "clean":
        if args.no_boilerplate:
            put("boilerplate", "enabled", False)
        put("document", "threshold", args.threshold)
        put("passage", "unit", args.passage)
        put("passage", "threshold", args.passage_threshold)
        put("passage", "containment", args.containment)
        put("passage", "min_tokens", args.min_tokens)
        put("canonical", "policy", args.policy)
        if args.source_priority is not None:
            sites = [s.strip() for s in args.source_priority.split(",") if s.strip()]
            put("canonical", "source_priority", sites)
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


def _run_explain(args: argparse.Namespace, config: Config, printer: ErrorPrinter) -> int:
    for doc_id, table in explain(args.inputs, config, on_error=printer):
        print(f"=== {doc_id}")
        print(table)
    printer.print_summary()
    return EXIT_OK


def _clean(args: argparse.Namespace, config: Config, printer: ErrorPrinter) -> int:
    if args.report_dir and args.output != "-":
        print("dedup: --report-dir only applies with -o - (stdout)", file=sys.stderr)
        return EXIT_USAGE
    result = clean(
        args.inputs,
        args.output,
        config,
        report_dir=args.report_dir,
        on_error=printer,
    )
    reason = no_usable_input(result.report["documents"]["read"], printer)
    if reason is not None:
        print(f"dedup: {reason}; nothing was cleaned", file=sys.stderr)
        return EXIT_USAGE
    printer.print_summary()
    if not config.run.quiet:
        print(summary(result), file=sys.stderr)
    return EXIT_OK


def _run(args: argparse.Namespace, config: Config, printer: ErrorPrinter) -> int:
    """clean, strip (with -o or --explain) and index, with their expected failures."""
    try:
        # OUTDIR first: an INPUT holding OUTDIR is the problem to name, not the
        # output files in it that have no text field.
        output = getattr(args, "output", None)
        outdir = args.report_dir if output == "-" else output
        if outdir:
            check_outdir(
                Path(outdir),
                args.inputs,
                resume=bool(config.run.resume),
                force=args.force,
                resumable=output != "-",
            )
        check_inputs(args.inputs, config.input)
        if args.command == "index":
            return run_index_build(args, config, printer)
        if args.command == "strip" and args.explain:
            return _run_explain(args, config, printer)
        return _clean(args, config, printer)
    except (UsageError, OutdirError) as exc:
        print(f"dedup: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except InputFatalError as exc:
        print(f"dedup: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except ConfigError as exc:
        print(f"dedup: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except IndexStoreError as exc:
        return index_error(exc)
    except BrokenPipeError:
        raise
    except OSError as exc:
        target = args.output if getattr(args, "output", None) else "the output"
        print(f"dedup: cannot write output in {target}: {exc}", file=sys.stderr)
        return EXIT_OUTPUT


def _interrupted(args: argparse.Namespace) -> str:
    output = getattr(args, "output", None)
    if args.command == "index":
        return "dedup: interrupted; the index is unchanged (it is updated in one transaction)"
    if output and output != "-":
        return (
            f"dedup: interrupted; {output} keeps the work done so far: run the same "
            "command with --resume to finish it"
        )
    return "dedup: interrupted; nothing more was written"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command == "index" and args.index_command is None:
        print(
            "usage: dedup index ACTION ...\n"
            "  dedup index build INPUT... --index INDEX [--name NAME]\n"
            "  dedup index info INDEX [--json]\n"
            "dedup index: error: an ACTION is needed (build or info); "
            "see dedup index --help",
            file=sys.stderr,
        )
        return EXIT_USAGE
    logging.basicConfig(level=logging.ERROR, format="dedup: %(message)s")
    if getattr(args, "verbose", False):
        logging.getLogger("dedup").setLevel(logging.INFO)
    # Bad records reach the terminal through ErrorPrinter (summarised); the
    # reader's own log line for each would print every one of them again.
    logging.getLogger("dedup.io.readers").setLevel(logging.ERROR)
    # trafilatura logs its own view of a bad page (no file name, nothing to do);
    # our report of that page, with file and line, is the one a user needs.
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        return _dispatch(args)
    except BrokenPipeError:
        # `dedup ... | head`: the reader has all it wants. Stop quietly, as Unix tools do.
        silence_stdout()
        return EXIT_SIGPIPE
    except KeyboardInterrupt:
        print(_interrupted(args), file=sys.stderr)
        return EXIT_INTERRUPTED


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "eval":
        from dedup.eval.cli import main_eval

        return main_eval(args)
    if args.command == "report":
        from dedup.cli.report import main_report

        return main_report(args)
    if args.command == "index" and args.index_command == "info":
        return run_index_info(args)
    try:
        config = config_from_args(args)
    except ConfigError as exc:
        print(f"dedup: configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return _run(args, config, ErrorPrinter())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
