"""Rewrite + write: every document streamed back from the spool, its removals
applied, and its records emitted (through :mod:`dedup.io.records`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from dedup.config import Config
from dedup.documents import Document
from dedup.io.records import ABSENT, DedupBlock, Removal
from dedup.io.spool import Spool
from dedup.stages.analyse import ChunkAnalysis, Cut
from dedup.stages.memory import release_free_memory
from dedup.stages.timer import StageTimer
from dedup.state.decisions import Decisions, Sink
from dedup.text.rewrite import apply_cuts


@dataclass
class Tally:
    """Counts of what was removed, accumulated while records stream out."""

    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    by_reason: dict[str, dict[str, int]] = field(default_factory=dict)
    docs_out: int = 0
    chars_in: int = 0
    chars_out: int = 0

    def count(self, r: Removal) -> None:
        for table, key in ((self.by_kind, r.kind), (self.by_reason, f"{r.kind}:{r.reason}")):
            entry = table.setdefault(key, {"records": 0, "chars": 0})
            entry["records"] += 1
            entry["chars"] += r.end - r.start


def _boilerplate_removals(doc: Document, cuts: list[Cut]) -> list[Removal]:
    return [
        Removal(doc.doc_id, "boilerplate", reason, s, e, doc.text[s:e])
        for s, e, reason in sorted(cuts)
    ]


def _output_record(
    doc: Document, removals: list[Removal], cluster_id: str | None, config: Config
) -> dict[str, Any]:
    text = apply_cuts(doc.text, [(r.start, r.end) for r in removals])
    record: dict[str, Any] = dict(doc.fields) if doc.fields else {}
    id_field = config.input.id_field
    input_id = record.get(id_field)
    if input_id is None:
        record = {id_field: doc.doc_id, **record}
    elif str(input_id) != doc.doc_id:  # input.id_mode rewrote it (dedup/io/ids.py)
        record[id_field] = doc.doc_id
    record[config.input.text_field] = text
    removed = {"boilerplate": 0, "duplicate_passage": 0}
    for r in removals:
        if r.kind in removed:
            removed[r.kind] += r.end - r.start
    # An input's own "dedup" value (e.g. an earlier run's object) is kept inside
    # ours, so our object is always at "dedup" and nothing of the input is lost.
    previous = record.pop("dedup") if "dedup" in record else ABSENT
    record["dedup"] = DedupBlock(
        cluster_id=cluster_id,
        boilerplate_chars=removed["boilerplate"],
        passage_chars=removed["duplicate_passage"],
        removed_spans=len(removals),
        chars_in=len(doc.text),
        chars_out=len(text),
        input_id=input_id if input_id is not None and str(input_id) != doc.doc_id else None,
        previous=previous,
    ).to_json()
    return record


def write_stage(
    spool: Spool, config: Config, decisions: Decisions, sink: Sink, stages: StageTimer
) -> Tally:
    """Stream every document back from the spool, apply removals, emit records."""
    tally = Tally()
    g0 = 0
    with stages.bar(spool.n_chunks, "write") as bar:
        for k in range(spool.n_chunks):
            docs: list[Document] = spool.read(("docs", k))
            passage_cuts: dict[int, list[Removal]] = defaultdict(list)
            texts = [d.text for d in docs]
            for g, r in decisions.passage_removals(decisions.cuts.chunk(k), g0, texts):
                passage_cuts[g].append(r)
            for i, (doc, cuts) in enumerate(zip(docs, _chunk_cuts(spool, k), strict=True)):
                g = g0 + i
                tally.chars_in += len(doc.text)
                dropped = decisions.drop_removal(g, doc.text)
                if dropped is not None:
                    tally.count(dropped)
                    sink.removal(dropped.to_json())
                    continue
                removals = _boilerplate_removals(doc, cuts) + passage_cuts.get(g, [])
                removals.sort(key=lambda r: (r.start, r.end))
                for r in removals:
                    tally.count(r)
                    sink.removal(r.to_json())
                record = _output_record(doc, removals, decisions.cluster_id(g), config)
                tally.docs_out += 1
                tally.chars_out += record["dedup"]["chars_out"]
                sink.document(record)
            g0 += len(docs)
            bar.update(1)
            if k % 8 == 7:
                release_free_memory()
    return tally


def _chunk_cuts(spool: Spool, k: int) -> list[list[Cut]]:
    """Chunk k's boilerplate cuts; from the analysis only for a chunk analysed
    by a version that did not spool them apart (a resumed older run)."""
    if spool.has(("bpcuts", k)):
        cuts: list[list[Cut]] = spool.read(("bpcuts", k))
        return cuts
    analysis: ChunkAnalysis = spool.read(("analysis", k))
    return analysis.cuts
