"""The line-rule chain, compiled once from :data:`.rule_table.TABLE`.

One stripped line in, a boilerplate reason (or ``None``) out. Every rule
looks at that line only; context-dependent decisions (listing pages,
navigation runs, site templates) live in :mod:`.classify` and :mod:`.boxes`.

Speed comes from routing, all derived from the table: a line raises a few
cheap signals (its first word is a rule word, it holds a digit, a ``/``, one
of the tail keys, ...), each signal names the rules gated on it, and only
those run, in table order. Most lines are prose and raise none, so they cost
a set lookup and a few substring tests instead of forty regex calls. The
first-word set is the union of the rows' ``first_words``; the ``head`` signal
also needs the union of every ``head`` rule's pattern to match at the start,
one regex call instead of twenty. tests/test_boilerplate_rules.py checks that
the routed and unrouted chains agree on every example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import regex

from .lines import RuleHit, date_stamp, is_headline_like, match, search, word_count
from .patterns import CAPTION_BRACKET, SLASH_BRACKET
from .rule_table import LEAD_STRIP, SHORT_WORDS, TABLE, WORD_STRIP, Rule

_I = regex.IGNORECASE  # VERSION1 would turn on full case folding: 20x slower
_DIGIT = regex.compile(r"\d")
_SLASH_BRACKET = regex.compile(SLASH_BRACKET)
_CAPTION_BRACKET = regex.compile(CAPTION_BRACKET, _I)
# Longer "[x / y]"-ended lines are paragraphs: the longest such caption in
# AEB's extracted text has 27 words.
_BRACKET_CAPTION_MAX_WORDS = 30
_LONG_PROMO_HEADS = ("get ", "join ", "subscribe", "if you ", "this copy", "follow ")
# Signals the "gate=False" mode forces on (the others are conditions, not shortcuts).
_FORCED = ("head", "digit")


def _bracket_caption(s: str, timeout: float) -> bool:
    """A line ending in a photo credit ('[Agency/Agency]', '(AP Photo/..)'); long lines too."""
    # Table cells come out as "| cell text |": the pipes are not part of a caption.
    core = s.strip("| ") if s[-1:] == "|" else s
    last = core[-1] if core else ""
    if not (last in "])" or (len(core) > 1 and core[-2] in "])")):
        return False
    # A "[x / y]" caption is short: a long paragraph ending in one ("... [MPH
    # SP / MP2 SP / MP3 SP]" source tags) is content.
    return search(_CAPTION_BRACKET, core[-250:], timeout) is not None or (
        word_count(core) <= _BRACKET_CAPTION_MAX_WORDS
        and search(_SLASH_BRACKET, core[-250:], timeout) is not None
    )


Check = Callable[[str, "regex.Match[str] | None", float], bool]
# The code rules the table names by ``check``.
CHECKS: Mapping[str, Check] = {
    "date_stamp": lambda s, m, timeout: date_stamp(s, timeout),
    "bracket_caption": lambda s, m, timeout: _bracket_caption(s, timeout),
    # "OPINION: Why are relations ... developing now?": a label, then a headline.
    "headline_after": lambda s, m, timeout: m is not None and is_headline_like(s[m.end() :]),
}


@dataclass(frozen=True)
class _Compiled:
    """A table row ready to run."""

    pattern: regex.Pattern[str] | None
    anchored: bool
    max_words: int | None
    max_chars: int | None
    not_ending: str
    also: regex.Pattern[str] | None
    unless: regex.Pattern[str] | None
    check: Check | None
    hit: RuleHit


def _compile(rule: Rule) -> _Compiled:
    flags = _I if rule.ignore_case else 0
    if rule.check and rule.check not in CHECKS:
        raise ValueError(f"rule {rule.name}: no code rule named {rule.check!r}")
    if rule.pattern is None and not rule.check:
        raise ValueError(f"rule {rule.name}: neither a pattern nor a check")
    return _Compiled(
        pattern=None if rule.pattern is None else regex.compile(rule.pattern, flags),
        anchored=rule.anchored,
        max_words=rule.max_words,
        max_chars=rule.max_chars,
        not_ending=rule.not_ending,
        also=None if rule.also is None else regex.compile(rule.also, _I),
        unless=None if rule.unless is None else regex.compile(rule.unless, _I),
        check=CHECKS[rule.check] if rule.check else None,
        hit=RuleHit(rule.reason, rule.explain),
    )


def _masks(rows: tuple[Rule, ...], chain: list[int]) -> dict[str, int]:
    """Per signal, the bit mask of the chain positions gated on it."""
    out: dict[str, int] = {}
    for k, i in enumerate(chain):
        for signal in rows[i].gate:
            out[signal] = out.get(signal, 0) | (1 << k)
    return out


class RuleSet:
    """The table compiled: the short- and long-line chains and their routing."""

    def __init__(self, table: tuple[Rule, ...]) -> None:
        names = [r.name for r in table]
        if len(set(names)) != len(names):
            raise ValueError("rule names must be unique")
        self.table = table
        compiled = [_compile(r) for r in table]
        short = [i for i, r in enumerate(table) if r.lengths in ("short", "both")]
        long = [i for i, r in enumerate(table) if r.lengths in ("long", "both")]
        self._short = tuple(compiled[i] for i in short)
        self._long = tuple(compiled[i] for i in long)
        self._short_masks = _masks(table, short)
        self._long_masks = _masks(table, long)
        self._always = self._short_masks.get("always", 0)
        self._tail_keys = tuple(
            dict.fromkeys(g[5:] for r in table for g in r.gate if g.startswith("tail:"))
        )
        heads = [r for r in table if "head" in r.gate]
        self.first_words = frozenset(w for r in heads for w in r.first_words.split())
        self._phrases = tuple(p for r in heads for p in r.phrases)
        self._phrase_heads = frozenset(p.split()[0] for p in self._phrases)
        # The union of every anchored rule: a line that fails it matches none of them.
        self.anchored_union = regex.compile(
            "|".join(f"(?:{r.pattern})" for r in heads if r.pattern is not None), _I
        )
        self.patterns: dict[str, regex.Pattern[str]] = {"anchored_union": self.anchored_union}
        for rule, c in zip(table, compiled, strict=True):
            for part, p in (("", c.pattern), (".also", c.also), (".unless", c.unless)):
                if p is not None:
                    self.patterns[rule.name + part] = p

    @property
    def tail_keys(self) -> tuple[str, ...]:
        """The substrings the ``tail:`` gates look for (in a lower-cased line)."""
        return self._tail_keys

    def tails_in(self, text: str) -> tuple[str, ...]:
        """The tail keys that occur in ``text`` at all (lower-cased), for :meth:`line_rule`.

        One scan of a whole document instead of every key tested on every line:
        a key absent from the document is absent from each of its lines.
        """
        low = text.lower()
        return tuple(k for k in self._tail_keys if k in low)

    def _head_ok(self, s: str) -> bool:
        """Whether an anchored rule could match: the first word (after brackets,
        bullets and quotes) is a rule word, or the line starts with a digit or symbol."""
        body = s.lstrip(LEAD_STRIP)
        if not body:
            return True
        if not body[0].isalpha():
            return True  # digits (stamps, "12 comments"), ©, emoji, other symbols
        # Lower-casing word by word equals lower-casing the line, then splitting
        # (no character lower-cases to or from whitespace), and costs a few words.
        words = body.split(None, 4)
        head = words[0].rstrip(WORD_STRIP).lower()
        if head in self.first_words:
            return True
        return head in self._phrase_heads and " ".join(words[:4]).lower().startswith(self._phrases)

    def line_rule(
        self,
        s: str,
        n_words: int,
        timeout: float,
        position: int,
        gate: bool = True,
        tails: tuple[str, ...] | None = None,
    ) -> RuleHit | None:
        """The reason the stripped line ``s`` is boilerplate on its own, or ``None``.

        ``position`` is the index of the line among the document's non-blank
        lines (taglines are only looked for near the top). ``tails`` is the
        subset of :attr:`tail_keys` worth looking for (:meth:`tails_in` of the
        line's document); ``None`` looks for all. ``gate=False`` forces the
        first-word, digit and tail signals on, so every rule those would skip
        runs (tests use it to show the routing never hides a match).
        """
        last = s[-1]
        edge = s[0] == "[" or last == "]"
        # The bracket-caption rule looks at the last two characters (after table pipes).
        bracket_tail = last in "|])" or (len(s) > 1 and s[-2] in "])")
        if n_words > SHORT_WORDS:
            masks, chain = self._long_masks, self._long
            mask = masks.get("always", 0)
            if edge:
                mask |= masks["bracket_edge"]
            if bracket_tail:
                mask |= masks["bracket_tail"]
            if s[:10].lower().startswith(_LONG_PROMO_HEADS):
                mask |= masks["promo_lead"]
        else:
            masks, chain = self._short_masks, self._short
            mask = self._always
            if edge:
                mask |= masks["bracket_edge"]
            if bracket_tail:
                mask |= masks["bracket_tail"]
            if position < 4:
                mask |= masks["top"]
            if last in "]|":
                mask |= masks["end_bracket"]
            if "/" in s:
                mask |= masks["slash"]
            if not gate:
                for signal in _FORCED:
                    mask |= masks[signal]
                for key in self._tail_keys:
                    mask |= masks["tail:" + key]
            else:
                # Two steps: a set lookup on the first word, then (for the ~10 % of
                # lines that pass) one call to the union of the anchored rules.
                if self._head_ok(s) and match(self.anchored_union, s, timeout) is not None:
                    mask |= masks["head"]
                if n_words <= 14 and _DIGIT.search(s) is not None:
                    mask |= masks["digit"]
                keys = self._tail_keys if tails is None else tails
                if keys:
                    low = s.lower()
                    # Substring tests: ~50 ns each, where one regex alternation of
                    # the keys takes ~10 µs.
                    for key in keys:
                        if key in low:
                            mask |= masks["tail:" + key]
        while mask:
            bit = mask & -mask
            mask ^= bit
            r = chain[bit.bit_length() - 1]
            if r.max_words is not None and n_words > r.max_words:
                continue
            if r.max_chars is not None and len(s) > r.max_chars:
                continue
            if r.not_ending and last in r.not_ending:
                continue
            m = None
            if r.pattern is not None:
                m = match(r.pattern, s, timeout) if r.anchored else search(r.pattern, s, timeout)
                if m is None:
                    continue
                if r.also is not None and search(r.also, s, timeout) is None:
                    continue
                if r.unless is not None and match(r.unless, s, timeout) is not None:
                    continue
            if r.check is not None and not r.check(s, m, timeout):
                continue
            return r.hit
        return None


RULES = RuleSet(TABLE)


def line_rule(
    s: str,
    n_words: int,
    timeout: float,
    position: int,
    gate: bool = True,
    tails: tuple[str, ...] | None = None,
) -> RuleHit | None:
    """:meth:`RuleSet.line_rule` of the package's table."""
    return RULES.line_rule(s, n_words, timeout, position, gate, tails)
