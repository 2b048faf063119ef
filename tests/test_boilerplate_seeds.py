"""Acceptance of the boilerplate filter on the two seed pages (repo's seeds/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dedup.boilerplate import LineDecision, classify_text
from dedup.config import BoilerplateConfig

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def _load(prefix: str) -> tuple[str, list[LineDecision]]:
    (path,) = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    text = path.read_text(encoding="utf-8")
    return text, classify_text(text, BoilerplateConfig())


def _by_line(decisions: list[LineDecision]) -> dict[str, LineDecision]:
    return {d.text.strip(): d for d in decisions if d.text.strip()}


def _dropped(decisions: list[LineDecision]) -> dict[str, str | None]:
    return {d.text.strip(): d.reason for d in decisions if d.label == "boilerplate"}


def _article_body(text: str, headline: str, stop: str) -> list[str]:
    """Body paragraphs of the story under ``headline`` up to the stamp line ``stop``."""
    lines = [x.strip() for x in text.split("\n")]
    i = lines.index(headline)
    j = lines.index(stop, i)
    return [x for x in lines[i + 1 : j] if x and not x.startswith(("Read", "Also read"))]


def test_decisions_cover_every_line_with_exact_offsets() -> None:
    for prefix in ("000", "004"):
        text, ds = _load(prefix)
        assert len(ds) == text.count("\n") + 1
        pos = 0
        for d in ds:
            assert d.start == pos and text[d.start : d.end] == d.text
            pos = d.end + 1
        assert ds[-1].end == len(text)


def test_listing_link_leads_go() -> None:
    _, ds = _load("004")
    dropped = _dropped(ds)
    for line in (
        "Read more: Iran execution: Man publicly hanged from crane amid protests",
        "Also read; Armenia, Azerbaijan report 99 troops killed in border clash",
        "Read: After hiking fuel price by 30%, Indonesia considering buying cheap Russian oil",
        "Read: UN chief appeals to world to help badly flood-hit Pakistan",
    ):
        assert dropped.get(line) == "read_more_link", line


def test_listing_every_age_stamp_goes() -> None:
    text, ds = _load("004")
    stamps = [d for d in ds if d.text.strip().endswith("ago")]
    assert len(stamps) == 10
    assert all(d.reason == "age_stamp" for d in stamps)
    assert text.rstrip().endswith("3 years ago")


@pytest.mark.parametrize(
    "headline",
    [
        "Pirates kill 1, kidnap 15 crew of Turkish ship off W. Africa",
        "Azerbaijan holds parade after Nagorno-Karabakh fighting",
        "Armenians torch their homes on land ceded to Azerbaijan",
        "Nagorno-Karabakh fighting continues despite truce efforts",
        "Azerbaijan, Armenia report shelling of cities despite truce",
        "Armenia, Azerbaijan say Nagorno-Karabakh truce fails to hold",
        "If the truce holds, it would mark a major diplomatic coup",
    ],
)
def test_listing_tail_stubs_go(headline: str) -> None:
    _, ds = _load("004")
    assert _dropped(ds).get(headline) == "related_stub"


def test_listing_stub_teasers_go_with_their_headline() -> None:
    _, ds = _load("004")
    by_line = _by_line(ds)
    teaser = (
        "Pirates attacked a Turkish cargo ship off the West African coast, kidnapping 15 "
        "sailors and killing one, officials said Sunday."
    )
    assert by_line[teaser].reason == "related_stub"


@pytest.mark.parametrize(
    ("headline", "stop"),
    [
        ("Fatal shooting at Azerbaijan Embassy in Iran raises tensions", "1 year ago"),
        ("Fighting to end as Armenia, Azerbaijan agree on cease-fire", "2 years ago"),
        ("Armenia, Azerbaijan report 99 troops killed in border clash", "2 years ago"),
        ("Bangladeshi student killed in Azerbaijan", "2 years ago"),
    ],
)
def test_listing_full_articles_stay(headline: str, stop: str) -> None:
    text, ds = _load("004")
    by_line = _by_line(ds)
    body = _article_body(text, headline, stop)
    assert len(body) >= 7
    for para in [headline, *body]:
        assert by_line[para].label == "content", para


def test_listing_section_label() -> None:
    _, ds = _load("004")
    assert ds[0].text == "Azerbaijan" and ds[0].reason == "section_label"


def test_article_page() -> None:
    _, ds = _load("000")
    dropped = _dropped(ds)
    assert dropped["Creating new perspectives since 2009"] == "site_tagline"
    assert dropped["January 29, 2023 at 3:24 pm"] == "date_stamp"
    caption = [k for k in dropped if k.endswith("[Presidency of Iran/Anadolu Agency]")]
    assert len(caption) == 1 and dropped[caption[0]] == "caption"
    opinion = "OPINION: Why are relations between Azerbaijan and Israel developing now?"
    assert dropped[opinion] == "pre_title_label"
    assert len(dropped) == 4
    paragraphs = [d for d in ds if len(d.text.split()) > 25]
    assert len(paragraphs) == 6
    assert all(d.label == "content" for d in paragraphs if "[Presidency" not in d.text)


def test_quote_ending_and_unpunctuated_lines_stay() -> None:
    _, ds = _load("004")
    by_line = _by_line(ds)
    ends_quote = [k for k in by_line if k.endswith("”") and len(k.split()) > 8]
    assert ends_quote
    assert all(by_line[k].label == "content" for k in ends_quote)
