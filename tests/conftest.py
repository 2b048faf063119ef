"""Shared fixtures: paths to the repo's seeds and small corpora built on the fly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Hypothesis profiles: "default" keeps the normal suite fast (a few hundred
# examples per property at most; tests may ask for fewer with @settings);
# "fuzz" (``HYPOTHESIS_PROFILE=fuzz``, ``make fuzz``) runs 10,000. No deadline:
# a whole-pipeline example takes 10-400 ms on a loaded 2-core machine, and a
# deadline would only make the suite flaky.
settings.register_profile(
    "default",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz",
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

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
