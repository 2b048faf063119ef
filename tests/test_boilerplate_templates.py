"""Site-template learning and its use by classify_text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.boilerplate import SiteTemplates, classify_text, learn_templates, normalise_line
from dedup.config import BoilerplateConfig

# Templates alone: the line model (default) would also take this footer on other sites.
CONFIG = BoilerplateConfig(line_model=False)
FOOTER = "Support Coastal Gazette for 3 euros a month"
# Digits normalise to 0, so pages differ by words, not numbers.
NAMES = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima".split()


def _page(i: int, footer: str = FOOTER) -> str:
    name = NAMES[i]
    return f"Story about {name} headline\nA body sentence unique to the {name} page.\n{footer} "


def test_line_on_enough_pages_of_one_site_is_template() -> None:
    pages = [("gazette.example", _page(i, FOOTER.replace("3", str(i)))) for i in range(5)]
    t = learn_templates(pages, CONFIG)
    assert t.is_template("gazette.example", "support coastal gazette for 9 EUROS a month")
    assert not t.is_template("other.example", FOOTER)
    assert not t.is_template(None, FOOTER)
    ds = classify_text(_page(7), CONFIG, t, "gazette.example")
    assert [d.reason for d in ds] == [None, None, "site_template"]
    assert ds[2].cut_end == ds[2].end  # the trailing space goes with the line
    assert classify_text(_page(7), CONFIG, t, "other.example")[2].label == "content"


def test_thresholds() -> None:
    other = [("s", f"Other {NAMES[i]}.") for i in range(8)]
    pages = [("s", _page(i)) for i in range(2)] + other
    assert learn_templates(pages, CONFIG).size() == 0  # 2 pages < template_min_pages
    pages = [("s", _page(i)) for i in range(3)] + other
    assert learn_templates(pages, CONFIG).size() == 0  # 3 of 11 pages < 30 %
    assert learn_templates(pages, BoilerplateConfig(template_min_share=0.25)).size() == 1


def test_long_lines_and_pages_without_site_never_learn() -> None:
    prose = " ".join(["word"] * 30) + "."
    pages = [("s", f"{prose}\nBody {NAMES[i]}.") for i in range(5)] + [(None, FOOTER)] * 5
    t = learn_templates(pages, CONFIG)
    assert t.size() == 0 and t.sites() == []


def test_templates_switched_off() -> None:
    t = learn_templates([("s", _page(i)) for i in range(4)], CONFIG)
    cfg = BoilerplateConfig(templates=False, line_model=False)
    assert all(d.label == "content" for d in classify_text(_page(9), cfg, t, "s"))


def test_round_trip_through_json() -> None:
    t = learn_templates([("a", _page(i)) for i in range(4)], CONFIG)
    back = SiteTemplates.from_dict(json.loads(json.dumps(t.to_dict())))
    assert back == t and back.size() == t.size() == 1
    with pytest.raises(ValueError, match="version 1"):
        SiteTemplates.from_dict({"sites": {}})
    with pytest.raises(ValueError, match="bad entry"):
        SiteTemplates.from_dict({"version": 1, "sites": {"a": {"lines": "x"}}})


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_normalise_is_idempotent(line: str) -> None:
    once = normalise_line(line)
    assert normalise_line(once) == once
    assert not any(ch.isdigit() and ch != "0" for ch in once if ch in "123456789")
