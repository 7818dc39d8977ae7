# The two commands of the README, on a fresh machine:
#   make reproduce   train the blog's model with the blog's settings, then evaluate it
#   make test        the test suite
# Others: make venv (install only), make bench (speed, results/bench.json), make study (the
# reproduction study, hours: it resumes), make evaluate (the model make reproduce trained).
# Each creates .venv/ from the requirements files first if it is missing or out of date.
# GPU=1 (make reproduce GPU=1): JAX's CUDA wheels from requirements-gpu.txt, for an NVIDIA GPU.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQUIREMENTS := $(if $(GPU),requirements-gpu.txt,requirements.txt)

.PHONY: reproduce train evaluate test study bench venv dev-venv clean python-version

# TensorFlow 2.21's and JAX 0.10's wheels exist for Python 3.10 to 3.13 (tested here: 3.11).
python-version:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "make: Python 3.10 to 3.13 is needed (TensorFlow 2.21 and JAX wheels), and $(PYTHON) is %d.%d: run make PYTHON=python3.11 (or another)" % v)'

$(VENV)/.runtime-installed: requirements.txt $(REQUIREMENTS)
	@$(MAKE) --no-print-directory python-version
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r $(REQUIREMENTS)
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
# It rewrites results/ and the answer in both READMEs after every run.
study: venv
	$(PY) study.py --readme README.md README.zh-CN.md

bench: venv
	$(PY) bench.py --json results/bench.json

test: dev-venv
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadgroup tests

clean:
	rm -rf $(VENV) .pytest_cache __pycache__ tests/__pycache__
