# cscp-analysis: every target sets up .venv first if it is missing or out of date.
# On a fresh machine:  make quarter   (the latest demo quarter's evidence pack)
#                      make test      (the whole test suite)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
KERNEL := cscp-analysis
ARGS   ?=
YEAR   ?= 2025-26
JOBS   ?= 2

.DEFAULT_GOAL := help
.PHONY: help setup quarter annual validate verify test test-fast lab benchmarks lint clean

help:  ## list the targets
	@echo "cscp-analysis: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*## "}{printf "  %-12s %s\n", $$1, $$2}'
	@echo "Extra arguments go in ARGS, e.g.  make quarter ARGS='--period 2025-26-Q4 --force'"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -c "from cscp_analysis.pipeline import ensure_kernel; ensure_kernel('$(KERNEL)')"
	@touch $(STAMP)

setup: $(STAMP)  ## create .venv, install the package and register the Jupyter kernel

quarter: $(STAMP)  ## build the evidence pack of the latest demo quarter into outputs/<period>/
	$(BIN)/cscp run $(ARGS)

annual: $(STAMP)  ## build the annual-report figure book (YEAR=2025-26)
	$(BIN)/cscp annual --year $(YEAR) $(ARGS)

validate: $(STAMP)  ## check the latest quarter's returns (exit 1 if any error)
	$(BIN)/cscp validate $(ARGS)

verify: $(STAMP)  ## re-run a pack and compare its checksums: make verify ARGS=outputs/2026-27-Q2
	$(BIN)/cscp verify $(ARGS)

test: $(STAMP)  ## run the whole test suite
	$(BIN)/python -m pytest -n $(JOBS) $(ARGS)

test-fast: $(STAMP)  ## the suite without the slow end-to-end notebook runs
	$(BIN)/python -m pytest -n $(JOBS) -m "not slow and not browser" $(ARGS)

lab: $(STAMP)  ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab --notebook-dir=notebooks

benchmarks: $(STAMP)  ## run the speed benchmarks (see benchmarks/README.md)
	$(BIN)/python benchmarks/run_all.py $(ARGS)

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check cscp_analysis tests benchmarks

clean:  ## remove .venv and caches (never touches data_raw/ or outputs/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
