# Two commands on a fresh machine:
#   make reproduce   train the blog's model with the blog's settings, then evaluate it
#   make test        the test suite
#   make bench       the blog's training code against the project's (results/bench.json)
#   make study       the reproduction study (results/)
# Both create .venv/ from the requirements files first if it is missing or out of date.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: reproduce train evaluate test study bench venv dev-venv clean

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
	$(PY) evaluate.py --model LSTM_Operation.h5

train: venv
	$(PY) train_lstm_adder.py

evaluate: venv
	$(PY) evaluate.py --model LSTM_Operation.h5

# Hours of CPU: run it in the background (nohup make study > study.log 2>&1 &); it resumes.
# It rewrites results/ and the README's study section after every run.
study: venv
	$(PY) study.py --readme README.md

bench: venv
	$(PY) bench.py --json results/bench.json

test: dev-venv
	$(PY) -m pytest -q tests

clean:
	rm -rf $(VENV) .pytest_cache __pycache__ tests/__pycache__
