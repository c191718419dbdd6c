# PEP: `make run` starts the whole system on embedded defaults; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: run test test-faults fuzz fuzz-atheris test-security bench install clean

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

# Coverage-guided fuzzing of the parser entry points (atheris), for PEP_FUZZ_SECONDS (default 300).
fuzz-atheris: install
	$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/pip install --quiet atheris
	$(BIN)/python -m tests.security.fuzz_parser -max_total_time=$${PEP_FUZZ_SECONDS:-300} -rss_limit_mb=2048

# The attack suite: forged replies, privilege, injection, abuse.
test-security: install
	$(BIN)/pytest -q tests/security

# The fault scenarios at full size (make test runs a bounded slice of them).
test-faults: install
	PEP_FAULT_SCALE=1 $(BIN)/pytest -q -s tests/faults

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache
