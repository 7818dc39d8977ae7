"""The prefix tree: every pair's outputs as a plain forward pass gives them, an eighth of the
work."""

import numpy as np
import pytest

from lstm_adder import data, model, prefix_tree, scoring

from keras2_files import tf_keras_adder


@pytest.mark.parametrize("name", sorted(prefix_tree.NUMPY_ACTIVATIONS))
def test_numpy_activations_equal_the_keras_functions_of_their_names(name):
    keras_function = model.KERAS_ACTIVATIONS[name]
    assert keras_function.__name__ == name  # how network_of finds it
    x = np.linspace(-8, 8, 4001, dtype=np.float32).reshape(1, -1)
    in_place = x.copy()
    prefix_tree.NUMPY_ACTIVATIONS[name](in_place)
    expected = np.asarray(keras_function(model.keras.ops.convert_to_tensor(x)))
    assert np.abs(in_place - expected).max() < 1e-6


def plain_forward(net, first, second, bits):
    X, _ = data.encode_pairs(first, second, bits)
    return np.asarray(net.predict(X, batch_size=4096, verbose=0), dtype=np.float64)


def random_weights(net, seed, scale):
    """Weights large enough that gates saturate and every output differs from pair to pair."""
    rng = np.random.RandomState(seed)
    net.set_weights([rng.normal(0, scale, w.shape).astype(np.float32) for w in net.get_weights()])
    return net


@pytest.mark.parametrize("recurrent_activation", ["keras2_hard_sigmoid", "sigmoid"])
def test_every_pair_equals_a_plain_forward_pass(recurrent_activation):
    bits = 5
    net = random_weights(model.build_model(bits, recurrent_activation), seed=1, scale=0.3)
    first, second = data.all_pairs(bits)
    ours = prefix_tree.outputs(model.network_of(net), first, second, bits)
    plain = plain_forward(net, first, second, bits)
    assert plain.std() > 0.05
    assert np.abs(ours - plain).max() < 1e-5
    mine, theirs = (scoring.score(o, first, second, bits) for o in (ours, plain))
    assert (mine["sums_right"], mine["bits_right"]) == (theirs["sums_right"], theirs["bits_right"])


def test_a_keras_2_file_equals_tf_keras_on_every_pair(tmp_path):
    bits = 6
    reference = tf_keras_adder(bits, seed=2)
    path = tmp_path / "keras2.h5"
    reference.save(path)
    net, info = model.read_model_file(str(path))
    assert info["recurrent_activation"] == "keras2_hard_sigmoid"
    first, second = data.all_pairs(bits)
    X, _ = data.encode_pairs(first, second, bits)
    expected = np.asarray(reference.predict(X, batch_size=4096, verbose=0), dtype=np.float64)
    ours = scoring.predict(model.network_of(net), first, second, bits)
    assert np.abs(ours - expected).max() < 1e-5


def test_samples_with_repeats_in_any_order_and_any_chunk_size():
    bits = 4
    net = random_weights(model.build_model(bits), seed=3, scale=0.3)
    rng = np.random.RandomState(0)
    first, second = data.draw_pairs(700, bits, rng)  # 700 draws of 256 pairs: many repeats
    plain = plain_forward(net, first, second, bits)
    network = model.network_of(net)
    for chunk in (1, 7, 64, 4096):
        ours = prefix_tree.outputs(network, first, second, bits, chunk_pairs=chunk)
        assert ours.shape == (700, bits + 1)
        assert np.abs(ours - plain).max() < 1e-5
    order = rng.permutation(700)
    shuffled = prefix_tree.outputs(network, first[order], second[order], bits)
    assert np.abs(shuffled - plain[order]).max() < 1e-5
