# The two commands of the README, on a fresh machine:
#   make reproduce   train the blog's model with the blog's settings, then evaluate it
#   make test        the test suite
# Others: make venv (install only), make bench (speed, results/bench.json), make study (the
# reproduction study, hours: it resumes), make evaluate (the model make reproduce trained).
# make lint (ruff and mypy, as CI runs them), make lock (remakes the lock files), make verify
# (retrains the shipped model and says whether the bytes are the same).
# Each creates .venv/ from the lock files first if it is missing or out of date: every package
# pinned with its hashes (requirements*.lock, made from requirements*.txt by make lock).
# GPU=1 (make reproduce GPU=1): JAX's CUDA wheels (requirements-gpu.lock), for an NVIDIA GPU.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
LOCK := $(if $(GPU),requirements-gpu.lock,requirements.lock)
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r

.PHONY: reproduce train evaluate verify test lint study bench venv dev-venv lock clean python-version

# TensorFlow 2.21's, JAX 0.10's and SciPy 1.17's wheels exist for Python 3.11 to 3.13 (tested
# here: 3.11); pyproject.toml's requires-python says the same.
python-version:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 11) <= v <= (3, 13) else "make: Python 3.11 to 3.13 is needed (TensorFlow 2.21, JAX and SciPy wheels), and $(PYTHON) is %d.%d: run make PYTHON=python3.11 (or another)" % v)'

$(VENV)/.runtime-installed: $(LOCK)
	@$(MAKE) --no-print-directory python-version
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) $(LOCK)
	touch $@

# The blog's own Keras 2.2.4 (train_lstm_adder.py --engine keras2.2.4), in a folder of its own
# inside the environment and never on its path: Keras 3 stays the `import keras` of every
# command. Its dependencies are the runtime lock's (--no-deps).
KERAS_224 := $(VENV)/keras2.2.4
$(VENV)/.keras224-installed: requirements-keras2.2.4.lock $(VENV)/.runtime-installed
	rm -rf $(KERAS_224)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		--target $(KERAS_224) -r requirements-keras2.2.4.lock
	touch $@

$(VENV)/.dev-installed: requirements-dev.lock $(VENV)/.keras224-installed
	$(PIP_INSTALL) requirements-dev.lock
	touch $@

venv: $(VENV)/.keras224-installed
dev-venv: $(VENV)/.dev-installed

reproduce: venv
	$(PY) train_lstm_adder.py
	$(PY) evaluate.py --model LSTM_Operation.h5

train: venv
	$(PY) train_lstm_adder.py

evaluate: venv
	$(PY) evaluate.py --model LSTM_Operation.h5

# About 3 minutes on 2 cores: the shipped model retrained as its record says, then one line.
verify: venv
	$(PY) -m lstm_adder.verify

# Hours of CPU: run it in the background (nohup make study > study.log 2>&1 &); it resumes.
# It rewrites results/ and the answer in both READMEs after every run.
study: venv
	$(PY) study.py --readme README.md README.zh-CN.md

bench: venv
	$(PY) bench.py --json results/bench.json

test: dev-venv
	$(PY) -m pytest -q -n auto --maxprocesses 4 --dist loadgroup tests

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The lock files from requirements*.txt, for Python 3.11 on this kind of machine, each version
# kept as it is in the lock unless UPGRADE=1 (make lock UPGRADE=1 takes the newest allowed).
LOCK_WITH := $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)
lock: dev-venv
	$(LOCK_WITH) requirements.txt -o requirements.lock
	$(LOCK_WITH) requirements.txt requirements-dev.txt -o requirements-dev.lock
	$(LOCK_WITH) requirements.txt requirements-gpu.txt -o requirements-gpu.lock
	$(LOCK_WITH) --no-deps requirements-keras2.2.4.txt -o requirements-keras2.2.4.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache __pycache__ tests/__pycache__
