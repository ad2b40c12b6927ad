# Liên thông — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint format schema bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: reference agencies + hub with GraphiQL on http://127.0.0.1:8000/graphql (Ctrl-C stops all)
demo: $(STAMP)
	$(BIN)/lienthong demo

## test: the whole suite, on SQLite and PostgreSQL
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy domain

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## schema: regenerate the published contract schema/schema.graphql
schema: $(STAMP)
	$(BIN)/lienthong schema > schema/schema.graphql

## bench: judgment-360, the hub against a hand-written limit (bench/README.md); e.g. make bench BENCH_ARGS='--duration 15'
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
