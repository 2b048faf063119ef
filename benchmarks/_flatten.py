"""Whole pages flattened to plain text, chrome kept: the inputs of the plain-text benchmarks.

Two flatteners of different kinds, so a model trained on one does not learn
one flattener's quirks:

- ``blocks``: dedup's own block flattening, written here on lxml: scripts,
  styles and ``<head>`` dropped, one line per block element (p, div, li, td,
  h1-h6, br, ...), the text of inline elements joined, whitespace collapsed;
- ``resiliparse``: Resiliparse ``extract_plain_text(main_content=False)``
  (whole page, its own block model). Needs resiliparse (own venv, its
  site-packages on PYTHONPATH, see html_peers.py); skipped when missing.

Flattened texts are cached as JSON under ``cache`` keyed by set and flattener.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import lxml.html

_DROP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object"}
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "option", "p",
    "pre", "section", "select", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul", "button", "label", "legend",
}  # fmt: skip


def flatten_blocks(html: str, url: str = "") -> str:
    """One line per block element of the whole page (navigation and footers included)."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"))
    except Exception:  # a page lxml cannot parse flattens to nothing
        return ""
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _DROP:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK
        if block:
            parts.append("\n")
        if isinstance(el.tag, str) and el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = (" ".join(x.split()) for x in "".join(parts).split("\n"))
    return "\n".join(x for x in lines if x)


def flatteners() -> dict[str, Callable[[str, str], str]]:
    out: dict[str, Callable[[str, str], str]] = {"blocks": flatten_blocks}
    try:
        from resiliparse.extract.html2text import extract_plain_text
    except ImportError:
        print("note: resiliparse not importable: its flattening is skipped")
        return out
    out["resiliparse"] = lambda html, url: extract_plain_text(html, main_content=False) or ""
    return out


def flatten_cached(
    set_name: str,
    name: str,
    fn: Callable[[str, str], str],
    items: Sequence[tuple[str, str, str]],
    cache: Path,
) -> list[str]:
    """``fn`` over (page_id, url, html) items, cached in ``cache``."""
    path = cache / f"flat-{set_name}-{name}.json"
    if path.exists():
        got = json.loads(path.read_text())
        if all(i[0] in got for i in items):
            return [got[i[0]] for i in items]
    texts = []
    for page_id, url, html in items:
        try:
            texts.append(fn(html, url))
        except Exception as exc:  # a flattener's crash is its result: no text
            print(f"  {name} failed on {page_id}: {type(exc).__name__}")
            texts.append("")
    cache.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({i[0]: t for i, t in zip(items, texts, strict=True)}))
    return texts
