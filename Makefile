# kyket — everything a fresh machine needs comes from this file and pyproject.toml.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv run test lint eval schema clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: venv
	$(BIN)/kyket run data/raw --out data/processed

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check pipeline extractors tests

eval: venv
	$(BIN)/kyket eval --gold ../shared/dev/gold --articles ../shared/dev/articles

schema: venv
	$(BIN)/kyket schema

clean:
	rm -rf $(VENV) build *.egg-info
