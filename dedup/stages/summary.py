"""report.json: a run's counts, parameters, errors and timings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dedup.boilerplate import SiteTemplates
from dedup.config import Config
from dedup.io.errors import ErrorLog
from dedup.sketch.shapes import Shapes
from dedup.stages.timer import StageTimer
from dedup.stages.write import Tally
from dedup.state.decisions import Decisions
from dedup.version import __version__


def build_report(
    *,
    n_read: int,
    n_docs: int,
    tally: Tally,
    decisions: Decisions,
    config: Config,
    shapes: Shapes,
    templates: SiteTemplates | None,
    errors: ErrorLog,
    stages: StageTimer,
    inputs: Sequence[str],
    workers: int,
    table_bytes: int = 0,
) -> dict[str, Any]:
    """Counts, parameters, errors and timings of a run (report.json)."""
    by_kind = tally.by_kind
    return {
        "dedup_version": __version__,
        "inputs": list(inputs),
        "documents": {
            "read": n_read,
            "in": n_docs,
            "out": tally.docs_out,
            "dropped_duplicate": decisions.n_dropped(),
            "bad_input_errors": len(errors.errors),
            "empty": errors.notices.get("empty_documents", 0),
            "generated_ids": errors.notices.get("generated_ids", 0),
        },
        "dates": {
            "field": config.input.date_field,
            "format": config.input.date_format,
            "read": errors.notices.get("dates_read", 0),
            "unparsable": errors.notices.get("unparsable_dates", 0),
            "unparsable_examples": errors.examples.get("unparsable_dates", []),
        },
        "characters": {
            "in": tally.chars_in,
            "out": tally.chars_out,
            "removed_by_level": {
                "boilerplate": by_kind.get("boilerplate", {}).get("chars", 0),
                "document": by_kind.get("duplicate_document", {}).get("chars", 0),
                "passage": by_kind.get("duplicate_passage", {}).get("chars", 0),
            },
        },
        "removed": {
            "by_kind": dict(sorted(by_kind.items())),
            "by_reason": dict(sorted(tally.by_reason.items())),
        },
        # Per level, deterministic: how many pairs LSH proposed and verification kept.
        "stages": dict(sorted(decisions.stage_counts.items())),
        "clusters": {
            "document": decisions.clusters["document"],
            "passage": decisions.clusters["passage"],
            "against_index": decisions.clusters["against_index"],
        },
        "index": (
            {
                "against": config.index.against,
                "policy": config.index.policy,
                "update": config.index.update,
                **decisions.index_report,
            }
            if config.index.against
            else None
        ),
        "parameters": {
            "config": _portable_config(config),
            "lsh": {
                "document": {"bands": shapes.doc_bands, "rows": shapes.doc_rows},
                "passage": {"bands": shapes.passage_bands, "rows": shapes.passage_rows},
            },
            "site_templates": templates.size() if templates is not None else 0,
        },
        "errors": {
            "count": len(errors.errors),
            "records": [e.to_json() for e in errors.errors],
        },
        # Everything that may differ between two runs of the same job.
        "runtime": {
            "engine": config.run.engine,
            "workers": workers,
            "timings_s": stages.timings,
            "peak_rss_mb": stages.peak_rss_mb,
            "workers_peak_rss_mb": stages.workers_peak_rss_mb,
            "resumed_chunks": stages.resumed_chunks,
            "corpus_table_mb": round(table_bytes / 2**20, 1),
        },
    }


def _portable_config(config: Config) -> dict[str, Any]:
    # Settings that do not change the output (how many workers, which engine,
    # where scratch files go) stay out of the report's parameters so reports
    # of the same job compare equal across machines.
    data = config.to_dict()
    run = data.pop("run")
    data["run"] = {"strict": run["strict"]}
    return data
