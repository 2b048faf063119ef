"""The line-rule table against the reason codes and against its compiled chain."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dedup.boilerplate.reasons import CONTEXT_REASONS, REASONS
from dedup.boilerplate.rule_table import TABLE, Rule
from dedup.boilerplate.rules import CHECKS, RULES, RuleSet

_SIGNALS = {
    "head",
    "digit",
    "slash",
    "end_bracket",
    "bracket_edge",
    "bracket_tail",
    "promo_lead",
    "top",
    "always",
}


def test_every_table_reason_is_a_code_and_every_line_code_has_a_rule() -> None:
    table = {r.reason for r in TABLE}
    assert table <= set(REASONS), sorted(table - set(REASONS))
    assert set(CONTEXT_REASONS) <= set(REASONS)
    # Every code is given either by a table row or by a page-context pass, not both.
    assert table == set(REASONS) - set(CONTEXT_REASONS), sorted(
        table.symmetric_difference(set(REASONS) - set(CONTEXT_REASONS))
    )


def test_rows_are_well_formed() -> None:
    assert len({r.name for r in TABLE}) == len(TABLE)
    for r in TABLE:
        assert r.gate, r.name
        for g in r.gate:
            assert g in _SIGNALS or (g.startswith("tail:") and g[5:] == g[5:].lower()), (r.name, g)
        assert r.lengths in ("short", "long", "both"), r.name
        assert r.pattern is not None or r.check, r.name
        assert not r.check or r.check in CHECKS, r.name
        # First words are looked up lower-cased: an upper-case entry would never match.
        assert r.first_words == r.first_words.lower(), r.name
        if r.first_words or r.phrases:
            assert "head" in r.gate, r.name


def test_the_anchored_union_is_made_of_the_head_rules() -> None:
    heads = [r.pattern for r in TABLE if "head" in r.gate]
    assert len(heads) >= 20
    for p in heads:
        assert p is not None and f"(?:{p})" in RULES.anchored_union.pattern


def test_the_first_word_gate_is_the_union_of_the_rows() -> None:
    words = {w for r in TABLE for w in r.first_words.split()}
    assert RULES.first_words == words
    assert {"read", "share", "by", "subscribe", "©"} <= RULES.first_words


def test_a_row_added_to_the_table_runs_in_its_place() -> None:
    # The chain is the table: a row in front of every other decides first.
    row = Rule("demo", "advertisement", "demo row", r"^zz top\b", first_words="zz")
    rules = RuleSet((row, *TABLE))
    hit = rules.line_rule("ZZ top advertisement", 3, 1.0, 10)
    assert hit is not None and hit.reason == "advertisement" and hit.rule == "demo row"
    assert RULES.line_rule("ZZ top advertisement", 3, 1.0, 10) is None


def test_a_row_naming_no_code_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="no code rule"):
        RuleSet((Rule("x", "tags", "x", None, check="nope"),))
    with pytest.raises(ValueError, match="unique"):
        RuleSet((TABLE[0], TABLE[0]))


def test_the_table_imports_no_regex() -> None:
    # Plain data: reading the table (or the reasons) loads no regex engine.
    code = (
        "import sys; import dedup.boilerplate.rule_table, dedup.boilerplate.reasons; "
        "print('regex' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
