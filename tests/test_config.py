from __future__ import annotations

from pathlib import Path

import pytest

from dedup.config import Config, ConfigError


def test_defaults_are_valid():
    c = Config()
    # The defaults chosen by benchmarks/neardup_real.py --sweep (README).
    assert (c.document.ngram, c.document.threshold, c.document.containment) == (2, 0.5, 0.8)
    assert c.passage.unit == "sentence"
    assert c.passage.scope == "within_and_across"


@pytest.mark.parametrize(
    "section, message",
    [
        ({"document": {"containment": 1.5}}, "document.containment"),
        ({"passage": {"scope": "inside"}}, "passage.scope"),
    ],
)
def test_containment_and_scope_are_checked(section, message):
    key = message.split(".")[1]
    with pytest.raises(ConfigError, match=key):
        Config.from_dict(section)


def test_toml_round_trip(tmp_path: Path):
    p = tmp_path / "dedup.toml"
    p.write_text('[document]\nthreshold = 0.7\n[canonical]\npolicy = "longest"\n')
    c = Config.from_toml(p)
    assert c.document.threshold == 0.7
    assert c.canonical.policy == "longest"


@pytest.mark.parametrize(
    "toml, message",
    [
        ("[documnet]\n", "unknown section [documnet]"),
        ("[document]\nthreshhold = 0.7\n", "unknown key 'threshhold' in [document]"),
        ("[document]\nthreshold = 'high'\n", "wrong type"),
        ("[document]\nthreshold = 1.5\n", "[document] threshold: must be in (0, 1]"),
        ("[canonical]\npolicy = 'best'\n", "must be one of first, longest"),
        ("[document]\nbands = 4\n", "set both bands and rows"),
        ("[document]\nbands = 40\nrows = 8\n", "exceeds minhash.num_perm"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_bad_config_is_refused_with_a_clear_message(tmp_path: Path, toml: str, message: str):
    p = tmp_path / "dedup.toml"
    p.write_text(toml)
    with pytest.raises(ConfigError) as info:
        Config.from_toml(p)
    assert message in str(info.value)


def test_missing_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="config file not found"):
        Config.from_toml(tmp_path / "nope.toml")


def test_replace_checks_values():
    with pytest.raises(ConfigError):
        Config().replace(passage={"unit": "chapter"})
    assert Config().replace(passage={"unit": "window"}).passage.unit == "window"
