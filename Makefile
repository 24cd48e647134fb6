# ecom-ledger-desktop — the two commands a newcomer needs are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: help run test lint bench build clean

help:  ## list the targets
	@grep -E '^[a-z]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)  ## install, then start the desktop app on demo data (embedded simulators)
	$(BIN)/ecom-ledger-app --demo

test: $(STAMP)  ## install, then run the whole suite headless (on two workers; a test file stays on one)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(STAMP)  ## ruff, mypy and the import contracts (no Qt in the core)
	$(BIN)/ruff check .
	$(BIN)/mypy ecom_ledger_desktop
	$(BIN)/lint-imports

bench: $(STAMP)  ## print the benchmark figures (short runs; see bench/RESULTS.md for the long ones)
	$(BIN)/python bench/idle_poll.py --polls 5
	$(BIN)/python bench/crash_trials.py --trials 20 --orders 200
	$(BIN)/python bench/soak.py --minutes 1 --orders 100
	$(BIN)/python bench/backlog.py --orders 2000 --customers 400 --items 100 --scale 20
	$(BIN)/python bench/gui_latency.py --orders 1000

build: $(STAMP)  ## one-folder bundle of the app and the CLI in dist/ecom-ledger (see installers/)
	$(BIN)/python -c "import PyInstaller" 2>/dev/null || $(BIN)/pip install --quiet pyinstaller
	$(BIN)/pyinstaller --noconfirm build.spec
	dist/ecom-ledger/ecom-ledger --version
	QT_QPA_PLATFORM=offscreen dist/ecom-ledger/ecom-ledger-app --version

clean:  ## remove the virtualenv and build output
	rm -rf $(VENV) build dist
