"""Resuming a run: exact for the default engine, and a bad or foreign checkpoint changes nothing."""
import json
import os
import signal
import subprocess
import sys

import h5py
import numpy as np
import pytest

from lstm_adder import checkpoint
from conftest import ROOT, TINY, run_script
from test_hostile import listing

TINY_RUN = ("--bits", 4, "--data-size", 300, "--batch-size", 64)


def weights_of(path):
    arrays = []
    with h5py.File(path) as h5:
        h5["model_weights"].visititems(
            lambda name, item: arrays.append(item[()]) if isinstance(item, h5py.Dataset) else None)
    return arrays


def same_weights(first, second):
    return all(np.array_equal(a, b) for a, b in zip(weights_of(first), weights_of(second)))


def train(output, *options):
    result = run_script("train_lstm_adder.py", *TINY_RUN, "--output", output, *options)
    assert result.returncode == 0, result.stderr
    return result


def test_resumed_run_equals_the_uninterrupted_one_bit_for_bit(tmp_path):
    train(tmp_path / "whole.h5", "--epochs", 6)
    train(tmp_path / "part.h5", "--epochs", 4, "--checkpoint-every", 2)
    saved = tmp_path / "part.checkpoint.npz"
    assert saved.exists()
    result = train(tmp_path / "part.h5", "--epochs", 6, "--resume")
    assert "Resuming from" in result.stdout and "epoch 4 of 6 done" in result.stdout
    assert same_weights(tmp_path / "whole.h5", tmp_path / "part.h5")
    whole = json.loads((tmp_path / "whole.json").read_text())
    part = json.loads((tmp_path / "part.json").read_text())
    assert part["loss_per_epoch"] == whole["loss_per_epoch"]  # every epoch's, bit for bit
    assert part["resumed_from_epoch"] == 4 and whole["resumed_from_epoch"] is None
    assert "model name" not in part["machine"]["processor"] and part["machine"]["processor"]
    meta, arrays = checkpoint.load(str(saved), checkpoint.identity_of(part["options"]))
    assert meta["epoch"] == 6  # saved again at the end
    assert {"weight_1", "moment_1", "velocity_1", "iteration", "rng_keys"} <= set(arrays)


def test_a_run_killed_in_the_middle_resumes_to_the_same_weights(tmp_path):
    epochs = ("--epochs", 30, "--checkpoint-every", 2)
    train(tmp_path / "never_killed.h5", *epochs)
    output = tmp_path / "killed.h5"
    process = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "train_lstm_adder.py"), *map(str, TINY_RUN),
         *map(str, epochs), "--output", output],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"))
    for line in process.stdout:
        if line.startswith("Epoch 5/"):
            break
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "--resume" in stderr.strip().splitlines()[-1]
    assert not output.exists()
    stopped_at, _ = checkpoint.load(str(tmp_path / "killed.checkpoint.npz"),
                                    json.loads((tmp_path / "never_killed.json").read_text())
                                    ["options"])
    assert 4 <= stopped_at["epoch"] < 30
    train(output, *epochs, "--resume")
    assert same_weights(tmp_path / "never_killed.h5", output)


def test_keras_engine_resumes_with_initial_epoch(tmp_path):
    output = tmp_path / "k.h5"
    train(output, "--epochs", 2, "--checkpoint-every", 1, "--engine", "keras")
    result = train(output, "--epochs", 3, "--resume", "--engine", "keras")
    assert "Epoch 3/3" in result.stdout and "Epoch 1/3" not in result.stdout
    record = json.loads(output.with_suffix(".json").read_text())
    assert len(record["loss_per_epoch"]) == 3 and record["resumed_from_epoch"] == 2


@pytest.fixture(scope="module")
def checkpointed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checkpointed")
    train(folder / "m.h5", "--epochs", 2, "--checkpoint-every", 2)
    return folder


def resume_fails(folder, *options):
    """--resume exits 2 with one line, and no file in `folder` changes."""
    before = listing(folder)
    result = run_script("train_lstm_adder.py", *TINY_RUN, "--epochs", 4, "--output",
                        folder / "m.h5", "--resume", *options)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("train_lstm_adder.py: error: --resume: ")
    assert "Traceback" not in result.stderr and "Epoch" not in result.stdout
    assert listing(folder) == before
    return lines[0]


@pytest.mark.parametrize("options,message", [
    (("--seed", 2), "seed 1 there, 2 here"),
    (("--recurrent-activation", "sigmoid"), "recurrent_activation"),
    (("--engine", "keras"), "engine 'jax' there, 'keras' here"),
    (("--learning-rate", 0.01), "learning_rate"),
])
def test_a_foreign_checkpoint_is_refused(checkpointed, options, message):
    line = resume_fails(checkpointed, *options)
    assert "belongs to another run" in line and message in line


def test_a_damaged_checkpoint_is_refused(tmp_path, checkpointed):
    whole = (checkpointed / "m.checkpoint.npz").read_bytes()
    for name, content in (("cut", whole[:len(whole) // 2]), ("noise", os.urandom(5000)),
                          ("empty", b"")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "m.checkpoint.npz").write_bytes(content)
        assert "not a readable checkpoint" in resume_fails(folder)


def test_a_checkpoint_of_something_else_is_refused(tmp_path):
    np.savez(tmp_path / "m.checkpoint.npz", meta=np.array(json.dumps({"format": "other"})))
    assert "not an lstm-adder checkpoint" in resume_fails(tmp_path)
    np.savez(tmp_path / "m.checkpoint.npz", weights=np.array([object()], dtype=object))
    assert "not a readable checkpoint" in resume_fails(tmp_path)  # pickled data is never loaded


def test_resume_without_a_checkpoint_and_beyond_epochs(tmp_path, checkpointed):
    assert "no checkpoint at" in resume_fails(tmp_path)
    line = resume_fails(checkpointed, "--epochs", 1)
    assert "is at epoch 2, beyond --epochs 1" in line


def test_checkpoint_and_record_are_not_private(tmp_path):
    # Both are written through mkstemp (owner-only); they get what open() would give.
    umask = os.umask(0o022)
    try:
        train(tmp_path / "run.h5", "--epochs", 1, "--checkpoint-every", 1)
    finally:
        os.umask(umask)
    for name in ("run.checkpoint.npz", "run.json"):
        assert os.stat(tmp_path / name).st_mode & 0o777 == 0o644
