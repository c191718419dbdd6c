# PEP: `make run` starts the whole system on embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test test-faults fuzz bench install clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/pep init
	$(BIN)/pep serve

test: install
	$(BIN)/pytest -q $(PYTEST_ARGS)

# The whole-pipeline property test with many more examples than `make test` runs.
fuzz: install
	PEP_FUZZ_EXAMPLES=$${PEP_FUZZ_EXAMPLES:-2000} $(BIN)/pytest -q tests/test_pipeline_properties.py

# The fault scenarios at full size (make test runs a bounded slice of them).
test-faults: install
	PEP_FAULT_SCALE=1 $(BIN)/pytest -q -s tests/faults

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
