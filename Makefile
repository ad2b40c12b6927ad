# Liên thông — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
WRK := /usr/bin/wrk
PEERS_STAMP := bench/peers/node_modules/.package-lock.json
OIDC_STAMP := agencies/oidc_provider/node_modules/.package-lock.json
ASSETS_STAMP := console/assets/node_modules/.package-lock.json

.PHONY: demo test lint format schema bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: reference agencies + hub with GraphiQL on http://127.0.0.1:8000/graphiql (Ctrl-C stops all)
demo: $(STAMP) $(OIDC_STAMP) $(ASSETS_STAMP)
	$(BIN)/lienthong demo

## browser: Debian's chromium for the report page test (tests/e2e_browser); installed when missing and root
browser: $(CHROMIUM)

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's chromium for the browser test of the report page"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium fonts-dejavu-core; \
	elif [ "$$CI" = true ]; then \
		echo "CI needs $(CHROMIUM): run as root, or sudo apt-get install --no-install-recommends chromium" >&2; exit 1; \
	else \
		echo "note: no $(CHROMIUM); the browser test will skip. Install it with:"; \
		echo "  sudo apt-get install --no-install-recommends chromium fonts-dejavu-core"; \
	fi

## test: the house rules (make lint), then the whole suite, on SQLite and PostgreSQL
test: lint $(CHROMIUM) $(WRK) $(OIDC_STAMP) $(ASSETS_STAMP)
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist worksteal

## lint: ruff (incl. the one-clock rule), formatting, mypy --strict over every package, the import contracts
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## schema: regenerate the published contract schema/schema.graphql
schema: $(STAMP)
	$(BIN)/lienthong schema > schema/schema.graphql

## bench: every scenario in turn (judgment-360 against Apollo Gateway, Hive Gateway and a hand-written limit,
##        inbox-polling, submit-ack, fanout, national-report), results in bench/results/ (bench/README.md);
##        one scenario: make bench BENCH_ARGS='judgment-360 --duration 15', BENCH_ARGS='fanout', …; a smoke run: BENCH_ARGS='all --quick'
BENCH_ARGS ?= all
bench: $(STAMP) $(PEERS_STAMP) $(WRK)
	$(BIN)/python -m bench $(BENCH_ARGS)

## Debian's wrk drives the bench's HTTP load (bench/wrk.py; without it the bench falls back to aiohttp); installed when missing and root
$(WRK):
	@if [ "$$(id -u)" = 0 ]; then \
		echo "installing Debian's wrk, the bench's HTTP load generator (and that of tests/bench/test_wrk.py)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; \
	elif [ "$$CI" = true ]; then \
		echo "CI needs $(WRK): run as root, or sudo apt-get install --no-install-recommends wrk" >&2; exit 1; \
	else \
		echo "note: no $(WRK); the bench falls back to its aiohttp load generator and tests/bench/test_wrk.py will skip. Install it with:"; \
		echo "  sudo apt-get install --no-install-recommends wrk"; \
	fi

## the peers of judgment-360 (Apollo Gateway, Hive Gateway, Hive Gateway with its Rust query planner): Node.js packages from bench/peers/package-lock.json
$(PEERS_STAMP): bench/peers/package-lock.json
	@if command -v npm >/dev/null; then \
		cd bench/peers && npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "note: no npm; the peers (apollo, hive, hive-rust) cannot run: make bench BENCH_ARGS='--targets hub,limit'"; \
	fi

## the demo's OpenID Connect provider (console sign-in, tests/console/test_signin.py): oidc-provider from its lockfile
$(OIDC_STAMP): agencies/oidc_provider/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix agencies/oidc_provider --ignore-scripts --no-audit --no-fund --loglevel=error; \
	elif [ "$$CI" = true ]; then \
		echo "CI needs node and npm for the sign-in provider (agencies/oidc_provider)" >&2; exit 1; \
	else \
		echo "note: no npm; the demo runs without sign-in and tests/console/test_signin.py will skip"; \
	fi

## the browser files the hub serves under /assets (GraphiQL, React; console/web_assets.py): npm packages from
## console/assets/package-lock.json, each checked against the lockfile's hash; no CDN at run time
$(ASSETS_STAMP): console/assets/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix console/assets --ignore-scripts --no-audit --no-fund --loglevel=error; \
	elif [ "$$CI" = true ]; then \
		echo "CI needs node and npm for the browser files of console/assets (GraphiQL)" >&2; exit 1; \
	else \
		echo "note: no npm; the hub serves its API, but /graphiql answers 503 until: npm ci --prefix console/assets"; \
	fi

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
