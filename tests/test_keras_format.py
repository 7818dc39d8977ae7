"""The .keras format: read as safely as .h5, with the same figures for the same weights."""

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

from lstm_adder import data, model, model_file

from conftest import TINY, evaluate_fails, listing, run_script


def blog_network_in_plain_keras(bits):
    """The blog's network written with Keras 3 alone, as a reader retraining it today would."""
    keras = model.keras
    net = keras.Sequential(
        [
            keras.Input((2 * bits, 1)),
            keras.layers.LSTM(256),
            keras.layers.Dropout(0.2),
            keras.layers.Dense(bits + 1, activation="relu"),
        ]
    )
    net.compile(loss="mean_squared_error", optimizer="adam")
    rng = np.random.RandomState(4)
    net.set_weights([w + rng.normal(0, 0.2, w.shape).astype(np.float32) for w in net.get_weights()])
    return net


def test_a_plain_keras_file_gives_load_models_predictions(tmp_path):
    bits = 4
    path = tmp_path / "blog.keras"
    blog_network_in_plain_keras(bits).save(path)
    # The test's own file, so load_model is safe here (its optimizer is not built: Keras warns).
    with pytest.warns(UserWarning, match="Skipping variable loading for optimizer"):
        reference = model.keras.models.load_model(path)
    ours, info = model.read_model_file(str(path))
    assert info["recurrent_activation"] == "sigmoid" and info["bits"] == bits
    X, _ = data.encode_pairs(*data.all_pairs(bits), bits)
    expected = reference.predict(X, verbose=0)
    assert expected.std() > 0.05
    assert np.abs(ours.predict(X, verbose=0) - expected).max() < 1e-6


def figures_of(path):
    result = run_script("evaluate.py", "--model", path, "--exhaustive", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    for key in ("model", "predict_seconds", "plot"):
        figures.pop(key)
    return figures


def test_same_weights_same_figures_in_both_formats(tmp_path, tiny_model):
    net, _ = model.read_model_file(str(tiny_model))
    net.save(tmp_path / "same.keras")
    net.save(tmp_path / "same.h5")
    assert figures_of(tmp_path / "same.keras") == figures_of(tmp_path / "same.h5")


def test_training_saves_keras_with_its_record(tmp_path):
    for name in ("m.h5", "m.keras"):
        folder = tmp_path / name.replace(".", "_")
        result = run_script("train_lstm_adder.py", *TINY, "--seed", 5, "--output", folder / name)
        assert result.returncode == 0, result.stderr
        assert sorted(p.name for p in folder.iterdir()) == sorted([name, "m.json"])
    assert zipfile.is_zipfile(tmp_path / "m_keras" / "m.keras")
    keras_figures = figures_of(tmp_path / "m_keras" / "m.keras")
    assert keras_figures["seen"]["pairs"] > 0  # the record beside it was read
    assert keras_figures == figures_of(tmp_path / "m_h5" / "m.h5")


# ----------------------------------------------------------------------------------------------
# Hostile and broken archives: one line, exit 2, nothing extracted, no code run.


@pytest.fixture(scope="module")
def archive_parts(tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "good.keras"
    model.build_model(4).save(path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_archive(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return path


def refused(capsys, tmp_path, members):
    path = write_archive(tmp_path / "hostile.keras", members)
    before = listing(tmp_path)
    line = evaluate_fails(capsys, path)
    assert listing(tmp_path) == before
    return line


def test_a_zip_that_is_not_a_keras_archive(tmp_path, capsys):
    assert "not a Keras model (.keras)" in refused(capsys, tmp_path, {"notes.txt": b"hello"})


@pytest.mark.parametrize("name", ["../../x", "/etc/x", "a/../../x", "..\\x"])
def test_member_paths_outside_the_archive(tmp_path, capsys, archive_parts, name):
    line = refused(capsys, tmp_path, {**archive_parts, name: b"x"})
    assert "points outside the archive" in line
    assert not (tmp_path.parent / "x").exists()


def test_a_zip_bomb_is_refused_before_it_is_read(tmp_path, capsys, archive_parts):
    bomb = b"\0" * (40 << 20)  # 40 MB of zeros, a few kB compressed
    line = refused(capsys, tmp_path, {**archive_parts, "model.weights.h5": bomb})
    assert "claims 41,943,040 bytes" in line


def test_a_member_that_claims_less_than_it_holds_is_refused(tmp_path, capsys, archive_parts):
    path = write_archive(
        tmp_path / "liar.keras", {**archive_parts, "metadata.json": b" " * 200_000}
    )
    content = bytearray(path.read_bytes())
    claimed = (200_000).to_bytes(4, "little")
    assert content.count(claimed) == 2  # the local and the central header
    path.write_bytes(bytes(content).replace(claimed, (100).to_bytes(4, "little")))
    line = evaluate_fails(capsys, path)
    assert "damaged" in line and "CRC" in line  # zipfile read only the 100 bytes it claims


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_a_truncated_archive(tmp_path, capsys, archive_parts, keep):
    whole = write_archive(tmp_path / "whole.keras", archive_parts).read_bytes()
    path = tmp_path / "cut.keras"
    path.write_bytes(whole[: int(len(whole) * keep)])
    line = evaluate_fails(capsys, path)
    assert "damaged" in line or "truncated" in line or "neither" in line


def edited(archive_parts, edit):
    config = json.loads(archive_parts["config.json"])
    edit(config)
    return {**archive_parts, "config.json": json.dumps(config).encode()}


def test_a_lambda_layer_in_the_config_never_runs(tmp_path, capsys):
    marker = tmp_path / "marker"
    keras = model.keras

    def plant(x):
        open(marker, "w").close()
        return x

    net = keras.Sequential(
        [
            keras.Input((8, 1)),
            keras.layers.LSTM(256),
            keras.layers.Dropout(0.2),
            keras.layers.Lambda(lambda x: plant(x)),
            keras.layers.Dense(5, activation="relu"),
        ]
    )
    path = tmp_path / "lambda.keras"
    net.save(path)
    marker.unlink()  # building the model ran it once, here, on purpose
    assert "Lambda" in evaluate_fails(capsys, path)
    assert not marker.exists()


def test_an_unknown_activation_is_never_looked_up(tmp_path, capsys, archive_parts):
    def poison(config):
        config["config"]["layers"][1]["config"]["recurrent_activation"] = {
            "module": "os",
            "class_name": "function",
            "config": "system",
            "registered_name": "function",
        }

    line = refused(capsys, tmp_path, edited(archive_parts, poison))
    assert "'system' is not one this tool knows" in line


def test_weights_that_do_not_fit(tmp_path, capsys, archive_parts):
    with h5py.File(io.BytesIO(archive_parts["model.weights.h5"]), "r") as h5:
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as copy:
            for name in (
                "layers/lstm/cell/vars/0",
                "layers/lstm/cell/vars/1",
                "layers/lstm/cell/vars/2",
                "layers/dense/vars/1",
            ):
                copy[name] = h5[name][()]
            copy["layers/dense/vars/0"] = np.zeros((7, 5), np.float32)
    line = refused(capsys, tmp_path, {**archive_parts, "model.weights.h5": buffer.getvalue()})
    assert "do not fit" in line
    text = refused(capsys, tmp_path, {"config.json": b"{}", "model.weights.h5": b"junk"})
    assert "not the LSTM adder" in text


def test_non_finite_weights_are_refused_in_a_keras_archive(tmp_path, capsys, archive_parts):
    with h5py.File(io.BytesIO(archive_parts["model.weights.h5"]), "r") as h5:
        buffer = io.BytesIO()
        with h5py.File(buffer, "w") as copy:
            for name in model_file.ARCHIVE_WEIGHT_PATHS:
                copy[name] = h5[name][()]
            recurrent = copy["layers/lstm/cell/vars/1"]
            values = recurrent[()]
            values[3, 7], values[5, 9] = np.nan, np.inf
            recurrent[...] = values
    line = refused(capsys, tmp_path, {**archive_parts, "model.weights.h5": buffer.getvalue()})
    assert "layers/lstm/cell/vars/1 holds 2 values that are not finite numbers" in line
