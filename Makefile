# Samla's developer commands. `make help` lists them; `make test` is what CI runs.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# uv installs Samla; it lives in a bootstrap venv of its own, installed by version and hash
# (scripts/uv-requirements.txt) with whatever pip the machine's Python ships.
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: help venv lock lock-check run dev serve-demo lint typecheck migrations-check test-sqlite test-postgres test-postgres-all test bench messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

$(UV): scripts/uv-requirements.txt
	@python=$$(command -v python3.11 || true); \
	if [ -z "$$python" ] && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then \
		python=python3; \
	fi; \
	if [ -z "$$python" ]; then echo "make: Python 3.11 is needed (python3.11, or python3 being 3.11)" >&2; exit 1; fi; \
	rm -rf $(UV_HOME); \
	echo "$$python -m venv $(UV_HOME)"; \
	"$$python" -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
		-r scripts/uv-requirements.txt
	touch $@

venv: $(UV) ## Install exactly what uv.lock says into .venv (uv sync --locked)
	$(UV) sync --locked --python "$$(command -v python3.11 || command -v python3)"

lock: $(UV) ## Re-resolve uv.lock from pyproject.toml (after changing dependencies)
	$(UV) lock

lock-check: $(UV) ## Fail if uv.lock does not match pyproject.toml
	$(UV) lock --check

# `make run` serves the demo as production serves Samla (ADR 0016): gunicorn, static files by
# WhiteNoise from collectstatic's hashed copies, a task worker, the daily scheduler, and the
# demo's e-ID provider. `make dev` is the same with Django's auto-reloading development server.
# DEBUG stays off in the demo: whoever tries it sees the pages an error or an outage shows in
# production, never a traceback (`make dev` turns it on).
serve-demo run dev: export SAMLA_DEMO := 1
# Links in the demo's e-mails; serving it elsewhere: make run SAMLA_BASE_URL=http://host:8000
serve-demo run dev: export SAMLA_BASE_URL ?= http://127.0.0.1:8000
# The demo's e-ID: a provider of our own on 127.0.0.1:9400 (samla/demo/oidc_provider.py, ADR 0014),
# where one picks a demo staff member or person; Samla signs its requests with a key it writes.
DEMO_OIDC_PORT ?= 9400
serve-demo run dev: export SAMLA_OIDC_PROVIDERS ?= demo
serve-demo run dev: export SAMLA_OIDC_DEMO_ISSUER ?= http://127.0.0.1:$(DEMO_OIDC_PORT)
serve-demo run dev: export SAMLA_OIDC_DEMO_CLIENT_ID ?= samla
serve-demo run dev: export SAMLA_OIDC_DEMO_PRIVATE_KEY_FILE ?= .demo-oidc-key.jwk
serve-demo run dev: export SAMLA_OIDC_DEMO_LABEL ?= Logga in med e-legitimation (demo)
run: export SAMLA_STATIC_MANIFEST := 1
run: WEB = $(BIN)/gunicorn -c config/gunicorn.py config.wsgi
run: serve-demo ## Migrate, load the demo data, and serve on http://127.0.0.1:8000 with gunicorn, a task worker, the daily scheduler and the demo e-ID provider
dev: export DEBUG ?= 1
dev: WEB = $(PYTHON) manage.py runserver 127.0.0.1:8000
dev: serve-demo ## The same as run, with Django's auto-reloading development server and DEBUG on

serve-demo: venv
	$(PYTHON) manage.py migrate
	@if [ "$$SAMLA_STATIC_MANIFEST" = 1 ]; then $(PYTHON) manage.py collectstatic --noinput -v 0; fi
	$(PYTHON) manage.py load_demo_data
	$(PYTHON) -m samla.demo.oidc_provider --port $(DEMO_OIDC_PORT) --client-id samla \
		--client-key "$$SAMLA_OIDC_DEMO_PRIVATE_KEY_FILE" --demo-users & provider=$$!; \
	$(PYTHON) manage.py db_worker & worker=$$!; \
	$(PYTHON) manage.py run_scheduler & scheduler=$$!; \
	trap 'kill $$provider $$worker $$scheduler 2>/dev/null; wait $$provider $$worker $$scheduler 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(WEB)

lint: venv ## ruff: lint rules and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv ## mypy with django-stubs
	$(BIN)/mypy .

migrations-check: venv ## Fail if a model change has no migration
	$(PYTHON) manage.py makemigrations --check --dry-run

# Both passes spread the tests over every core with pytest-xdist, a module to a worker (ADR 0009).
WORKERS ?= auto

test-sqlite: venv ## pytest on SQLite: every test, browser tests included
	env -u DATABASE_URL $(BIN)/pytest -q -n $(WORKERS)

# Only what can come out differently by database runs twice (the mark, samla/conftest.py, ADR 0009).
test-postgres: venv ## pytest on a throwaway PostgreSQL cluster: the tests marked postgres, and the browser tests
	scripts/test-postgres $(BIN)/pytest -q -n $(WORKERS) -m "postgres or browser"

test-postgres-all: venv ## Every test on a throwaway PostgreSQL cluster
	scripts/test-postgres $(BIN)/pytest -q -n $(WORKERS)

test: lock-check lint typecheck migrations-check test-sqlite test-postgres ## All checks, in this order (CI runs this)

# The flags are the ones samla/web/tests/test_translations.py checks the catalogue with.
messages: venv ## After adding or changing UI text: refresh locale/en, list what to translate, compile
	$(PYTHON) manage.py makemessages -l en --no-location --ignore=.venv --ignore=.uv \
		--ignore=node_modules --ignore=staticfiles --ignore="*/tests/*"
	@echo "--- to translate in locale/en/LC_MESSAGES/django.po (untranslated, then fuzzy; then make messages again):"
	@msgattrib --untranslated --no-obsolete --no-wrap locale/en/LC_MESSAGES/django.po | grep -A1 '^msgid "[^"]' || true
	@msgattrib --only-fuzzy --no-obsolete --no-wrap locale/en/LC_MESSAGES/django.po | grep -A1 '^msgid "[^"]' || true
	$(PYTHON) manage.py compilemessages -l en --ignore=.venv --ignore=.uv

bench: venv ## Run the benchmarks in bench/
	$(PYTHON) -m bench

clean: ## Remove caches and collected static files (keeps .venv and db.sqlite3)
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf .pytest_cache .mypy_cache .ruff_cache staticfiles test-results
