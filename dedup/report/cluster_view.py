"""The clusters view of report.html: the members of each sampled cluster side
by side, as near-duplicate detection compared them, with the words that differ
from the kept copy highlighted and the keeper's score said in words
(:mod:`dedup.report.scores`).

Members of a document cluster are shown with their boilerplate cut (for a
dropped copy this needs the cuts the run stored; without them every member is
shown as in its original, and the page says so). The word diff is bounded per
member and over the whole page, since difflib is quadratic at worst.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence

from dedup.report.markup import Anchors, esc, fmt_float
from dedup.report.outdir import Cluster, Member, same_span
from dedup.report.sample import MAX_MEMBERS_SHOWN, SampledDocs
from dedup.report.scores import score_meaning
from dedup.report.texts import Spans
from dedup.text.rewrite import apply_cuts, merge_spans

logger = logging.getLogger(__name__)

#: Words of a member compared by the word diff (difflib is quadratic at worst).
MAX_DIFF_WORDS = 1000
#: Words diffed over the whole page (a 1000-word diff of real prose takes ~30 ms).
DIFF_WORD_BUDGET = 200_000
#: Characters of one member shown in the clusters view.
MAX_MEMBER_CHARS = 20_000

# Linear by construction: one character class, no nesting.
_TOKEN_RE = re.compile(r"\S+|\s+")


def _words(text: str) -> tuple[list[str], list[str]]:
    """Words and the whitespace before each (plus the trailing whitespace last).

    >>> _words(" a  b\\n")
    (['a', 'b'], [' ', '  ', '\\n'])
    """
    words: list[str] = []
    spaces: list[str] = [""]
    for tok in _TOKEN_RE.findall(text):
        if tok[0].isspace():
            spaces[-1] += tok
        else:
            words.append(tok)
            spaces.append("")
    return words, spaces


def _changed(a: Sequence[str], b: Sequence[str]) -> tuple[set[int], set[int]]:
    """Indices of words of ``a`` and of ``b`` that the word diff does not match."""
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    ca: set[int] = set()
    cb: set[int] = set()
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            ca.update(range(i1, i2))
            cb.update(range(j1, j2))
    return ca, cb


def _diff_html(words: Sequence[str], spaces: Sequence[str], changed: set[int]) -> str:
    out = [esc(spaces[0])]
    for i, w in enumerate(words):
        out.append(f'<span class="dw">{esc(w)}</span>' if i in changed else esc(w))
        out.append(esc(spaces[i + 1]))
    return "".join(out)


def _boilerplate_of(doc_id: str, docs: SampledDocs) -> Spans | None:
    """The spans cut as boilerplate before ``doc_id`` was compared, if known: stored
    by the run, else (a kept document) its boilerplate records in removed.jsonl."""
    known = docs.boilerplate.get(doc_id)
    if known is not None:
        return known
    rs = docs.removals.get(doc_id, [])
    if any(r.kind == "duplicate_document" for r in rs):
        return None  # a dropped copy's boilerplate is not in removed.jsonl
    return tuple((r.start, r.end) for r in rs if r.kind == "boilerplate")


def _member_texts(
    shown: Sequence[Member], level: str, docs: SampledDocs
) -> tuple[list[str | None], bool]:
    """What near-duplicate detection compared for each member, and whether it is that.

    A document was compared after boilerplate removal; a passage is a span of
    content. When one document's cuts are unknown (a dropped copy, without the
    texts the run stores) every member is shown as in the original, so the
    diff still compares like with like.
    """
    exact = level != "document" or all(_boilerplate_of(m.doc_id, docs) is not None for m in shown)
    return [_member_text(m, level if exact else "original", docs) for m in shown], exact


def _member_text(m: Member, level: str, docs: SampledDocs) -> str | None:
    orig = docs.originals.get(m.doc_id)
    if orig is not None and m.end <= len(orig):
        if level != "document":
            return orig[m.start : m.end]
        spans = _boilerplate_of(m.doc_id, docs)
        inside = [
            (max(s, m.start), min(e, m.end)) for s, e in spans or () if s < m.end and e > m.start
        ]
        cut = apply_cuts(
            orig[m.start : m.end], [(s - m.start, e - m.start) for s, e in merge_spans(inside)]
        )
        return cut
    for r in docs.removals.get(m.doc_id, []):
        if r.start == m.start and r.end == m.end:
            return r.text
    return None


def clusters_view(
    clusters: Sequence[Cluster],
    docs: SampledDocs,
    anchors: Anchors,
    skipped: int,
    total: int,
    source_priority: Sequence[str] = (),
) -> str:
    """The clusters section: ``skipped`` of ``total`` clusters are not in the sample."""
    parts = ['<section id="clusters"><h2>Clusters</h2>']
    parts.append(
        f"<p class=note>Showing {len(clusters):,} of {total:,} clusters "
        f"(a sample: the first in clusters.jsonl order whose documents fit the page; "
        f"{skipped:,} not shown). At most {MAX_MEMBERS_SHOWN} members per cluster are shown, "
        f"side by side, as they were compared: documents after boilerplate removal, "
        f"passages as cut; words that differ from the kept copy are "
        f'<span class="dw">highlighted</span>.</p>'
    )
    budget = DIFF_WORD_BUDGET
    for ci, c in enumerate(clusters):
        shown = list(c.members[:MAX_MEMBERS_SHOWN])
        if c.canonical is not None and not any(same_span(m, c.canonical) for m in shown):
            canon_m = next((m for m in c.members if same_span(m, c.canonical)), None)
            if canon_m is not None:
                shown = [canon_m, *shown[: MAX_MEMBERS_SHOWN - 1]]
        texts, as_compared = _member_texts(shown, c.level, docs)
        canon_idx = next((i for i, m in enumerate(shown) if same_span(m, c.canonical)), None)
        if canon_idx is None:
            logger.warning("cluster %s: its canonical copy is not among its members", c.cluster_id)
        tokens = [_words((t or "")[:MAX_MEMBER_CHARS]) for t in texts]
        changed: list[set[int]] = [set() for _ in shown]
        diffed = True
        if canon_idx is not None:
            cw = tokens[canon_idx][0][:MAX_DIFF_WORDS]
            for i, (w, _) in enumerate(tokens):
                if i == canon_idx or texts[i] is None:
                    continue
                cost = len(cw) + min(len(w), MAX_DIFF_WORDS)
                if cost > budget:
                    diffed = False
                    continue
                budget -= cost
                ca, cb = _changed(cw, w[:MAX_DIFF_WORDS])
                changed[canon_idx] |= ca
                changed[i] = cb
        sim = fmt_float(c.similarity)
        parts.append(
            f'<section class="cluster" id="cl-{ci}" data-cluster-id="{esc(c.cluster_id)}" '
            f'data-level="{esc(c.level)}" data-members="{len(c.members)}">'
            f"<h3><code>{esc(c.cluster_id)}</code> {esc(c.level)} cluster, "
            f"{len(c.members):,} members, similarity ≥ {esc(sim)}</h3>"
        )
        if c.canonical is not None:
            meaning = score_meaning(c.policy, c.canonical.score, source_priority)
            parts.append(
                f'<p class="why">Kept by policy <code>{esc(c.policy)}</code>: {esc(meaning)} '
                f"(score {esc(fmt_float(c.canonical.score))}). {esc(c.why)}</p>"
            )
        if not as_compared:
            parts.append(
                '<p class="note">Shown as in the originals, boilerplate included: the '
                "boilerplate cut from a dropped copy before comparison is not known to this "
                "page (its run stored no texts for it).</p>"
            )
        if not diffed:
            parts.append(
                '<p class="note">Differences not highlighted: the page\'s diff budget is spent.</p>'
            )
        parts.append('<div class="mgrid">')
        for i, m in enumerate(shown):
            is_canon = i == canon_idx
            doc_a = anchors.doc(m.doc_id)
            span_a = anchors.span(m.doc_id, m.start, m.end)
            target = span_a if is_canon else None
            if not is_canon:
                target = next(
                    (
                        f"r-{anchors.docs[m.doc_id]}-{r.start}"
                        for r in docs.removals.get(m.doc_id, [])
                        if r.start == m.start and r.end == m.end and m.doc_id in anchors.docs
                    ),
                    doc_a,
                )
            name = f"<code>{esc(m.doc_id)}</code> [{m.start:,}:{m.end:,}]"
            head = f'<a href="#{target}">{name}</a>' if target else name
            badge = (
                f'<span class="badge kept">canonical · kept ({esc(c.policy)})</span>'
                if is_canon
                else '<span class="badge gone">removed copy</span>'
            )
            body = (
                _diff_html(tokens[i][0], tokens[i][1], changed[i])
                if texts[i] is not None
                else "<i>text not available (the document is not in this page's sample, or "
                "documents.jsonl is absent)</i>"
            )
            more = (
                f'<p class="note">… {len(texts[i] or "") - MAX_MEMBER_CHARS:,} more characters</p>'
                if len(texts[i] or "") > MAX_MEMBER_CHARS
                else ""
            )

            parts.append(
                f'<div class="member{" canonical" if is_canon else ""}" '
                f'data-canonical="{"true" if is_canon else "false"}">'
                f'<div class="mhead">{badge} {head}<br><small>similarity to kept copy '
                f"{esc(fmt_float(m.similarity))} · "
                f"{esc(score_meaning(c.policy, m.score, source_priority))}</small></div>"
                f'<div class="mtext">{body}</div>{more}</div>'
            )
        parts.append("</div>")
        if len(c.members) > len(shown):
            parts.append(f'<p class="note">+ {len(c.members) - len(shown):,} more members</p>')
        parts.append("</section>")
    if not clusters:
        parts.append("<p>No clusters to show.</p>")
    parts.append("</section>")
    return "".join(parts)
