"""Build a near-duplicate corpus with known answers from the AEB article texts.

    python benchmarks/make_neardup.py --size medium --seed 7 -o /tmp/neardup-medium

Source: the human-marked article bodies of ../shared/data/aeb/ground-truth.json.
Articles that are mostly non-Latin script (8 of 181) or shorter than 80 words
are left out, and long ones are cut to their first 1,200 words (170 remain).
The source has near-copies of its own (press-release "about" blocks, one
statement quoted by two sites, "Buy Now" buttons): a paragraph is dropped when
it, or one of its sentences of 6+ words, has half or more of its word 4-grams
in an earlier article. So every repeat in the corpus is one this script made,
and the gold can list them all.

Each usable article gets one role (seeded shuffle):

``family`` (40 %)
    The original (a headline made from its URL slug, then the body) plus
    syndicated copies: small 1-3, medium 1-4, large 4-16 per family. Gold
    document cluster = the family. Each copy is edited from the original, with
    a difficulty tier:

    ======  =====  ==========  ==========  ===============
    tier    share  word edits  para. swap  truncation
    ======  =====  ==========  ==========  ===============
    easy    60 %   0.2-0.6 %   never       20 %: 1-3 %
    medium  30 %   0.6-1.2 %   20 %        40 %: 2-6 %
    hard    10 %   1.2-2.2 %   50 %        60 %: 5-10 %
    ======  =====  ==========  ==========  ===============

    In every tier: headline changed 70 % (words cut or swapped, "UPDATE: ",
    "| site"), 1-4 boilerplate lines added 70 % (1-2 under 300 words:
    "Advertisement", "Share this article", "2 years ago", "Photo: ...",
    "© 2019 ..."), a dateline ("LONDON (Reuters) - ") 30 %, curly quotes
    made straight 30 %. Truncation drops whole paragraphs from the end (the
    last sentence when the share is smaller than a paragraph). Word edits come
    in bursts of 1-3 neighbouring words, as copy editors change a phrase: 45 %
    substitution (a synonym from a small list, a changed number, else another
    word of the article), 25 % insertion of a filler ("also", "reportedly",
    "on Tuesday"), 30 % deletion.

    Result (medium, seed 7, 5-gram word Jaccard of each copy against its
    original, ``copy_jaccard5`` in manifest.json): median 0.92, 96 % >= 0.8,
    10th percentile 0.83, minimum 0.72; the hard tier has median 0.82 and a
    quarter of its copies below 0.8. Short articles are the hard ones: a
    headline change and two boilerplate lines weigh more in 150 words.

``host`` (40 %)
    A unique article into which repeated passages are pasted:
    *background passages* (1-3 sentences, 18-80 words, from ``source``
    articles), each pasted as its own paragraph into 2-5 hosts, half of the
    copies with 1-2 small word edits; and *shared quotations* (one sentence of
    14-45 words) put into 2-3 hosts, each with its own attribution
    ("“...,” a spokesperson said." / "The minister told reporters: “...”").

hard negatives (not duplicates at the document level)
    *Follow-ups* repeat a host's lede paragraph and continue with other text;
    *updates* repeat the first 40-55 % of a host's paragraphs (of 10+ words)
    and continue with other text (document Jaccard to the host up to about
    0.4). *Template briefs*: short press releases (20-55 words) of one site
    that share three navigation lines and a 70-110 word "About ..." footer;
    pairs on a site have raw Jaccard 0.42-0.57, the near-miss that site
    templates produce. New text takes its source article's headline (each
    headline used once), never a cut of its own first sentence.

``source`` (20 %)
    Not in the corpus: background passages, quotations, footers and the
    bodies of the hard negatives come from these; each paragraph is used once.

Outputs (gold files in the formats of ``dedup eval``, see docs/eval.md):

- ``corpus.jsonl``: ``{"id", "text", "url", "site", "date"}``, shuffled;
  paragraphs separated by a blank line, headline first.
- ``gold_documents.jsonl``: every document, ``{"doc_id", "cluster"}``; the
  cluster is the family id, or the document's own id (a singleton).
- ``gold_passages.jsonl``: the *passage scope* is every document not in a
  family (hosts, hard negatives, briefs). Family documents are judged at the
  document level only: once their duplicates are dropped their passages are
  gone, and passage clusters that a missed copy forms with its original are
  ignored by the eval rather than counted. Inside the scope every passage
  that occurs in two or more documents is listed, at paragraph granularity:
  each copy of a background passage (cluster ``bgN``), of a quotation
  sentence with its attribution (``qN``), of a template footer (``tplN``)
  and of a host paragraph repeated by a hard negative
  (``para:<article>:<n>``). All of them have 10+ words; the generator makes
  no shorter repeats in the scope (headlines and nav lines are unique or
  boilerplate). In-scope documents without a listed passage get a
  ``{"doc_id"}`` scope line. Text that occurs once is not listed: dedup eval
  counts a predicted passage cluster over it as false positive pairs.
- ``gold_boilerplate.jsonl``: the boilerplate this script added (copies'
  lines and datelines, briefs' navigation lines), ``{"doc_id", "start",
  "end", "reason"}``. The source articles keep a little boilerplate of their own that
  is not listed, so precision against this file is a lower bound.
- ``manifest.json``: parameters, counts and the Jaccard distributions.

The same ``--size`` and ``--seed`` give byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
GROUND_TRUTH = DATA / "aeb" / "ground-truth.json"

MAX_WORDS = 1200
MIN_WORDS = 80

WORD = re.compile(r"\w+")
# Sentence ends: . ! ? (optionally a closing quote) then space and a capital/quote.
# Linear: no nested quantifiers.
SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[A-Z“\"])")


@dataclass(frozen=True)
class SizeSpec:
    articles: int  # 0 = all usable
    copies: tuple[int, int]
    backgrounds: int
    quotes: int
    followups: int
    updates: int
    template_sites: int  # sites of short press releases sharing a long footer
    briefs_per_site: tuple[int, int]


SIZES: dict[str, SizeSpec] = {
    "small": SizeSpec(50, (1, 3), 8, 4, 3, 3, template_sites=2, briefs_per_site=(3, 4)),
    "medium": SizeSpec(0, (1, 4), 25, 10, 8, 8, template_sites=3, briefs_per_site=(3, 5)),
    "large": SizeSpec(0, (4, 16), 60, 20, 12, 12, template_sites=5, briefs_per_site=(4, 6)),
}

TIERS: dict[str, dict[str, Any]] = {
    "easy": {"share": 0.6, "edit": (0.002, 0.006), "swap": 0.0, "trunc": (0.2, 0.01, 0.03)},
    "medium": {"share": 0.3, "edit": (0.006, 0.012), "swap": 0.2, "trunc": (0.4, 0.02, 0.06)},
    "hard": {"share": 0.1, "edit": (0.012, 0.022), "swap": 0.5, "trunc": (0.6, 0.05, 0.10)},
}

SYNONYMS: dict[str, str] = {
    "said": "stated", "says": "states", "big": "large", "large": "big", "buy": "purchase",
    "help": "assist", "show": "demonstrate", "start": "begin", "many": "numerous",
    "also": "additionally", "about": "around", "but": "however", "very": "extremely",
    "use": "utilize", "get": "obtain", "new": "latest", "people": "individuals",
    "company": "firm", "because": "since", "after": "following", "before": "prior to",
    "make": "create", "made": "created", "important": "key", "reveal": "show",
    "small": "little", "fast": "quick", "quickly": "rapidly", "often": "frequently",
    "however": "but", "think": "believe", "want": "wish", "need": "require",
    "best": "top", "good": "great", "great": "good", "first": "initial", "end": "finish",
    "try": "attempt", "find": "discover", "told": "informed", "according": "per",
    "percent": "per cent", "officials": "authorities", "government": "administration",
    "year": "twelve months", "week": "seven days", "home": "house", "car": "vehicle",
    "children": "kids", "kids": "children", "mother": "mom", "around": "about",
}  # fmt: skip
FILLERS = [
    "also", "reportedly", "now", "still", "on Tuesday", "this week", "however,", "already",
    "really", "in fact", "the", "new", "just", "officially",
]  # fmt: skip
SITES = [
    "dailyherald-news.com", "metro-post.co.uk", "thewire24.net", "independent-sun.com",
    "newsfeed.example.org", "capitalgazette.net", "globalreport.info", "morningledger.com",
    "techinsider-daily.com", "eveningstandard-online.com", "regional-times.org",
]  # fmt: skip
DATELINES = ["LONDON (Reuters) - ", "NEW YORK (AP) — ", "WASHINGTON — ", "PARIS (AFP) - "]
BOILERPLATE: list[tuple[str, str]] = [
    ("Advertisement", "advertisement"),
    ("Share this article", "share_buttons"),
    ("Sign up for our newsletter", "newsletter"),
    ("Follow us on Twitter and Facebook", "social"),
    ("2 years ago", "age_stamp"),
    ("Photo: Getty Images", "caption"),
    ("© 2019 All rights reserved.", "copyright"),
    ("Click here to subscribe", "subscribe"),
    ("Related Articles", "related_stub"),
    ("Story continues below", "advertisement"),
]
ATTRIBUTIONS = [
    ("“{q},” {who} said.", "said"),
    ("{who} told reporters: “{q}.”", "told"),
    ("“{q},” {who} said in a statement.", "statement"),
    ("As {who} put it: “{q}.”", "put"),
]
SPEAKERS = [
    "a spokesperson", "one analyst", "the minister", "a company official", "the chief executive",
    "one resident", "an industry expert", "a senior aide",
]  # fmt: skip


@dataclass
class Article:
    article_id: str
    url: str
    headline: str
    paragraphs: list[str]


@dataclass
class Segment:
    """One paragraph of a generated document; ``key`` marks text that may repeat."""

    text: str
    key: str | None = None
    boilerplate: str | None = None  # reason code when the generator added it as boilerplate
    dateline: int = 0  # length of a dateline prefix the generator added ("LONDON (Reuters) - ")


@dataclass
class GenDoc:
    name: str
    url: str
    segments: list[Segment]
    family: str | None = None
    role: str = "host"
    tier: str | None = None
    source_of: str | None = None  # original doc name (copies) or host name (hard negatives)
    site: str = ""
    date: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------------ source text


def _words(text: str) -> list[str]:
    return WORD.findall(text)


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) / len(letters) >= 0.9


def _headline_from_url(url: str, first_sentence: str) -> str:
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.(html?|php|aspx?)$", "", slug)
    parts = [p for p in re.split(r"[-_]+", slug) if p.isalpha()]
    if len(parts) >= 3:
        return " ".join(parts[:12]).capitalize()
    return " ".join(first_sentence.split()[:9]).rstrip(",.;:")


def _grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    toks = [t.lower() for t in _words(text)]
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def load_articles(path: Path = GROUND_TRUTH) -> list[Article]:
    """Usable articles, in id order, with text repeated across the source kept once.

    A paragraph is dropped when it, or one of its sentences of 6+ words, has
    half or more of its word 4-grams in earlier articles: the source has
    near-copies of its own (press-release "about" blocks, one statement quoted
    by two sites), which would be unlisted repeats in the gold.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    seen: set[tuple[str, ...]] = set()
    short_seen: set[str] = set()  # paragraphs under 4 words have no 4-grams
    articles: list[Article] = []
    for article_id in sorted(data):
        body = data[article_id]["articleBody"]
        if not _is_latin(body):
            continue
        paragraphs: list[str] = []
        mine: set[tuple[str, ...]] = set()
        words = 0
        for raw in body.split("\n"):
            para = " ".join(raw.split())
            if not _words(para):
                continue
            if len(_words(para)) < 4:
                norm = " ".join(_words(para.lower()))
                if norm in short_seen:
                    continue
                short_seen.add(norm)
            pieces = [para] + [x for x in sentences(para) if len(_words(x)) >= 6]
            if any(
                2 * len(grams & (seen | mine)) >= len(grams)
                for grams in map(_grams, pieces)
                if grams
            ):
                continue
            mine |= _grams(para)
            paragraphs.append(para)
            words += len(_words(para))
            if words >= MAX_WORDS:
                break
        url = data[article_id]["url"]
        if words < MIN_WORDS:
            continue
        headline = _headline_from_url(url, paragraphs[0])
        head_grams = _grams(headline)
        if head_grams and 2 * len(head_grams & seen) >= len(head_grams):
            headline = " ".join(paragraphs[0].split()[:9]).rstrip(",.;:")
        seen |= mine | head_grams
        articles.append(Article(article_id[:12], url, headline, paragraphs))
    return articles


def sentences(paragraph: str) -> list[str]:
    return [s for s in SENTENCE_END.split(paragraph) if s.strip()]


# ----------------------------------------------------------------------------- edits


def _edit_token(token: str, rng: random.Random, vocab: list[str]) -> str:
    """A substitution for one whitespace token, keeping its punctuation and case."""
    m = re.match(r"^(\W*)(\w[\w'’-]*)(\W*)$", token)
    if not m:
        return token
    pre, word, post = m.groups()
    low = word.lower()
    if low in SYNONYMS:
        new = SYNONYMS[low]
    elif word.isdigit() and len(word) <= 4:
        new = str(int(word) + rng.choice([1, 2, 5, 10]))
    elif vocab:
        new = rng.choice(vocab)
    else:
        return token
    if word[:1].isupper():
        new = new[:1].upper() + new[1:]
    return pre + new + post


def edit_words(paragraphs: list[str], rate: float, rng: random.Random) -> tuple[list[str], int]:
    """Apply bursts of word edits to about ``rate`` of the words; returns (paragraphs, edits)."""
    tokens = [p.split() for p in paragraphs]
    total = sum(len(t) for t in tokens)
    if total == 0:
        return paragraphs, 0
    vocab = sorted({w for p in paragraphs for w in _words(p) if len(w) > 3 and w.isalpha()})
    target = max(1, round(total * rate)) if rate > 0 else 0
    done = 0
    while done < target:
        weights = [len(t) for t in tokens]
        pi = rng.choices(range(len(tokens)), weights=weights)[0]
        toks = tokens[pi]
        if not toks:
            continue
        pos = rng.randrange(len(toks))
        burst = min(rng.randint(1, 3), target - done)
        for k in range(burst):
            i = min(pos + k, len(toks) - 1)
            op = rng.random()
            if op < 0.45:
                toks[i] = _edit_token(toks[i], rng, vocab)
            elif op < 0.70:
                toks.insert(i, rng.choice(FILLERS))
            elif len(toks) > 3 and not toks[i].endswith((".", "!", "?", "”", '"')):
                del toks[i]
            else:
                toks[i] = _edit_token(toks[i], rng, vocab)
            done += 1
    return [" ".join(t) for t in tokens], done


def edit_headline(headline: str, rng: random.Random) -> str:
    words = headline.split()
    choice = rng.random()
    if choice < 0.3 and len(words) > 4:
        words = words[: len(words) - rng.randint(1, 2)]
    elif choice < 0.55:
        words = [_edit_token(w, rng, []) for w in words]
        words[0] = words[0].upper() if rng.random() < 0.2 else words[0]
    elif choice < 0.8:
        return rng.choice(["UPDATE: ", "Breaking: ", "WATCH: "]) + headline
    else:
        return headline + " | " + rng.choice(SITES).split(".")[0]
    return " ".join(words)


def small_edit(text: str, rng: random.Random) -> str:
    """One or two word edits, as when a background paragraph is pasted and touched up."""
    toks = text.split()
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(toks))
        if rng.random() < 0.6:
            toks[i] = _edit_token(toks[i], rng, [])
        elif len(toks) > 8 and not toks[i].endswith((".", "!", "?")):
            del toks[i]
    return " ".join(toks)


# -------------------------------------------------------------------------- building


def _make_copy(
    original: GenDoc, article: Article, rng: random.Random, name: str, tier: str
) -> GenDoc:
    spec = TIERS[tier]
    body = list(article.paragraphs)
    stats: dict[str, Any] = {}
    # Truncation: drop paragraphs from the end up to the drawn share of words.
    prob, lo, hi = spec["trunc"]
    if rng.random() < prob and len(body) > 2:
        share = rng.uniform(lo, hi)
        total = sum(len(_words(p)) for p in body)
        dropped = 0
        while len(body) > 2 and (dropped + len(_words(body[-1]))) <= share * total:
            dropped += len(_words(body.pop()))
        if dropped == 0:
            # A share smaller than the last paragraph: cut its last sentence instead.
            last = sentences(body[-1])
            if len(last) > 1:
                body[-1] = " ".join(last[:-1])
                dropped = len(_words(body[-1]))
        stats["truncated_words"] = dropped
    body, edits = edit_words(body, rng.uniform(*spec["edit"]), rng)
    stats["word_edits"] = edits
    if rng.random() < spec["swap"] and len(body) > 3:
        i = rng.randrange(1, len(body) - 1)
        body[i], body[i + 1] = body[i + 1], body[i]
        stats["swapped"] = True
    if rng.random() < 0.3:
        dateline = rng.choice(DATELINES)
        body[0] = dateline + body[0]
    else:
        dateline = ""
    if rng.random() < 0.3:
        body = [p.translate(str.maketrans("“”’‘", "\"\"''")) for p in body]
    headline = edit_headline(article.headline, rng) if rng.random() < 0.7 else article.headline
    segments = [Segment(headline), Segment(body[0], dateline=len(dateline))]
    segments += [Segment(p) for p in body[1:]]
    if rng.random() < 0.7:
        # Short stories carry fewer template lines (and each one weighs more).
        most = 4 if sum(len(_words(p)) for p in body) >= 300 else 2
        for _ in range(rng.randint(1, most)):
            text, reason = rng.choice(BOILERPLATE)
            where = rng.choice([1, len(segments), rng.randrange(1, len(segments) + 1)])
            segments.insert(where, Segment(text, boilerplate=reason))
    site = rng.choice(SITES)
    return GenDoc(
        name=name,
        url=f"https://{site}/{article.url.rstrip('/').rsplit('/', 1)[-1] or 'story'}",
        segments=segments,
        family=original.family,
        role="copy",
        tier=tier,
        source_of=original.name,
        site=site,
        date=original.date,
        extra=stats,
    )


def _site_of(url: str) -> str:
    m = re.match(r"^[a-z]+://([^/]+)", url)
    return m.group(1) if m else ""


def _pick_tier(rng: random.Random) -> str:
    r = rng.random()
    acc = 0.0
    for tier, spec in TIERS.items():
        acc += spec["share"]
        if r < acc:
            return tier
    return "easy"


def build(size: str, seed: int, articles: list[Article]) -> list[GenDoc]:
    """All generated documents, before shuffling and numbering."""
    spec = SIZES[size]
    rng = random.Random(f"{seed}:{size}")
    pool = list(articles)
    rng.shuffle(pool)
    if spec.articles:
        pool = pool[: spec.articles]
    n = len(pool)
    n_family, n_host = round(0.4 * n), round(0.4 * n)
    family_arts = pool[:n_family]
    host_arts = pool[n_family : n_family + n_host]
    source_arts = pool[n_family + n_host :]
    docs: list[GenDoc] = []

    def date_for() -> str:
        return f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    for art in family_arts:
        fam = f"fam:{art.article_id}"
        original = GenDoc(
            name=f"{art.article_id}:orig",
            url=art.url,
            segments=[Segment(art.headline)] + [Segment(p) for p in art.paragraphs],
            family=fam,
            role="original",
            site=_site_of(art.url),
            date=date_for(),
        )
        docs.append(original)
        for k in range(rng.randint(*spec.copies)):
            docs.append(
                _make_copy(original, art, rng, f"{art.article_id}:copy{k}", _pick_tier(rng))
            )

    hosts: list[GenDoc] = []
    for art in host_arts:
        segs = [Segment(art.headline, key=f"head:{art.article_id}")]
        segs += [Segment(p, key=f"para:{art.article_id}:{j}") for j, p in enumerate(art.paragraphs)]
        hosts.append(
            GenDoc(f"{art.article_id}:host", art.url, segs, site=_site_of(art.url), date=date_for())
        )

    # Source paragraphs: split between passage material (backgrounds, quotes) and the
    # bodies of hard negatives, so no source text lands in the corpus twice by accident.
    half = max(1, len(source_arts) // 2)
    passage_paras = [p for a in source_arts[:half] for p in a.paragraphs]
    body_paras = [p for a in source_arts[half:] for p in a.paragraphs if len(_words(p)) >= 8]
    rng.shuffle(passage_paras)
    rng.shuffle(body_paras)
    # New documents made of source text take their source article's headline, once:
    # a headline cut from their own first sentence would repeat inside the document.
    source_heads = {p: a.headline for a in source_arts for p in a.paragraphs}
    used_heads: set[str] = set()

    def headline_for(para: str) -> list[Segment]:
        head = source_heads.get(para)
        if head is None or head in used_heads:
            return []
        used_heads.add(head)
        return [Segment(head)]

    backgrounds: list[str] = []
    quotes: list[str] = []
    while passage_paras and (len(backgrounds) < spec.backgrounds or len(quotes) < spec.quotes):
        # Popped, so the template briefs below never reuse a paragraph.
        para = passage_paras.pop()
        sents = sentences(para)
        if len(backgrounds) < spec.backgrounds:
            take = sents[: rng.randint(1, 3)]
            while take and len(_words(" ".join(take))) > 80:
                take = take[:-1]
            text = " ".join(take)
            if 18 <= len(_words(text)) <= 80:
                backgrounds.append(text)
                continue
        if len(quotes) < spec.quotes:
            for s in sents:
                core = s.strip().strip('“”"').rstrip(".!?,").strip()
                if 14 <= len(_words(core)) <= 45 and "“" not in core and '"' not in core:
                    quotes.append(core)
                    break
    for b, text in enumerate(backgrounds):
        for host in rng.sample(hosts, min(len(hosts), rng.randint(2, 5))):
            pasted = small_edit(text, rng) if rng.random() < 0.5 else text
            pos = rng.randrange(1, len(host.segments) + 1)
            host.segments.insert(pos, Segment(pasted, key=f"bg{b}"))
    for q, text in enumerate(quotes):
        for host in rng.sample(hosts, min(len(hosts), rng.randint(2, 3))):
            template, _ = rng.choice(ATTRIBUTIONS)
            sentence = template.format(q=text, who=rng.choice(SPEAKERS))
            sentence = sentence[:1].upper() + sentence[1:]
            pos = rng.randrange(1, len(host.segments) + 1)
            host.segments.insert(pos, Segment(sentence, key=f"q{q}"))

    # Hard negatives. Bodies come from body_paras, each paragraph used once.
    def take_body(words: int) -> list[Segment]:
        out: list[Segment] = []
        got = 0
        while body_paras and got < words:
            para = body_paras.pop()
            out.append(Segment(para))
            got += len(_words(para))
        return out

    negatives: list[GenDoc] = []
    candidates = [h for h in hosts if len(h.segments) >= 6]
    rng.shuffle(candidates)
    for i, host in enumerate(candidates[: spec.followups + spec.updates]):
        host_words = sum(len(_words(s.text)) for s in host.segments)
        # Only paragraphs of 10+ words are shared: shorter repeats (subheads) are
        # not gold passages, so the generator must not create them.
        own = [
            s
            for s in host.segments
            if s.key and s.key.startswith("para:") and len(_words(s.text)) >= 10
        ]
        if not own:
            continue
        if i < spec.followups:
            # Follow-up story: the same lede, then new text.
            kept = own[:1]
            kind = "followup"
        else:
            kept = own[: max(2, round(len(own) * rng.uniform(0.40, 0.55)))]
            kind = "update"
        shared = sum(len(_words(s.text)) for s in kept)
        body = take_body(min(400, max(60, host_words - shared)))
        if not body:
            break
        # A headline of its own (from the new text), so no short repeated line.
        head = headline_for(body[0].text)
        negatives.append(
            GenDoc(
                name=f"{host.name}:{kind}",
                url=host.url.rstrip("/") + f"-{kind}",
                segments=[*head, *kept, *body],
                role=kind,
                source_of=host.name,
                site=host.site,
                date=host.date,
            )
        )
    briefs = _template_briefs(spec, rng, passage_paras, headline_for)
    return docs + hosts + negatives + briefs


NAV_LINES = [
    "Home | News | Business | Contact",
    "Skip to main content",
    "Posted by {site} Staff",
    "Press Releases",
    "Share on Facebook | Share on Twitter | Email",
    "Back to top",
]


def _template_briefs(
    spec: SizeSpec,
    rng: random.Random,
    paras: list[str],
    headline_for: Callable[[str], list[Segment]],
) -> list[GenDoc]:
    """Short press releases of one site that share nav lines and a long "About" footer.

    Different announcements, so not duplicates, yet the shared template makes
    their raw 5-gram Jaccard about 0.4-0.65: the hard negatives of template-heavy
    sites. The footer (prose of 50+ words) is a gold passage; the nav lines
    are gold boilerplate.
    """
    briefs: list[GenDoc] = []
    footers = [p for p in paras if 70 <= len(_words(p)) <= 110]
    bodies = [p for p in paras if len(_words(p)) >= 20 and p not in footers]
    for t in range(spec.template_sites):
        if not footers:
            break
        site = f"press-{t}.example.com"
        name = site.split(".")[0].replace("-", " ").title()
        footer = f"About {name}: " + footers.pop()
        nav = [x.format(site=name) for x in rng.sample(NAV_LINES, 3)]
        for b in range(rng.randint(*spec.briefs_per_site)):
            if not bodies:
                break
            # The announcement: the first sentences of an unused paragraph, until a
            # drawn length of 20-55 words: the shorter, the more the template weighs.
            kept: list[str] = []
            source = bodies.pop()
            limit = rng.randint(20, 55)
            for sentence in sentences(source):
                if kept and len(_words(" ".join([*kept, sentence]))) > limit:
                    break
                kept.append(sentence)
            body = [Segment(" ".join(kept))]
            segments = [Segment(line, boilerplate="site_template") for line in nav[:2]]
            segments += [*headline_for(source), *body, Segment(footer, key=f"tpl{t}")]
            segments.append(Segment(nav[2], boilerplate="site_template"))
            briefs.append(
                GenDoc(
                    name=f"{site}:{b}",
                    url=f"https://{site}/release-{b}",
                    segments=segments,
                    role="brief",
                    site=site,
                    date=f"2019-06-{b + 1:02d}",
                )
            )
    return briefs


# --------------------------------------------------------------------------- output


def render(doc: GenDoc) -> tuple[str, list[tuple[int, int, Segment]]]:
    """The document text and the span of each segment in it."""
    parts: list[str] = []
    spans: list[tuple[int, int, Segment]] = []
    pos = 0
    for seg in doc.segments:
        if parts:
            parts.append("\n\n")
            pos += 2
        spans.append((pos, pos + len(seg.text), seg))
        parts.append(seg.text)
        pos += len(seg.text)
    return "".join(parts) + "\n", spans


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    toks = [t.lower() for t in _words(text)]
    if len(toks) < n:
        return {tuple(toks)} if toks else set()
    return {tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def jaccard(a: set[Any], b: set[Any]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _histogram(values: Iterable[float]) -> dict[str, int]:
    bins = Counter(f"{min(int(v * 20), 19) / 20:.2f}" for v in values)
    return dict(sorted(bins.items()))


def write_corpus(docs: list[GenDoc], outdir: Path, seed: int, size: str) -> dict[str, Any]:
    rng = random.Random(f"{seed}:{size}:order")
    order = list(docs)
    rng.shuffle(order)
    ids = {d.name: f"doc{i:05d}" for i, d in enumerate(order)}
    texts: dict[str, str] = {}
    outdir.mkdir(parents=True, exist_ok=True)
    corpus_lines: list[str] = []
    gold_docs: list[str] = []
    passages: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    boiler: list[str] = []
    in_scope: list[str] = []
    for doc in order:
        did = ids[doc.name]
        text, spans = render(doc)
        texts[doc.name] = text
        record = {"id": did, "text": text, "url": doc.url, "site": doc.site, "date": doc.date}
        corpus_lines.append(json.dumps(record, ensure_ascii=False))
        gold_docs.append(json.dumps({"doc_id": did, "cluster": doc.family or did}))
        if doc.family is None:
            in_scope.append(did)
            for start, end, seg in spans:
                if seg.key:
                    passages[seg.key].append((did, start, end))
        for start, end, seg in spans:
            if seg.boilerplate:
                boiler.append(
                    json.dumps(
                        {"doc_id": did, "start": start, "end": end, "reason": seg.boilerplate}
                    )
                )
            if seg.dateline:
                # Gold is the dateline without its trailing space (tools trim differently).
                end = start + len(seg.text[: seg.dateline].rstrip())
                boiler.append(
                    json.dumps({"doc_id": did, "start": start, "end": end, "reason": "dateline"})
                )
    gold_passages: list[str] = []
    listed: set[str] = set()
    for key in sorted(passages, key=lambda k: min(passages[k])):
        occ = passages[key]
        if len({d for d, _, _ in occ}) < 2:
            continue
        for did, start, end in sorted(occ):
            listed.add(did)
            gold_passages.append(
                json.dumps({"doc_id": did, "start": start, "end": end, "cluster": key})
            )
    gold_passages += [json.dumps({"doc_id": d}) for d in sorted(set(in_scope) - listed)]

    def dump(name: str, lines: list[str]) -> None:
        (outdir / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8")

    dump("corpus.jsonl", corpus_lines)
    dump("gold_documents.jsonl", gold_docs)
    dump("gold_passages.jsonl", gold_passages)
    dump("gold_boilerplate.jsonl", boiler)

    # Statistics: how hard the corpus is, by construction.
    by_name = {d.name: d for d in docs}
    copy_j: dict[str, list[float]] = defaultdict(list)
    for d in docs:
        if d.role == "copy" and d.source_of and d.tier:
            copy_j[d.tier].append(
                jaccard(shingles(texts[d.name]), shingles(texts[by_name[d.source_of].name]))
            )
    neg_j = [
        jaccard(shingles(texts[d.name]), shingles(texts[d.source_of]))
        for d in docs
        if d.role in ("followup", "update") and d.source_of
    ]
    sites: dict[str, list[str]] = defaultdict(list)
    for d in docs:
        if d.role == "brief":
            sites[d.site].append(d.name)
    brief_j = [
        jaccard(shingles(texts[a]), shingles(texts[b]))
        for names in sites.values()
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    ]
    all_copy = [v for vs in copy_j.values() for v in vs]
    family_sizes = Counter(d.family for d in docs if d.family)
    stats = {
        "documents": len(docs),
        "families": len(family_sizes),
        "family_documents": sum(family_sizes.values()),
        "hosts": sum(1 for d in docs if d.role == "host"),
        "hard_negatives": len(neg_j),
        "passage_scope_documents": len(in_scope),
        "gold_passage_clusters": sum(
            1 for k in passages if len({d for d, _, _ in passages[k]}) > 1
        ),
        "gold_passage_occurrences": len(gold_passages) - len(set(in_scope) - listed),
        "gold_boilerplate_spans": len(boiler),
        "copy_jaccard5": {
            "all": _summary(all_copy),
            **{tier: _summary(v) for tier, v in sorted(copy_j.items())},
            "histogram": _histogram(all_copy),
        },
        "hard_negative_jaccard5": _summary(neg_j),
        "template_brief_pairs_jaccard5": _summary(brief_j),
        "template_briefs": sum(len(v) for v in sites.values()),
    }
    manifest = {"size": size, "seed": seed, "spec": SIZES[size].__dict__, "stats": stats}
    (outdir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def _summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    return {
        "n": len(values),
        "min": round(ordered[0], 4),
        "p10": round(ordered[len(ordered) // 10], 4),
        "median": round(statistics.median(ordered), 4),
        "max": round(ordered[-1], 4),
        "share_ge_0.8": round(sum(v >= 0.8 for v in ordered) / len(ordered), 4),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="medium")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("-o", "--outdir", type=Path, required=True)
    parser.add_argument("--ground-truth", type=Path, default=GROUND_TRUTH)
    args = parser.parse_args(argv)
    if not args.ground_truth.exists():
        print(
            f"error: {args.ground_truth} not found (see ../shared/data/README.md)", file=sys.stderr
        )
        return 2
    articles = load_articles(args.ground_truth)
    docs = build(args.size, args.seed, articles)
    manifest = write_corpus(docs, args.outdir, args.seed, args.size)
    print(json.dumps(manifest["stats"], indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
