# Two commands on a fresh machine:
#   make reproduce   train the blog's model with the blog's settings, then evaluate it
#   make test        the test suite
# Both create .venv/ from the requirements files first if it is missing or out of date.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: reproduce train evaluate test venv dev-venv clean

$(VENV)/.runtime-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime-installed
dev-venv: $(VENV)/.dev-installed

reproduce: venv
	$(PY) train_lstm_adder.py
	$(PY) evaluate.py

train: venv
	$(PY) train_lstm_adder.py

evaluate: venv
	$(PY) evaluate.py

test: dev-venv
	$(PY) -m pytest -q tests

clean:
	rm -rf $(VENV) .pytest_cache __pycache__ tests/__pycache__
