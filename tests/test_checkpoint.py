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
from lstm_adder.config import TrainingConfig

from conftest import ROOT, listing, run_script

TINY_RUN = ("--bits", 4, "--data-size", 300, "--batch-size", 64)


def weights_of(path):
    arrays = []
    with h5py.File(path) as h5:
        h5["model_weights"].visititems(
            lambda name, item: arrays.append(item[()]) if isinstance(item, h5py.Dataset) else None
        )
    return arrays


def same_weights(first, second):
    first, second = weights_of(first), weights_of(second)
    assert len(first) == len(second) == 5  # the LSTM's 3 arrays and the Dense layer's 2
    return all(np.array_equal(a, b) for a, b in zip(first, second))


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
    meta, arrays = checkpoint.load(str(saved), TrainingConfig(**part["config"]).identity())
    assert meta["epoch"] == 6  # saved again at the end
    assert {"weight_1", "moment_1", "velocity_1", "iteration", "rng_keys"} <= set(arrays)


# A training process that sends itself SIGTERM as soon as its checkpoint of epoch 4 is saved: the
# signal arrives at a known moment, whatever the machine's speed.
TERMINATED_AFTER_EPOCH_4 = """
import os, runpy, signal, sys
sys.path.insert(0, {root!r})
from lstm_adder import checkpoint
save = checkpoint.save
def save_then_terminate(path, identity, epoch, *rest, **options):
    save(path, identity, epoch, *rest, **options)
    if epoch == 4:
        os.kill(os.getpid(), signal.SIGTERM)
checkpoint.save = save_then_terminate
sys.argv = {argv!r}
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_a_run_killed_in_the_middle_resumes_to_the_same_weights(tmp_path):
    epochs = ("--epochs", 8, "--checkpoint-every", 2)
    train(tmp_path / "never_killed.h5", *epochs)
    output = tmp_path / "killed.h5"
    argv = [
        os.path.join(ROOT, "train_lstm_adder.py"),
        *map(str, TINY_RUN),
        *map(str, epochs),
        "--output",
        str(output),
    ]
    process = subprocess.run(
        [sys.executable, "-c", TERMINATED_AFTER_EPOCH_4.format(root=ROOT, argv=argv)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert process.returncode == 128 + signal.SIGTERM, process.stderr
    assert "--resume" in process.stderr.strip().splitlines()[-1]
    assert not output.exists()
    never_killed = json.loads((tmp_path / "never_killed.json").read_text())
    identity = TrainingConfig(**never_killed["config"]).identity()
    stopped_at, _ = checkpoint.load(str(tmp_path / "killed.checkpoint.npz"), identity)
    assert stopped_at["epoch"] == 4
    train(output, *epochs, "--resume")
    assert same_weights(tmp_path / "never_killed.h5", output)


def test_keras_engine_resumes_to_the_uninterrupted_run(tmp_path):
    # model.fit from initial_epoch with the weights, Adam's state, dropout's generator and (Keras
    # on JAX, as in this suite) numpy's generator that shuffles: the uninterrupted run, bit for
    # bit. A resume from fresh weights, a fresh Adam or another shuffle would differ.
    train(tmp_path / "whole.h5", "--epochs", 3, "--engine", "keras")
    output = tmp_path / "k.h5"
    train(output, "--epochs", 2, "--checkpoint-every", 1, "--engine", "keras")
    result = train(output, "--epochs", 3, "--resume", "--engine", "keras")
    assert "Epoch 3/3" in result.stdout and "Epoch 1/3" not in result.stdout
    record = json.loads(output.with_suffix(".json").read_text())
    whole = json.loads((tmp_path / "whole.json").read_text())
    assert record["resumed_from_epoch"] == 2
    assert record["loss_per_epoch"] == whole["loss_per_epoch"]
    assert same_weights(tmp_path / "whole.h5", output)


@pytest.fixture(scope="module")
def checkpointed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checkpointed")
    train(folder / "m.h5", "--epochs", 2, "--checkpoint-every", 2)
    return folder


def resume_fails(folder, *options):
    """--resume exits 2 with one line, and no file in `folder` changes."""
    before = listing(folder)
    result = run_script(
        "train_lstm_adder.py",
        *TINY_RUN,
        "--epochs",
        4,
        "--output",
        folder / "m.h5",
        "--resume",
        *options,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("train_lstm_adder.py: error: --resume: ")
    assert "Traceback" not in result.stderr and "Epoch" not in result.stdout
    assert listing(folder) == before
    return lines[0]


@pytest.mark.parametrize(
    "options,message",
    [
        (("--seed", 2), "seed 1 there, 2 here"),
        (("--recurrent-activation", "sigmoid"), "recurrent_activation"),
        (("--engine", "keras"), "engine 'jax' there, 'keras' here"),
        (("--learning-rate", 0.01), "learning_rate"),
    ],
)
def test_a_foreign_checkpoint_is_refused(checkpointed, options, message):
    line = resume_fails(checkpointed, *options)
    assert "belongs to another run" in line and message in line


def test_a_damaged_checkpoint_is_refused(tmp_path, checkpointed):
    whole = (checkpointed / "m.checkpoint.npz").read_bytes()
    for name, content in (
        ("cut", whole[: len(whole) // 2]),
        ("noise", os.urandom(5000)),
        ("empty", b""),
    ):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "m.checkpoint.npz").write_bytes(content)
        assert "not a readable checkpoint" in resume_fails(folder)


def test_a_checkpoint_of_something_else_is_refused(tmp_path):
    np.savez(tmp_path / "m.checkpoint.npz", meta=np.array(json.dumps({"format": "other"})))
    assert "not an lstm-adder checkpoint" in resume_fails(tmp_path)


class CreatesAFile:
    """Unpickled, it creates the file at `path`: proof that a pickle was loaded."""

    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return open, (self.path, "w")


def test_pickled_data_in_a_checkpoint_is_never_loaded(tmp_path, checkpointed):
    with np.load(checkpointed / "m.checkpoint.npz") as stored:
        arrays = {name: stored[name] for name in stored.files}
    marker = tmp_path / "unpickled"
    arrays["weight_0"] = np.array([CreatesAFile(str(marker))], dtype=object)
    folder = tmp_path / "hostile"
    folder.mkdir()
    np.savez(folder / "m.checkpoint.npz", **arrays)  # a valid checkpoint but for one array
    assert "not a readable checkpoint" in resume_fails(folder)
    assert not marker.exists()
    # The control: numpy allowed to unpickle it does run its code.
    with np.load(folder / "m.checkpoint.npz", allow_pickle=True) as stored:
        stored["weight_0"]
    assert marker.exists()


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


def fresh_process_train(folder, *options, environment=None):
    """train_lstm_adder.py in a process of its own, without the suite's KERAS_BACKEND."""
    environment = {
        key: value for key, value in (environment or os.environ).items() if key != "KERAS_BACKEND"
    }
    result = subprocess.run(
        [
            sys.executable,
            os.path.join(ROOT, "train_lstm_adder.py"),
            *map(str, TINY_RUN),
            *map(str, options),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_the_keras_engine_on_tensorflow_resumes_from_the_saved_weights(tmp_path):
    # model.fit on TensorFlow, the blog's backend: a resume with no epoch left to train saves
    # exactly the weights it restored, those of the uninterrupted run.
    fresh_process_train(
        tmp_path, "--engine", "keras", "--epochs", 2, "--checkpoint-every", 2, "--output", "run.h5"
    )
    os.replace(tmp_path / "run.h5", tmp_path / "whole.h5")
    record = json.loads((tmp_path / "run.json").read_text())
    assert record["versions"]["backend"] == "tensorflow" and record["seed"] == 1
    assert record["backend_chosen_by"] == "--engine keras"
    result = fresh_process_train(
        tmp_path, "--engine", "keras", "--epochs", 2, "--resume", "--output", "run.h5"
    )
    assert "epoch 2 of 2 done" in result.stdout
    assert same_weights(tmp_path / "whole.h5", tmp_path / "run.h5")


def test_the_weights_do_not_depend_on_jaxs_compilation_cache(tmp_path):
    cache = tmp_path / "cache"
    for name, setting in (("cold", cache), ("warm", cache), ("off", "")):
        fresh_process_train(
            tmp_path,
            "--epochs",
            2,
            "--output",
            f"{name}.h5",
            environment=dict(os.environ, LSTM_ADDER_JAX_CACHE=str(setting)),
        )
    assert os.listdir(cache)  # the cold run filled it, the warm one read it
    assert same_weights(tmp_path / "cold.h5", tmp_path / "warm.h5")
    assert same_weights(tmp_path / "cold.h5", tmp_path / "off.h5")
