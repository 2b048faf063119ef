"""Classify every line of a plain-text page as content or boilerplate.

Three passes, each cheap (a fourth for HTML-extracted text):

0. HTML only, when the caller passes ``line_roles`` (from
   :func:`.html.extract_html_with_roles`): the page title and headline lists,
   see :func:`_mark_html_roles`;
1. line rules (:func:`.rules.line_rule`) and learned site templates;
2. navigation runs: four or more consecutive short title-like lines;
3. listing-page segmentation: when a page carries two or more stamp lines
   ("2 years ago", "January 29, 2023"), the stamps cut it into story
   segments; a segment made of a headline plus at most two short teaser lines,
   or plus a few lines ending in a truncated teaser, is a ``related_stub``;
   full stories stay whatever their length.

Decisions about the seeds' listing page (seeds/004_*.txt), on purpose:
the short "Bangladeshi student killed in Azerbaijan" story (headline and seven
paragraphs, the last one a complete sentence) is a real article and stays; the
first line "Azerbaijan" is a section label (a one-to-three-word line standing
before a story's headline) and goes as ``section_label``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import regex

from dedup.config import BoilerplateConfig
from dedup.extract.html import CHROME_REASONS, role_parts

from .boxes import mark_dateline_headlines, mark_navigation, mark_related_box, mark_tag_list
from .line_model import load_model, page_features
from .lines import (
    RuleHit,
    ends_sentence,
    is_headline_like,
    is_truncated,
    word_count,
)
from .model_gate import model_protected, model_removals
from .rule_cache import LineRuleCache
from .rules import RULES
from .templates import SiteTemplates, normalise_line

CONTENT = "content"
BOILERPLATE = "boilerplate"
_STAMPS = frozenset({"age_stamp", "date_stamp"})
_LONG = 10_000  # word count used for lines too long to be anything but prose
# Headline lists (HTML roles): a heading of five words or more is a story
# headline, shorter ones ("Status Quo", "Aktuelle Situation") are section
# headings that may legitimately follow one another.
_HEADLINE_MIN_WORDS = 5
_LIST_HEADLINE_MIN_WORDS = 4
_NUMBERED = regex.compile(r"[0-9]{1,3}[.)]\s")  # "1. Define early retirement": a step
_TITLE_CASE_SHARE = 0.75


@dataclass(frozen=True)
class LineDecision:
    """The verdict on one line of a text.

    ``start``/``end`` index the line in the text (newline excluded, a ``\\r``
    included); ``cut_start``/``cut_end`` is what is removed when the line is
    boilerplate: the whole line, or only a part a rule names. For content
    lines the cut is empty (``cut_start == cut_end == start``).
    """

    start: int
    end: int
    text: str
    label: str
    reason: str | None
    rule: str
    cut_start: int
    cut_end: int
    # The learned line model's P(boilerplate) when it ran (plain text), else None.
    score: float | None = None


# Every line break str.splitlines (and so text.py) knows, \r\n as one break:
# a "Read more:" line after a CR or U+2028 is a line of its own to a reader.
_LINE_BREAK = regex.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_OTHER_BREAK = regex.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


def split_lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, breaks excluded; an empty text has one empty line.

    >>> split_lines("a\\r\\nbc\\n")
    [(0, 1), (3, 5), (6, 6)]
    >>> split_lines("a\\rb\\u2028c")
    [(0, 1), (2, 3), (4, 5)]
    """
    spans: list[tuple[int, int]] = []
    start = 0
    if _OTHER_BREAK.search(text) is None:
        # Only \n breaks (almost every text): str.split, no match objects.
        for line in text.split("\n"):
            end = start + len(line)
            spans.append((start, end))
            start = end + 1
        return spans
    for m in _LINE_BREAK.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def classify_text(
    text: str,
    config: BoilerplateConfig,
    templates: SiteTemplates | None = None,
    site: str | None = None,
    *,
    line_roles: Sequence[str] | None = None,
    keep_title: bool | None = None,
    rule_cache: LineRuleCache | None = None,
) -> list[LineDecision]:
    """One decision per line of ``text`` (split on ``\\n``), in order.

    ``line_roles`` (HTML documents only: one role per line, as returned by
    :func:`dedup.extract.extract_html_with_roles`) turns on the rules that
    need the page structure: ``title`` and ``headline_list``. ``keep_title``
    keeps the page title as content; ``None`` reads ``config.keep_title``
    (``[boilerplate] keep_title``, default false). Plain text never loses its
    title: without roles there is no title rule. ``rule_cache`` (one per
    chunk of documents) saves judging a line the site repeats again; the
    decisions are the same with or without it.

    >>> from dedup.config import BoilerplateConfig
    >>> text = "Real news here.\\nRead more: Other story\\n2 years ago"
    >>> ds = classify_text(text, BoilerplateConfig())
    >>> [(d.label, d.reason) for d in ds]
    [('content', None), ('boilerplate', 'read_more_link'), ('boilerplate', 'age_stamp')]
    """
    spans = split_lines(text)
    n = len(spans)
    if not config.enabled:
        return [LineDecision(s, e, text[s:e], CONTENT, None, "", s, s) for s, e in spans]
    stripped, hits, nonblank = _rule_pass(
        text, spans, config, templates, site, line_roles, keep_title, rule_cache
    )
    scores: list[float | None] = [None] * n
    if line_roles is None and config.line_model:
        model = load_model(config.line_model_path)
        threshold = config.line_model_threshold or model.threshold
        probs = model.scores(page_features(stripped, nonblank, hits)).tolist()
        ruled = [hits[i] is not None for i in nonblank]
        heads = model_protected([stripped[i] for i in nonblank], ruled)
        for k in model_removals(probs, ruled, threshold, heads):
            hits[nonblank[k]] = RuleHit("line_model", f"learned line model: score {probs[k]:.2f}")
        for i, p in zip(nonblank, probs, strict=True):
            scores[i] = p

    disabled = set(config.disabled_rules)
    out: list[LineDecision] = []
    for i, (s, e) in enumerate(spans):
        hit = hits[i]
        raw = text[s:e]
        if hit is None or hit.reason in disabled:
            out.append(LineDecision(s, e, raw, CONTENT, None, "", s, s, scores[i]))
            continue
        if hit.cut is None:
            cs, ce = s, e
        else:
            lead = len(raw) - len(raw.lstrip())
            cs, ce = s + lead + hit.cut[0], s + lead + hit.cut[1]
        out.append(LineDecision(s, e, raw, BOILERPLATE, hit.reason, hit.rule, cs, ce, scores[i]))
    return out


def line_features(
    text: str,
    config: BoilerplateConfig,
    templates: SiteTemplates | None = None,
    site: str | None = None,
) -> tuple[list[int], np.ndarray]:
    """(non-blank line indices, their feature rows) as the line model sees them.

    For training (benchmarks/train_line_model.py): the hand rules run first,
    exactly as in :func:`classify_text`, and their hits are features.
    """
    spans = split_lines(text)
    stripped, hits, nonblank = _rule_pass(text, spans, config, templates, site, None, False)
    return nonblank, page_features(stripped, nonblank, hits)


def _rule_pass(
    text: str,
    spans: list[tuple[int, int]],
    config: BoilerplateConfig,
    templates: SiteTemplates | None,
    site: str | None,
    line_roles: Sequence[str] | None,
    keep_title: bool | None,
    rule_cache: LineRuleCache | None = None,
) -> tuple[list[str], list[RuleHit | None], list[int]]:
    """The hand rules: (stripped lines, each line's hit or None, non-blank indices)."""
    n = len(spans)
    if line_roles is not None and len(line_roles) != n:
        raise ValueError(f"line_roles has {len(line_roles)} entries for a text of {n} lines")
    if keep_title is None:
        keep_title = config.keep_title
    timeout = config.regex_timeout_s
    stripped: list[str] = []
    hits: list[RuleHit | None] = [None] * n
    max_words = config.template_max_words
    # A site with no learned template line needs no line normalised for it.
    use_templates = (
        templates is not None
        and site is not None
        and config.templates
        and bool(templates.lines.get(site))
    )
    position = 0
    rule = (rule_cache if rule_cache is not None else LineRuleCache()).rule
    tails = RULES.tails_in(text)
    for i, (s, e) in enumerate(spans):
        st = text[s:e].strip()
        stripped.append(st)
        if not st:
            continue
        # An 800-character line cannot be a <= 40-word rule line unless its words
        # average 20 characters; skip the split, which is the loop's main cost.
        nw = _LONG if len(st) > 800 else word_count(st)
        hit = rule(st, nw, timeout, position, tails)
        position += 1
        if (
            hit is None
            and use_templates
            and nw <= max_words
            and templates is not None
            and templates.contains_key(site, normalise_line(st))
        ):
            hit = RuleHit("site_template", f"a line this site repeats on many pages ({site})")
        hits[i] = hit

    nonblank = [i for i in range(n) if stripped[i]]
    if line_roles is not None:
        _mark_html_roles(nonblank, stripped, hits, line_roles, keep_title)
    mark_navigation(nonblank, stripped, hits)
    mark_tag_list(nonblank, stripped, hits)
    mark_related_box(nonblank, stripped, hits, timeout)
    mark_dateline_headlines(nonblank, stripped, hits, timeout)
    _mark_listing(nonblank, stripped, hits)
    disabled = set(config.disabled_rules)
    for i in nonblank:
        hit = hits[i]
        if hit is not None and hit.reason in disabled:
            hits[i] = None
    return stripped, hits, nonblank


def _title_case(s: str) -> bool:
    """Most words of four letters or more start with a capital or a digit.

    >>> _title_case("15 Amazing Images of Stars"), _title_case("Arrowhead bottled water")
    (True, False)
    """
    words = [w for w in s.split() if len(w) > 3]
    if len(words) < 2:
        return False
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return caps >= _TITLE_CASE_SHARE * len(words)


def _story_headline(s: str) -> bool:
    """A heading that reads as another story's headline, not a section heading."""
    return (
        word_count(s) >= _HEADLINE_MIN_WORDS
        and not ends_sentence(s)
        and _NUMBERED.match(s, timeout=1.0) is None
    )


def _list_headline(s: str) -> bool:
    """A list item that reads as a linked headline: "- 15 Amazing Images of Stars".

    Items with prices or two commas are product lists and enumerations
    ("- Blue Origin, Kent, Washington"), which articles keep.
    """
    s = s.lstrip("-•*· ")
    return (
        word_count(s) >= _LIST_HEADLINE_MIN_WORDS
        and not ends_sentence(s)
        and is_headline_like(s)
        and _title_case(s)
        and "$" not in s
        and s.count(",") < 2
    )


def _mark_html_roles(
    nonblank: list[int],
    stripped: list[str],
    hits: list[RuleHit | None],
    roles: Sequence[str],
    keep_title: bool,
) -> None:
    """Rules that need the structure trafilatura saw (HTML documents only).

    - furniture: a line whose text sits, in the HTML, only inside a small
      element whose class or id names it (role ``chrome:<reason>``), e.g. "Pick
      Six Newsletter" in ``<h3 class="Newsletter-title--small">`` goes as
      ``subscribe``, "Thank you" in ``<p class="hide">`` as ``page_chrome``;
    - ``title``: the page's own title line (role ``title``: one of the first
      three lines and equal to the <title>/og:title/<h1>), e.g. "Esper accuses
      China of intimidating smaller Asian nations" above the article. Article
      bodies (and the AEB gold) leave the title out; ``keep_title`` keeps it.
      The subtitle and the standfirst under it stay.
    - above the title: a one-to-three-word label ("Review", ``section_label``)
      or a story-headline heading ("16-inch MacBook Pro Now Available",
      ``headline_list``); a prose lead printed above the headline stays.
    - ``headline_list``: two or more consecutive headings of five words or
      more, e.g. "Jonas Brothers Added to 2019 American Music Awards
      Performance Lineup" / "Ciara to Host 2019 American Music Awards, Plus New
      Performers Announced": headings with no text between them are links to
      other stories, not section headings. Headings that end the text with no
      text after them go too. A list of two or more items that all read as
      Title Case headlines ("- 15 Amazing Images of Stars" / "- 11 Fascinating
      Facts About Our Milky Way Galaxy") is a related-links list.
    """
    parts = [role_parts(r) for r in roles]
    roles = [p[0] for p in parts]
    for i in nonblank:
        chrome = parts[i][1]
        # Only the codes furniture can carry: a stray role never mints a new reason.
        if hits[i] is None and chrome in CHROME_REASONS:
            hits[i] = RuleHit(chrome, "in the HTML, only inside page furniture (class/id says so)")
    if not keep_title:
        # Only the title itself: the subtitle heading under it and the
        # standfirst (a first heading equal to the page's description) stay.
        # Cutting them gained 0.0002 F1 on AEB, where the rule was written,
        # and lost 0.0014 on trafilatura-dev, whose gold keeps them
        # (benchmarks/html_peers.py).
        for i in nonblank:
            if roles[i] == "title" and hits[i] is None:
                hits[i] = RuleHit("title", "the page title (matches <title>, og:title or <h1>)")

    # Above the title: a short label ("Review") or another story's headline
    # heading; prose there (a lead paragraph printed before the headline) stays.
    title_at = next((k for k, i in enumerate(nonblank) if roles[i] == "title"), None)
    for i in nonblank[: title_at or 0]:
        if hits[i] is not None:
            continue
        if roles[i] == "heading" and _story_headline(stripped[i]):
            hits[i] = RuleHit("headline_list", "a story headline above the page title")
        elif word_count(stripped[i]) <= 3 and not ends_sentence(stripped[i]):
            hits[i] = RuleHit("section_label", "a one-to-three-word label above the page title")

    def heading(j: int) -> bool:
        return roles[j] == "heading" and _story_headline(stripped[j])

    rule_run = "one of consecutive story headlines with no text between them"
    for k, i in enumerate(nonblank):
        if hits[i] is not None or not heading(i):
            continue
        prev = k > 0 and heading(nonblank[k - 1])
        nxt = k + 1 < len(nonblank) and heading(nonblank[k + 1])
        if prev or nxt:
            hits[i] = RuleHit("headline_list", rule_run)
    # Headings at the very end: nothing follows them but boilerplate ("How to
    # listen to The Tennis Podcast" over "Listen: http://..." links), so they
    # head nothing of the article.
    for i in reversed(nonblank):
        if roles[i] != "heading" and hits[i] is not None:
            continue
        if roles[i] != "heading" or ends_sentence(stripped[i]):
            break
        if hits[i] is None:
            hits[i] = RuleHit("headline_list", "a heading that ends the text (heads nothing)")
    # Lists of headline items.
    k = 0
    while k < len(nonblank):
        if roles[nonblank[k]] != "item":
            k += 1
            continue
        j = k
        while j < len(nonblank) and roles[nonblank[j]] == "item":
            j += 1
        run = nonblank[k:j]
        if len(run) >= 2 and all(_list_headline(stripped[x]) for x in run):
            for x in run:
                if hits[x] is None:
                    hits[x] = RuleHit("headline_list", "an item of a list of story headlines")
        k = j


def _mark_listing(nonblank: list[int], stripped: list[str], hits: list[RuleHit | None]) -> None:
    """Segment a listing page at its stamp lines and drop headline+teaser stubs."""
    stamp_pos = [k for k, i in enumerate(nonblank) if _is_stamp(hits[i])]
    if len(stamp_pos) < 2:
        return
    segments: list[list[int]] = []
    current: list[int] = []
    for i in nonblank:
        if _is_stamp(hits[i]):
            if current:
                segments.append(current)
            current = []
        elif hits[i] is None:
            current.append(i)
    if current:
        segments.append(current)
    # A page with dates in its header is not a listing: ask for at least two
    # segments that look like stories (a headline followed by text).
    stories = [
        seg
        for seg in segments
        if len(seg) >= 2 and any(is_headline_like(stripped[j]) for j in seg[:2])
    ]
    if len(stories) < 2:
        return
    for seg in segments:
        _judge_segment(seg, stripped, hits)


def _is_stamp(hit: RuleHit | None) -> bool:
    return hit is not None and hit.reason in _STAMPS


def _judge_segment(seg: Sequence[int], stripped: list[str], hits: list[RuleHit | None]) -> None:
    head = seg[0]
    body = list(seg[1:])
    if not is_headline_like(stripped[head]):
        return
    if body and word_count(stripped[head]) <= 3 and is_headline_like(stripped[body[0]]):
        hits[head] = RuleHit(
            "section_label", "a one-to-three-word section label above a story headline"
        )
        head, body = body[0], body[1:]
    chars = sum(len(stripped[j]) for j in body)
    stub = (
        not body
        or (len(body) <= 2 and chars <= 700)
        or (len(body) <= 4 and is_truncated(stripped[body[-1]]))
    )
    if not stub:
        return
    rule = "headline + teaser of another story on a listing page"
    for j in (head, *body):
        hits[j] = RuleHit("related_stub", rule)


def explain_lines(decisions: Sequence[LineDecision]) -> str:
    """The text of ``dedup strip --explain``: one row per input line.

    >>> from dedup.config import BoilerplateConfig
    >>> print(explain_lines(classify_text("Hello there.\\n3 hours ago", BoilerplateConfig())))
    keep  -                 | Hello there.
    DROP  age_stamp         | 3 hours ago
    """
    rows = []
    for d in decisions:
        line = d.text.rstrip("\r")
        if d.label == CONTENT:
            rows.append(f"keep  {'-':<17} | {line}")
        elif d.cut_start == d.start and d.cut_end == d.end:
            reason = d.reason or "?"
            if reason == "line_model" and d.score is not None:
                reason = f"{reason} {d.score:.2f}"
            rows.append(f"DROP  {reason:<17} | {line}")
        else:
            a, b = d.cut_start - d.start, d.cut_end - d.start
            rows.append(f"CUT   {d.reason or '?':<17} | [{line[a:b]}]{line[b:]}")
    return "\n".join(rows)
