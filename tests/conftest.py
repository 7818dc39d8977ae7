"""Shared test helpers: the repository on sys.path, quiet TensorFlow, the scripts as a user runs them."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import quiet  # noqa: E402

with quiet.tensorflow_startup():
    import keras  # noqa: E402,F401


def run_script(script, *args, timeout=300):
    """Run one of the project's scripts in a subprocess, as a user would from the repo root."""
    return subprocess.run([sys.executable, os.path.join(ROOT, script), *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)


# A tiny configuration that trains in seconds: 4-bit operands, 2 epochs, 300 pairs.
TINY = ("--bits", 4, "--epochs", 2, "--data-size", 300, "--batch-size", 64)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A 4-bit model trained once for the whole session through the training script."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.h5"
    result = run_script("train_lstm_adder.py", *TINY, "--output", path)
    assert result.returncode == 0, result.stderr
    return path
