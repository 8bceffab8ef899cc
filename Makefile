# Samla's developer commands. `make help` lists them; `make test` is what CI runs.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# Touched after a successful install, so `make venv` re-runs only when the lock file changes.
VENV_STAMP := $(VENV)/.installed-from-lock

.PHONY: help venv lock run lint typecheck migrations-check test-sqlite test-postgres test bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

venv: $(VENV_STAMP) ## Create .venv from requirements-dev.lock

$(VENV_STAMP): requirements-dev.lock
	@python=$$(command -v python3.11 || true); \
	if [ -z "$$python" ] && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
		python=python3; \
	fi; \
	if [ -z "$$python" ]; then echo "make venv: Python 3.11 is needed (python3.11, or python3 being 3.11)" >&2; exit 1; fi; \
	echo "$$python -m venv $(VENV)"; \
	"$$python" -m venv $(VENV)
	$(BIN)/pip install --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --no-deps -e .
	touch $@

# Resolved against PyPI alone, whatever the local pip configuration adds, so that the hashes
# are those a clean machine sees.
lock: venv ## Re-resolve requirements*.lock from pyproject.toml (after changing dependencies)
	PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml
	PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --extra dev -o requirements-dev.lock pyproject.toml

run: export SAMLA_DEMO := 1
run: venv ## Migrate, load the demo data, and serve on http://127.0.0.1:8000 with a task worker and the daily scheduler
	$(PYTHON) manage.py migrate
	$(PYTHON) manage.py load_demo_data
	$(PYTHON) manage.py db_worker & worker=$$!; \
	$(PYTHON) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null; wait $$worker $$scheduler 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PYTHON) manage.py runserver 127.0.0.1:8000

lint: venv ## ruff: lint rules and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv ## mypy with django-stubs
	$(BIN)/mypy .

migrations-check: venv ## Fail if a model change has no migration
	$(PYTHON) manage.py makemigrations --check --dry-run

test-sqlite: venv ## pytest on SQLite, browser tests included
	env -u DATABASE_URL $(BIN)/pytest -q

test-postgres: venv ## pytest on a throwaway PostgreSQL cluster, browser tests included
	scripts/test-postgres $(BIN)/pytest -q

test: lint typecheck migrations-check test-sqlite test-postgres ## All checks, in this order (CI runs this)

bench: venv ## Run the benchmarks in bench/
	$(PYTHON) -m bench

clean: ## Remove caches and collected static files (keeps .venv and db.sqlite3)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache staticfiles test-results
