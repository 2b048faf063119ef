"""Line-labelled boilerplate set: seeds (hand labels) + AEB pages (labels from the gold).

AEB's shingle metric barely sees a short "Read more" line, so this set scores
lines. For an AEB page, every line of the text dedup extracted from the HTML is
labelled *content* when the gold article contains it (compared as ``\\w+``
token strings, so whitespace and punctuation differences do not matter) and
*boilerplate* otherwise; lines without a word token are left out. The seeds are
labelled by hand below (the lines issue 3/4 name as boilerplate; everything
else is content).

AEB pages are extracted with :func:`dedup.extract.extract_html_with_roles`
(same text as ``extract_html``) and classified with their line roles, as the
pipeline does for HTML documents; ``--keep-title`` keeps page titles.

Reported: boilerplate-line recall (share of boilerplate lines dedup removes
whole), removal precision, and content-character loss (characters of content
lines that dedup cuts, over all content characters). Recall is also broken
down by what the boilerplate line is, decided from the line alone before any
classification (so the breakdown cannot flatter the figure):

- ``title``: the page title (role ``title``), or the first scored line when it
  is a heading;
- ``headline``: a short headline-like line (<= 20 words, no sentence
  punctuation at the end): captions, related-story headlines, labels;
- ``prose``: 12+ words ending in sentence punctuation: promotional prose
  (newsletter pitches, company boilerplate) mixed with article paragraphs the
  gold leaves out (label noise: those cannot be removed without losing content);
- ``other``: the rest.

Reviewed figures: ``line_label_review.tsv`` (next to this file) holds a
verdict for every AEB boilerplate line dedup misses and every content line it
cuts, each with its evidence (see the header of that file). The raw figures use
the labels exactly as defined above; the *reviewed* figures relabel as content
only the missed lines with verdict ``a`` (label noise: article text the gold
leaves out or spells differently). Lines missed or cut without a verdict are
listed, so the review cannot silently go stale.

Run: ``.venv/bin/python benchmarks/line_labels.py [-v] [--keep-title]``
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _aeb import Page, load_pages, tokens  # noqa: E402

from dedup.boilerplate import LineDecision, classify_text  # noqa: E402
from dedup.boilerplate.lines import ends_sentence, is_headline_like, word_count  # noqa: E402
from dedup.config import BoilerplateConfig  # noqa: E402
from dedup.extract import HtmlExtractionError, extract_html_with_roles  # noqa: E402
from dedup.extract.html import role_parts  # noqa: E402

SEEDS = ROOT / "seeds"
REVIEW = Path(__file__).resolve().parent / "line_label_review.tsv"

# Hand labels: the boilerplate lines of each seed (stripped), everything else content.
SEED_BOILERPLATE: dict[str, set[str]] = {
    "000": {
        "Creating new perspectives since 2009",
        "January 29, 2023 at 3:24 pm",
        "President of Azerbaijan Ilham Aliyev meets Iranian President Ebrahim Raisi on "
        "November 28, 2021 [Presidency of Iran/Anadolu Agency]",
        "OPINION: Why are relations between Azerbaijan and Israel developing now?",
    },
    "004": {
        "Azerbaijan",
        "Read more: Iran execution: Man publicly hanged from crane amid protests",
        "Also read; Armenia, Azerbaijan report 99 troops killed in border clash",
        "Read: After hiking fuel price by 30%, Indonesia considering buying cheap Russian oil",
        "Read: UN chief appeals to world to help badly flood-hit Pakistan",
        "1 year ago",
        "2 years ago",
        "3 years ago",
        "Pirates kill 1, kidnap 15 crew of Turkish ship off W. Africa",
        "Pirates attacked a Turkish cargo ship off the West African coast, kidnapping 15 sailors "
        "and killing one, officials said Sunday.",
        "Azerbaijan holds parade after Nagorno-Karabakh fighting",
        "More than 3,000 troops took part in a military parade in Azerbaijan on Thursday to "
        "celebrate reclaiming control over broad swathes of Nagorno-Karabakh and surrounding "
        "lands in a conflict with Armenia.",
        "Armenians torch their homes on land ceded to Azerbaijan",
        "In a bitter farewell to his home of 21 years, Garo Dadevusyan wrenched off its metal "
        "roof and prepared to set the stone house on fire. Thick smoke poured from houses that "
        "his neighbors had already torched before fleeing this ethnic Armenian village about to "
        "come under Azerbaijani control.",
        "Nagorno-Karabakh fighting continues despite truce efforts",
        "Armenia and Azerbaijan reported more fighting on Tuesday over the separatist territory "
        "of Nagorno-Karabakh, where clashes have continued for over three weeks despite two "
        "attempts at establishing a cease-fire.",
        "Azerbaijan, Armenia report shelling of cities despite truce",
        "Azerbaijan on Sunday accused Armenia of attacking large cities overnight in violation "
        "of the cease-fire deal brokered by Russia that seeks to end the worst outbreak of "
        "hostilities in the separatist Nagorno-Karabakh region.",
        "Armenia, Azerbaijan say Nagorno-Karabakh truce fails to hold",
        "The two sides traded blame for breaking the truce that took effect at noon (0800 GMT) "
        "with new attacks, and Azerbaijan’s top diplomat said the truce never entered force.",
        "The cease-fire announcement came overnight after 10 hours of talks in Moscow sponsored "
        "by Russian Foreign Minister Sergey Lavrov. The deal stipulated that the cease-fire "
        "should pave the way for talks on settling the conflict.",
        "If the truce holds, it would mark a major diplomatic coup",
    },
}


@dataclass(frozen=True)
class LabelledText:
    name: str
    text: str
    # One label per line of text: True = boilerplate, False = content, None = not scored.
    labels: tuple[bool | None, ...]
    # HTML line roles (extract_html_with_roles), None for plain text.
    roles: tuple[str, ...] | None = None


CATEGORIES = ("title", "headline", "prose", "other")


def category(line: str, role: str, first: bool) -> str:
    """What a boilerplate line is, from the line and its role alone."""
    s = line.strip()
    role = role_parts(role)[0]  # the structural role; furniture marks do not decide
    if role in ("title", "standfirst") or (first and role == "heading"):
        return "title"
    if word_count(s) <= 20 and not ends_sentence(s) and is_headline_like(s):
        return "headline"
    if word_count(s) >= 12 and ends_sentence(s):
        return "prose"
    return "other"


@dataclass
class LineScores:
    bp_lines: int = 0
    bp_removed: int = 0
    removed_lines: int = 0
    content_chars: int = 0
    content_cut: int = 0
    missed: Counter[str] = field(default_factory=Counter)
    lost: list[tuple[str, str, str]] = field(default_factory=list)
    lost_chars: list[tuple[str, str, str, int]] = field(default_factory=list)
    by_category: Counter[str] = field(default_factory=Counter)
    removed_by_category: Counter[str] = field(default_factory=Counter)
    missed_rows: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.bp_removed / max(1, self.bp_lines)

    @property
    def precision(self) -> float:
        return self.bp_removed / max(1, self.removed_lines)

    @property
    def content_loss(self) -> float:
        return self.content_cut / max(1, self.content_chars)

    def row(self, name: str) -> str:
        return (
            f"{name:<12} boilerplate lines {self.bp_lines:5d}  recall {self.recall:.3f}  "
            f"removal precision {self.precision:.3f}  content chars {self.content_chars:8d}  "
            f"content loss {self.content_loss:.4f}"
        )

    def breakdown(self, name: str) -> str:
        parts = [
            f"{c} {self.removed_by_category[c]}/{self.by_category[c]}"
            f" ({self.removed_by_category[c] / max(1, self.by_category[c]):.0%})"
            for c in CATEGORIES
        ]
        return f"{name:<12} recall by category: " + ", ".join(parts)


def seed_set() -> list[LabelledText]:
    out = []
    for prefix, bp in SEED_BOILERPLATE.items():
        (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
        text = path.read_text(encoding="utf-8")
        labels = tuple((line.strip() in bp) if line.strip() else None for line in text.split("\n"))
        out.append(LabelledText(path.name, text, labels))
    return out


def label_against_gold(text: str, gold: str) -> tuple[bool | None, ...]:
    g = " " + " ".join(tokens(gold)) + " "
    labels: list[bool | None] = []
    for line in text.split("\n"):
        toks = tokens(line)
        labels.append(None if not toks else (" " + " ".join(toks) + " ") not in g)
    return tuple(labels)


def aeb_set(
    pages: Sequence[Page],
    config: BoilerplateConfig,
    texts: dict[str, str] | None = None,
    roles_by_page: dict[str, list[str]] | None = None,
) -> list[LabelledText]:
    out = []
    for p in pages:
        roles: list[str] = []
        if texts is not None and p.page_id in texts:
            text = texts[p.page_id]
        else:
            try:
                text, roles = extract_html_with_roles(p.html, config, url=p.url)
            except HtmlExtractionError:
                continue
        if roles_by_page is not None and p.page_id in roles_by_page:
            roles = roles_by_page[p.page_id]
        out.append(LabelledText(p.page_id, text, label_against_gold(text, p.gold), tuple(roles)))
    return out


def score(
    items: Sequence[LabelledText],
    classify: Callable[[str, Sequence[str] | None], list[LineDecision]],
) -> LineScores:
    sc = LineScores()
    for item in items:
        decisions = classify(item.text, item.roles)
        first = True
        for k, (d, label) in enumerate(zip(decisions, item.labels, strict=True)):
            if label is None:
                continue
            cut = d.cut_end - d.cut_start if d.label == "boilerplate" else 0
            whole = d.label == "boilerplate" and cut >= len(d.text.strip())
            if whole:
                sc.removed_lines += 1
            if label:
                sc.bp_lines += 1
                cat = category(d.text, item.roles[k] if item.roles else "", first)
                sc.by_category[cat] += 1
                if whole:
                    sc.bp_removed += 1
                    sc.removed_by_category[cat] += 1
                else:
                    sc.missed[d.text.strip()[:100]] += 1
                    sc.missed_rows.append((item.name[:8], cat, d.text.strip()))
            else:
                sc.content_chars += len(d.text.strip())
                sc.content_cut += cut
                if cut:
                    sc.lost.append((item.name[:8], d.reason or "", d.text.strip()[:100]))
                    sc.lost_chars.append((item.name[:8], d.reason or "", d.text.strip(), cut))
            first = False
    return sc


@dataclass(frozen=True)
class Review:
    page: str  # page id prefix
    kind: str  # "missed" (boilerplate line kept) or "cut" (content line cut)
    verdict: str  # a/b/c for missed lines, d/e for cut lines
    prefix: str  # prefix of the stripped line
    reason: str


VERDICTS = {
    "a": "label noise: article text (relabelled content when reviewed)",
    "b": "boilerplate a general rule can catch",
    "c": "boilerplate that needs site/corpus knowledge",
    "d": "gold keeps it, the filter cuts it by policy",
    "e": "real content cut",
}


def load_review(path: Path = REVIEW) -> list[Review]:
    rows = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        page, kind, verdict, prefix, reason = raw.split("\t")
        if kind not in ("missed", "cut") or verdict not in VERDICTS or not prefix:
            raise ValueError(f"bad review row: {raw!r}")
        rows.append(Review(page, kind, verdict, prefix, reason))
    return rows


def find_review(review: Sequence[Review], page: str, kind: str, line: str) -> Review | None:
    s = line.strip()
    for r in review:
        if page.startswith(r.page) and r.kind == kind and s.startswith(r.prefix):
            return r
    return None


def reviewed(items: Sequence[LabelledText], review: Sequence[Review]) -> list[LabelledText]:
    """The items with every boilerplate line that has verdict ``a`` relabelled content."""
    out = []
    for item in items:
        labels = list(item.labels)
        for k, line in enumerate(item.text.split("\n")):
            if labels[k]:
                r = find_review(review, item.name, "missed", line)
                if r is not None and r.verdict == "a":
                    labels[k] = False
        out.append(LabelledText(item.name, item.text, tuple(labels), item.roles))
    return out


def verdict_report(sc: LineScores, review: Sequence[Review]) -> list[str]:
    """Counts of the missed and cut lines by verdict, plus lines with no verdict."""
    missed: Counter[str] = Counter()
    cut: Counter[str] = Counter()
    cut_chars: Counter[str] = Counter()
    used: set[Review] = set()
    unreviewed = []
    for page, _, text in sc.missed_rows:
        r = find_review(review, page, "missed", text)
        missed[r.verdict if r else "?"] += 1
        if r is None:
            unreviewed.append(("missed", page, text))
        else:
            used.add(r)
    for page, _, text, chars in sc.lost_chars:
        r = find_review(review, page, "cut", text)
        cut[r.verdict if r else "?"] += 1
        cut_chars[r.verdict if r else "?"] += chars
        if r is None:
            unreviewed.append(("cut", page, text))
        else:
            used.add(r)
    lines = [
        "missed boilerplate lines by verdict: "
        + ", ".join(f"{v} {missed[v]}" for v in ("a", "b", "c", "?")),
        "cut content lines by verdict: "
        + ", ".join(f"{v} {cut[v]} ({cut_chars[v]} chars)" for v in ("d", "e", "?")),
    ]
    lines += [f"  no verdict ({kind}): {page} {text}" for kind, page, text in unreviewed]
    stale = [r for r in review if r not in used]
    if stale:
        lines.append(f"review rows whose line is no longer missed/cut (fixed since): {len(stale)}")
        lines += [f"  {r.page} {r.kind} {r.verdict} {r.prefix}" for r in stale]
    return lines


def classifier(
    config: BoilerplateConfig, keep_title: bool
) -> Callable[[str, Sequence[str] | None], list[LineDecision]]:
    def classify(text: str, roles: Sequence[str] | None) -> list[LineDecision]:
        return classify_text(text, config, line_roles=roles, keep_title=keep_title)

    return classify


def combined(a: LineScores, b: LineScores) -> LineScores:
    return LineScores(
        bp_lines=a.bp_lines + b.bp_lines,
        bp_removed=a.bp_removed + b.bp_removed,
        removed_lines=a.removed_lines + b.removed_lines,
        content_chars=a.content_chars + b.content_chars,
        content_cut=a.content_cut + b.content_cut,
        by_category=a.by_category + b.by_category,
        removed_by_category=a.removed_by_category + b.removed_by_category,
    )


def main() -> None:
    config = BoilerplateConfig()
    classify = classifier(config, keep_title="--keep-title" in sys.argv)
    review = load_review()
    seeds = score(seed_set(), classify)
    aeb_items = aeb_set(load_pages(), config)
    aeb = score(aeb_items, classify)
    aeb_rev = score(reviewed(aeb_items, review), classify)
    both = combined(seeds, aeb)
    both_rev = combined(seeds, aeb_rev)
    print("raw labels (as the issue defines them):")
    print(seeds.row("seeds"))
    print(aeb.row("aeb"))
    print(both.row("both"))
    print(aeb.breakdown("aeb"))
    print(both.breakdown("both"))
    print(f"reviewed labels ({REVIEW.name}: verdict-a lines relabelled content):")
    print(aeb_rev.row("aeb"))
    print(both_rev.row("both"))
    print(aeb_rev.breakdown("aeb"))
    for line in verdict_report(aeb, review):
        print(line)
    if "-v" in sys.argv:
        print("content lines cut (aeb, raw labels):")
        for row in aeb.lost:
            print("  ", row)
        print("missed boilerplate lines (aeb, raw labels):")
        for page, cat, text in aeb.missed_rows:
            r = find_review(review, page, "missed", text)
            print("  ", (page, cat, r.verdict if r else "?", text[:100]))


if __name__ == "__main__":
    main()
