# Samspil. `make run` serves a demo instance; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed
CATALOGS := app/translations/da/LC_MESSAGES/messages.mo app/translations/en/LC_MESSAGES/messages.mo
# `make run PORT=5101`: the port to serve on; links in e-mails follow it unless BASE_URL is set.
PORT ?= 5000
BASE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint setup db translations extract-messages update-messages bench clean help sso-demo

help:
	@echo "make run    - install, migrate, seed demo data (SQLite) and serve on http://127.0.0.1:5000"
	@echo "              (another port: make run PORT=5101)"
	@echo "make test   - install and run the whole test suite"
	@echo "make bench  - benchmarks (see README)"
	@echo "make sso-demo - a development OpenID provider on http://127.0.0.1:5301 (see README)"

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP) $(CATALOGS)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -l $* >/dev/null

db: setup
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) demo seed

run: db
	SAMSPIL_DEV_SCHEDULER=1 BASE_URL='$(BASE_URL)' $(FLASK) run --host 127.0.0.1 --port $(PORT) --debug

test: setup
	@if command -v npm >/dev/null 2>&1 && { [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -d node_modules/oidc-provider ]; }; then \
		npm install --no-audit --no-fund --silent >/dev/null 2>&1 || echo "npm install failed: browser tests will report it"; fi
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports --no-cache > /dev/null || $(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The test suite's OpenID provider, with its demo people (tests/sso/provider.mjs); then
# `make run SSO_PROVIDERS_FILE=docs/sso-demo-providers.json` in another terminal.
SSO_DEMO_PORT ?= 5301
sso-demo:
	@[ -d node_modules/oidc-provider ] || npm install --no-audit --no-fund --silent
	node tests/sso/provider.mjs $(SSO_DEMO_PORT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: setup
	$(BIN)/python -m bench $(BENCH_ARGS)

# Translations: extract new strings into the template, merge them into both catalogues.
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k N_ -k Nn_:1,2 --no-location --sort-output --no-wrap -o app/translations/messages.pot . >/dev/null

update-messages: extract-messages
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-wrap --no-fuzzy-matching >/dev/null

translations: update-messages $(CATALOGS)

clean:
	rm -rf $(VENV) instance/*.db instance/outbox node_modules
