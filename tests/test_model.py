"""The network: the blog's architecture, its Keras 2 recurrent activation, and loading files."""

import numpy as np
import pytest

from lstm_adder import blog, data, model, scoring

from keras2_files import tf_keras_adder, write_keras_2_2_4_file


def test_parameter_counts_are_the_blogs():
    net = model.build_model(8)
    assert [layer.count_params() for layer in net.layers] == [264192, 0, 2313]
    assert net.input_shape == (None, 16, 1) and net.output_shape == (None, 9)


def test_keras2_hard_sigmoid_values():
    x = np.array([-10.0, -2.5, -1.0, 0.0, 1.0, 2.5, 10.0], dtype=np.float32)
    expected = np.clip(0.2 * x + 0.5, 0, 1)  # Keras 2: 0, 0, 0.3, 0.5, 0.7, 1, 1
    assert np.allclose(np.asarray(model.keras2_hard_sigmoid(x)), expected, atol=1e-7)
    assert np.allclose(expected, [0, 0, 0.3, 0.5, 0.7, 1, 1])
    # Keras 3's own hard_sigmoid is another function (slope 1/6): the reason for ours.
    keras3 = np.asarray(model.keras.activations.hard_sigmoid(x))
    assert abs(keras3[4] - 0.7) > 0.02


def test_default_lstm_uses_the_keras2_hard_sigmoid():
    lstm = model.build_model(8).layers[0]
    assert lstm.cell.recurrent_activation is model.keras2_hard_sigmoid
    assert (
        model.build_model(8, "sigmoid").layers[0].cell.recurrent_activation
        is model.keras.activations.sigmoid
    )


def test_cli_choices_match_the_model():
    # The names live in three places (the CLI before TensorFlow's import, the Keras network,
    # the JAX engine's own functions); they must agree.
    from lstm_adder import jax_lstm

    assert set(blog.RECURRENT_ACTIVATION_CHOICES) <= set(model.KERAS_ACTIVATIONS)
    assert set(jax_lstm.RECURRENT_ACTIVATIONS) == set(blog.RECURRENT_ACTIVATION_CHOICES)
    assert set(blog.OUTPUT_ACTIVATION_CHOICES) <= set(model.KERAS_ACTIVATIONS)
    assert set(jax_lstm.OUTPUT_ACTIVATIONS) == set(blog.OUTPUT_ACTIVATION_CHOICES)
    # And what a model file may name: the reader, the Keras network and the numpy evaluation.
    from lstm_adder import model_file, prefix_tree

    assert (
        set(model_file.ACTIVATIONS)
        == set(model.KERAS_ACTIVATIONS)
        == set(prefix_tree.NUMPY_ACTIVATIONS)
    )


def all_predictions(net, bits):
    first, second = data.all_pairs(bits)
    X, _ = data.encode_pairs(first, second, bits)
    return np.asarray(net.predict(X, batch_size=4096, verbose=0))


@pytest.mark.parametrize("recurrent_activation", ["hard_sigmoid", "sigmoid"])
def test_tf_keras_file_gives_tf_keras_predictions(tmp_path, recurrent_activation):
    bits = 4
    reference = tf_keras_adder(bits, recurrent_activation)
    path = tmp_path / "keras2.h5"
    reference.save(path)
    net, info = model.read_model_file(str(path))
    assert info["bits"] == bits and info["keras_version"].startswith("2.")
    expected = all_predictions(reference, bits)
    assert expected.std() > 0.05  # the outputs vary, so the comparison means something
    assert np.abs(all_predictions(net, bits) - expected).max() < 1e-5


def test_tf_keras_hard_sigmoid_is_not_keras3s(tmp_path):
    # The same weights read as Keras 3's 'hard_sigmoid' would predict something else.
    reference = tf_keras_adder(4)
    path = tmp_path / "keras2.h5"
    reference.save(path)
    net, info = model.read_model_file(str(path))
    assert info["recurrent_activation"] == "keras2_hard_sigmoid"
    wrong = model.build_model(4, "hard_sigmoid")  # Keras 3's
    wrong.set_weights(net.get_weights())
    assert np.abs(all_predictions(wrong, 4) - all_predictions(reference, 4)).max() > 1e-3


def test_keras_2_2_4_file_loads(tmp_path):
    reference = tf_keras_adder(4, seed=3)
    path = tmp_path / "LSTM_Operation.h5"
    write_keras_2_2_4_file(path, reference, 4)
    net, info = model.read_model_file(str(path))
    assert info["keras_version"] == "2.2.4" and info["bits"] == 4
    assert np.abs(all_predictions(net, 4) - all_predictions(reference, 4)).max() < 1e-5


def test_keras3_file_round_trip(tmp_path):
    net = model.build_model(3)
    path = tmp_path / "k3.h5"
    net.save(path)
    loaded, info = model.read_model_file(str(path))
    del info["layer_names"]  # Keras numbers them (lstm_3) after other models in this process
    assert info == {
        "bits": 3,
        "keras_version": model.keras.__version__,
        "recurrent_activation": "keras2_hard_sigmoid",
        "activation": "tanh",
        "output_activation": "relu",
    }
    assert np.array_equal(all_predictions(loaded, 3), all_predictions(net, 3))


def test_exhaustive_mse_of_tf_keras_file_equals_tf_keras(tmp_path):
    bits = 8  # all 65,536 pairs
    reference = tf_keras_adder(bits, seed=5)
    path = tmp_path / "keras2.h5"
    reference.save(path)
    net, _ = model.read_model_file(str(path))
    first, second = data.all_pairs(bits)
    X, Y = data.encode_pairs(first, second, bits)
    tf_keras_mse = reference.evaluate(X, Y, batch_size=4096, verbose=0)
    ours = scoring.score(
        scoring.predict(model.network_of(net), first, second, bits), first, second, bits
    )
    assert abs(ours["mse"] - tf_keras_mse) < 1e-6
