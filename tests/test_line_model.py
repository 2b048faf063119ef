"""The learned line model for plain text (issue 17): shipped weights, features, wiring."""

from __future__ import annotations

import importlib.util
import json
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from dedup.api import explain, strip
from dedup.boilerplate import classify_text, explain_lines, split_lines
from dedup.boilerplate.classify import line_features
from dedup.boilerplate.line_model import FEATURES, MODEL_FILE, LineModel, load_model
from dedup.boilerplate.model_gate import model_protected, model_removals
from dedup.config import BoilerplateConfig, Config
from tests.conftest import REPO

ON = BoilerplateConfig(line_model=True)
P = (
    "The council voted on Tuesday to reopen the old bridge after two years of repairs, "
    "and the first buses are expected to cross it again next month, officials said."
)
CHROME = [
    "Log in",
    "Register",
    "Search",
    "Newsletter",
    "Imprint | Privacy | Terms of use",
    "Follow us",
]


def page() -> str:
    return "\n".join(["Bridge reopens after two years", P, P, P, P, *CHROME])


def test_shipped_model_loads_and_matches_the_features() -> None:
    model = load_model()
    assert isinstance(model, LineModel)
    assert model.weights.shape == (len(FEATURES),) and 0.0 < model.threshold < 1.0
    data = json.loads(resources.files("dedup.boilerplate").joinpath(MODEL_FILE).read_text())
    assert data["features"] == list(FEATURES)


def test_model_file_ships_in_the_wheel() -> None:
    spec = importlib.util.spec_from_file_location("check_wheel", REPO / ".ci" / "check_wheel.py")
    assert spec is not None and spec.loader is not None
    check_wheel = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_wheel)
    assert f"dedup/boilerplate/{MODEL_FILE}" in check_wheel.source_files(REPO)
    if sys.version_info >= (3, 11):
        import tomllib

        meta = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
        assert "boilerplate/*.json" in meta["tool"]["setuptools"]["package-data"]["dedup"]


def test_features_are_one_row_per_nonblank_line_and_deterministic() -> None:
    text = page() + "\n\n   \n"
    nonblank, x = line_features(text, BoilerplateConfig())
    lines = [text[s:e] for s, e in split_lines(text)]
    assert nonblank == [i for i, line in enumerate(lines) if line.strip()]
    assert x.shape == (len(nonblank), len(FEATURES)) and np.isfinite(x).all()
    _, again = line_features(text, BoilerplateConfig())
    assert np.array_equal(x, again)
    assert line_features("", BoilerplateConfig())[1].shape == (0, len(FEATURES))


def test_model_removes_chrome_keeps_prose_and_title_and_explain_shows_the_score() -> None:
    ds = classify_text(page(), ON)
    kept = {d.text for d in ds if d.label == "content"}
    assert P in kept and "Bridge reopens after two years" in kept  # plain text keeps its title
    dropped = {d.text: d for d in ds if d.label == "boilerplate"}
    assert {"Log in", "Register", "Newsletter"} <= set(dropped)
    assert all(d.score is not None and 0.0 <= d.score <= 1.0 for d in ds)
    model_drops = [d for d in ds if d.reason == "line_model"]
    assert model_drops and all(d.score >= load_model().threshold for d in model_drops)
    table = explain_lines(ds)
    d = model_drops[0]
    assert f"line_model {d.score:.2f}" in table


def test_hand_rules_override_the_model_and_the_model_is_off_by_flag() -> None:
    text = "\n".join([P, "Read more: Council approves new budget", P, P, *CHROME])
    on = {d.text: d.reason for d in classify_text(text, ON)}
    assert on["Read more: Council approves new budget"] == "read_more_link"
    off = classify_text(text, BoilerplateConfig(line_model=False))
    assert "line_model" not in {d.reason for d in off}
    assert all(d.score is None for d in off)
    # HTML documents (line roles given) never use the plain-text model.
    html = classify_text(text, ON, line_roles=["para"] * len(split_lines(text)))
    assert "line_model" not in {d.reason for d in html}


def test_threshold_override_and_disabling_the_reason() -> None:
    strict = classify_text(page(), BoilerplateConfig(line_model=True, line_model_threshold=0.999))
    loose = classify_text(page(), BoilerplateConfig(line_model=True, line_model_threshold=0.01))
    n = [sum(d.reason == "line_model" for d in ds) for ds in (strict, loose)]
    assert n[0] < n[1]
    off = classify_text(page(), BoilerplateConfig(line_model=True, disabled_rules=["line_model"]))
    assert "line_model" not in {d.reason for d in off}


def test_a_bad_model_file_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match=r"m\.json: not a dedup-line-model"):
        load_model(str(bad))
    data = load_model().to_json()
    data["features"] = ["x"]
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="retrain"):
        load_model(str(bad))
    with pytest.raises(ValueError, match="cannot read"):
        load_model(str(tmp_path / "missing.json"))


def test_a_model_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "copy.json"
    path.write_text(json.dumps(load_model().to_json()))
    config = BoilerplateConfig(line_model=True, line_model_path=str(path))
    assert [d.reason for d in classify_text(page(), config)] == [
        d.reason for d in classify_text(page(), ON)
    ]


def test_explain_uses_the_same_templates_and_model_as_strip(tmp_path: Path) -> None:
    site = tmp_path / "in" / "example.org"
    site.mkdir(parents=True)
    for k in range(4):
        story = P.replace("Tuesday", f"day {k}")
        (site / f"p{k}.txt").write_text(
            "\n".join([f"Story number {k} of the week", story, story, "Example Gazette weekly", P])
        )
    config = Config().replace(boilerplate={"line_model": True})
    table = dict(explain([str(tmp_path / "in")], config))
    assert len(table) == 4
    result = strip([str(tmp_path / "in")], tmp_path / "out", config)
    assert result is not None
    removed = [json.loads(x) for x in (tmp_path / "out" / "removed.jsonl").read_text().splitlines()]
    by_doc: dict[str, set[str]] = {}
    for r in removed:
        by_doc.setdefault(r["doc_id"], set()).add(r["reason"])
    assert any("site_template" in v for v in by_doc.values())
    for doc_id, text in table.items():
        dropped = {row.split()[1] for row in text.splitlines() if row.startswith(("DROP", "CUT"))}
        assert dropped == by_doc.get(doc_id, set()), doc_id


GERMAN = (
    "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke nach zwei Jahren Bauzeit "
    "wieder zu öffnen, und die ersten Busse sollen sie schon im nächsten Monat überqueren."
)


def test_non_english_chrome_goes_and_its_prose_stays_with_the_model_on() -> None:
    text = "\n".join(
        [
            "Brücke wieder offen",
            GERMAN,
            GERMAN.replace("Dienstag", "Mittwoch"),
            GERMAN.replace("Dienstag", "Freitag"),
            "Anmelden",
            "Registrieren",
            "Impressum | Datenschutz | Kontakt",
            "© 2024 Verlag GmbH. Alle Rechte vorbehalten.",
            "جميع الحقوق محفوظة © 2024",
        ]
    )
    # At the shipped threshold (chosen for <= 1 % content lost) the sure chrome
    # goes; at a looser one, as F1 alone would choose, the login links too.
    ds = classify_text(text, ON)
    assert [d.label for d in ds[:4]] == ["content"] * 4
    assert all(d.label == "boilerplate" for d in ds[6:]), explain_lines(ds)
    ds = classify_text(text, BoilerplateConfig(line_model=True, line_model_threshold=0.6))
    assert [d.label for d in ds[:4]] == ["content"] * 4
    assert all(d.label == "boilerplate" for d in ds[4:]), explain_lines(ds)
    # Off by default (it costs content out of sample, README): the rules alone.
    assert not BoilerplateConfig().line_model
    default = classify_text(text, BoilerplateConfig())
    assert "line_model" not in {d.reason for d in default}


def test_training_on_own_labels_writes_a_model_dedup_reads(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")  # a dev dependency: training only
    spec = importlib.util.spec_from_file_location(
        "train_line_model", REPO / "benchmarks" / "train_line_model.py"
    )
    assert spec is not None and spec.loader is not None
    train = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(REPO / "benchmarks"))
    sys.modules["train_line_model"] = train  # its dataclasses look their module up
    try:
        spec.loader.exec_module(train)
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
        del sys.modules["train_line_model"]
    labels = tmp_path / "labels.jsonl"
    rows = []
    for k in range(6):
        text = page().replace("Tuesday", f"day {k}")
        lab = [0] * 5 + [1] * len(CHROME)
        rows.append(json.dumps({"text": text, "labels": lab}))
    labels.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "mine.json"
    train.train_own(labels, out, 1.0)
    config = BoilerplateConfig(line_model=True, line_model_path=str(out))
    ds = classify_text(page(), config)
    assert load_model(str(out)).trained_on == "labels.jsonl"
    removed = {d.text for d in ds if d.label == "boilerplate"}
    assert removed == set(CHROME) and "line_model" in {d.reason for d in ds}, explain_lines(ds)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "a\nb", "labels": [0]}) + "\n")
    with pytest.raises(SystemExit, match=r"bad\.jsonl:1: 1 labels for 2 lines"):
        train.train_own(bad, out, 1.0)


MEAL_LINE = "Portion Fix Containers: 1 Green, 1 Purple, 1 Red, 1 Yellow, 1 tsp."
QUESTION = "What did you learn from the season that you will take into the next one?"


def meal_plan() -> str:
    lines: list[str] = []
    for day in ("Monday", "Tuesday", "Wednesday"):
        lines += [f"{day} breakfast", MEAL_LINE, f"- {day}: oats with two spoons of honey"]
    lines += [QUESTION, "I learned patience.", QUESTION, "I learned to rest more often."]
    lines += [
        "The coach said the team had trained hard through the winter and was ready for spring.",
        "Fans packed the stadium on Saturday to watch the first match of the new season.",
    ]
    return "\n".join(lines)


def test_a_meal_plan_and_interview_lose_nothing_with_the_model_on() -> None:
    # Its day headings and bulleted items score as chrome on their own; they sit
    # between lines the model keeps, so the model alone may not remove them.
    text = meal_plan()
    for config in (
        BoilerplateConfig(),
        ON,
        BoilerplateConfig(line_model=True, line_model_threshold=0.5),
    ):
        decisions = classify_text(text, config)
        assert [d.text for d in decisions if d.label != "content"] == [], explain_lines(decisions)
    # Without the guard (gap 0) the same scores would cut the list lines.
    decisions = classify_text(text, BoilerplateConfig(line_model=True, line_model_threshold=0.5))
    probs = [d.score for d in decisions]
    assert all(p is not None for p in probs)
    ruled = [False] * len(decisions)
    heads = model_protected([d.text for d in decisions], ruled)
    unguarded = model_removals(probs, ruled, 0.5, heads, gap=0)  # type: ignore[arg-type]
    assert {decisions[k].text for k in unguarded} >= {"Tuesday breakfast"}
    assert model_removals(probs, ruled, 0.5, heads) == []  # type: ignore[arg-type]


def test_the_model_still_removes_a_block_of_chrome_at_the_edge() -> None:
    text = meal_plan() + "\n" + "\n".join(CHROME)
    cut = [d.text for d in classify_text(text, ON) if d.label != "content"]
    assert set(cut) >= {"Log in", "Register", "Newsletter"}
