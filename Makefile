# Two commands set everything up on a fresh machine with Python 3.11+ and make:
#   make site   install into .venv, generate docs/ from seeds/, build site/
#   make test   install into .venv (with test tools), run the test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Material 9.7+ prints a banner about MkDocs 2.0 on every build; it is not about this site.
export NO_MKDOCS_2_WARNING := 1
# The same commit builds the same site: sitemap dates follow the last commit, not the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: site docs serve test test-fast check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

docs: $(STAMP)
	$(PY) -m gen build

site: docs
	$(PY) -m mkdocs build --strict

serve: docs
	$(PY) -m mkdocs serve --dirty --livereload --dev-addr 127.0.0.1:8000

check: $(STAMP)
	$(PY) -m gen check

test: $(STAMP)
	$(PY) -m pytest

# The tests that need no site build, browser, subprocess or corpus: seconds.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -q

clean:
	rm -rf site build
