"""Hostile and broken input: one clear line and exit 2, nothing lost, no code from a file runs."""

import json
import os
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from lstm_adder import model, record

import train_lstm_adder
from conftest import ROOT, TINY, evaluate_fails, listing, run_script

# ----------------------------------------------------------------------------------------------
# Broken and foreign model files.


def test_missing_file(tmp_path, capsys):
    assert "no such file" in evaluate_fails(capsys, tmp_path / "nothing.h5")


def test_directory(tmp_path, capsys):
    assert "is a directory" in evaluate_fails(capsys, tmp_path)


def test_empty_file(tmp_path, capsys):
    path = tmp_path / "empty.h5"
    path.write_bytes(b"")
    assert "is empty" in evaluate_fails(capsys, path)


def test_random_bytes(tmp_path, capsys):
    path = tmp_path / "random.h5"
    path.write_bytes(np.random.RandomState(0).bytes(5000))
    before = listing(tmp_path)
    assert "neither an HDF5 (.h5) file nor a Keras (.keras) archive" in evaluate_fails(capsys, path)
    assert listing(tmp_path) == before


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_h5(tmp_path, capsys, tiny_model, keep):
    whole = tiny_model.read_bytes()
    path = tmp_path / "truncated.h5"
    path.write_bytes(whole[: int(len(whole) * keep)])
    before = listing(tmp_path)
    line = evaluate_fails(capsys, path)
    assert "truncated" in line or "damaged" in line
    assert listing(tmp_path) == before


def save_keras3(path, layers, bits=4):
    net = model.keras.Sequential([model.keras.Input((2 * bits, 1)), *layers])
    net.save(path)
    return path


def test_dense_only_model(tmp_path, capsys):
    path = save_keras3(
        tmp_path / "dense.h5", [model.keras.layers.Flatten(), model.keras.layers.Dense(5)]
    )
    assert "is not the LSTM adder" in evaluate_fails(capsys, path)


def test_model_with_extra_layers(tmp_path, capsys):
    layers = model.keras.layers
    path = save_keras3(
        tmp_path / "extra.h5",
        [
            layers.LSTM(256),
            layers.Dropout(0.2),
            layers.Dense(5, activation="relu"),
            layers.Dense(5),
        ],
    )
    line = evaluate_fails(capsys, path)
    assert "LSTM -> Dropout -> Dense -> Dense" in line


def test_wrong_sizes(tmp_path, capsys):
    layers = model.keras.layers
    path = save_keras3(
        tmp_path / "small.h5",
        [layers.LSTM(32), layers.Dropout(0.2), layers.Dense(5, activation="relu")],
    )
    assert "LSTM(32)" in evaluate_fails(capsys, path)


def test_lambda_layer_never_runs(tmp_path, capsys):
    marker = tmp_path / "marker"
    layers = model.keras.layers

    def plant(x):
        open(marker, "w").close()
        return x

    path = save_keras3(
        tmp_path / "lambda.h5",
        [
            layers.LSTM(256),
            layers.Dropout(0.2),
            layers.Lambda(lambda x: plant(x)),
            layers.Dense(5, activation="relu"),
        ],
    )
    marker.unlink()  # building the model ran it once, here, on purpose
    line = evaluate_fails(capsys, path)
    assert "Lambda" in line
    assert not marker.exists()


def test_lambda_file_is_really_hostile(tmp_path):
    """The file above does run code for a loader that allows it: the test is not vacuous."""
    path, marker = tmp_path / "lambda.h5", tmp_path / "marker"
    code = (
        "import keras, sys\n"
        "net = keras.Sequential([keras.Input((8, 1)), keras.layers.Lambda(\n"
        f"    lambda x: (open({str(marker)!r}, 'w').close(), x)[1])])\n"
        "net.save(sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", code, path], check=True, capture_output=True)
    marker.unlink()
    model.keras.models.load_model(path, safe_mode=False)
    assert marker.exists()


def edit_config(path, edit):
    with h5py.File(path, "r+") as h5:
        config = json.loads(h5.attrs["model_config"])
        edit(config)
        h5.attrs["model_config"] = json.dumps(config)


def test_unknown_layer_class_is_refused(tmp_path, capsys, tiny_model):
    path = tmp_path / "evil.h5"
    path.write_bytes(tiny_model.read_bytes())
    edit_config(path, lambda c: c["config"]["layers"][2].update(class_name="my_module>Evil"))
    assert "Evil" in evaluate_fails(capsys, path)


def test_unknown_activation_is_never_looked_up(tmp_path, capsys, tiny_model):
    path = tmp_path / "evil.h5"
    path.write_bytes(tiny_model.read_bytes())
    edit_config(
        path,
        lambda c: c["config"]["layers"][1]["config"].update(
            recurrent_activation={
                "module": "os",
                "class_name": "function",
                "config": "system",
                "registered_name": "function",
            }
        ),
    )
    assert "'system' is not one this tool knows" in evaluate_fails(capsys, path)


def test_non_finite_weights_are_refused(tmp_path, capsys, tiny_model):
    # A damaged file can hold NaN in a weight array: it used to be evaluated into nan% figures.
    path = tmp_path / "nan.h5"
    path.write_bytes(tiny_model.read_bytes())
    with h5py.File(path, "r+") as h5:
        found = []
        h5["model_weights"].visititems(
            lambda name, item: found.append(item) if isinstance(item, h5py.Dataset) else None
        )
        dense_bias = next(item for item in found if item.shape == (5,))
        dense_bias[2] = np.nan
    line = evaluate_fails(capsys, path)
    assert "bias holds 1 values that are not finite numbers (NaN or infinity)" in line


def test_weights_only_file(tmp_path, capsys):
    net = model.build_model(4)
    path = tmp_path / "adder.weights.h5"
    net.save_weights(path)
    assert "no Keras model description" in evaluate_fails(capsys, path)


def test_the_loader_never_calls_keras_loading_or_unpickling(monkeypatch, tiny_model):
    import pickle

    def forbidden(*args, **kwargs):
        raise AssertionError("a model file must never reach this")

    for owner, name in (
        (model.keras.models, "load_model"),
        (model.keras.saving, "load_model"),
        (model.keras.saving, "deserialize_keras_object"),
        (model.keras.layers, "deserialize"),
        (pickle, "loads"),
        (pickle, "load"),
    ):
        monkeypatch.setattr(owner, name, forbidden)
    net, info = model.read_model_file(str(tiny_model))
    assert info["bits"] == 4


# ----------------------------------------------------------------------------------------------
# Bad options.


@pytest.mark.parametrize(
    "options,message",
    [
        (["--samples", "0"], "not positive"),
        (["--samples", "-5"], "not positive"),
        (["--samples", "many"], "not a whole number"),
        (["--seed", "x"], "not a whole number"),
        (["--exhaustive", "--samples", "5000"], "--exhaustive (and --plot) evaluates every pair"),
        (["--plot", "x.png", "--seed", "3"], "use one or the other"),
    ],
)
def test_evaluate_bad_options(options, message, tmp_path):
    result = run_script("evaluate.py", *options)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "options,refused",
    [
        (["--plot", "x.png"], "--plot has"),
        (["--exhaustive"], "--exhaustive has"),
        (["--samples", "5"], "--samples has"),
        (["--exhaustive", "--samples", "5", "--seed", "2"], "--exhaustive, --samples and --seed"),
    ],
)
def test_evaluate_add_refuses_what_it_would_drop(options, refused, tiny_model, tmp_path):
    result = run_script("evaluate.py", "--model", tiny_model, "--add", "3", "4", *options)
    assert result.returncode == 2 and result.stdout == ""
    error = [line for line in result.stderr.splitlines() if "error:" in line]
    assert len(error) == 1 and refused in error[0] and "nothing to do" in error[0]
    assert not (tmp_path / "x.png").exists() and not os.path.exists("x.png")


@pytest.mark.parametrize(
    "operands,message",
    [
        (["16", "1"], "16 does not fit in the model's 4 bits (0..15)"),
        (["3", "-1"], "-1 does not fit in the model's 4 bits"),
        (["3", "three"], "not a whole number"),
    ],
)
def test_evaluate_add_out_of_range(operands, message, tiny_model):
    result = run_script("evaluate.py", "--model", tiny_model, "--add", *operands)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "options,message",
    [
        (["--epochs", "0"], "not positive"),
        (["--epochs", "-3"], "not positive"),
        (["--epochs", "ten"], "not a whole number"),
        (["--data-size", "0"], "not positive"),
        (["--batch-size", "0"], "not positive"),
        (["--batch-size", "1.5"], "not a whole number"),
        (["--bits", "0"], "not positive"),
        (["--bits", "17"], "outside 1..16"),
        (["--recurrent-activation", "relu"], "invalid choice"),
        (["--engine", "torch"], "invalid choice"),
        (["--learning-rate", "nan"], "not a positive number"),
        (["--output", "model.pt"], "must end in .h5 (the blog's format) or .keras"),
    ],
)
def test_train_bad_options(options, message, tmp_path):
    output = tmp_path / "out" / "m.h5"
    result = run_script("train_lstm_adder.py", "--output", output, *options)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_train_unwritable_output_is_refused_before_training(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    started = time.monotonic()
    result = run_script("train_lstm_adder.py", *TINY, "--output", blocker / "m.h5")
    assert result.returncode == 2
    assert "cannot write there" in result.stderr and "Traceback" not in result.stderr
    assert "Epoch" not in result.stdout
    assert time.monotonic() - started < 60  # refused at once, not after training
    assert listing(tmp_path) == {"a_file": b"not a folder"}


def test_train_creates_missing_output_folder(tmp_path):
    output = tmp_path / "new" / "deeper" / "m.h5"
    result = run_script("train_lstm_adder.py", *TINY, "--output", output)
    assert result.returncode == 0, result.stderr
    assert output.exists() and output.with_suffix(".json").exists()
    assert sorted(os.listdir(output.parent)) == ["m.h5", "m.json"]
    # and says so, in one line, before training
    assert f"Created the folder {output.parent} for --output {output}\n" in result.stdout
    assert result.stdout.index("Created the folder") < result.stdout.index("Epoch 1/")


def test_nan_loss_stops_and_saves_nothing(tmp_path):
    output = tmp_path / "m.h5"
    result = run_script(
        "train_lstm_adder.py",
        "--bits",
        2,
        "--epochs",
        5,
        "--data-size",
        200,
        "--learning-rate",
        "1e30",
        "--output",
        output,
    )
    assert result.returncode == 1
    assert "the loss became" in result.stderr and "nothing was saved" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------------------------
# Interrupted training and saving: the previous model survives byte for byte.


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_signal_during_training_keeps_the_old_model(tmp_path, tiny_model, signum):
    output = tmp_path / "LSTM_Operation.h5"
    output.write_bytes(tiny_model.read_bytes())
    output.with_suffix(".json").write_bytes(tiny_model.with_suffix(".json").read_bytes())
    before = listing(tmp_path)
    process = subprocess.Popen(
        [
            sys.executable,
            os.path.join(ROOT, "train_lstm_adder.py"),
            "--bits",
            "4",
            "--epochs",
            "1000",
            "--data-size",
            "300",
            "--output",
            output,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    for line in process.stdout:  # wait until training is under way
        if line.startswith("Epoch 2/"):
            break
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 128 + signum
    last = stderr.strip().splitlines()[-1]
    assert "interrupted" in last and "nothing was saved" in last
    assert "Traceback" not in stderr
    assert listing(tmp_path) == before


def test_interrupt_while_saving_keeps_the_old_model(tmp_path):
    output = tmp_path / "LSTM_Operation.h5"
    output.write_bytes(b"the previous model")
    output.with_suffix(".json").write_bytes(b"{}")
    before = listing(tmp_path)
    net = model.build_model(2)
    real_save = net.save

    def save_then_interrupt(path):
        real_save(path)  # the temporary file is complete on disk...
        raise KeyboardInterrupt  # ...when Ctrl-C arrives

    net.save = save_then_interrupt
    with pytest.raises(KeyboardInterrupt):
        train_lstm_adder.save_atomically(net, {"options": {}}, str(output))
    assert listing(tmp_path) == before


def test_save_replaces_both_files(tmp_path):
    output = tmp_path / "LSTM_Operation.h5"
    output.write_bytes(b"the previous model")
    net = model.build_model(2)
    record_path, late_signal = train_lstm_adder.save_atomically(net, {"options": {}}, str(output))
    assert late_signal is None
    assert sorted(os.listdir(tmp_path)) == ["LSTM_Operation.h5", "LSTM_Operation.json"]
    saved = json.loads(open(record_path).read())
    assert saved["model_sha256"] == record.sha256_of(output)
    model.read_model_file(str(output))


# ----------------------------------------------------------------------------------------------
# Sizes that do not fit, and stopping an evaluation.


@pytest.mark.parametrize(
    "script,option", [("train_lstm_adder.py", "--data-size"), ("evaluate.py", "--samples")]
)
def test_a_size_that_does_not_fit_is_refused_at_once(tmp_path, script, option):
    started = time.monotonic()
    result = run_script(
        script,
        option,
        2_000_000_000,
        *(["--output", tmp_path / "m.h5"] if script.startswith("train") else []),
    )
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert f"{option} 2,000,000,000 needs about" in last and "GiB is available now" in last
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert time.monotonic() - started < 60  # before any work
    assert listing(tmp_path) == {}


# evaluate.py as a user starts it, but Ctrl-C arrives as its forward pass starts (the process
# sends itself SIGINT there): in the middle of an evaluation, whatever the machine's speed. Its
# SIGINT starts ignored, as in a shell's background job: the script installs its own handler.
INTERRUPTED_EVALUATION = """
import os, runpy, signal, sys
sys.path.insert(0, {root!r})
from lstm_adder import scoring
predict = scoring.predict
def interrupted_predict(*args, **options):
    os.kill(os.getpid(), signal.SIGINT)
    return predict(*args, **options)
scoring.predict = interrupted_predict
signal.signal(signal.SIGINT, signal.SIG_IGN)
sys.argv = [{script!r}, "--samples", "100000"]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_ctrl_c_stops_an_evaluation_with_one_line():
    code = INTERRUPTED_EVALUATION.format(root=ROOT, script=os.path.join(ROOT, "evaluate.py"))
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 128 + signal.SIGINT, process.stderr
    assert process.stderr.strip().splitlines()[-1] == (
        "evaluate.py: interrupted (SIGINT); nothing was written"
    )
    assert "Traceback" not in process.stderr and process.stdout == ""


INTERRUPTED_PICTURE = """
import os, runpy, signal, sys
import matplotlib.figure
savefig = matplotlib.figure.Figure.savefig
def interrupted_savefig(self, *args, **options):
    savefig(self, *args, **options)  # the temporary picture is complete...
    os.kill(os.getpid(), signal.SIGINT)  # ...when Ctrl-C arrives
matplotlib.figure.Figure.savefig = interrupted_savefig
sys.argv = [{script!r}, "--plot", {picture!r}]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def test_ctrl_c_while_drawing_writes_no_picture(tmp_path):
    picture = tmp_path / "sums.png"
    code = INTERRUPTED_PICTURE.format(
        script=os.path.join(ROOT, "evaluate.py"), picture=str(picture)
    )
    process = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert process.returncode == 128 + signal.SIGINT, process.stderr
    assert process.stderr.strip().splitlines()[-1] == (
        "evaluate.py: interrupted (SIGINT); nothing was written"
    )
    assert os.listdir(tmp_path) == []  # neither the picture nor its temporary file
