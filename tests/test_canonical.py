"""Tests for dedup.cluster.canonical: keeper policies, their scores, ties and explanations."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.cluster.canonical import (
    POLICIES,
    UNKNOWN_DATE_SCORE,
    Member,
    choose_keeper,
    parse_date,
    site_rank,
)


def member(
    doc_id: str,
    order: int,
    *,
    start: int = 0,
    length: int = 100,
    removed: float = 0.5,
    date: str | None = None,
    site: str | None = None,
) -> Member:
    return Member(doc_id, order, start, start + length, length, removed, date, site)


# Five copies, each the unique winner of exactly one policy, so a policy that
# chose any other copy fails its assertion.
CAST = [
    member("first.txt", 0, length=100, removed=0.6, date="2023-05-01", site="blog.example.org"),
    member("longest.txt", 3, length=900, removed=0.5, date="2023-04-01", site="www.reuters.com"),
    member("complete.txt", 4, length=120, removed=0.01, date="2023-03-01", site=None),
    member("earliest.txt", 2, length=110, removed=0.7, date="2021-01-05", site="other.net"),
    member("priority.txt", 1, length=90, removed=0.4, date=None, site="https://www.apnews.com/a/1"),
]
PRIORITY = ["apnews.com", "reuters.com"]
WINNERS = {
    "first": "first.txt",
    "longest": "longest.txt",
    "most_complete": "complete.txt",
    "earliest": "earliest.txt",
    "source_priority": "priority.txt",
}


@pytest.mark.parametrize("policy", POLICIES)
def test_each_policy_picks_its_own_copy(policy: str) -> None:
    for members in (CAST, CAST[::-1], CAST[2:] + CAST[:2]):
        choice = choose_keeper(members, policy, PRIORITY)
        assert members[choice.keeper].doc_id == WINNERS[policy]
        assert choice.policy == policy
        assert len(choice.scores) == len(members)
        assert choice.scores[choice.keeper] == max(choice.scores)


def test_first_prefers_input_order_then_earlier_span() -> None:
    members = [member("b", 1), member("a", 0, start=50), member("a", 0, start=10)]
    choice = choose_keeper(members, "first")
    assert choice.keeper == 2
    assert choice.scores == (-1.0, 0.0, 0.0)
    assert "tie broken by input order, then position in the document" in choice.why


def test_longest_scores_and_explains() -> None:
    members = [member("a.txt", 0, length=790), member("b.txt", 1, length=812)]
    choice = choose_keeper(members, "longest")
    assert choice.keeper == 1
    assert choice.scores == (790.0, 812.0)
    assert choice.why == "longest: 812 chars (doc b.txt) vs next best 790 chars (doc a.txt)"


def test_longest_tie_goes_to_input_order() -> None:
    members = [member("z", 5, length=300), member("y", 2, length=300), member("x", 9, length=10)]
    assert choose_keeper(members, "longest").keeper == 1


def test_most_complete_uses_removed_share() -> None:
    members = [member("a", 0, removed=0.153), member("b", 1, removed=0.02)]
    choice = choose_keeper(members, "most_complete")
    assert choice.keeper == 1
    assert choice.scores == pytest.approx((0.847, 0.98))
    assert "2.0% removed" in choice.why and "15.3% removed" in choice.why


def test_earliest_compares_instants_across_time_zones() -> None:
    # 01:00 at +02:00 is 23:00 UTC the day before: earlier than 23:30 UTC.
    members = [
        member("utc", 0, date="2022-09-12T23:30:00Z"),
        member("cest", 1, date="2022-09-13T01:00:00+02:00"),
    ]
    assert choose_keeper(members, "earliest").keeper == 1


def test_earliest_unknown_dates_lose() -> None:
    members = [
        member("none", 0, date=None),
        member("garbage", 1, date="last Tuesday"),
        member("late", 2, date="13 September 2030"),
    ]
    choice = choose_keeper(members, "earliest")
    assert choice.keeper == 2
    assert choice.scores[:2] == (UNKNOWN_DATE_SCORE, UNKNOWN_DATE_SCORE)


def test_earliest_without_any_date_falls_back_to_input_order() -> None:
    members = [member("b", 3, date=None), member("a", 1, date="?")]
    choice = choose_keeper(members, "earliest")
    assert choice.keeper == 1
    assert "no member has a parseable date" in choice.why


def test_source_priority_matches_host_suffixes_in_list_order() -> None:
    members = [
        member("unlisted", 0, site="notapnews.com"),
        member("second", 1, site="reuters.com"),
        member("first", 2, site="WWW.APNEWS.COM."),
    ]
    choice = choose_keeper(members, "source_priority", ["apnews.com", "reuters.com"])
    assert choice.keeper == 2
    assert choice.scores == (0.0, 1.0, 2.0)
    # Without the first-listed site, the second-listed beats the unlisted one.
    assert choose_keeper(members[:2], "source_priority", ["apnews.com", "reuters.com"]).keeper == 1


def test_source_priority_all_unlisted_falls_back_to_input_order() -> None:
    members = [member("b", 4, site="x.org"), member("a", 2, site=None)]
    choice = choose_keeper(members, "source_priority", ["apnews.com"])
    assert choice.keeper == 1
    assert "no member's site is listed" in choice.why


def test_single_member_is_kept() -> None:
    choice = choose_keeper([member("only", 7)], "longest")
    assert choice.keeper == 0
    assert choice.why.startswith("longest: only copy")


def test_site_rank() -> None:
    assert site_rank("apnews.com", ["apnews.com"]) == 0
    assert site_rank("news.apnews.com:443", ["reuters.com", "apnews.com"]) == 1
    assert site_rank("http://user@www.apnews.com/x?y", ["https://apnews.com/"]) == 0
    assert site_rank("apnews.com.evil.net", ["apnews.com"]) is None
    assert site_rank(None, ["apnews.com"]) is None
    assert site_rank("", ["apnews.com"]) is None
    # Plain-text inputs: the site is the parent directory, possibly nested.
    assert site_rank("crawl/2022/www.reuters.com", ["apnews.com", "reuters.com"]) == 1
    assert site_rank("crawl\\apnews", ["ap", "apnews"]) == 1
    assert site_rank("apnews.com/article/x", ["apnews.com"]) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-09-13", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("2022-09-13T10:00:00Z", datetime(2022, 9, 13, 10, tzinfo=timezone.utc)),
        ("2022-09-13 12:00:00+02:00", datetime(2022, 9, 13, 10, tzinfo=timezone.utc)),
        ("Tue, 13 Sep 2022 10:00:00 GMT", datetime(2022, 9, 13, 10, tzinfo=timezone.utc)),
        ("September 13, 2022", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("Sep 13, 2022", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("13 September 2022", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("13.09.2022", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("2022/09/13", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("13/09/2022", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("09/13/2022", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("05/05/2022", datetime(2022, 5, 5, tzinfo=timezone.utc)),
        ("20220913", datetime(2022, 9, 13, tzinfo=timezone.utc)),
        ("1663063200", datetime(2022, 9, 13, 10, tzinfo=timezone.utc)),
        ("  2022-09  ", datetime(2022, 9, 1, tzinfo=timezone.utc)),
        ("2022", datetime(2022, 1, 1, tzinfo=timezone.utc)),
        ("01/02/2022", None),  # 1 February or 2 January: ambiguous, so unknown
        ("2022-13-45", None),
        ("yesterday", None),
        ("9999-12-31T23:59:59-01:00", None),  # out of range once in UTC
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, expected: datetime | None) -> None:
    assert parse_date(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_parse_date_never_raises(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or parsed.tzinfo == timezone.utc


# ----------------------------------------------------------------- errors
def test_unknown_policy_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"unknown canonical policy 'newest'.*known: first"):
        choose_keeper(CAST, "newest")


def test_empty_cluster_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty cluster"):
        choose_keeper([], "first")


@pytest.mark.parametrize("priority", [[], [""], ["  "]])
def test_source_priority_needs_sites(priority: list[str]) -> None:
    with pytest.raises(ValueError, match="source_priority list"):
        choose_keeper(CAST, "source_priority", priority)


def test_source_priority_as_bare_string_is_rejected() -> None:
    with pytest.raises(ValueError, match="not a single string"):
        choose_keeper(CAST, "source_priority", "apnews.com")
    with pytest.raises(ValueError, match="entries must be site names"):
        choose_keeper(CAST, "source_priority", ["apnews.com", 7])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"order": -1}, "order"),
        ({"start": 5, "end": 4}, "valid range"),
        ({"text_length": -3}, "text_length"),
        ({"removed_share": 1.5}, "removed_share"),
        ({"removed_share": float("nan")}, "removed_share"),
    ],
)
def test_member_fields_are_checked(kwargs: dict[str, object], message: str) -> None:
    fields: dict[str, object] = {
        "doc_id": "d",
        "order": 0,
        "start": 0,
        "end": 10,
        "text_length": 10,
        "removed_share": 0.0,
        "date": None,
        "site": None,
    }
    fields.update(kwargs)
    with pytest.raises(ValueError, match=message):
        Member(**fields)  # type: ignore[arg-type]


# ----------------------------------------------------------------- properties
_members = st.builds(
    lambda doc, order, start, length, tl, removed, date, site: Member(
        doc, order, start, start + length, tl, removed, date, site
    ),
    st.sampled_from(["a.txt", "b.txt", "c/d.txt"]),
    st.integers(0, 4),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 60),
    st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]),
    st.sampled_from([None, "2022-09-13", "2022-09-13T10:00:00Z", "Sep 1, 2021", "junk"]),
    st.sampled_from([None, "apnews.com", "www.apnews.com", "reuters.com", "x.org"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_members, min_size=1, max_size=8), st.sampled_from(POLICIES), st.randoms())
def test_choice_does_not_depend_on_member_order(
    members: list[Member], policy: str, rnd: object
) -> None:
    priority = ["apnews.com", "reuters.com"]
    choice = choose_keeper(members, policy, priority)
    assert 0 <= choice.keeper < len(members)
    assert len(choice.scores) == len(members)
    assert choice.scores[choice.keeper] == max(choice.scores)
    shuffled = list(members)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = choose_keeper(shuffled, policy, priority)
    assert shuffled[again.keeper] == members[choice.keeper]
    assert again.why == choice.why
    assert sorted(again.scores) == sorted(choice.scores)


def test_document_content_length_decides_longest_and_most_complete() -> None:
    # Raw text: "chrome" is longer; content after boilerplate: "full" is.
    chrome = Member("chrome", 0, 0, 900, 900, 0.5, None, None, content_length=450)
    full = Member("full", 1, 0, 600, 600, 0.0, None, None, content_length=600)
    for policy in ("longest", "most_complete"):
        choice = choose_keeper([chrome, full], policy)
        assert choice.keeper == 1, policy
    assert choose_keeper([chrome, full], "most_complete").scores == (0.75, 1.0)
    assert "600 chars of content" in choose_keeper([chrome, full], "longest").why
    with pytest.raises(ValueError, match="content_length"):
        Member("x", 0, 0, 1, 1, 0.0, None, None, content_length=-1)
