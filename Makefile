# The two commands of the README: `make run` and `make test`. Every step is idempotent.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: run test install assets messages lint check-migrations pytest clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP) assets messages

assets:
	sh scripts/assets.sh

messages: $(STAMP)
	cd src/crm && ../../$(BIN)/crm manage compilemessages --ignore=.venv -v 0

run: install
	$(BIN)/crm migrate
	$(BIN)/crm demo
	$(BIN)/crm run --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts bench conftest.py
	$(BIN)/ruff format --check src tests scripts bench conftest.py
	$(BIN)/mypy src

check-migrations: $(STAMP)
	$(BIN)/crm manage makemigrations --check --dry-run

test: install
	sh scripts/ensure_chromium.sh
	$(MAKE) lint check-migrations
	sh scripts/test.sh

clean:
	rm -rf $(VENV) node_modules var src/crm/web/static/vendor
