# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test check install system-packages docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# PostgreSQL for the storage tests (the suite starts its own server on loopback).
system-packages:
	@if ! command -v pg_config >/dev/null 2>&1 || [ ! -x "$$(pg_config --bindir 2>/dev/null)/initdb" ]; then \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
		else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; fi; \
	fi

# The main job: the demo company on the embedded database, and a guided tour of a segment.
run: install
	rm -f tour.db tour.db-wal tour.db-shm
	$(BIN)/rapport --db sqlite:///tour.db demo
	./scripts/tour.sh $(BIN)/rapport sqlite:///tour.db

check: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-packages install check
	$(BIN)/pytest

clean:
	rm -rf $(VENV) tour.db* .pytest_cache .mypy_cache .ruff_cache

# Regenerate docs/cli.md from the real --help output, and the tables and JSON Schema of
# docs/criteria-language.md from the criteria registry.
docs: install
	$(BIN)/python -m rapport.cli.reference
	$(BIN)/python -m rapport.criteria.reference
