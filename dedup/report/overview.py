"""The overview of report.html: counts, removals by kind and reason, timings,
cluster histograms, bad input records and the run's parameters.

It always covers the whole run (from report.json and the histograms over every
cluster), whatever the sample of clusters and documents shown below it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from dedup.report.markup import (
    Palette,
    esc,
    fmt_float,
    fmt_int,
    params_html,
    share_bar,
    svg_bars,
    table,
)
from dedup.report.outdir import as_list, as_map, as_num, timings_of
from dedup.report.sample import SIM_BINS, SIZE_BINS, Histograms

#: Bad input records listed on the page (report.json has them all).
MAX_ERRORS_SHOWN = 200


def overview(report: Mapping[str, Any], hist: Histograms, palette: Palette) -> str:
    """The overview section; ``palette`` colours the reasons as the documents view does."""
    parts: list[str] = ['<section id="overview"><h2>Overview</h2><div class="cards">']
    docs = as_map(report.get("documents"))
    chars = as_map(report.get("characters"))
    clusters = as_map(report.get("clusters"))
    cards = [
        ("documents in", docs.get("in")),
        ("documents out", docs.get("out")),
        ("dropped as duplicates", docs.get("dropped_duplicate")),
        ("bad input records", docs.get("bad_input_errors")),
        ("characters in", chars.get("in")),
        ("characters out", chars.get("out")),
        ("document clusters", clusters.get("document")),
        ("passage clusters", clusters.get("passage")),
    ]
    for label, value in cards:
        parts.append(f'<div class="card"><b>{fmt_int(value)}</b><span>{esc(label)}</span></div>')
    parts.append("</div>")
    chars_in = chars.get("in")
    chars_in = chars_in if isinstance(chars_in, int) else 0
    removed = as_map(report.get("removed"))
    by_reason = as_map(removed.get("by_reason"))
    by_kind = as_map(removed.get("by_kind"))
    rows = []
    for kind, v in by_kind.items():
        v = v if isinstance(v, Mapping) else {}
        c = v.get("chars", 0)
        rows.append(
            [
                f"<b>{esc(kind)}</b>",
                "<i>all</i>",
                fmt_int(v.get("records")),
                fmt_int(c),
                share_bar(c if isinstance(c, int) else 0, chars_in),
            ]
        )
        for key, w in by_reason.items():
            k, _, reason = str(key).partition(":")
            if k != kind:
                continue
            w = w if isinstance(w, Mapping) else {}
            c = w.get("chars", 0)
            rows.append(
                [
                    "",
                    f'<span class="sw {palette.cls(reason)}"></span> <code>{esc(reason)}</code>',
                    fmt_int(w.get("records")),
                    fmt_int(c),
                    share_bar(c if isinstance(c, int) else 0, chars_in),
                ]
            )
    parts.append("<h3>Removed, by kind and reason</h3>")
    parts.append(
        table(rows, ["kind", "reason", "records", "characters", "share of input"], "num")
        if rows
        else "<p>Nothing was removed.</p>"
    )
    runtime = as_map(report.get("runtime"))
    timings = timings_of(report)
    rss = as_map(runtime.get("peak_rss_mb"))
    total = sum(v for v in timings.values() if isinstance(v, (int, float)))
    trows = []
    for k, v in timings.items():
        row = [
            f"<code>{esc(k)}</code>",
            esc(fmt_float(as_num(v))),
            share_bar(int(1000 * v), int(1000 * total)) if isinstance(v, (int, float)) else "",
        ]
        if rss:
            row.append(esc(fmt_float(as_num(rss.get(k)), 1)))
        trows.append(row)
    trows.append(["<b>total</b>", f"<b>{total:.3f}</b>", "", *([""] if rss else [])])
    parts.append('<div class="two"><div><h3>Timings per stage</h3>')
    head = ["stage", "seconds", "share", *(["peak RSS (MB)"] if rss else [])]
    parts.append(table(trows, head, "num"))
    extra = [(k, v) for k, v in runtime.items() if k not in ("timings_s", "peak_rss_mb")]
    if extra:
        parts.append(
            '<p class="note">'
            + ", ".join(f"{esc(k)}: <code>{esc(json.dumps(v))}</code>" for k, v in extra)
            + "</p>"
        )
    parts.append("</div><div><h3>Clusters</h3>")
    levels = sorted(set(hist.sizes) | set(hist.similarities))
    hues = {"document": 215, "passage": 25}
    if hist.total:
        size_labels = [
            str(lo) if lo == hi else (f"{lo}-{hi}" if hi < 10**9 else f">{lo - 1}")
            for lo, hi in SIZE_BINS
        ]
        parts.append("<h4>Cluster sizes (members), all clusters</h4>")
        parts.append(
            svg_bars(
                size_labels,
                [(lv, hues.get(lv, 120), hist.sizes.get(lv, [])) for lv in levels],
                "clusters",
            )
        )
        sim_labels = [f"{i / SIM_BINS:.2f}" for i in range(SIM_BINS)]
        parts.append("<h4>Verified similarity of each copy to its kept copy</h4>")
        parts.append(
            svg_bars(
                sim_labels,
                [(lv, hues.get(lv, 120), hist.similarities.get(lv, [])) for lv in levels],
                "copies",
            )
        )
    else:
        parts.append("<p>No clusters: no near-duplicates were found.</p>")
    parts.append("</div></div>")
    errors = as_map(report.get("errors"))
    records = as_list(errors.get("records"))
    if records:
        erows = [
            [
                esc(r.get("source")) if isinstance(r, Mapping) else "",
                fmt_int(r.get("line")) if isinstance(r, Mapping) else "",
                esc(r.get("message")) if isinstance(r, Mapping) else esc(r),
            ]
            for r in records[:MAX_ERRORS_SHOWN]
        ]
        parts.append(f"<h3>Bad input records ({fmt_int(errors.get('count'))})</h3>")
        parts.append(table(erows, ["file", "line", "problem"]))
        if len(records) > MAX_ERRORS_SHOWN:
            parts.append(f"<p>The first {MAX_ERRORS_SHOWN} are listed; report.json has all.</p>")
    params = report.get("parameters", {})
    parts.append("<details><summary><h3>Parameters</h3></summary>")
    parts.append(params_html(params))
    inputs = report.get("inputs")
    if isinstance(inputs, list):
        parts.append("<p>Inputs: " + ", ".join(f"<code>{esc(i)}</code>" for i in inputs) + "</p>")
    parts.append("</details></section>")
    return "".join(parts)
