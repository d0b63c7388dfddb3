# The two commands: `make run` and `make test`. Everything else is a helper for them.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
URL := http://$(HOST):$(PORT)
# What `make run`'s processes run with: DEBUG on, and links in mails, feeds and the printed
# alert endpoints on the server they start (SITE_URL from the environment wins).
DEV_ENV := DEBUG=1 SITE_URL=$${SITE_URL:-$(URL)}

# The first Python 3.12+ found: plain python3.1x, or a pyenv-installed one.
PYTHON ?= $(shell for py in python3.12 python3.13 python3.14 python3; do \
	for pv in "" $$(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9](\.|$$)' | sort -V); do \
	if env $${pv:+PYENV_VERSION=$$pv} $$py -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null; then echo "env $${pv:+PYENV_VERSION=$$pv} $$py"; exit 0; fi; done; done)

# Tests run against the real services on this machine unless told otherwise, in
# PYTEST_WORKERS pytest-xdist processes: worker N uses Redis database 13+N (tests/parallel.py).
# Three on two cores: much of the suite waits (on servers, workers, a browser, PostgreSQL)
# rather than computes, and a third process runs tests in that time.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/servicedesk
TEST_BROKER_URL ?= redis://127.0.0.1:6379/13
PYTEST_WORKERS ?= 3

BENCH_INCIDENTS ?= 1000000

.PHONY: run serve test lint typecheck pytest install clean bench mail-gateway

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 on PATH)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p var
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	@echo "  Portal (end users):       $(URL)/"
	@echo "  Status page (public):     $(URL)/status/"
	@echo "  Admin (agents' console):  $(URL)/admin/"
	@echo "  REST API:                 $(URL)/api/v1/"
	@echo "  API docs (Swagger UI):    $(URL)/api/docs/"
	@echo "  Health (load balancers):  $(URL)/health/"
	@echo
	@# No broker: tasks run in-process; run_periodic runs the beat schedule (relay, escalations).
	$(DEV_ENV) $(BIN)/python manage.py run_periodic & trap 'kill $$!' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Mail in over LMTP beside `make run` (docs/mail.md#receiving), in a second terminal;
# `make run` itself polls an IMAP mailbox when MAIL_IMAP_URL is set.
mail-gateway: $(STAMP)
	$(DEV_ENV) $(BIN)/python manage.py mail_gateway

# Production: nginx in front of gunicorn (deploy/serve.py, docs/operations.md#web-server),
# DEBUG off. The settings that have no safe default must come from the environment.
serve: $(STAMP)
	@test -n "$$SECRET_KEY" && test -n "$$ALLOWED_HOSTS" || { \
	echo "make serve runs with production settings; set at least:"; \
	echo "  SECRET_KEY=<50+ random characters>  e.g. \$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"; \
	echo "  ALLOWED_HOSTS=desk.example.com      the host names clients use"; \
	echo "  DATABASE_URL=postgres://...         (default: SQLite under var/)"; \
	echo "Trying it on http://localhost without a TLS proxy in front: also SECURE_SSL_REDIRECT=0."; \
	echo "All settings: docs/operations.md"; exit 1; }
	DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 exec $(BIN)/python deploy/serve.py --app servicedesk.wsgi:application \
		--bind $(HOST):$(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Security lint, medium severity and above; what it skips: [tool.bandit] in pyproject.toml.
	$(BIN)/bandit -c pyproject.toml -r . --severity-level medium --quiet

typecheck: $(STAMP)
	DEBUG=1 $(BIN)/mypy .

pytest: $(STAMP)
	DEBUG=1 DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

test: lint typecheck pytest

# The project's benchmark (bench/README.md): the API and admin over HTTP against a bare
# Django ceiling, interleaved, then notification delivery on real workers, then an alert
# storm against a one-row insert.
bench: $(STAMP)
	$(BIN)/python bench/web.py --incidents $(BENCH_INCIDENTS)
	$(BIN)/python bench/notifications.py
	$(BIN)/python bench/alert_storm.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
