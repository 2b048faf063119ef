# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test sysdeps lint typecheck pytest fuzz clean-venv

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf out/seeds
	$(BIN)/dedup clean seeds -o out/seeds
	@echo "outputs: out/seeds/{documents,removed,clusters}.jsonl, report.json, report.html"

test: sysdeps $(STAMP) lint typecheck pytest

# redis-server and chromium for the index and browser tests (apt, when absent).
sysdeps:
	bash .ci/sysdeps

lint: $(STAMP)
	$(BIN)/ruff check dedup tests benchmarks
	$(BIN)/ruff format --check dedup tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy dedup

pytest: $(STAMP)
	$(BIN)/python -m pytest

# The whole-pipeline property tests with 10,000 examples each (about an hour here).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q tests/test_properties.py

clean-venv:
	rm -rf $(VENV)
