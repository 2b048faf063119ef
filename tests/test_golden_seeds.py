"""Golden outputs on seeds/: any change to what dedup removes from the seed pages
shows up here as a diff to review. After an intended change, regenerate with

    DEDUP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_seeds.py

and commit the new files with the change that explains them.
"""

from __future__ import annotations

import os
from pathlib import Path

from dedup import Config, clean
from tests.conftest import SEEDS

GOLDEN = Path(__file__).parent / "golden" / "seeds"
FILES = ("documents.jsonl", "removed.jsonl", "clusters.jsonl")


def test_seeds_outputs_match_the_golden_files(tmp_path: Path):
    out = tmp_path / "out"
    clean([str(SEEDS)], str(out), Config().replace(run={"workers": 1, "quiet": True}))
    if os.environ.get("DEDUP_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            (GOLDEN / name).write_bytes((out / name).read_bytes())
    for name in FILES:
        expected = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
        got = (out / name).read_text(encoding="utf-8").splitlines()
        assert got == expected, f"{name} differs from tests/golden/seeds/{name}"
