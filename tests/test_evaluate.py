"""dedup.eval: cluster metrics against scikit-learn, span metrics, file formats."""

from __future__ import annotations

import argparse
import json
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score
from sklearn.metrics.cluster import pair_confusion_matrix

from dedup.eval.cli import add_eval_arguments, main_eval
from dedup.eval.load import EvalInputError
from dedup.eval.metrics import cluster_metrics, span_metrics
from dedup.eval.passages import PassageOccurrence, passage_assignments
from dedup.eval.run import format_table, run_eval

# ------------------------------------------------------------------- reference helpers


def _labels(gold: Mapping[Any, Hashable], pred: Mapping[Any, Hashable]) -> tuple:
    """Dense label lists over the union of items, singletons given unique labels."""
    items = sorted(set(gold) | set(pred), key=repr)
    g = [("c", gold[i]) if gold.get(i) is not None else ("s", i) for i in items]
    p = [("c", pred[i]) if pred.get(i) is not None else ("s", i) for i in items]
    codes_g = {lab: k for k, lab in enumerate(dict.fromkeys(g))}
    codes_p = {lab: k for k, lab in enumerate(dict.fromkeys(p))}
    return [codes_g[x] for x in g], [codes_p[x] for x in p]


def _bcubed_brute(gold_labels: list[int], pred_labels: list[int]) -> tuple[float, float]:
    n = len(gold_labels)
    precision = recall = 0.0
    for i in range(n):
        same_pred = [j for j in range(n) if pred_labels[j] == pred_labels[i]]
        same_gold = [j for j in range(n) if gold_labels[j] == gold_labels[i]]
        both = len(set(same_pred) & set(same_gold))
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    return precision / n, recall / n


clusterings = st.integers(min_value=0, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 6), min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.integers(0, 6)), min_size=n, max_size=n),
    )
)


# ---------------------------------------------------------------------- cluster metrics


@settings(max_examples=150, deadline=None)
@given(clusterings)
def test_cluster_metrics_match_sklearn(data: tuple[list[int], list[int | None]]) -> None:
    gold_list, pred_list = data
    gold = {f"d{i}": lab for i, lab in enumerate(gold_list)}
    # None in pred means "not in any predicted cluster"; drop some items entirely too.
    pred = {f"d{i}": lab for i, lab in enumerate(pred_list) if i % 5 != 4}
    m = cluster_metrics(gold, pred)
    g, p = _labels(gold, pred)
    assert m.items == len(g)
    if len(g) < 2:
        assert m.pairwise_f1 == 1.0 and m.ari == 1.0
        return
    (_tn, fp), (fn, tp) = pair_confusion_matrix(g, p) // 2
    assert m.true_pairs == tp
    assert m.pred_pairs == tp + fp
    assert m.gold_pairs == tp + fn
    expected_p = tp / (tp + fp) if tp + fp else 1.0
    expected_r = tp / (tp + fn) if tp + fn else 1.0
    assert m.pairwise_precision == pytest.approx(expected_p)
    assert m.pairwise_recall == pytest.approx(expected_r)
    assert m.ari == pytest.approx(adjusted_rand_score(g, p), abs=1e-9)
    bp, br = _bcubed_brute(g, p)
    assert m.bcubed_precision == pytest.approx(bp)
    assert m.bcubed_recall == pytest.approx(br)


@given(clusterings)
def test_cluster_metrics_symmetric_swap(data: tuple[list[int], list[int | None]]) -> None:
    gold = dict(enumerate(data[0]))
    pred = dict(enumerate(data[1]))
    a, b = cluster_metrics(gold, pred), cluster_metrics(pred, gold)
    assert a.pairwise_precision == pytest.approx(b.pairwise_recall)
    assert a.bcubed_precision == pytest.approx(b.bcubed_recall)
    assert a.ari == pytest.approx(b.ari)


def test_renaming_items_changes_no_digit() -> None:
    # Items are visited in set order, which depends on the keys (and on the hash
    # seed for strings); with a plain float sum this pair differed in the last
    # digit of B-cubed precision (0.619047619047619 vs 0.6190476190476192).
    gold = {0: 0, 1: 2, 2: 0, 3: 3, 4: 3, 5: 3, 6: 3}
    pred = {0: 1, 1: 0, 2: 3, 3: 0, 4: 3, 5: 3, 6: 0}
    perm = [6, 0, 4, 1, 2, 3, 5]
    renamed = cluster_metrics(
        {perm[i]: v for i, v in gold.items()}, {perm[i]: v for i, v in pred.items()}
    )
    assert renamed == cluster_metrics(gold, pred)


def test_empty_input_is_perfect() -> None:
    m = cluster_metrics({}, {})
    assert (m.items, m.pairwise_precision, m.pairwise_recall, m.pairwise_f1) == (0, 1.0, 1.0, 1.0)
    assert (m.bcubed_precision, m.bcubed_recall, m.ari) == (1.0, 1.0, 1.0)


def test_all_singletons_both_sides() -> None:
    gold = {i: i for i in range(10)}
    m = cluster_metrics(gold, {})
    assert m.pairwise_f1 == 1.0 and m.bcubed_f1 == 1.0 and m.ari == 1.0
    assert m.gold_clusters == 0 and m.pred_clusters == 0


def test_one_cluster_both_sides() -> None:
    gold = dict.fromkeys(range(6), "g")
    pred = dict.fromkeys(range(6), "p")
    m = cluster_metrics(gold, pred)
    assert m.true_pairs == 15 and m.pairwise_f1 == 1.0 and m.ari == 1.0


def test_predict_nothing_against_one_cluster() -> None:
    m = cluster_metrics(dict.fromkeys(range(4), "g"), {})
    assert m.pairwise_precision == 1.0  # nothing claimed, nothing wrong
    assert m.pairwise_recall == 0.0 and m.pairwise_f1 == 0.0
    assert m.bcubed_precision == 1.0 and m.bcubed_recall == pytest.approx(0.25)
    assert m.ari == pytest.approx(adjusted_rand_score([0, 0, 0, 0], [0, 1, 2, 3]))


def test_merge_everything_against_singletons() -> None:
    m = cluster_metrics({i: i for i in range(4)}, dict.fromkeys(range(4), "x"))
    assert m.pairwise_precision == 0.0 and m.pairwise_recall == 1.0
    assert m.bcubed_precision == pytest.approx(0.25) and m.bcubed_recall == 1.0


def test_labels_are_compared_per_side_only() -> None:
    # Same label values on both sides must not matter; only the partition does.
    m = cluster_metrics({"a": "x", "b": "y"}, {"a": "y", "b": "x"})
    assert m.pairwise_f1 == 1.0


# ---------------------------------------------------------------------------- passages


def test_passage_sentence_pieces_of_one_gold_paragraph_are_joined() -> None:
    gold = [PassageOccurrence("a", 10, 110, "bg"), PassageOccurrence("b", 0, 100, "bg")]
    pred = [
        PassageOccurrence("a", 10, 60, "s1"),
        PassageOccurrence("b", 0, 50, "s1"),
        PassageOccurrence("a", 60, 110, "s2"),
        PassageOccurrence("b", 50, 100, "s2"),
    ]
    gm, pm = passage_assignments(gold, pred)
    assert cluster_metrics(gm, pm).pairwise_f1 == 1.0


def test_passage_unmatched_spans_cost_precision() -> None:
    gold = [PassageOccurrence("a", 0, 100, "bg"), PassageOccurrence("b", 0, 100, "bg")]
    pred = [
        PassageOccurrence("a", 0, 100, "x"),
        PassageOccurrence("b", 0, 100, "x"),
        PassageOccurrence("a", 300, 380, "y"),  # no gold passage here
        PassageOccurrence("b", 400, 480, "y"),
    ]
    gm, pm = passage_assignments(gold, pred)
    m = cluster_metrics(gm, pm)
    assert m.pairwise_recall == 1.0 and m.pairwise_precision == pytest.approx(0.5)


def test_passage_small_overlap_does_not_map() -> None:
    gold = [PassageOccurrence("a", 0, 100, "bg"), PassageOccurrence("b", 0, 100, "bg")]
    # Each predicted span overlaps the gold passage by 20 of its 100 chars: not a match.
    pred = [PassageOccurrence("a", 80, 180, "x"), PassageOccurrence("b", 80, 180, "x")]
    gm, pm = passage_assignments(gold, pred)
    m = cluster_metrics(gm, pm)
    assert m.pairwise_recall == 0.0 and m.pairwise_precision == 0.0


def test_passage_out_of_scope_docs_are_ignored() -> None:
    gold = [PassageOccurrence("a", 0, 50, "bg"), PassageOccurrence("b", 0, 50, "bg")]
    pred = [
        PassageOccurrence("a", 0, 50, "x"),
        PassageOccurrence("b", 0, 50, "x"),
        PassageOccurrence("z", 0, 50, "x"),
    ]
    gm, pm = passage_assignments(gold, pred, scope={"a", "b"})
    assert cluster_metrics(gm, pm).pairwise_precision == 1.0
    gm, pm = passage_assignments(gold, pred, scope={"a", "b", "z"})
    assert cluster_metrics(gm, pm).pairwise_precision == pytest.approx(1 / 3)


# ------------------------------------------------------------------------------- spans


def test_span_metrics_overlap_and_merge() -> None:
    m = span_metrics({"a": [(0, 10), (5, 20)]}, {"a": [(10, 30)], "b": [(0, 5)]})
    assert m.gold_chars == 20 and m.pred_chars == 25 and m.true_chars == 10
    assert m.char_precision == pytest.approx(0.4) and m.char_recall == pytest.approx(0.5)


def test_span_metrics_lines_and_whitespace() -> None:
    text = "Read more: story\nBody line one.\nAdvertisement\nBody two.\n"
    ad = text.index("Advertisement")
    gold = {"d": [(0, 17, "read_more_link"), (ad, ad + 14, "ad")]}
    pred = {"d": [(0, 16)]}  # same line without its newline
    m = span_metrics(gold, pred, {"d": text})
    assert m.char_precision == 1.0
    assert m.line_precision == 1.0 and m.line_recall == pytest.approx(0.5)
    assert m.recall_by_reason == {"ad": 0.0, "read_more_link": 1.0}
    assert not m.whitespace_counted


def test_span_metrics_nothing_removed() -> None:
    m = span_metrics({"a": [(0, 5)]}, {})
    assert m.char_precision == 1.0 and m.char_recall == 0.0 and m.char_f1 == 0.0


# ------------------------------------------------------------------------------- files


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _clusters_file(path: Path) -> Path:
    return _write(
        path,
        [
            {
                "cluster_id": "D1",
                "level": "document",
                "members": [{"doc_id": "a", "start": 0, "end": 9}, {"doc_id": "b"}],
                "canonical": {"doc_id": "a"},
                "similarity": 0.9,
            },
            {
                "cluster_id": "P1",
                "level": "passage",
                "members": [
                    {"doc_id": "c", "start": 0, "end": 40},
                    {"doc_id": "d", "start": 10, "end": 50},
                ],
                "canonical": {"doc_id": "c"},
                "similarity": 0.8,
            },
        ],
    )


def test_run_eval_document_from_outdir(tmp_path: Path) -> None:
    gold = _write(
        tmp_path / "gold.jsonl",
        [{"doc_id": d, "cluster": c} for d, c in [("a", 1), ("b", 1), ("c", 2), ("d", 3)]],
    )
    outdir = tmp_path / "out"
    outdir.mkdir()
    _clusters_file(outdir / "clusters.jsonl")
    result = run_eval(gold, outdir)
    assert result.level == "document"
    assert isinstance(result.metrics, type(cluster_metrics({}, {})))
    assert result.metrics.pairwise_f1 == 1.0 and result.metrics.items == 4
    assert "pairwise" in format_table(result)


def test_run_eval_passage_auto_level(tmp_path: Path) -> None:
    gold = _write(
        tmp_path / "gp.jsonl",
        [
            {"doc_id": "c", "start": 0, "end": 40, "cluster": "bg"},
            {"doc_id": "d", "start": 10, "end": 50, "cluster": "bg"},
            {"doc_id": "e"},
        ],
    )
    pred = _clusters_file(tmp_path / "clusters.jsonl")
    result = run_eval(gold, pred, level="auto")
    assert result.level == "passage"
    assert result.metrics.to_dict()["pairwise_f1"] == 1.0


def test_run_eval_boilerplate_from_removed(tmp_path: Path) -> None:
    texts = _write(tmp_path / "corpus.jsonl", [{"id": "a", "text": "Read more: x\nBody\n"}])
    gold = _write(tmp_path / "gb.jsonl", [{"doc_id": "a", "start": 0, "end": 13}])
    removed = _write(
        tmp_path / "removed.jsonl",
        [
            {"doc_id": "a", "kind": "boilerplate", "reason": "read_more_link", "start": 0,
             "end": 12, "text": "Read more: x", "cluster_id": None, "kept": None},
            {"doc_id": "a", "kind": "duplicate_passage", "reason": "near_duplicate", "start": 13,
             "end": 17, "text": "Body", "cluster_id": "P", "kept": None},
        ],
    )  # fmt: skip
    result = run_eval(gold, removed, level="boilerplate", texts=texts)
    m = result.metrics.to_dict()
    assert m["char_f1"] == 1.0 and m["line_f1"] == 1.0
    # A document dropped whole is left out: its boilerplate is not reported apart.
    texts = _write(
        tmp_path / "corpus.jsonl",
        [{"id": "a", "text": "Read more: x\nBody\n"}, {"id": "b", "text": "Advertisement\nCopy\n"}],
    )
    gold = _write(
        tmp_path / "gb.jsonl",
        [{"doc_id": "a", "start": 0, "end": 13}, {"doc_id": "b", "start": 0, "end": 13}],
    )
    with removed.open("a", encoding="utf-8") as fh:
        fh.write(
            json.dumps(
                {
                    "doc_id": "b",
                    "kind": "duplicate_document",
                    "reason": "near_duplicate",
                    "start": 0,
                    "end": 19,
                    "text": "",
                    "cluster_id": "D",
                    "kept": None,
                }
            )
            + "\n"
        )
    result = run_eval(gold, removed, level="boilerplate", texts=texts)
    assert result.metrics.to_dict()["char_recall"] == 1.0
    assert any("dropped whole" in note for note in result.notes)


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ('{"doc_id": "a", "cluster": 1}\nnot json\n', "gold.jsonl:2: not valid JSON"),
        ('{"doc_id": "a", "cluster": 1}\n{"doc_id": "a", "cluster": 2}\n', "already listed"),
        ('{"foo": 1}\n', "gold.jsonl:1: unrecognised record"),
        ("[1, 2]\n", "expected a JSON object"),
    ],
)
def test_bad_gold_reports_file_and_line(tmp_path: Path, content: str, fragment: str) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(content, encoding="utf-8")
    pred = _write(tmp_path / "pred.jsonl", [{"doc_id": "a", "cluster": 1}])
    with pytest.raises(EvalInputError, match=fragment):
        run_eval(gold, pred)


def test_bad_offsets_and_wrong_format(tmp_path: Path) -> None:
    gold = _write(tmp_path / "g.jsonl", [{"doc_id": "a", "start": 5, "end": 2, "cluster": "x"}])
    with pytest.raises(EvalInputError, match=r"g.jsonl:1: 'end' \(2\) is before"):
        run_eval(gold, gold, level="passage")
    doc_gold = _write(tmp_path / "d.jsonl", [{"doc_id": "a", "cluster": "x"}])
    with pytest.raises(EvalInputError, match="not usable at the boilerplate level"):
        run_eval(doc_gold, doc_gold, level="boilerplate")
    with pytest.raises(EvalInputError, match=r"no clusters\.jsonl"):
        run_eval(doc_gold, tmp_path)


def test_main_eval_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_eval_arguments(parser)
    gold = _write(
        tmp_path / "g.jsonl", [{"doc_id": "a", "cluster": 1}, {"doc_id": "b", "cluster": 1}]
    )
    pred = _write(tmp_path / "p.jsonl", [{"doc_id": "a", "cluster": 7}])
    assert main_eval(parser.parse_args(["--gold", str(gold), "--pred", str(pred), "--json"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["level"] == "document" and out["metrics"]["pairwise_recall"] == 0.0
    missing = str(tmp_path / "nope.jsonl")
    assert main_eval(parser.parse_args(["--gold", missing, "--pred", str(pred)])) == 2
    assert "no such file" in capsys.readouterr().err


# ------------------------------------------------- the benchmark generator's gold files


def _generator() -> Any:
    import importlib.util
    import sys

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "make_neardup.py"
    spec = importlib.util.spec_from_file_location("make_neardup", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_neardup"] = module
    spec.loader.exec_module(module)
    return module


def _synthetic_articles(gen: Any, n: int = 40) -> list[Any]:
    import random

    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(3000)]  # unique-ish words: no accidental repeats
    articles = []
    for a in range(n):
        paragraphs = []
        for _ in range(rng.randint(6, 10)):
            sents = [
                " ".join(rng.choice(vocab) for _ in range(rng.randint(9, 22))).capitalize() + "."
                for _ in range(rng.randint(1, 3))
            ]
            paragraphs.append(" ".join(sents))
        slug = "-".join(rng.sample(["alpha", "beta", "gamma", "delta", "omega", "sigma"], 4))
        url = f"https://site{a % 7}.example/news/{slug}"
        articles.append(
            gen.Article(f"art{a:03d}", url, f"Headline number {a} of the day", paragraphs)
        )
    return articles


def test_generator_gold_is_consistent_and_deterministic(tmp_path: Path) -> None:
    gen = _generator()
    articles = _synthetic_articles(gen)
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    gen.write_corpus(gen.build("small", 5, articles), out_a, 5, "small")
    gen.write_corpus(gen.build("small", 5, _synthetic_articles(gen)), out_b, 5, "small")
    for name in ("corpus.jsonl", "gold_documents.jsonl", "gold_passages.jsonl"):
        assert (out_a / name).read_bytes() == (out_b / name).read_bytes()

    texts = {
        r["id"]: r["text"]
        for r in map(json.loads, (out_a / "corpus.jsonl").read_text().splitlines())
    }
    gold_docs = [json.loads(x) for x in (out_a / "gold_documents.jsonl").read_text().splitlines()]
    assert {g["doc_id"] for g in gold_docs} == set(texts)
    assert len({g["cluster"] for g in gold_docs}) < len(gold_docs)  # some families exist
    passages = [json.loads(x) for x in (out_a / "gold_passages.jsonl").read_text().splitlines()]
    by_cluster: dict[str, list[str]] = {}
    for p in passages:
        if "cluster" in p:
            span = texts[p["doc_id"]][p["start"] : p["end"]]
            assert span.strip() == span and "\n" not in span and len(span.split()) >= 10
            by_cluster.setdefault(p["cluster"], []).append(p["doc_id"])
    assert by_cluster and all(len(set(docs)) >= 2 for docs in by_cluster.values())

    # The gold scores perfectly against itself, in both formats the eval reads.
    for gold, level in (("gold_documents.jsonl", "document"), ("gold_passages.jsonl", "passage")):
        result = run_eval(out_a / gold, out_a / gold, level=level)
        assert result.metrics.to_dict()["pairwise_f1"] == 1.0
