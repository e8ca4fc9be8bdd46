# strategy-site. A newcomer on a fresh Debian machine needs two commands:
#   make site   build site/ (pages for every borough in strategy_data/)
#   make test   lint, type-check and run the whole test suite
# Each installs what it needs into .venv first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve check lint clean

site: $(STAMP)
	$(BIN)/mkdocs build --strict

serve: $(STAMP)
	$(BIN)/mkdocs serve

check: $(STAMP)
	$(BIN)/strategy-site check

test: lint
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check plugins tests scripts
	$(BIN)/mypy

$(STAMP): pyproject.toml
	scripts/ensure-system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf site $(VENV) .pytest_cache .mypy_cache .ruff_cache
