"""A near-duplicate corpus with known answers, built from real text of two sources.

Sources (``load_source``): ``aeb`` -- the human-marked article bodies of
../shared/data/aeb/ground-truth.json; ``traf`` -- the text trafilatura extracts
(``deduplicate=False``) from the pages of ../shared/data/trafilatura-dev.jsonl.gz
(many languages, other sites, other writing). Tune on one, report on the other.

A paragraph that repeats half or more of its word 4-grams from an earlier
article is dropped first, and an article that repeats a fifth of them, so
every repeat in the corpus is one made here and the gold lists them all.
Each usable article gets one role (seeded):

family
    the original plus 1-3 copies, one kind each, cycling through ``KINDS``:
    ``light`` 2 % word edits; ``medium`` 5 % and a paragraph dropped; ``heavy``
    10 % and a rewritten lede; ``truncated`` to 50-70 % of the words; ``reordered``
    paragraphs (and 1 % edits). Every page carries its own site's chrome (nav and
    footer lines), so copies sit under other sites' chrome. Gold cluster = family.
host / source
    unique articles into which background passages (1-3 sentences, 18-80 words,
    from source articles) are pasted verbatim, each into 2-5 hosts, one into 15.
    A passage should survive exactly once in the output.
template shorts (hard negative)
    8 different short articles (60-110 words) under one heavy template.
digest (hard negative)
    a third of a family original's words followed by two thirds of another
    article: shares a third, is no copy.
headline / lead
    a page whose headline is the first 10-14 words of its lead sentence, and a
    teaser page of lead sentences cut short: the longer sentence must survive.

Deterministic for a seed: no set iteration, no clock.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
KINDS = ("light", "medium", "heavy", "truncated", "reordered")
_WORD = re.compile(r"\w+")
_SENT = re.compile(r"(?<=[.!?])\s+(?=[\"'A-ZÄÖÜ0-9])")
_FILLERS = ("also", "reportedly", "on Tuesday", "now", "still", "in fact", "again", "indeed")
CACHE = Path("/tmp/realdup-traf-text.json.gz")


@dataclass
class Doc:
    doc_id: str
    url: str
    text: str
    family: str | None = None  # gold document cluster (None: unique)
    kind: str = "unique"  # original | a copy kind | unique | host | template | digest
    meta: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {"id": self.doc_id, "url": self.url, "text": self.text}


@dataclass
class Corpus:
    docs: list[Doc]
    passages: list[str]  # pasted passages (each should survive exactly once)
    longer: list[str]  # sentences that contain a shorter copy and must survive
    pairs: set[tuple[str, str]]  # gold duplicate pairs (sorted ids)


def _grams(words: list[str], n: int = 4) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(max(0, len(words) - n + 1))}


def _aeb_texts() -> list[str]:
    gold = json.loads((DATA / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    return [gold[k].get("articleBody") or "" for k in sorted(gold)]


def _traf_texts() -> list[str]:
    import trafilatura

    version = getattr(trafilatura, "__version__", "?")
    if CACHE.is_file():
        cached = json.loads(gzip.decompress(CACHE.read_bytes()))
        if cached.get("version") == version:
            return list(cached["texts"])
    texts = []
    with gzip.open(DATA / "trafilatura-dev.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts.append(trafilatura.extract(rec["html"], deduplicate=False) or "")
    blob = json.dumps({"version": version, "texts": texts}).encode()
    tmp = CACHE.with_suffix(".tmp")
    tmp.write_bytes(gzip.compress(blob))
    tmp.replace(CACHE)
    return texts


def load_source(name: str, max_words: int = 700, min_words: int = 120) -> list[list[str]]:
    """Usable articles of a source as lists of paragraphs, repeats removed."""
    raw = {"aeb": _aeb_texts, "traf": _traf_texts}[name]()
    seen: set[tuple[str, ...]] = set()
    out: list[list[str]] = []
    for text in raw:
        paras = []
        words_total = 0
        for para in (p.strip() for p in text.split("\n")):
            words = _WORD.findall(para.lower())
            if len(words) < 4:
                continue
            grams = _grams(words)
            if grams and len(grams & seen) * 2 >= len(grams):
                continue
            paras.append(" ".join(para.split()))
            words_total += len(words)
            if words_total >= max_words:
                break
        if words_total < min_words or len(paras) < 3:
            continue
        grams = [_grams(_WORD.findall(para.lower())) for para in paras]
        every = set().union(*grams)
        # Pages of one site repeat an article under other paragraph breaks.
        if len(every & seen) * 5 >= len(every):
            continue
        seen |= every
        out.append(paras)
    return out


def sentences(para: str) -> list[str]:
    return [s for s in _SENT.split(para) if s.strip()]


def edit_words(paras: list[str], rate: float, rng: random.Random) -> list[str]:
    """About ``rate`` of the words substituted, inserted or deleted, in place."""
    toks = [p.split(" ") for p in paras]
    vocab = [w for t in toks for w in t]
    n_edits = max(1, round(rate * len(vocab)))
    for _ in range(n_edits):
        pi = rng.randrange(len(toks))
        if not toks[pi]:
            continue
        wi = rng.randrange(len(toks[pi]))
        r = rng.random()
        if r < 0.45:
            toks[pi][wi] = rng.choice(vocab)
        elif r < 0.7:
            toks[pi].insert(wi, rng.choice(_FILLERS))
        elif len(toks[pi]) > 3:
            del toks[pi][wi]
    return [" ".join(t) for t in toks if t]


def _rewrite(para: str, rng: random.Random, vocab: list[str]) -> str:
    """A lede rewritten: words shuffled in short runs, 40 % replaced."""
    words = para.split(" ")
    runs = [words[i : i + 4] for i in range(0, len(words), 4)]
    rng.shuffle(runs)
    out = [w if rng.random() > 0.4 else rng.choice(vocab) for run in runs for w in run]
    return " ".join(out)


def make_copy(paras: list[str], kind: str, rng: random.Random) -> list[str]:
    vocab = [w for p in paras for w in p.split(" ")]
    if kind == "light":
        return edit_words(paras, 0.02, rng)
    if kind == "medium":
        drop = rng.randrange(1, len(paras))
        return edit_words([p for i, p in enumerate(paras) if i != drop], 0.05, rng)
    if kind == "heavy":
        out = edit_words(paras, 0.10, rng)
        return [_rewrite(out[0], rng, vocab), *out[1:]]
    if kind == "truncated":
        share = rng.uniform(0.5, 0.7)
        total = sum(len(p.split(" ")) for p in paras)
        out, words = [], 0
        for p in paras:
            w = p.split(" ")
            if words + len(w) > share * total:
                out.append(" ".join(w[: max(1, round(share * total) - words)]))
                break
            out.append(p)
            words += len(w)
        return out
    if kind == "reordered":
        body = paras[1:]
        rng.shuffle(body)
        return edit_words([paras[0], *body], 0.01, rng)
    raise ValueError(kind)


def _site_name(rng: random.Random) -> str:
    syll = ("ka", "lo", "mer", "tis", "va", "ron", "del", "pi", "sun", "gar", "bel", "ot")
    return "".join(rng.choice(syll) for _ in range(3)).capitalize()


def _chrome(name: str, heavy: bool = False) -> tuple[list[str], list[str]]:
    head = [
        f"{name} | Home | World | Business | Sport | Culture | Opinion",
        f"Subscribe to the {name} newsletter",
    ]
    foot = [
        f"Follow {name} on Facebook, Twitter and Instagram",
        f"© 2024 {name} Media Group. All rights reserved. Privacy Policy | Terms of Use",
    ]
    if heavy:
        head += [
            f"Breaking news from {name}: the latest stories, live updates and analysis",
            "Log in | Register | Manage your subscription | Help centre",
            f"Today's {name} print edition, podcasts, newsletters and video",
        ]
        foot += [
            f"About {name} | Careers | Advertise with us | Contact the newsroom",
            f"{name} is part of the {name} Group of regional newspapers and websites",
            "Cookie settings | Accessibility | Corrections | Sitemap | RSS feeds",
        ]
    return head, foot


def build(source: str, seed: int = 1) -> Corpus:
    """The corpus of ``source`` ("aeb" or "traf") for ``seed``."""
    rng = random.Random(f"{source}:{seed}")
    arts = load_source(source)
    rng.shuffle(arts)
    n = len(arts)
    # Role shares: families 36 %, hosts 24 %, passage sources 8 %, 8 template
    # shorts, digests 8 % (each uses an extra article), the rest unique pages.
    cut = [round(n * s) for s in (0.36, 0.60, 0.68)]
    families, hosts, sources = arts[: cut[0]], arts[cut[0] : cut[1]], arts[cut[1] : cut[2]]
    rest = arts[cut[2] :]
    shorts, rest = rest[:8], rest[8:]
    n_dig = max(4, round(n * 0.06))
    digest_tails, rest = rest[:n_dig], rest[n_dig:]
    leads, uniques = rest[:12], rest[12:]

    sites = [_site_name(rng) for _ in range(14)]
    site_pages = [0] * len(sites)
    docs: list[Doc] = []
    pairs: set[tuple[str, str]] = set()

    def place(paras: list[str], site: int, **kw: Any) -> Doc:
        head, foot = _chrome(sites[site])
        site_pages[site] += 1
        doc_id = f"{source}-{len(docs):04d}"
        text = "\n".join(head + paras + foot)
        doc = Doc(doc_id, f"https://{sites[site].lower()}.example/{doc_id}", text, **kw)
        docs.append(doc)
        return doc

    kind_cycle = 0
    for f, paras in enumerate(families):
        home = rng.randrange(len(sites))
        fam = f"fam{f}"
        orig = place(paras, home, family=fam, kind="original")
        members = [orig.doc_id]
        for _ in range(rng.randint(1, 3)):
            kind = KINDS[kind_cycle % len(KINDS)]
            kind_cycle += 1
            other = rng.choice([s for s in range(len(sites)) if s != home])
            copy = place(make_copy(paras, kind, rng), other, family=fam, kind=kind)
            members.append(copy.doc_id)
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((min(a, b), max(a, b)))

    # Background passages, pasted verbatim into hosts.
    passages: list[str] = []
    for paras in sources:
        # Sentences of one paragraph: a passage spanning a paragraph break
        # would be split into other units in its source than in its hosts.
        taken = 0
        for para in paras:
            sents = sentences(para)
            i = 0
            while i < len(sents) and taken < 3:
                k = rng.randint(1, 3)
                text = " ".join(sents[i : i + k])
                i += k + rng.randint(1, 4)
                if 18 <= len(_WORD.findall(text)) <= 80:
                    passages.append(text)
                    taken += 1
    host_paras = [list(h) for h in hosts]
    for j, passage in enumerate(passages):
        fan = 15 if j == 0 else rng.randint(2, 5)
        for h in rng.sample(range(len(host_paras)), min(fan, len(host_paras))):
            host_paras[h].insert(rng.randint(1, len(host_paras[h])), passage)
    for paras in sources:
        place(paras, rng.randrange(len(sites)), kind="source")
    for paras in host_paras:
        place(paras, rng.randrange(len(sites)), kind="host")

    # Hard negatives: different short articles under one heavy template.
    head, foot = _chrome("Tmplnews", heavy=True)
    for paras in shorts:
        words = " ".join(paras).split(" ")[: rng.randint(60, 110)]
        doc_id = f"{source}-{len(docs):04d}"
        text = "\n".join([*head, " ".join(words), *foot])
        docs.append(Doc(doc_id, f"https://tmplnews.example/{doc_id}", text, kind="template"))
    # Digests: a third of a family original, then two thirds of another article.
    for d, tail in enumerate(digest_tails):
        base = " ".join(families[d % len(families)]).split(" ")
        other = " ".join(tail).split(" ")
        # A third shared whatever the lengths: the other article gives two.
        third = max(30, min(len(base) // 3, len(other) // 2))
        body = [" ".join(base[:third]), " ".join(other[: 2 * third])]
        place(body, rng.randrange(len(sites)), kind="digest")

    # Headline / lead containment, within one page and across pages.
    longer: list[str] = []
    teasers: list[str] = []
    for paras in leads:
        cands = [s for p in paras[:2] for s in sentences(p)]
        lead = next((s for s in cands if len(s.split(" ")) >= 18), None)
        if lead is None:
            place(paras, rng.randrange(len(sites)), kind="unique")
            continue
        words = lead.split(" ")
        headline = " ".join(words[: rng.randint(10, 14)])
        longer.append(lead)
        if len(teasers) < 3:
            teasers.append(" ".join(words[: round(len(words) * 0.7)]) + ".")
        place([headline, *paras], rng.randrange(len(sites)), kind="unique")
    if teasers:
        place(teasers, rng.randrange(len(sites)), kind="unique")
    for paras in uniques:
        place(paras, rng.randrange(len(sites)), kind="unique")
    return Corpus(docs, passages, longer, pairs)
