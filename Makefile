# make run   — set everything up and serve http://127.0.0.1:$(FOIA_PORT) (default 5000)
# make test  — set everything up and run the whole suite on SQLite, then on PostgreSQL
# make lint  — ruff, and the import contracts (which domain may import which; see pyproject.toml)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres install lint bench clean

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/foia db upgrade
	$(BIN)/foia run

test: $(STAMP)
	$(BIN)/python tests/run_suite.py

test-sqlite: $(STAMP)
	$(BIN)/pytest

test-postgres: $(STAMP)
	FOIA_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check foia tests bench
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/search.py --pages 100000

clean:
	rm -rf $(VENV) build dist *.egg-info
