"""The cluster records of the document, passage and index stages (clusters.jsonl),
built through the one record schema, :mod:`dedup.io.records`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dedup.cluster.near_dup import Cluster
from dedup.index import IndexEntry
from dedup.io.records import Canonical, ClusterMember, ClusterRecord

# A unit (document or passage index) as (doc_id, start, end), computed on demand:
# a list of them for every passage of a large corpus would dominate memory.
SpanOf = Callable[[int], tuple[str, int, int]]

# A copy of an indexed unit: (doc_id, start, end, similarity).
Copy = tuple[str, int, int, float]


def cluster_record(
    cid: str,
    level: str,
    cluster: Cluster,
    spans: SpanOf,
    drop_all: bool = False,
) -> dict[str, Any]:
    """A cluster within the corpus: its members with their keeper scores, and the keeper."""
    choice = cluster.choice
    members = []
    for pos, m in enumerate(cluster.members):
        doc_id, s, e = spans(m)
        members.append(
            ClusterMember(
                doc_id, s, e, round(choice.scores[pos], 6), round(cluster.similarity[pos], 6)
            )
        )
    keeper_pos = cluster.members.index(cluster.keeper)
    kdoc, ks, ke = spans(cluster.keeper)
    why = choice.why
    if drop_all:
        # Members were grouped around this copy, but the drop_all policy removes it too.
        why = "drop_all: every copy is removed; grouped around " + why
    canonical = Canonical(
        kdoc, ks, ke, choice.policy, round(choice.scores[keeper_pos], 6), why, removed=drop_all
    )
    return ClusterRecord(
        cid, level, tuple(members), canonical, round(min(cluster.similarity), 6)
    ).to_json()


_INDEX_WHY = {
    "protect": "protect: the copy already in index {name!r} always wins",
    "drop_all": "drop_all: the copy in index {name!r} is the earlier one; "
    "every new copy is removed",
    "per_source": "per_source: the same site already has this in index {name!r}",
}


def index_cluster(
    cid: str,
    level: str,
    entry: IndexEntry,
    index_name: str,
    copies: list[Copy],
    policy: str,
) -> dict[str, Any]:
    """New copies of an indexed unit: the indexed one first, and always kept."""
    members = [
        ClusterMember(entry.doc_id, entry.start, entry.end, None, 1.0, index=index_name),
        *(ClusterMember(d, s, e, None, round(sim, 6)) for d, s, e, sim in copies),
    ]
    canonical = Canonical(
        entry.doc_id,
        entry.start,
        entry.end,
        policy,
        None,
        _INDEX_WHY[policy].format(name=index_name),
        index=index_name,
    )
    return ClusterRecord(
        cid, level, tuple(members), canonical, round(min(c[3] for c in copies), 6)
    ).to_json()
