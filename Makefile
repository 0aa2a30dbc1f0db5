# make run   — set everything up and serve http://127.0.0.1:$(FOIA_PORT) (default 5000)
# make test  — set everything up and run the whole suite on SQLite, then on PostgreSQL
# make lint  — ruff, and the import contracts (which domain may import which; see pyproject.toml)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres install lint bench bench-deps bench-cli bench-ingest bench-extract bench-web bench-memory bench-search clean

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

# The benchmarks of issue 12, each printing its figures next to a reference measured in the same run.
# PostgreSQL runs use PG_BENCH_URL, an empty database of the bench's own (psql -c "CREATE DATABASE bench").
# wrk and ocrmypdf are Debian packages the benches need, pyinstrument profiles pages: make bench-deps.
PG_BENCH_URL ?= postgresql://postgres@127.0.0.1:5432/bench
BENCH_DATA ?= /tmp/foia-bench-data

bench: bench-cli bench-ingest bench-extract bench-web bench-memory

bench-deps: $(STAMP)
	apt-get install -y -qq --no-install-recommends wrk ocrmypdf
	$(BIN)/pip install --quiet -e '.[test,bench]'

bench-cli: $(STAMP)
	$(BIN)/python bench/cli.py

bench-ingest: $(STAMP)
	$(BIN)/python bench/ingest.py

bench-extract: $(STAMP)
	$(BIN)/python bench/extract.py

bench-web: $(STAMP)
	$(BIN)/python bench/web.py --keep $(BENCH_DATA)/web-sqlite
	$(BIN)/python bench/web.py --keep $(BENCH_DATA)/web-postgres --database-url $(PG_BENCH_URL)

bench-memory: $(STAMP)
	$(BIN)/python bench/memory.py

bench-search: $(STAMP)
	$(BIN)/python bench/search.py --pages 100000

clean:
	rm -rf $(VENV) build dist *.egg-info
