"""Shared test helpers: quiet TensorFlow, the scripts as a user runs them, the tiny
configurations every test trains, and the checks several files make."""

import contextlib
import importlib
import io
import os
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from lstm_adder import quiet  # noqa: E402

# The suite runs the scripts' main() in this one process, where Keras can have one backend: the
# default engine's, JAX, set as a user sets it, so that `--engine keras` runs on it too instead
# of in a fresh process (study.run_here_or_apart). tests/test_scripts.py checks, in fresh
# processes without it, that each engine chooses its own backend.
os.environ.setdefault("KERAS_BACKEND", "jax")
with quiet.tensorflow_startup():
    import keras  # noqa: E402,F401


def run_script(script, *args, process=False, timeout=300, env=None):
    """Run one of the project's scripts as a user would from the repo root: its exit status,
    stdout and stderr.

    By default its main() runs in this process, with its output captured, its signal handlers
    put back afterwards and SystemExit (argparse's errors) taken as the exit status: the same
    code path without a fresh interpreter's 5-8 s of importing TensorFlow, which would make
    the suite several minutes longer. process=True runs a real subprocess, for what only a
    process shows (what reaches the terminal's stderr, signals); `env`, variables to set in it.
    """
    arguments = [str(argument) for argument in args]
    if process:
        return subprocess.run(
            [sys.executable, os.path.join(ROOT, script), *arguments],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, **(env or {})},
        )
    assert env is None, "env= needs process=True"
    module = importlib.import_module(script.removesuffix(".py"))
    handlers = {
        signum: signal.getsignal(signum)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE)
    }
    out, err = io.StringIO(), io.StringIO()
    try:
        with (
            contextlib.chdir(ROOT),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            try:
                code = module.main(arguments)
            except SystemExit as stop:
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return subprocess.CompletedProcess([script, *arguments], code, out.getvalue(), err.getvalue())


# A tiny configuration that trains in seconds: 4-bit operands, 2 epochs, 300 pairs.
TINY = ("--bits", 4, "--epochs", 2, "--data-size", 300, "--batch-size", 64)


TINY_DRAWS = 1000


def tiny_study(**counts):
    """study.py's options for a tiny study: one plain 2-epoch run of the blog's LSTM on 4-bit
    operands and 200 pairs, one at a time in this process, and nothing else (no long, observed
    or variant runs) unless `counts` asks for it (by option name, long_epochs=8)."""
    settings = {
        "seeds": 1,
        "other_seeds": 0,
        "keras_seeds": 0,
        "keras224_seeds": 0,
        "epochs": 2,
        "bits": 4,
        "data_size": 200,
        "long_epochs": 0,
        "long_seeds": 1,
        "observed_epochs": 0,
        "every": 2,
        "variant_seeds": 0,
        # Few random blog-style tests an evaluation: test_evaluate.py checks the 100,000.
        "draws": TINY_DRAWS,
        "activations": "keras2_hard_sigmoid",
        "workers": 0,
        **counts,
    }
    options = []
    for name, value in settings.items():
        if value is not None:
            options += [f"--{name.replace('_', '-')}", *str(value).split()]
    return options


def listing(folder):
    """Every file under `folder` with its bytes, to prove that nothing changed."""
    found = {}
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(parent, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, folder)] = file.read()
    return found


def evaluate_fails(capsys, path, *extra):
    """evaluate.py on `path` exits 2 with one line on stderr naming the file; returns that line."""
    import evaluate

    code = evaluate.main(["--model", str(path), *extra])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith(f"evaluate.py: error: {path}: ")
    assert "Traceback" not in captured.err
    return lines[0]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """A 4-bit model trained once for the whole session through the training script."""
    path = tmp_path_factory.mktemp("tiny") / "tiny.h5"
    result = run_script("train_lstm_adder.py", *TINY, "--output", path)
    assert result.returncode == 0, result.stderr
    return path
