# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test sysdeps lint typecheck pytest quick wheel-check lowest extras fuzz clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf out/seeds
	$(BIN)/dedup clean seeds -o out/seeds
	@echo "outputs: out/seeds/{documents,removed,clusters}.jsonl, report.json, report.html"

test: sysdeps $(STAMP) lint typecheck pytest wheel-check lowest extras

# redis-server and chromium for the index and browser tests (apt, when absent).
sysdeps:
	bash .ci/sysdeps

lint: $(STAMP)
	$(BIN)/ruff check dedup tests benchmarks .ci
	$(BIN)/ruff format --check dedup tests benchmarks .ci

typecheck: $(STAMP)
	$(BIN)/mypy dedup .ci/check_wheel.py .ci/lowest_constraints.py

pytest: $(STAMP)
	$(BIN)/python -m pytest

# While iterating: everything but the tests marked slow (make test runs them all).
quick: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

# A wheel built from the tracked files, installed into a fresh venv outside the
# tree, runs `dedup clean seeds/` from another directory (about a minute).
wheel-check: $(STAMP)
	PYTHON=$(BIN)/python bash .ci/install_checks wheel

# Every dependency at its pyproject lower bound, in a fresh venv: a fast test
# subset against the installed package (about two minutes).
lowest: $(STAMP)
	PYTHON=$(BIN)/python bash .ci/install_checks lowest

# The optional extras ([warc], [datasets], [datatrove]) at their lower bounds, in
# a fresh venv: their tests against the installed package (about two minutes).
extras: $(STAMP)
	PYTHON=$(BIN)/python bash .ci/install_checks extras

# The whole-pipeline property tests with 10,000 examples each (about an hour here).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_properties.py

clean-venv:
	rm -rf $(VENV)
