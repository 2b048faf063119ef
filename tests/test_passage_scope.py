"""Passage copies keep the containing span, and ``passage.scope`` (issue 16)."""

from __future__ import annotations

import pytest

from dedup import Config, clean_records
from dedup.cluster.passage_scope import is_structured_line

FILLER = [
    "The harbour board approved the new ferry timetable after a long public consultation.",
    "Residents of the old town asked for more buses on Sunday mornings and late evenings.",
    "The museum will close its east wing for repairs until the end of the coming spring.",
    "A local bakery won the regional prize for its rye bread for the third year running.",
    "The school council voted to plant two hundred trees along the river path this year.",
    "Volunteers cleaned the beach on Saturday and collected forty bags of plastic waste.",
]


def _config(**passage: object) -> Config:
    # Documents apart: these tests are about passages.
    return Config().replace(
        run={"workers": 1, "quiet": True}, document={"enabled": False}, passage=passage
    )


def _texts(result) -> dict[str, str]:
    return {d["id"]: d["text"] for d in result.documents}


def test_headline_in_its_lead_cuts_the_headline_not_the_lead():
    headline = "Alibaba is set to raise up to $12.9bn (£10bn)"
    lead = (
        "Alibaba is set to raise up to $12.9bn (£10bn) in its Hong Kong listing, "
        "the biggest share sale in the city since 2010, according to people familiar with it."
    )
    assert len(lead) >= 150
    text = "\n".join([headline, lead, *FILLER[:3]])
    result = clean_records([{"id": "a", "text": text}], _config())
    out = _texts(result)["a"]
    assert lead in out
    assert headline + "\n" not in out
    (cut,) = [r for r in result.removed if r["kind"] == "duplicate_passage"]
    assert cut["text"] == headline
    assert text[cut["kept"]["start"] : cut["kept"]["end"]] == lead


def test_teaser_across_documents_is_cut_and_the_story_sentence_kept():
    teaser = "Police say at least a dozen cars were broken into over the weekend."
    story = (
        "Police say at least a dozen cars were broken into over the weekend, "
        "and a 19-year-old man was arrested."
    )
    records = [
        {"id": "teasers", "text": "\n".join([FILLER[0], teaser, FILLER[1]])},
        {"id": "story", "text": "\n".join([FILLER[2], story, FILLER[3]])},
    ]
    for policy in ("first", "longest", "most_complete"):
        result = clean_records(records, _config().replace(canonical={"policy": policy}))
        out = _texts(result)
        assert story in out["story"], policy
        assert teaser not in out["teasers"], policy
        (cut,) = [r for r in result.removed if r["kind"] == "duplicate_passage"]
        assert cut["kept"]["doc_id"] == "story"


MEAL_LINE = "Portion Fix Containers: 1 Green, 1 Purple, 1 Red, 1 Yellow, 1 tsp."
QUESTION = "What did you learn from the season that you will take into the next one?"
PROSE = "The committee will publish its final report on the regional budget next month."


def _repeats() -> str:
    days = []
    for day in ("Monday", "Tuesday", "Wednesday"):
        days += [f"{day} breakfast", MEAL_LINE, f"- {day}: oats with two spoons of honey"]
    interview = [QUESTION, "I learned patience.", QUESTION, "I learned to rest more often."]
    return "\n".join([*days, *interview, PROSE, FILLER[4], PROSE])


def test_structured_lines_repeat_inside_a_document_by_default():
    text = _repeats()
    result = clean_records([{"id": "plan", "text": text}], _config())
    out = _texts(result)["plan"]
    assert out.count(MEAL_LINE) == 3
    assert out.count(QUESTION) == 2
    # A repeated prose sentence is still cut inside the document.
    assert out.count(PROSE) == 1


def test_scope_across_leaves_every_repeat_inside_a_document():
    text = _repeats()
    result = clean_records([{"id": "plan", "text": text}], _config(scope="across"))
    assert _texts(result)["plan"] == text


def test_structured_lines_are_copies_across_documents():
    records = [
        {"id": "a", "text": "\n".join([FILLER[0], MEAL_LINE, FILLER[1]])},
        {"id": "b", "text": "\n".join([FILLER[2], MEAL_LINE, FILLER[3]])},
    ]
    for scope in ("across", "within_and_across"):
        out = _texts(clean_records(records, _config(scope=scope)))
        assert (MEAL_LINE in out["a"], MEAL_LINE in out["b"]) == (True, False), scope


@pytest.mark.parametrize(
    "line, structured",
    [
        ("* two eggs", True),
        ("3) Stir for a minute.", True),
        ("Q: When did you start?", True),
        ("Interviewer: Tell us about the club.", True),
        ("Name | Age | Town", True),
        # Tabs are no signal: the output rewrites them to spaces.
        ("Name\tAge\tTown", False),
        ("The match ended in a draw after a late goal.", False),
    ],
)
def test_structured_line_kinds(line: str, structured: bool):
    assert is_structured_line(line) is structured
