"""Keras 2 .h5 files, written the way Keras 2 users' files are, for the loading tests."""

import json

import h5py
import numpy as np


def tf_keras_adder(bits, recurrent_activation="hard_sigmoid", seed=0):
    """A tf_keras (Keras 2) adder with random weights, biased so its outputs are not all 0."""
    import tf_keras

    tf_keras.utils.set_random_seed(seed)
    net = tf_keras.Sequential(
        [
            tf_keras.layers.LSTM(
                256, input_shape=(2 * bits, 1), recurrent_activation=recurrent_activation
            ),
            tf_keras.layers.Dropout(0.2),
            tf_keras.layers.Dense(bits + 1, activation="relu"),
        ]
    )
    rng = np.random.RandomState(seed)
    kernel, recurrent, bias, dense_kernel, dense_bias = net.get_weights()
    # Larger gate inputs than the initialisation gives, so that the hard sigmoid's clipping and
    # its 0.2 slope both matter: a Keras 3 'hard_sigmoid' or a sigmoid would give other outputs.
    net.set_weights(
        [
            kernel * 4,
            recurrent * 2,
            rng.normal(0, 2, bias.shape).astype("float32"),
            dense_kernel,
            np.full_like(dense_bias, 0.5),
        ]
    )
    net.compile(loss="mse", optimizer="adam")
    return net


def write_keras_2_2_4_file(path, tf_keras_net, bits):
    """The same network as the blog's own Keras 2.2.4 would have saved it.

    Keras 2.2.4's layout: attributes stored as bytes, layers named lstm_1 / dropout_1 / dense_1,
    weights named 'lstm_1/kernel:0', the input shape on the LSTM's config, no InputLayer.
    """
    kernel, recurrent, bias, dense_kernel, dense_bias = tf_keras_net.get_weights()
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "sequential_1",
            "layers": [
                {
                    "class_name": "LSTM",
                    "config": {
                        "name": "lstm_1",
                        "trainable": True,
                        "batch_input_shape": [None, 2 * bits, 1],
                        "dtype": "float32",
                        "return_sequences": False,
                        "return_state": False,
                        "go_backwards": False,
                        "stateful": False,
                        "unroll": False,
                        "units": 256,
                        "activation": "tanh",
                        "recurrent_activation": "hard_sigmoid",
                        "use_bias": True,
                        "unit_forget_bias": True,
                        "dropout": 0.0,
                        "recurrent_dropout": 0.0,
                        "implementation": 1,
                    },
                },
                {
                    "class_name": "Dropout",
                    "config": {
                        "name": "dropout_1",
                        "trainable": True,
                        "rate": 0.2,
                        "noise_shape": None,
                        "seed": None,
                    },
                },
                {
                    "class_name": "Dense",
                    "config": {
                        "name": "dense_1",
                        "trainable": True,
                        "units": bits + 1,
                        "activation": "relu",
                        "use_bias": True,
                    },
                },
            ],
        },
    }
    with h5py.File(path, "w") as h5:
        h5.attrs["keras_version"] = b"2.2.4"
        h5.attrs["backend"] = b"tensorflow"
        h5.attrs["model_config"] = json.dumps(config).encode("utf8")
        weights = h5.create_group("model_weights")
        weights.attrs["layer_names"] = [b"lstm_1", b"dropout_1", b"dense_1"]
        weights.attrs["backend"] = b"tensorflow"
        weights.attrs["keras_version"] = b"2.2.4"
        for layer, arrays in (
            ("lstm_1", {"kernel:0": kernel, "recurrent_kernel:0": recurrent, "bias:0": bias}),
            ("dropout_1", {}),
            ("dense_1", {"kernel:0": dense_kernel, "bias:0": dense_bias}),
        ):
            group = weights.create_group(layer)
            group.attrs["weight_names"] = [f"{layer}/{name}".encode() for name in arrays]
            for name, array in arrays.items():
                group.create_dataset(f"{layer}/{name}", data=array)
