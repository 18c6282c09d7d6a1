# Hearth: run, test and check. GNU make on Debian 12 with Python 3.11; `make help` lists the targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV ?= .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# Settings keep the SQLite database, static files and the generated key in HEARTH_VAR_DIR (default var/).
VAR_DIR := $(or $(HEARTH_VAR_DIR),var)

# Stamps inside the venv: packages are reinstalled only when a lock file is newer than its stamp.
RUN_STAMP := $(VENV)/.installed-requirements
DEV_STAMP := $(VENV)/.installed-requirements-dev
STATIC_STAMP := $(VAR_DIR)/static/.collected
STATIC_SOURCES := $(shell find hearth -path '*/static/*' -type f 2>/dev/null)
SECRET_FILE := $(VAR_DIR)/secret_key
ENCRYPTION_KEYS_FILE := $(VAR_DIR)/encryption_keys
BLIND_INDEX_KEYS_FILE := $(VAR_DIR)/blind_index_keys
AXE := node_modules/axe-core/axe.min.js
CHROMIUM := /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# Demo accounts share a known password, so `make run` adds them only to the embedded SQLite database;
# with DATABASE_URL set it adds the communities alone (`make demo` adds the accounts on purpose).
SEED_FLAGS := $(if $(DATABASE_URL),,--with-demo-accounts)
TEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: help run serve worker migrate demo demo-code test lint bench clean

help:
	@echo "make run      serve Hearth with demo data at http://127.0.0.1:$${PORT:-8000} (SQLite, no Redis needed)"
	@echo "make test     install the test tools and run the whole test suite"
	@echo "make lint     ruff check, ruff format --check, mypy, makemigrations --check and bandit"
	@echo "make serve    production-style: several uvicorn workers, DEBUG off; needs SECRET_KEY (docs/operations.md)"
	@echo "make worker   a Celery worker for email and safety re-screening; needs CELERY_BROKER_URL (docs/deploy.md)"
	@echo "make bench    time the safety pipeline on one core (bench/README.md)"
	@echo "make migrate  apply database migrations"
	@echo "make demo     add the demo communities, accounts and conversations (idempotent)"
	@echo "make demo-code  print the demo moderators' current two-factor code"
	@echo "make clean    remove the virtualenv, node_modules, collected static files and caches (keeps var/ data)"

# --- Installing ---------------------------------------------------------------------------------------

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.11 is needed: apt-get install python3 python3-venv" >&2; exit 1; fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "Hearth needs Python 3.11, but $(PYTHON) is $$($(PYTHON) -V 2>&1). Set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

# requirements*.txt name the direct dependencies; the lock files pin every package installed, each with the
# sha256 of its files, so a changed or swapped download fails the install. After editing a requirements file:
#   uv pip compile --universal --python-version 3.11 --generate-hashes requirements.txt -o requirements.lock
#   uv pip compile --universal --python-version 3.11 --generate-hashes requirements-dev.txt -o requirements-dev.lock
# (tests/security/test_lock_files.py fails while a lock is out of date).
$(RUN_STAMP): requirements.lock | $(BIN)/python
	@echo "Installing Python packages from requirements.lock (the first time takes a minute)…"
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

$(DEV_STAMP): requirements.lock requirements-dev.lock | $(BIN)/python
	@echo "Installing Python packages from requirements-dev.lock (the first time takes a minute)…"
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@ $(RUN_STAMP)

$(AXE): package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y npm; }
	npm ci --no-audit --no-fund
	@touch $@

# Browser tests drive Debian's Chromium through Playwright (Playwright's own browser download is never used).
$(CHROMIUM):
	@echo "Installing Debian's Chromium for the browser tests…"
	$(SUDO) apt-get update
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

# --- Running --------------------------------------------------------------------------------------------

# DEBUG stays off, as in production, so `make run` shows what people will see. Settings then need a
# SECRET_KEY: unless one is given, a random key is made once and kept in var/secret_key (settings read
# SECRET_KEY_FILE). Cookies are not marked Secure, so signing in works over plain http on 127.0.0.1.
$(SECRET_FILE): | $(BIN)/python
	@mkdir -p $(VAR_DIR)
	@umask 077 && $(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@echo "Made a secret key for this machine in $@"

ifeq ($(strip $(SECRET_KEY)$(SECRET_KEY_FILE)),)
run migrate demo demo-code: export SECRET_KEY_FILE := $(abspath $(SECRET_FILE))
run migrate demo demo-code: $(SECRET_FILE)
$(STATIC_STAMP): | $(SECRET_FILE)
endif

# Messages, emails and safety plans are encrypted at rest, so settings need keys when DEBUG is off: unless given,
# one of each is made once in var/ (readable only by you). Without them that data cannot be read: back them up,
# apart from the database (docs/security.md).
$(ENCRYPTION_KEYS_FILE) $(BLIND_INDEX_KEYS_FILE): | $(BIN)/python
	@mkdir -p $(VAR_DIR)
	@umask 077 && $(BIN)/python -c 'import base64, os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())' > $@
	@echo "Made a key for encryption at rest in $@"

ifeq ($(strip $(HEARTH_ENCRYPTION_KEYS)$(HEARTH_ENCRYPTION_KEYS_FILE)),)
run migrate demo demo-code: export HEARTH_ENCRYPTION_KEYS_FILE := $(abspath $(ENCRYPTION_KEYS_FILE))
run migrate demo demo-code: $(ENCRYPTION_KEYS_FILE)
$(STATIC_STAMP): | $(ENCRYPTION_KEYS_FILE)
endif
ifeq ($(strip $(HEARTH_BLIND_INDEX_KEYS)$(HEARTH_BLIND_INDEX_KEYS_FILE)),)
run migrate demo demo-code: export HEARTH_BLIND_INDEX_KEYS_FILE := $(abspath $(BLIND_INDEX_KEYS_FILE))
run migrate demo demo-code: $(BLIND_INDEX_KEYS_FILE)
$(STATIC_STAMP): | $(BLIND_INDEX_KEYS_FILE)
endif
run: export SECURE_COOKIES ?= false

# Settings use whitenoise's manifest storage when DEBUG is off, so pages need collected static files.
$(STATIC_STAMP): $(RUN_STAMP) $(STATIC_SOURCES)
	$(MANAGE) collectstatic --noinput --verbosity 0
	@touch $@

# Access logs are off: they would record every visitor's IP address next to the pages they read.
run: $(RUN_STAMP) $(STATIC_STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo $(SEED_FLAGS)
	@echo "Hearth is running at http://127.0.0.1:$${PORT:-8000}/ (Ctrl-C stops it)."
	@# The on-call sweep runs beside the server, so an unacknowledged urgent alert reaches the backup (docs/oncall.md).
	$(MANAGE) run_escalations --loop 30 & \
	exec $(BIN)/uvicorn config.asgi:application --host 127.0.0.1 --port "$${PORT:-8000}" --lifespan off --no-access-log \
		--ws hearth.core.websocket_protocol:Protocol --ws-per-message-deflate false

# Chat frames are small: compressing each one for each socket costs more CPU than the bytes it saves, so
# websocket compression is off; the sans-I/O websockets protocol delivers frames with the least CPU
# (docs/performance.md).
serve: export DEBUG := false
# With several workers, /metrics adds up every worker's figures from this folder (emptied at each start).
serve: export PROMETHEUS_MULTIPROC_DIR ?= $(abspath $(VAR_DIR))/prometheus
serve: $(RUN_STAMP)
	@if [ -z "$${SECRET_KEY:-}$${SECRET_KEY_FILE:-}" ]; then \
		echo "make serve needs SECRET_KEY or SECRET_KEY_FILE (see docs/operations.md)." >&2; exit 1; fi
	@[ -n "$${DATABASE_URL:-}" ] || echo "Note: DATABASE_URL is not set, so this serves the SQLite file in $(VAR_DIR)/." >&2
	@[ -n "$${REDIS_URL:-}" ] || echo "Note: REDIS_URL is not set, so each worker keeps its own cache, rate limits and channel layer." >&2
	@rm -rf "$$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$$PROMETHEUS_MULTIPROC_DIR"
	$(MANAGE) check --deploy
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) run_escalations --loop 30 & \
	exec $(BIN)/uvicorn config.asgi:application --host "$${HOST:-127.0.0.1}" --port "$${PORT:-8000}" \
		--workers "$${WEB_CONCURRENCY:-4}" --proxy-headers --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
		--lifespan off --no-server-header --no-access-log --ws hearth.core.websocket_protocol:Protocol --ws-per-message-deflate false

# Background jobs (email, safety re-screening) on Celery, for a deployment that sets CELERY_BROKER_URL.
worker: $(RUN_STAMP)
	@if [ -z "$${CELERY_BROKER_URL:-}" ]; then \
		echo "make worker needs CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/1); without it tasks run in the web process." >&2; exit 1; fi
	exec $(BIN)/celery -A config worker --loglevel INFO --concurrency 2

migrate: $(RUN_STAMP)
	@mkdir -p $(VAR_DIR)
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) seed_demo --with-demo-accounts

# The demo moderators' authenticator key is published (seed_demo), so anyone trying Hearth can sign in as one.
demo-code: $(RUN_STAMP)
	@$(MANAGE) demo_code

# --- Checking -------------------------------------------------------------------------------------------

# The suite never needs a real key; settings refuse to start without one when DEBUG is off.
test lint: export SECRET_KEY ?= hearth-test-only-key-not-secret
# Fixed, public keys: lint and the benchmark start Django with DEBUG off but hold no real data.
lint bench: export HEARTH_ENCRYPTION_KEYS ?= aGVhcnRoLWxpbnQtYW5kLWJlbmNoLW9ubHkta2V5ISE=
lint bench: export HEARTH_BLIND_INDEX_KEYS ?= aGVhcnRoLWxpbnQtYW5kLWJlbmNoLW9ubHktaWR4ISE=

# pytest reads its configuration from pyproject.toml, and DATABASE_URL (PostgreSQL) when it is set.
# With -n, pytest-django gives each xdist worker its own test database.
test: $(DEV_STAMP) $(CHROMIUM) $(AXE)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Every check runs even when an earlier one fails, so one run shows everything to fix.
lint: $(DEV_STAMP)
	@mkdir -p $(VAR_DIR)
	@status=0; \
	echo "== ruff check"; $(BIN)/ruff check . || status=1; \
	echo "== ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	echo "== mypy"; $(BIN)/mypy . || status=1; \
	echo "== makemigrations --check"; $(MANAGE) makemigrations --check --dry-run || status=1; \
	echo "== bandit (high severity)"; $(BIN)/bandit -q -c pyproject.toml -r hearth config bench tools -lll || status=1; \
	exit $$status

# Speed targets are checked here, never by timing assertions in tests.
bench: export SECRET_KEY ?= hearth-bench-only-key-not-secret
bench: $(RUN_STAMP)
	DJANGO_SETTINGS_MODULE=config.settings $(BIN)/python bench/bench_pipeline.py

clean:
	rm -rf $(VENV) node_modules $(VAR_DIR)/static .pytest_cache .mypy_cache .ruff_cache test-results
	find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
