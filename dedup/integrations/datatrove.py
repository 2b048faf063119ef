"""A datatrove ``PipelineStep`` for dedup's per-document work: boilerplate stripping.

datatrove pipelines process documents shard by shard, so only the work that
needs one document at a time fits in a step: the boilerplate rules (read-more
links, age stamps, captions, related-story stubs...). Site-template learning
and near-duplicate removal need the whole corpus; run ``dedup clean`` over the
pipeline's JSONL or Parquet output for them (the README's datatrove recipe).

Each document's ``metadata["dedup"]`` records what was cut, with our reason
codes and offsets into the text as it came in, so the accounting stays
lossless: deleting the ``removed`` spans from the input text gives the output
text (whitespace aside).

Needs the ``datatrove`` extra (``pip install 'dedup[datatrove]'``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from datatrove.pipeline.base import PipelineStep

from dedup.config import Config
from dedup.io.urls import site_of_url
from dedup.stages.analyse import classify_doc
from dedup.text.rewrite import apply_cuts


def strip_text(text: str, config: Config, site: str | None = None) -> tuple[str, dict[str, Any]]:
    """The text without its boilerplate lines, and the ``dedup`` metadata saying what went.

    >>> text, meta = strip_text("Read more: elsewhere\\nA real line.", Config())
    >>> text, meta["removed"][0]["reason"], meta["chars_in"]
    ('A real line.', 'read_more_link', 33)
    """
    cuts, _ = classify_doc(text, site, config.boilerplate, None)
    cuts = sorted(cuts)
    removed = [{"start": s, "end": e, "reason": reason, "text": text[s:e]} for s, e, reason in cuts]
    out = apply_cuts(text, [(s, e) for s, e, _ in cuts])
    return out, {"chars_in": len(text), "removed": removed}


class DedupBoilerplate(PipelineStep):
    """Strips boilerplate from each document; reason codes in ``metadata["dedup"]``.

    ``config``: a :class:`dedup.Config` (its ``boilerplate`` section applies);
    ``url_key``: the metadata key holding the page URL, whose host is the site
    the rules see. A document left empty is dropped (counted as
    ``dropped_empty``), as datatrove filters drop documents.
    """

    name = "dedup boilerplate"
    type = "✂️ - FORMAT"

    def __init__(self, config: Config | None = None, url_key: str = "url") -> None:
        super().__init__()
        self.config = config or Config()
        self.url_key = url_key

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        for doc in data:
            self.stat_update("documents_in")
            with self.track_time():
                site = site_of_url(doc.metadata.get(self.url_key))
                text, meta = strip_text(doc.text, self.config, site)
            doc.metadata["dedup"] = meta
            self.stat_update("boilerplate_spans", value=len(meta["removed"]))
            if not text.strip() and doc.text.strip():
                self.stat_update("dropped_empty")
                continue
            doc.text = text
            yield doc
