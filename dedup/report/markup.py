"""HTML and SVG primitives of report.html: escaping, number formats, reason
colours, bar charts, tables and the page's anchor ids.

Every string that comes from the corpus or from OUTDIR's files goes through
:func:`esc` (:func:`html.escape`, quotes included). Class names and ids the
page makes are indices (``rc3``, ``doc-12``), never corpus text.
"""

from __future__ import annotations

import html
import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Known reasons get fixed hues so pages of different runs look alike; others
# get a hue from a checksum of their name (stable across runs and machines).
_REASON_HUES: dict[str, int] = {
    "read_more_link": 210,
    "age_stamp": 35,
    "date_stamp": 50,
    "caption": 280,
    "site_tagline": 320,
    "related_stub": 15,
    "pre_title_label": 180,
    "section_label": 160,
    "site_template": 250,
    "near_duplicate": 0,
    "exact_duplicate": 345,
}


def esc(v: Any) -> str:
    """Escape for both text and attribute values (quotes included)."""
    return html.escape(str(v), quote=True)


def fmt_int(n: Any) -> str:
    """An integer with thousands separators; anything else escaped, None as a dash.

    >>> fmt_int(1234567), fmt_int("x"), fmt_int(None)
    ('1,234,567', 'x', '–')
    """
    if isinstance(n, int) and not isinstance(n, bool):
        return f"{n:,}"
    return "–" if n is None else esc(n)


def fmt_float(v: float | None, digits: int = 3) -> str:
    """``v`` to ``digits`` decimals, None as a dash."""
    return "–" if v is None else f"{v:.{digits}f}"


def _hue(reason: str) -> int:
    return _REASON_HUES.get(reason, zlib.crc32(reason.encode("utf-8")) % 360)


@dataclass(frozen=True)
class Palette:
    """CSS class per reason: class names are indices, never corpus text."""

    classes: dict[str, str]

    @classmethod
    def of(cls, reasons: Sequence[str]) -> Palette:
        return cls({r: f"rc{i}" for i, r in enumerate(sorted(set(reasons)))})

    def css(self) -> str:
        rules = []
        for reason, name in self.classes.items():
            h = _hue(reason)
            rules.append(
                f".{name}{{background:hsl({h} 85% 88%);text-decoration-color:hsl({h} 70% 35%)}}"
                f".sw.{name}{{background:hsl({h} 70% 55%)}}"
            )
        return "\n".join(rules)

    def cls(self, reason: str) -> str:
        return self.classes.get(reason, "")


def svg_bars(
    labels: Sequence[str], series: Sequence[tuple[str, int, Sequence[int]]], unit: str
) -> str:
    """A grouped bar chart as inline SVG; series are (name, hue, counts)."""
    width, height, left, bottom, top = 560, 190, 44, 34, 10
    n = len(labels)
    peak = max([1, *(c for _, _, counts in series for c in counts)])
    plot_w, plot_h = width - left - 8, height - bottom - top
    slot = plot_w / max(n, 1)
    bar_w = max(1.0, (slot - 4) / max(len(series), 1))
    out = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" '
        'stroke="#888"/>',
        f'<text x="{left - 4}" y="{top + 8}" text-anchor="end" class="ax">{peak:,}</text>',
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end" class="ax">0</text>',
    ]
    for i, label in enumerate(labels):
        x0 = left + i * slot + 2
        for j, (name, hue, counts) in enumerate(series):
            c = counts[i] if i < len(counts) else 0
            h = plot_h * c / peak
            x = x0 + j * bar_w
            out.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="hsl({hue} 60% 50%)"><title>{esc(name)} {esc(label)}: '
                f"{c:,} {esc(unit)}</title></rect>"
            )
        if n <= 12 or i % max(1, n // 10) == 0:
            out.append(
                f'<text x="{x0 + (slot - 4) / 2:.1f}" y="{top + plot_h + 14}" '
                f'text-anchor="middle" class="ax">{esc(label)}</text>'
            )
    for j, (name, hue, _) in enumerate(series):
        x = left + 10 + j * 120
        out.append(
            f'<rect x="{x}" y="{height - 12}" width="10" height="10" fill="hsl({hue} 60% 50%)"/>'
            f'<text x="{x + 14}" y="{height - 3}" class="ax">{esc(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def table(rows: Sequence[Sequence[str]], head: Sequence[str], cls: str = "") -> str:
    """Rows of already-escaped cells."""
    h = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{h}</tr></thead><tbody>{body}</tbody></table>'


def params_html(obj: Any, depth: int = 0) -> str:
    """A JSON value (the run's parameters) as nested tables, scalars as escaped JSON."""
    if isinstance(obj, Mapping):
        if not obj:
            return "<i>none</i>"
        rows = "".join(
            f"<tr><th>{esc(k)}</th><td>{params_html(v, depth + 1)}</td></tr>"
            for k, v in obj.items()
        )
        return f'<table class="params d{min(depth, 3)}">{rows}</table>'
    if isinstance(obj, list):
        return "[" + ", ".join(params_html(v, depth + 1) for v in obj) + "]"
    return f"<code>{esc(json.dumps(obj, ensure_ascii=False))}</code>"


def share_bar(part: int, whole: int) -> str:
    """A small inline bar and percentage of ``part`` in ``whole``."""
    frac = 0.0 if whole <= 0 else min(1.0, part / whole)
    return (
        f'<svg class="share" width="80" height="10" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="80" height="10" fill="#eee"/><rect width="{80 * frac:.1f}" height="10" '
        f'fill="#c44"/></svg> {100 * frac:.1f}%'
    )


@dataclass(frozen=True)
class Anchors:
    """Page ids for documents, kept spans and clusters: indices, never corpus text."""

    docs: dict[str, int]
    clusters: dict[str, int]

    def doc(self, doc_id: str) -> str | None:
        i = self.docs.get(doc_id)
        return None if i is None else f"doc-{i}"

    def span(self, doc_id: str, start: int, end: int) -> str | None:
        i = self.docs.get(doc_id)
        return None if i is None else f"k-{i}-{start}-{end}"

    def cluster(self, cluster_id: str | None) -> str | None:
        i = None if cluster_id is None else self.clusters.get(cluster_id)
        return None if i is None else f"cl-{i}"
