# kyket — everything a fresh machine needs comes from this file and pyproject.toml.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv browser run test smoke notebook lint eval schema clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: venv
	$(BIN)/kyket run data/raw --out data/processed

# Headless Chromium + chromedriver from Debian's packages for the browser tests (nothing is
# downloaded at test time). Best effort: where they cannot be installed the browser tests
# skip and say why.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
	  || echo "make browser: could not install chromium; the browser tests will be skipped"; \
	else echo "make browser: chromium/chromedriver missing and not installable here; the browser tests will be skipped"; fi

test: venv browser
	$(BIN)/python -m pytest
	$(MAKE) smoke

# The package as a user installs it: a fresh venv, `pip install .` without extras, then an
# HTML + WARC + JSONL run outside the source tree (.ci/smoke.py): N articles in, N ok out.
SMOKE := build/smoke-venv
smoke:
	rm -rf $(SMOKE)
	$(PYTHON) -m venv $(SMOKE)
	$(SMOKE)/bin/pip install --quiet --upgrade pip
	$(SMOKE)/bin/pip install --quiet .
	cd build && ../$(SMOKE)/bin/python ../.ci/smoke.py

# The researcher notebook executed on data/processed (make run first), figures inline:
# open build/explore_agreements.ipynb in Jupyter, VS Code or any notebook viewer.
notebook: venv
	@if [ -z "$$KYKET_OUT" ] && [ ! -f data/processed/records.jsonl ]; then \
	  echo "make notebook: no data/processed/records.jsonl — run 'make run' first (or set KYKET_OUT to an output folder)"; exit 1; fi
	mkdir -p build
	$(BIN)/python -c "import nbformat; from nbclient import NotebookClient; \
	nb = nbformat.read('notebooks/explore_agreements.ipynb', as_version=4); \
	NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': 'notebooks'}}).execute(); \
	nbformat.write(nb, 'build/explore_agreements.ipynb')"
	@echo "wrote build/explore_agreements.ipynb"

lint: venv
	$(BIN)/ruff check pipeline extractors tests scripts

eval: venv
	$(BIN)/kyket eval --gold ../shared/dev/gold --articles ../shared/dev/articles

schema: venv
	$(BIN)/kyket schema

clean:
	rm -rf $(VENV) build *.egg-info
