# Kedja — `make help` lists the targets.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.kedja-setup
PYTEST := $(PY) -m pytest
WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
# The PostgreSQL run of `make test`: on a developer's machine only the tests that can differ between the
# databases (marker `db`, see pyproject.toml); in CI (CI=true) every test but the browser journeys and the
# fresh-clone setup, which run once, on SQLite. `make test-postgres PG_TESTS="not browser and not setup"`
# runs them all locally.
ifeq ($(shell printf '%s' "$$CI" | tr '[:upper:]' '[:lower:]'),true)
PG_TESTS ?= not browser and not setup
else
PG_TESTS ?= (db or postgres) and not browser and not setup
endif
PORT ?= 8000

.PHONY: help setup demo run serve test test-fast test-sqlite test-postgres test-browser check-setup bench lint messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements/installer.lock requirements/dev.lock package.json package-lock.json scripts/build_assets.py $(wildcard kedja/locale/*/LC_MESSAGES/django.po)
	@command -v npm >/dev/null || { echo "npm (Node.js) is missing: install Node.js 20 or newer (e.g. 'apt-get install nodejs npm')." >&2; exit 1; }
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: install GNU gettext (e.g. 'apt-get install gettext')." >&2; exit 1; }
	@[ -x $(PY) ] || { py=$$(scripts/find_python.sh) && echo "Using $$py" && $$py -m venv $(VENV); }
	@# uv when it is on PATH; otherwise the virtualenv's own pip, first brought to the pinned version
	@# (the pip bundled with Python 3.12.0-3.12.x cannot install the locks in hash-checking mode).
	@if command -v uv >/dev/null 2>&1; then \
	  echo "Installing with $$(uv --version)"; \
	  uv pip install --quiet --python $(PY) --require-hashes -r requirements/dev.lock && \
	  uv pip install --quiet --python $(PY) --no-deps -e .; \
	else \
	  $(PY) -m pip install --quiet --disable-pip-version-check --only-binary :all: --require-hashes -r requirements/installer.lock && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.lock && \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .; \
	fi
	@$(PY) -c "import ctypes.util as u, sys; m = [n for n in ('pango-1.0', 'pangoft2-1.0', 'cairo') if not u.find_library(n)]; m and print('Warning: lib' + ', lib'.join(m) + ' not found: the PDF and Word documents need them (e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0 libcairo2 fonts-dejavu-core).', file=sys.stderr)"
	npm ci --no-audit --no-fund --loglevel=error
	$(PY) scripts/build_assets.py
	cd kedja && ../$(PY) ../manage.py compilemessages --ignore "node_modules" -v 0
	@touch $(STAMP)

setup: $(STAMP) ## Install Python and npm packages, build assets, compile translations

demo: setup ## Run Kedja with demo data at http://127.0.0.1:8000 (SQLite under var/; PORT=8001 for another port)
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py demo
	@$(MAKE) --no-print-directory serve

run: setup ## Run Kedja without (re)building demo data
	$(PY) manage.py migrate --noinput -v 0
	@$(MAKE) --no-print-directory serve

serve: # the web server and, next to it, the task worker (Kolada fetches, documents); both stop together
	@$(PY) manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: lint ## Lint, every test on SQLite (browser journeys too), then the `db` tests on PostgreSQL (in CI all)
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PYTEST) -n $(WORKERS) -p no:cacheprovider
	scripts/with_postgres.sh $(PYTEST) -n $(WORKERS) -p no:cacheprovider -m "$(PG_TESTS)"

test-fast: setup ## The inner loop on SQLite: no browser journeys, no fresh-clone setup, no whole-site sweeps (slow)
	$(PYTEST) -n $(WORKERS) -p no:cacheprovider --no-migrations -m "not browser and not setup and not slow"

test-sqlite: setup ## Only the SQLite run (browser journeys too)
	$(PYTEST) -n $(WORKERS) -p no:cacheprovider

test-postgres: setup ## Only the PostgreSQL run of `make test` (starts a throwaway server)
	scripts/with_postgres.sh $(PYTEST) -n $(WORKERS) -p no:cacheprovider -m "$(PG_TESTS)"

test-browser: setup ## Only the journeys in headless Chromium
	$(PYTEST) -m browser

check-setup: ## Install a fresh clone with the bundled installer and check that its demo answers (slow)
	FIND_PYTHON_FLAG=--oldest scripts/check_fresh_setup.sh

bench: setup ## Run every benchmark; writes var/bench/results.json
	$(PY) -m bench

lint: setup ## ruff, formatting, import contracts and type checks of the domain modules (mypy)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy

messages: setup ## Extract translatable strings into the catalogs (then translate and run make setup)
	cd kedja && ../$(PY) ../manage.py makemessages -l sv -l nb -l en --no-obsolete --ignore "static_vendor/*"

clean: ## Remove the virtualenv, node_modules and built files (keeps var/ data)
	rm -rf $(VENV) node_modules kedja/static_vendor
