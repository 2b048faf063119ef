"""Line rules, listing segmentation, navigation runs and the --explain text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.boilerplate import REASONS, classify_text, explain_lines, split_lines
from dedup.boilerplate.lines import word_count
from dedup.boilerplate.rules import line_rule
from dedup.config import BoilerplateConfig

DATA = Path(__file__).resolve().parent / "data" / "boilerplate"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
# The hand rules alone; with the line model (the default) see tests/test_line_model.py.
CONFIG = BoilerplateConfig(line_model=False)


def _examples() -> list[tuple[str, str]]:
    rows = []
    for raw in (DATA / "boilerplate_lines.tsv").read_text(encoding="utf-8").splitlines():
        reason, line = raw.split("\t", 1)
        rows.append((reason, line))
    return rows


CONTENT = (DATA / "content_lines.txt").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(("reason", "line"), _examples())
def test_each_rule_example(reason: str, line: str) -> None:
    hit = line_rule(line.strip(), word_count(line), 1.0, position=0)
    assert hit is not None and hit.reason == reason
    assert hit.rule  # every hit explains itself


@pytest.mark.parametrize("line", CONTENT)
def test_content_lines_stay(line: str) -> None:
    assert line_rule(line.strip(), word_count(line), 1.0, position=10) is None


def test_every_reason_code_is_documented() -> None:
    import dedup.boilerplate as bp

    doc = bp.__doc__ or ""
    found = {r for r, _ in _examples()} | {"related_stub", "section_label", "navigation"}
    found.add("site_template")
    assert found <= set(REASONS)
    for code in REASONS:
        assert f"``{code}``" in doc, code


def test_gate_never_hides_a_match() -> None:
    """The cheap pre-checks must agree with running every rule."""
    lines = [line for _, line in _examples()] + CONTENT
    for path in sorted(SEEDS.glob("*.txt")):
        lines += path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        s = line.strip()
        if not s:
            continue
        for position in (0, 10):
            fast = line_rule(s, word_count(s), 1.0, position)
            slow = line_rule(s, word_count(s), 1.0, position, gate=False)
            assert fast == slow, line


def test_a_story_lead_keeps_its_dateline() -> None:
    # The prefix cut lost F1 on AEB and trafilatura-dev (HTML and plain text): gone.
    text = "Intro line.\nWASHINGTON (AP) — The Senate passed the bill on Tuesday after a debate."
    d = classify_text(text, CONFIG)[1]
    assert d.label == "content" and d.reason is None


def test_crlf_is_one_line_break_and_not_part_of_the_line() -> None:
    text = "Body sentence here.\r\nRead more: Other story\r\n2 years ago"
    ds = classify_text(text, CONFIG)
    assert [d.reason for d in ds] == [None, "read_more_link", "age_stamp"]
    assert ds[1].text == "Read more: Other story" and ds[1].cut_end == ds[1].end
    assert text[ds[1].end : ds[2].start] == "\r\n"


def test_disabled_rules_are_kept() -> None:
    text = "Body sentence here.\n2 years ago"
    cfg = BoilerplateConfig(disabled_rules=["age_stamp"])
    assert all(d.label == "content" for d in classify_text(text, cfg))
    assert all(d.label == "content" for d in classify_text(text, BoilerplateConfig(enabled=False)))


def test_navigation_run() -> None:
    text = "Home\nWorld\nPolitics\nSport\nVideo\nThe council met on Monday to discuss the budget."
    ds = classify_text(text, CONFIG)
    assert [d.reason for d in ds[:5]] == ["navigation"] * 5
    assert ds[5].label == "content"


def test_short_product_list_is_not_navigation() -> None:
    text = "Drink during your workout\nWorkout Supplement\n30 minutes before bed\nPre-Workout Meal"
    assert all(d.label == "content" for d in classify_text(text, CONFIG))


def _story(headline: str, n: int) -> str:
    body = [f"{headline} paragraph {i} says something complete about the event." for i in range(n)]
    return "\n".join([headline, *body])


def test_listing_with_leading_stamps() -> None:
    text = "\n".join(
        [
            "2 hours ago",
            _story("Main story about the port", 6),
            "3 hours ago",
            "Other story about the harbour",
            "A teaser that stops in the middle of",
            "5 hours ago",
            "Third story about the dock",
            "One complete teaser sentence.",
        ]
    )
    ds = classify_text(text, CONFIG)
    kept = [d.text for d in ds if d.label == "content"]
    assert kept[0] == "Main story about the port" and len(kept) == 7
    stubs = [d.text for d in ds if d.reason == "related_stub"]
    assert stubs == [
        "Other story about the harbour",
        "A teaser that stops in the middle of",
        "Third story about the dock",
        "One complete teaser sentence.",
    ]


def test_article_with_two_date_lines_is_not_a_listing() -> None:
    text = "\n".join(
        [
            "Harbour bridge reopens",
            "Published: March 3, 2024",
            "Updated: March 4, 2024",
            "The harbour bridge reopened to traffic on Sunday morning after repairs.",
            "Engineers replaced more than two hundred corroded plates.",
        ]
    )
    ds = classify_text(text, CONFIG)
    assert [d.label for d in ds] == ["content", "boilerplate", "boilerplate", "content", "content"]


def test_explain_lines() -> None:
    text = "Body sentence here.\nRead more: Senate passes the bill\n"
    out = explain_lines(classify_text(text, CONFIG)).splitlines()
    assert out[0] == "keep  -                 | Body sentence here."
    assert out[1] == "DROP  read_more_link    | Read more: Senate passes the bill"
    assert len(out) == 3


lines_strategy = st.lists(
    st.one_of(
        st.sampled_from([line for _, line in _examples()] + CONTENT + ["", " ", "\r"]),
        st.text(alphabet=st.characters(blacklist_characters="\n"), max_size=60),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(lines=lines_strategy, crlf=st.booleans())
def test_decisions_cover_the_text_exactly(lines: list[str], crlf: bool) -> None:
    text = ("\r\n" if crlf else "\n").join(lines)
    ds = classify_text(text, CONFIG)
    assert [(d.start, d.end) for d in ds] == split_lines(text)
    for d in ds:
        assert text[d.start : d.end] == d.text
        assert d.start <= d.cut_start <= d.cut_end <= d.end
        if d.label == "content":
            assert d.reason is None and d.cut_start == d.cut_end
        else:
            assert d.reason in REASONS and d.cut_end > d.cut_start
    assert classify_text(text, CONFIG) == ds  # deterministic


@pytest.mark.parametrize(
    "text",
    [
        "a" * 50_000,
        "Read " + " " * 50_000 + "x",
        "[" * 20_000 + "]" * 20_000,
        "Photo: " + "." * 50_000,
        "WASHINGTON " * 5_000 + "— text",
        "a@" * 20_000,
        "Follow " + "x " * 30_000 + "twitter",
        "A" * 30 + " (" * 10_000,
        "x" * 70 + "@" + "y." * 10_000,
        "\n".join(["12 34 56"] * 500),
        "\n".join(["Home"] * 5_000),
    ],
)
def test_hostile_lines_stay_fast(text: str) -> None:
    """Patterns are linear by construction: no input makes a line slow."""
    import time

    t0 = time.process_time()
    ds = classify_text(text, CONFIG)
    assert time.process_time() - t0 < 1.0
    assert len(ds) == text.count("\n") + 1


def test_headlines_under_a_related_heading_go() -> None:
    text = "\n".join(
        [
            "The council approved the budget on Monday after a long debate.",
            "Related Articles",
            "Mayor unveils plan for new harbour ferry",
            "Bridge repairs finish three weeks late",
            "Residents say the detours cost them hours every week, and they want compensation.",
        ]
    )
    reasons = [d.reason for d in classify_text(text, CONFIG)]
    assert reasons == [None, "related_header", "related_stub", "related_stub", None]


def rule(line: str, position: int = 10) -> str | None:
    """The reason code of a line alone (gated and ungated chains must agree)."""
    s = line.strip()
    fast = line_rule(s, word_count(s), 1.0, position)
    assert fast == line_rule(s, word_count(s), 1.0, position, gate=False), line
    return fast.reason if fast else None


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # unrendered WordPress shortcodes
        (
            "[button link=”http://www.morebikes.co.uk/submit-kit-review/” type=”big” "
            "newwindow=”yes”] Send us YOUR kit review[/button]",
            "markup_residue",
        ),
        (
            '[caption id="attachment_12" align="alignnone" width="300"] Crowds at the gate',
            "markup_residue",
        ),
        ("Download the full programme here[/su_button]", "markup_residue"),
        # a social profile URL alone
        ("twitter.com/paultakahashi", "author_contact"),
        ("https://www.instagram.com/jane.doe/", "author_contact"),
        ("linkedin.com/in/jane-doe", "author_contact"),
        # an invitation to write in, with the address
        (
            "The Times is committed to publishing a diversity of letters to the editor. We’d like "
            "to hear what you think about this or any of our articles. Here are some tips. And "
            "here's our email: letters@nytimes.com.",
            "author_contact",
        ),
        ("Spotted a mistake? Send your tips to news@gazette.example.", "author_contact"),
        # a bio closed by the site's follow-us prompt
        (
            'Mike Wall\'s book about the search for alien life, "Out There" (Grand Central '
            "Publishing, 2018; illustrated by Karl Tate), is out now. Follow him on Twitter "
            "@michaeldwall. Follow us on Twitter @Spacedotcom or Facebook.",
            "social_share",
        ),
        # radio / podcast promos
        ("Listen to Newsbeat live at 12:45 and 17:45 weekdays - or listen back here.", "subscribe"),
        ("Listen to the full episode on Apple Podcasts.", "subscribe"),
        # a caption in a table cell ("| ... |")
        (
            "| The core stage of the first SLS at Michoud Assembly Facility after the installation "
            "in early November of its four RS-25 engines. (credit: NASA/Jude Guidry) |",
            "caption",
        ),
    ],
)
def test_new_rules_catch(line: str, reason: str) -> None:
    assert rule(line) == reason


@pytest.mark.parametrize(
    "line",
    [
        # brackets in article text
        "[1] Alarm fatigue: impacts on patient safety, Ruskin KJ. 2015; 28: 685-690.",
        '"[We] have agreed to grant all licenses of [our] artists\' performances," it says.',
        "[Editor's note: this story was updated on Monday to add the council's response.]",
        "The ratio [a = b] held in every sample the team measured last year.",
        # URLs and networks in sentences
        "Twitter.com/home was down for two hours on Tuesday, the company said.",
        "example.com/about",
        # letters, e-mail and following in article prose
        "Letters to the editor of the Gazette often criticised him, his biographer wrote.",
        "The suspect e-mailed the council at info@council.example on Monday, police said.",
        "The group told members to follow us on Twitter, he said, but few of them did.",
        '"Follow us on Twitter," the banner read, but the account had been deleted.',
        "Follow the money, the investigators said: it leads to three shell companies.",
        # listening in article prose
        "Listen to the people, the mayor told the council on Monday.",
        "Listen, we live at 5 Main Street and nobody has fixed the road, she said.",
        "Listening to residents live at the shelter, officials heard of flooded homes.",
        # a quote in a table cell
        "| “If NASA focuses on the investment in the ongoing SLS, there is a better chance,” "
        "Cooke said. |",
    ],
)
def test_new_rules_keep_article_sentences(line: str) -> None:
    assert rule(line) is None


def test_tags_under_a_tags_line_go() -> None:
    text = "\n".join(
        [
            "The calendar for the season was published in January by the organisers.",
            "Tags",
            "calendario stock car 2018, stock car brasil, stock car cascavel, stock car interlagos",
        ]
    )
    assert [d.reason for d in classify_text(text, CONFIG)] == [None, "tags", "tags"]
    text = "\n".join(
        [
            "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde - Tags: sad",
            "arrombamento",
            "veiculo",
            "A equipe do Serviço de Atendimento Domiciliar registrou nesta manhã o arrombamento.",
        ]
    )
    assert [d.reason for d in classify_text(text, CONFIG)] == ["byline", "tags", "tags", None]


def test_text_after_a_tags_line_stays() -> None:
    text = "\n".join(
        [
            "Tags",
            "The council approved the budget on Monday after a long debate.",
            "Mayor, council, budget",  # capitalised, three items: not a keyword run
        ]
    )
    assert [d.reason for d in classify_text(text, CONFIG)] == ["tags", None, None]
    # A sentence that mentions tags leads nothing.
    text = "Shops changed the price tags: sale\nbread\nmilk\neggs"
    assert all(d.label == "content" for d in classify_text(text, CONFIG))
