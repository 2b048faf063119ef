"""Shared fixtures: paths to the repo's seeds and small corpora built on the fly."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def seeds_result():
    """One clean run over seeds/, shared by the acceptance tests (read-only)."""
    from dedup import Config, clean

    return clean([str(SEEDS)], None, Config().replace(run={"workers": 1, "quiet": True}))
