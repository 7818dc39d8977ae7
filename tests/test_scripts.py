"""The scripts end to end, through their own command lines, on tiny configurations."""

import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from lstm_adder import backend as backend_module

from conftest import ROOT, TINY, run_script


def test_tiny_train_save_evaluate(tiny_model):
    record = json.loads(tiny_model.with_suffix(".json").read_text())
    assert record["config"]["bits"] == 4 and record["config"]["epochs"] == 2
    assert record["config"]["recurrent_activation"] == "keras2_hard_sigmoid"
    assert record["config"]["output_activation"] == "relu"
    assert len(record["loss_per_epoch"]) == 2
    assert len(record["data"]["first_operand"]) == 300
    assert {"keras", "backend", "jax", "numpy", "h5py", "python"} <= set(record["versions"])
    assert record["wall_seconds"] > 0

    # A real process: what reaches the terminal (no --bits: read from the model)
    result = run_script("evaluate.py", "--model", tiny_model, process=True)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "1. The blog's figure, computed the blog's way" in out
    assert "99.98892793562263%" in out
    assert "2. That figure is not an accuracy" in out and "exact-sum accuracy" in out
    assert "per-bit accuracy" in out
    assert "3. Verdict: the blog's figure was" in out
    assert "4-bit operands" in out
    assert result.stderr == ""  # TensorFlow's start-up lines are kept out


def test_training_prints_summary_and_progress(tmp_path):
    result = run_script("train_lstm_adder.py", *TINY, "--output", tmp_path / "m.h5")
    assert result.returncode == 0, result.stderr
    assert "264,192" in result.stdout and "1,285" in result.stdout  # 4 bits: Dense(5)
    assert "Epoch 2/2" in result.stdout and "loss" in result.stdout
    assert "Saved" in result.stdout


def stored_arrays(group):
    """Every array stored under an h5py group, in the file's order."""
    arrays = []
    group.visititems(
        lambda name, item: arrays.append(item[()]) if isinstance(item, h5py.Dataset) else None
    )
    return arrays


@pytest.mark.parametrize("engine", ["jax", "keras"])
def test_same_seed_same_weights(tmp_path, engine):
    weights = []
    for run in ("a", "b", "c"):
        seed = 3 if run != "c" else 4
        path = tmp_path / f"{run}.h5"
        result = run_script(
            "train_lstm_adder.py", *TINY, "--seed", seed, "--output", path, "--engine", engine
        )
        assert result.returncode == 0, result.stderr
        with h5py.File(path) as h5:
            weights.append(stored_arrays(h5["model_weights"]))
        assert json.loads(path.with_suffix(".json").read_text())["seed"] == seed
    assert all(np.array_equal(a, b) for a, b in zip(weights[0], weights[1]))
    assert not all(np.array_equal(a, c) for a, c in zip(weights[0], weights[2]))


def test_help_shows_the_blogs_defaults():
    result = run_script("train_lstm_adder.py", "--help")
    assert result.returncode == 0
    for default in (
        "default: 100",
        "default: 10000",
        "default: 8",
        "default: 128",
        "keras2_hard_sigmoid",
        "LSTM_Operation.h5",
        "default: jax",
    ):
        assert default in result.stdout
    # A flag or an option that does nothing until given has no default worth printing.
    assert "(default: False)" not in result.stdout and "(default: None)" not in result.stdout


@pytest.mark.parametrize(
    "engine, backend, tensorflow", [("jax", "jax", False), ("keras", "tensorflow", True)]
)
def test_each_engine_imports_its_own_backend(tmp_path, engine, backend, tensorflow):
    # A fresh process, as a user runs it: the default engine builds and saves the network with
    # Keras on JAX and never imports TensorFlow; model.fit runs on TensorFlow, the blog's.
    path = tmp_path / "m.h5"
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['train_lstm_adder.py', *{[str(a) for a in TINY]!r}, '--output', "
        f"{str(path)!r}, '--engine', {engine!r}]\n"
        "try:\n    runpy.run_path('train_lstm_adder.py', run_name='__main__')\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "print('tensorflow imported:', 'tensorflow' in sys.modules)\n"
    )
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("KERAS_BACKEND", backend_module.SET_HERE)
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    assert f"tensorflow imported: {tensorflow}" in result.stdout
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["versions"]["backend"] == backend
    assert record["backend_chosen_by"] == f"--engine {engine}"
    assert ("tensorflow" in record["versions"]) == tensorflow
    assert record["device"] == {"jax": "cpu (cpu)", "keras": "tensorflow: cpu"}[engine]

    if engine == "jax":
        return  # the user's KERAS_BACKEND=jax below would be this engine's own choice
    # A KERAS_BACKEND the user set wins, and the record says so.
    result = subprocess.run(
        [
            sys.executable,
            "train_lstm_adder.py",
            *map(str, TINY),
            "--output",
            str(path),
            "--engine",
            engine,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env=dict(environment, KERAS_BACKEND="jax"),
    )
    assert result.returncode == 0, result.stderr
    record = json.loads(path.with_suffix(".json").read_text())
    assert record["versions"]["backend"] == "jax"
    assert record["backend_chosen_by"] == "KERAS_BACKEND"


@pytest.mark.parametrize("options", [[], ["--add", "3", "5"], ["--exhaustive"]])
def test_evaluate_imports_neither_keras_nor_tensorflow(tiny_model, options):
    script = (
        "import runpy, sys\n"
        f"sys.argv = ['evaluate.py', '--model', {str(tiny_model)!r}, *{options!r}]\n"
        "try:\n    runpy.run_path('evaluate.py', run_name='__main__')\n"
        "except SystemExit as stop:\n    assert not stop.code, stop.code\n"
        "print('imported:', sorted({'keras', 'tensorflow', 'tf_keras'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "imported: []" in result.stdout


def test_a_model_file_loads_into_a_users_keras_code(tiny_model):
    # The documented calls (docs/model-files.md): our safe reader, and, for a file one trusts,
    # Keras's own load_model once `import model` has registered the blog's gate function.
    import keras

    from lstm_adder import data, model

    X, _ = data.encode_pairs(*data.all_pairs(4), 4)
    ours, _ = model.read_model_file(str(tiny_model))
    theirs = keras.models.load_model(str(tiny_model))
    assert theirs.layers[0].cell.recurrent_activation is model.keras2_hard_sigmoid
    expected = ours.predict(X, verbose=0)
    assert expected.std() > 0.01
    assert np.abs(theirs.predict(X, verbose=0) - expected).max() < 1e-6
