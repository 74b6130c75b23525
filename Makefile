# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run tour test check install system-packages docs messages screenshots clean

# Debian's Python makes a venv only with python3-venv: installed through apt-get when missing.
$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		echo "python3 -m venv needs Debian's python3-venv: installing it"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq python3-venv && \
		rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP)

# PostgreSQL for the storage tests (the suite starts its own server on loopback), Debian's
# Chromium for the browser tests and a Java 17 runtime for the Spark tests; as root, or
# through sudo.
system-packages:
	@missing=""; \
	if ! command -v pg_config >/dev/null 2>&1 || [ ! -x "$$(pg_config --bindir 2>/dev/null)/initdb" ]; then missing="$$missing postgresql"; fi; \
	if ! command -v chromium >/dev/null 2>&1; then missing="$$missing chromium"; fi; \
	if ! command -v java >/dev/null 2>&1; then missing="$$missing openjdk-17-jre-headless"; fi; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

# The main job: the web app on the embedded database with the demo company loaded.
run: install
	@if [ ! -f demo.db ]; then $(BIN)/rapport --db sqlite:///demo.db demo; fi
	@echo "Open http://$(HOST):$(PORT)/ and sign in as jim (marketer), admin or viewer;"
	@echo "every demo user's password is rapport-demo."
	$(BIN)/rapport --db sqlite:///demo.db serve --host $(HOST) --port $(PORT)

# The guided tour of a segment on the command line.
tour: install
	rm -f tour.db tour.db-wal tour.db-shm
	$(BIN)/rapport --db sqlite:///tour.db demo
	./scripts/tour.sh $(BIN)/rapport sqlite:///tour.db

check: install
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The suite on two workers, then the timing guards by themselves (marked `alone`): a test
# of the other worker beside them could push a ratio past its limit.
test: system-packages install check
	$(BIN)/pytest -n 2 -m "not alone"
	$(BIN)/pytest -m alone

clean:
	rm -rf $(VENV) tour.db* demo.db* rapport-secret.key .pytest_cache .mypy_cache .ruff_cache

# Regenerate docs/cli.md from the real --help output, and the tables and JSON Schema of
# docs/criteria-language.md from the criteria registry.
docs: install
	$(BIN)/python -m rapport.cli.reference
	$(BIN)/python -m rapport.criteria.reference

# Extract the web UI's strings and merge them into the English and Dutch catalogs; then
# translate the new Dutch entries in src/rapport/web/locale/nl_BE/LC_MESSAGES/messages.po.
LOCALE := src/rapport/web/locale
messages: install
	$(BIN)/pybabel extract -F babel.cfg --no-location --omit-header --width 100 -o $(LOCALE)/messages.pot .
	$(BIN)/pybabel update --width 100 -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages --no-fuzzy-matching --ignore-obsolete

# Screenshots of the main pages at desktop and phone widths for the README and docs/
# (Debian's Chromium, on the demo company).
screenshots: system-packages install
	$(BIN)/python scripts/screenshots.py
