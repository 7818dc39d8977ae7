"""The blog's network in Keras: built in code, from the blog's settings or from a model file.

`build_model` is the blog's `Sequential` of LSTM(256) -> Dropout(0.2) -> Dense(relu), with the
one default the blog's Keras 2.2.4 had that Keras 3 does not (see `keras2_hard_sigmoid`).
`read_model_file` builds the same network from any file model_file.py reads, never handing
the file to `keras.models.load_model`. Importing this module also registers
`keras2_hard_sigmoid` with Keras, so that Keras's own `load_model` can open a file of ours
that you trust (docs/model-files.md).
"""

import sys
from typing import Any

import numpy as np

from lstm_adder import model_file, quiet
from lstm_adder.blog import (
    BLOGS_ACTIVATION,
    BLOGS_OUTPUT_ACTIVATION,
    DROPOUT,
    UNITS,
)

# Imported from a user's own code, Keras (on TensorFlow, its default backend) would print its
# start-up lines; the scripts import Keras first, quietly or with --verbose, as they were asked.
with quiet.tensorflow_startup(verbose="keras" in sys.modules):
    import keras


@keras.saving.register_keras_serializable(package="lstm_adder", name="keras2_hard_sigmoid")
def keras2_hard_sigmoid(x: Any) -> Any:
    """Keras 2's hard sigmoid, clip(0.2*x + 0.5, 0, 1): the recurrent activation of the blog's LSTM.

    Keras 2.2.4's LSTM defaulted to recurrent_activation='hard_sigmoid' (2.3.0 changed it to
    'sigmoid'). Keras 3's own 'hard_sigmoid' is relu6(x + 3) / 6, slope 1/6 rather than 0.2,
    so neither Keras 3's default nor its 'hard_sigmoid' is the blog's LSTM.
    """
    return keras.ops.clip(0.2 * x + 0.5, 0.0, 1.0)


# Every activation a model file may name (model_file.ACTIVATIONS), as Keras functions.
KERAS_ACTIVATIONS = {
    "keras2_hard_sigmoid": keras2_hard_sigmoid,
    "hard_sigmoid": keras.activations.hard_sigmoid,  # Keras 3's: relu6(x + 3) / 6
    "sigmoid": keras.activations.sigmoid,
    "tanh": keras.activations.tanh,
    "relu": keras.activations.relu,
    "linear": keras.activations.linear,
}


def build_model(
    bits: int = 8,
    recurrent_activation: str = BLOGS_ACTIVATION,
    activation: str = "tanh",
    output_activation: str = BLOGS_OUTPUT_ACTIVATION,
    learning_rate: float = 0.001,
) -> Any:
    """The blog's network for `bits`-bit operands: input (2*bits, 1), output bits+1. The
    activations by their names in KERAS_ACTIVATIONS."""
    model = keras.Sequential(
        [
            keras.Input(shape=(2 * bits, 1)),
            keras.layers.LSTM(
                UNITS,
                activation=KERAS_ACTIVATIONS[activation],
                recurrent_activation=KERAS_ACTIVATIONS[recurrent_activation],
            ),
            keras.layers.Dropout(DROPOUT),
            keras.layers.Dense(bits + 1, activation=KERAS_ACTIVATIONS[output_activation]),
        ]
    )
    # The blog: loss=losses.mean_squared_error, optimizer='adam'. Keras 3's Adam defaults are
    # Keras 2.2.4's (lr 0.001, betas 0.9/0.999, epsilon 1e-7, no amsgrad).
    model.compile(
        loss="mean_squared_error", optimizer=keras.optimizers.Adam(learning_rate=learning_rate)
    )
    return model


def read_model_file(path: str) -> tuple[Any, dict]:
    """The Keras network stored in the .h5 or .keras file at `path`, safely: (model, info).

    The file is read as arrays by model_file.read (nothing in it runs, whatever it holds), and
    the network is built here in code and given those arrays: a compiled Keras 3 model, for
    your own code (`model.read_model_file("models/LSTM_Operation.h5")[0].predict(X)`).
    Raises model_file.ModelFileError with a one-line reason.
    """
    network, info = model_file.read(path)
    net = build_model(
        info["bits"], network.recurrent_activation, network.activation, network.output_activation
    )
    net.set_weights(network.weights)
    return net, info


def network_of(net: Any) -> model_file.Network:
    """A Keras adder as the arrays and names evaluate.py computes with (model_file.Network)."""
    lstm, dense = net.layers[0], net.layers[2]
    return model_file.Network(
        [np.asarray(w, dtype=np.float32) for w in net.get_weights()],
        lstm.cell.recurrent_activation.__name__,
        lstm.cell.activation.__name__,
        dense.activation.__name__,
    )
