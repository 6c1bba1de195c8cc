# Podium: `make run` starts the app with demo content; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEV_ENV := PODIUM_ENV=development
# `make run PORT=8080 HOST=0.0.0.0` serves elsewhere (the default: this machine only)
HOST ?= 127.0.0.1
PORT ?= 8000
# links in the development emails: this machine when listening on every address
LINK_HOST = $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))

.PHONY: run test lint lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@ $(VENV)/.runtime

run: $(VENV)/.runtime
	$(DEV_ENV) $(BIN)/podium db upgrade
	$(DEV_ENV) $(BIN)/podium demo
	@echo "Podium is starting on http://$(LINK_HOST):$(PORT) (Ctrl+C to stop)"
	$(DEV_ENV) PODIUM_BASE_URL=$${PODIUM_BASE_URL:-http://$(LINK_HOST):$(PORT)} $(BIN)/podium serve --host $(HOST) --port $(PORT)

# The OpenID Connect provider the single sign-on tests sign in at (npm, from the lock file);
# without Node.js those tests are skipped locally (CI installs Node.js and fails instead).
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the single sign-on tests will be skipped"; fi

test: $(VENV)/.dev tests/oidc/node_modules/.package-lock.json
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app tests

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet "uv>=0.5"
	$(PYTHON) -m uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache tests/oidc/node_modules
