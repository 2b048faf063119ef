"""The line-rule cache changes speed only: same decisions with and without it."""

from __future__ import annotations

from pathlib import Path

from dedup.boilerplate import classify_text
from dedup.boilerplate.rule_cache import LineRuleCache
from dedup.boilerplate.rules import line_rule
from dedup.config import BoilerplateConfig

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
TAGLINE = "Creating new perspectives since 2009"


def _decisions(texts: list[str], cache: LineRuleCache | None) -> list[list[tuple]]:
    config = BoilerplateConfig()
    return [
        [
            (d.label, d.reason, d.cut_start, d.cut_end)
            for d in classify_text(t, config, rule_cache=cache)
        ]
        for t in texts
    ]


def test_shared_cache_gives_the_same_decisions_on_the_seeds() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    assert texts
    cache = LineRuleCache()
    # Twice over, so the second pass is answered from the cache.
    assert _decisions(texts + texts, cache) == _decisions(texts + texts, None)
    assert len(cache) > 0


def test_tagline_position_is_part_of_the_key() -> None:
    # The slogan is a tagline near the top only; further down it is content.
    top = f"{TAGLINE}\nA first paragraph of the story, long enough to be prose here."
    low = "\n".join(["Intro line one.", "Intro line two.", "Intro line three.", "Intro four."])
    low += f"\n{TAGLINE}"
    cache = LineRuleCache()
    got_top = _decisions([top], cache)[0][0]
    got_low = _decisions([low], cache)[0][-1]
    assert got_top[1] == "site_tagline"
    assert got_low[1] is None
    assert _decisions([top, low], cache) == _decisions([top, low], None)


def test_full_cache_starts_afresh_with_the_same_answers() -> None:
    cache = LineRuleCache(max_entries=2)
    lines = ["Read more: Other story", "2 years ago", "Plain prose here.", "Share this"]
    for s in lines * 2:
        assert cache.rule(s, len(s.split()), 1.0, 10) == line_rule(s, len(s.split()), 1.0, 10)
        assert len(cache) <= 2


def test_split_lines_fast_path_matches_the_break_regex() -> None:
    import random

    import regex

    from dedup.boilerplate.classify import split_lines

    brk = regex.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

    def reference(text: str) -> list[tuple[int, int]]:
        spans, start = [], 0
        for m in brk.finditer(text):
            spans.append((start, m.start()))
            start = m.end()
        return [*spans, (start, len(text))]

    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice("ab \n\n\r\u2028é") for _ in range(rng.randrange(12)))
        assert split_lines(text) == reference(text), repr(text)
