# Savad: `make run` serves the demo site, `make test` runs every check. Both install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/savad
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest
XDIST := -n $(TEST_WORKERS) --dist loadgroup

.PHONY: run test install system-deps system-deps-test services lint messages messages-update \
	migrate clean screenshots

run: system-deps install migrate
	$(BIN)/python manage.py seed_demo
	@echo "Savad is starting on http://$(HOST):$(PORT)/ (Persian: /fa/, English: /en/)."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite runs once, on PostgreSQL (the production database), in $(TEST_WORKERS) xdist
# workers; the tests marked `slow` all run in one of them, one after another. On SQLite (the
# embedded default) the smoke set (the tests marked `sqlite`) and the Chromium journeys run
# together, in the same workers. Any failing pass fails `make test`, and so does a pass that runs
# no test (pytest's exit 5).
test: system-deps-test install services lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	@echo "== pytest on PostgreSQL: the whole suite (browser journeys apart) =="
	DATABASE_URL=$(TEST_DATABASE_URL) $(PYTEST) -m "not e2e and not sqlite_only" $(XDIST)
	@echo "== pytest on SQLite: the smoke set (marker sqlite) and the browser journeys (Chromium) =="
	env -u DATABASE_URL $(PYTEST) -m "sqlite or e2e" $(XDIST)

# Persian and English screenshots of the main pages, phone and desktop, into docs/screenshots/.
screenshots: system-deps-test install
	$(BIN)/python scripts/screenshots.py

install: $(VENV)/.installed node_modules/.installed static_build/.built messages

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

services:
	@scripts/services.sh

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Savad needs Python 3.11; found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static_build/.built: node_modules/.installed scripts/build-assets.mjs
	npm run --silent build
	touch $@

messages: $(VENV)/.installed
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

migrate: install
	$(BIN)/python manage.py migrate --noinput -v0

# After changing learner-facing strings: refresh both catalogues, then translate the new fa entries.
messages-update: $(VENV)/.installed
	$(BIN)/python manage.py makemessages -l fa --keep-pot --no-obsolete -v0 \
		--ignore=.venv --ignore=node_modules --ignore=static_build --ignore=tests
	msginit --no-translator --locale=en.UTF-8 --input=locale/django.pot \
		--output-file=locale/en/LC_MESSAGES/django.po
	rm locale/django.pot
	@msgattrib --untranslated locale/fa/LC_MESSAGES/django.po | grep -c '^msgid' \
		| xargs -I{} echo "fa: {} entries (header included) still need a translation"

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) node_modules static_build staticfiles
