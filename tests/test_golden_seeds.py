"""Golden outputs on seeds/: any change to what dedup removes from the seed pages
shows up here as a diff to review. After an intended change, regenerate with

    DEDUP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_seeds.py

(the run rewrites the files that changed and fails, since it then compared nothing)
and commit the new files with the change that explains them. Unchanged outputs pass.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dedup import Config, clean
from tests.conftest import SEEDS

GOLDEN = Path(__file__).parent / "golden" / "seeds"
FILES = ("documents.jsonl", "removed.jsonl", "clusters.jsonl")


def test_seeds_outputs_match_the_golden_files(tmp_path: Path):
    out = tmp_path / "out"
    clean([str(SEEDS)], str(out), Config().replace(run={"workers": 1, "quiet": True}))
    changed = [
        name
        for name in FILES
        if not (GOLDEN / name).exists() or (GOLDEN / name).read_bytes() != (out / name).read_bytes()
    ]
    if changed and os.environ.get("DEDUP_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        for name in changed:
            (GOLDEN / name).write_bytes((out / name).read_bytes())
        # The run compared nothing it can vouch for: say so, and fail.
        pytest.fail(f"rewrote tests/golden/seeds/{{{','.join(changed)}}}; review the diff")
    for name in changed:
        expected = (GOLDEN / name).read_text(encoding="utf-8").splitlines()
        got = (out / name).read_text(encoding="utf-8").splitlines()
        assert got == expected, f"{name} differs from tests/golden/seeds/{name}"
    assert changed == []  # equal line lists, different bytes (line endings, final newline)
