# creditbank: `make demo` and `make test` work on a fresh machine with only Python 3.11.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
PG_URL ?= postgres://postgres:postgres@127.0.0.1:5432/creditbank
DEMO_PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := $(shell command -v $(PYTHON))

UV := $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
BIN := .venv/bin

.PHONY: help env interop-env demo test lint test-sqlite test-postgres test-core test-interop bench messages clean

help:
	@echo "make demo   - set up and run the demo bank on http://127.0.0.1:$(DEMO_PORT)/"
	@echo "make test   - lint, then the whole test suite on SQLite and on PostgreSQL ($(PG_URL))"
	@echo "make lint   - ruff, mypy, import contract, migrations and translation checks"
	@echo "make bench  - benchmarks (writes bench/RESULTS.md)"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv>=0.5"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

env: .venv/.synced

INTEROP := tests/interop

# Digital Bazaar's VC libraries for tests/interop, as package-lock.json pins them (npm ci writes the marker).
$(INTEROP)/node_modules/.package-lock.json: $(INTEROP)/package.json $(INTEROP)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "tests/interop needs Node.js 18.17+ and npm (Debian: apt-get install nodejs npm)."; exit 1; }
	cd $(INTEROP) && npm ci --no-audit --no-fund
	@touch $@

interop-env: $(INTEROP)/node_modules/.package-lock.json

demo: env
	$(BIN)/creditbank demo --port $(DEMO_PORT)

lint: env
	$(BIN)/ruff check src tests $(wildcard bench/*.py)
	$(BIN)/ruff format --check src tests $(wildcard bench/*.py)
	$(BIN)/mypy src
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=creditbank.config.settings.test $(BIN)/django-admin makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=creditbank.config.settings.test $(BIN)/django-admin check --fail-level WARNING

test-core: env
	$(BIN)/pytest tests/unit -q -p no:django -W ignore::pytest.PytestConfigWarning

test-interop: env interop-env
	$(BIN)/pytest tests/interop -q -p no:django -W ignore::pytest.PytestConfigWarning

test-sqlite: env interop-env
	$(BIN)/pytest

test-postgres: env interop-env
	@$(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=5).close()" \
	  || { echo "PostgreSQL is not reachable at $(PG_URL); start it (see README) or set PG_URL."; exit 1; }
	CREDITBANK_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest tests/integration tests/api tests/e2e

test: lint test-sqlite test-postgres

messages: env
	cd src/creditbank && DJANGO_SETTINGS_MODULE=creditbank.config.settings.test ../../$(BIN)/django-admin makemessages -l zh_Hans -l zh_Hant -l en --no-location --ignore "migrations/*"
	$(BIN)/python -m creditbank.web.catalogs compile

bench: env interop-env
	@if ls bench/*.py >/dev/null 2>&1; then for b in bench/[!_]*.py; do $(BIN)/python $$b --record || exit 1; done; else echo "No benchmarks yet."; fi

clean:
	rm -rf .venv .tools var test-artifacts .pytest_cache .mypy_cache .ruff_cache $(INTEROP)/node_modules
