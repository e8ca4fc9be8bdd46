# strategy-site. A newcomer on a fresh Debian machine needs two commands:
#   make site   build site/ (pages for every borough in strategy_data/)
#   make test   lint, type-check, run the test suite, then the accessibility gate on site/
# While working, `make test-fast` (the quick tier: no browser, no PDFs, no slow builds).
# Each installs what it needs first: Python packages into .venv, the gate's Node packages into
# node_modules (npm ci, no browser download), and Debian's chromium, Java and Node when missing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

export NO_MKDOCS_2_WARNING := 1
export PUPPETEER_SKIP_DOWNLOAD := 1

.PHONY: site test test-fast a11y a11y-long a11y-bilingual bench-check serve check lint fuzz bench clean catalogs

site: $(STAMP)
	$(BIN)/mkdocs build --strict

# The preview's site is made anew at each save, in memory where the machine has room (preview.py).
serve: $(STAMP)
	TMPDIR="$$($(BIN)/python scripts/preview_tmpdir.py)" $(BIN)/mkdocs serve

check: $(STAMP)
	$(BIN)/strategy-site check

# Our own words (babel.cfg: the templates and the modules): collect every msgid and bring the
# catalogs in plugins/strategy_site/locale/ up to date, new ones empty (never a fuzzy guess);
# then write each new Welsh msgstr (tests/test_catalog.py fails until every one is written).
catalogs: $(STAMP)
	mkdir -p .cache
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project strategy-site \
	  -o .cache/strategy_site.pot .
	$(BIN)/pybabel update -i .cache/strategy_site.pot -d plugins/strategy_site/locale \
	  -D strategy_site --no-fuzzy-matching --ignore-obsolete --width 100

# The whole suite on one worker per core too, each file's tests on one worker: the slow tier
# waits on browsers, servers and other processes as much as it computes (measured at load 6.5
# on this machine: test_first_visit, test_engines and test_pdf_batch took 125 s on one worker,
# 100 s on two).
test: lint $(NODE_STAMP)
	$(BIN)/pytest -n auto --dist loadfile
	$(MAKE) a11y
	$(MAKE) a11y-long
	$(MAKE) a11y-bilingual

# The tests a developer runs every minute: unit tests and small fixtures, without the ones marked
# `slow` (those that render or open PDFs, open a browser, or run many whole builds); the fuzz
# tests at a smaller budget (FUZZ_EXAMPLES, same fixed seed). No lint, no gate. `make test` runs all.
# One worker per core (pytest-xdist), each test file's tests on one worker (its module fixtures
# are built once, and the fuzz file's last test checks what its other tests undid).
FAST_FUZZ_EXAMPLES ?= 20
test-fast: $(STAMP)
	FUZZ_EXAMPLES=$(FAST_FUZZ_EXAMPLES) $(BIN)/pytest -m "not slow" -q -n auto --dist loadfile

# The benchmark (not a test): N = 1, 33 and 300 synthetic strategies; prints each figure of
# issue 18 beside its target and writes .cache/bench.json. BENCH="--sizes 1,33 --repeat 5" to
# choose. It measures first visits and searches in chromium (the gate's Node packages).
bench: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/bench $(BENCH)

# Does every measurement of the bench still work (N = 1, once, one save)? CI runs it after
# `make test`; it is not a test, and its 80 s are kept out of the suite's 15 minutes.
bench-check: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/bench --quick

# The accessibility gate alone: every page of site/ at 1280 and 320 px. ONLY=bexley checks one
# partnership's pages (and the home and 404 pages): about a minute.
a11y: site $(NODE_STAMP)
	$(BIN)/python scripts/a11y_check.py --site site $(foreach p,$(ONLY),--only $(p))

# The gate on a made-up partnership of long data (scripts/long_data.py): the layout must hold for
# any valid strategy, not only for the boroughs in strategy_data/. Not --quiet: MkDocs drops
# warnings below its log level before --strict counts them, so a quiet strict build passes them.
LONG := .cache/long-data
a11y-long: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/long_data.py $(LONG)
	$(BIN)/mkdocs build --strict -f $(LONG)/mkdocs.yml -d $(abspath $(LONG))/site
	$(BIN)/python scripts/a11y_check.py --site $(LONG)/site --only longshire

# The bilingual example (tests/fixtures/bilingual: made-up text, Welsh the default) through the
# gate in both languages: its pages at /enghraifft/ and /enghraifft/en/, and both PDFs.
BILINGUAL := .cache/bilingual-example
a11y-bilingual: $(STAMP) $(NODE_STAMP)
	$(BIN)/python scripts/example_project.py bilingual $(BILINGUAL)
	$(BIN)/mkdocs build --strict -f $(BILINGUAL)/mkdocs.yml -d $(abspath $(BILINGUAL))/site
	$(BIN)/python scripts/a11y_check.py --site $(BILINGUAL)/site --only enghraifft

# The property-based tests of the loader at the deep budget (many more examples, a random seed);
# `make test` runs them at CI's fixed seed and small budget. FUZZ_EXAMPLES=N sets the count.
fuzz: $(STAMP)
	FUZZ_PROFILE=deep $(BIN)/pytest tests/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check plugins tests scripts scripts/bench
	$(BIN)/mypy

$(STAMP): pyproject.toml
	scripts/ensure-system-packages python
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The gate's Node packages, from the packaged lock file, into this checkout's node_modules/
# (what `strategy-site gate` does in a cache folder for an installed package).
GATE := plugins/strategy_site/gate
$(NODE_STAMP): $(GATE)/package.json $(GATE)/package-lock.json $(STAMP)
	scripts/ensure-system-packages browser
	STRATEGY_SITE_GATE_DIR=$(CURDIR) $(BIN)/strategy-site gate --install-only
	touch $@

clean:
	rm -rf site .building-site .building-site-* .building-submissions $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache .hypothesis
