# Two commands set everything up on a fresh machine with Python 3.11+ and make:
#   make site   install what building needs into .venv, generate docs/ from seeds/, build site/
#   make test   install that and the test tools into .venv, run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# One stamp per set installed, so that switching between `make site` and `make test` installs
# nothing again until pyproject.toml changes; installing the test set installs the build set too.
BUILD_STAMP := $(VENV)/.installed-build
TEST_STAMP  := $(VENV)/.installed-test

# What builds the site: mkdocs, or properdocs (the maintained MkDocs 1.x fork), which builds the
# same site byte for byte (tests/test_builders.py): `make site BUILDER=properdocs`.
BUILDER := mkdocs

# The same commit builds the same site: sitemap dates follow the last commit, not the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: site docs serve test test-fast check clean

$(VENV)/pyvenv.cfg:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(BUILD_STAMP): pyproject.toml | $(VENV)/pyvenv.cfg
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/pyvenv.cfg
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(BUILD_STAMP)

docs: $(BUILD_STAMP)
	$(PY) -m gen build

site: docs
	$(PY) -m $(BUILDER) build --strict -f mkdocs.yml

serve: docs
	$(PY) -m $(BUILDER) serve --dirty --livereload --dev-addr 127.0.0.1:8000 -f mkdocs.yml

check: $(BUILD_STAMP)
	$(PY) -m gen check

test: $(TEST_STAMP)
	$(PY) -m pytest

# The tests that need no site build, browser, subprocess or corpus: seconds.
test-fast: $(TEST_STAMP)
	$(PY) -m pytest -m "not slow" -q

clean:
	rm -rf site build
