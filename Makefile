# Shequ — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip
MANAGE := $(BIN)/python manage.py
HASH   := $(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: demo test check lint typecheck install install-dev chromium pdftotext messages clean demo-city bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime-$(HASH): $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.dev-$(HASH): $(BIN)/python pyproject.toml
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.runtime-$(HASH)
install-dev: $(VENV)/.dev-$(HASH)

## make demo — install, build the demo city on SQLite, start worker + scheduler + web on :8000
demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_city --scale small
	$(MANAGE) demo_serve

## make test — install what the tests need (Chromium included) and run the whole suite
test: install-dev chromium pdftotext
	$(BIN)/python -m pytest $(PYTEST_ARGS)

chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || \
	  (echo "Installing Debian's Chromium for the browser tests…" && \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# the certificate tests read the PDFs' text with poppler's pdftotext
pdftotext:
	@command -v pdftotext >/dev/null 2>&1 || \
	  (echo "Installing Debian's poppler-utils for the certificate tests…" && \
	   apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null)

## make check — lint, types and migrations (CI runs it before the tests)
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src config tests bench scripts
	$(BIN)/mypy src config
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python scripts/check_messages.py

messages: install-dev
	$(MANAGE) makemessages -l en --no-location --no-obsolete -i ".venv/*" -i "var/*" -i "*/tests/*" -i "tests/*" \
	  -i "bench/*" -i "scripts/*"
	$(MANAGE) compilemessages -l en -i .venv

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
