from __future__ import annotations

from pathlib import Path

import pytest

from dedup.config import Config, ConfigError


def test_defaults_are_valid():
    c = Config()
    assert c.document.threshold == 0.7
    assert c.passage.unit == "sentence"


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
