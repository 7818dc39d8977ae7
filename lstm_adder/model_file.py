"""The one way this project reads a model file: into arrays, never into code.

`read` takes an .h5 file (Keras 2 or 3) or a .keras archive (a zip of config.json,
metadata.json and model.weights.h5, read in memory, each member's size checked), reads its JSON
description as plain data, checks that it is this adder and nothing else, and returns the five
weight arrays with the names of its three activations. So no code stored in a file (a Lambda
layer's bytecode, a custom object looked up by name, a pickle) can ever run, and no Keras is
needed: evaluate.py works on the arrays (prefix_tree.py), and model.read_model_file builds the
Keras network from them. Keras 2 files, which Keras 3's `load_model` rejects (`time_major`) or
misreads (`'hard_sigmoid'`), keep the meaning their writer gave them.
"""

import io
import json
import os
import zipfile
import zlib
from typing import NamedTuple

import h5py
import numpy as np

from lstm_adder.blog import UNITS

# Keras's order of the adder's arrays; their roles in a file.
WEIGHT_NAMES = ("LSTM kernel", "LSTM recurrent kernel", "LSTM bias", "Dense kernel", "Dense bias")
# The only activations a file may name; anything else is refused. 'keras2_hard_sigmoid' is
# Keras 2's clip(0.2x + 0.5, 0, 1), the blog's gate; 'hard_sigmoid' is Keras 3's relu6(x + 3) / 6.
ACTIVATIONS = ("keras2_hard_sigmoid", "hard_sigmoid", "sigmoid", "tanh", "relu", "linear")


class Network(NamedTuple):
    """The adder as a file holds it: weights in Keras's order (WEIGHT_NAMES) and the names of
    the gates' (recurrent) activation, the cell's activation and the output's."""

    weights: list
    recurrent_activation: str
    activation: str
    output_activation: str


class ModelFileError(Exception):
    """A file that is not a readable LSTM adder; the message says what is wrong with it."""


def read(path: str | os.PathLike) -> tuple[Network, dict]:
    """The LSTM adder stored in the .h5 or .keras file at `path`, as arrays: (network, info).

    `network` holds the five weight arrays and the three activations' names; `info` describes
    the file (bits, keras_version, recurrent_activation, ...). Raises ModelFileError with a
    one-line reason. Nothing in the file is run, and Keras is not needed.
    """
    if str(path).endswith(".json") and os.path.isfile(path):
        beside = [os.path.splitext(str(path))[0] + extension for extension in (".h5", ".keras")]
        model = next((name for name in beside if os.path.isfile(name)), None)
        raise ModelFileError(
            "is a run record (JSON), not a model file"
            + (f": it belongs to {model}" if model else "")
        )
    if not os.path.exists(path):
        raise ModelFileError(f"no such file ({os.path.abspath(path)})")
    if os.path.isdir(path):
        raise ModelFileError("is a directory, not a model file")
    if os.path.getsize(path) == 0:
        raise ModelFileError("is empty (0 bytes)")
    if zipfile.is_zipfile(path):
        description, weights = _read_keras_archive(path)
    elif h5py.is_hdf5(path):
        try:
            with h5py.File(path, "r") as h5:
                description = _read_description(h5)
                weights = _read_weights(h5, description)
        except ModelFileError:
            raise
        except (OSError, KeyError, ValueError, TypeError, AttributeError, RuntimeError) as error:
            raise ModelFileError(
                f"cannot be read (damaged or truncated .h5 file): {error}"
            ) from None
    else:
        raise ModelFileError(
            "is neither an HDF5 (.h5) file nor a Keras (.keras) archive: it is "
            "damaged, truncated or something else"
        )
    _check_shapes(weights, description["bits"])
    network = Network(
        weights,
        description["recurrent_activation"],
        description["activation"],
        description["output_activation"],
    )
    return network, description


def _check_shapes(weights, bits):
    """The five arrays of an LSTM(UNITS) -> Dense(bits + 1) adder, in Keras's order."""
    expected = [(1, 4 * UNITS), (UNITS, 4 * UNITS), (4 * UNITS,), (UNITS, bits + 1), (bits + 1,)]
    for name, array, shape in zip(WEIGHT_NAMES, weights, expected):
        if array.shape != shape:
            raise ModelFileError(
                f"its weights do not fit the adder: {name} has shape "
                f"{array.shape}, expected {shape}"
            )


def _text(value):
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _read_description(h5):
    """The .h5 file's JSON model description, parsed and checked."""
    if "model_config" not in h5.attrs:
        raise ModelFileError("holds no Keras model description (a weights-only file?)")
    return _describe(
        _text(h5.attrs["model_config"]), _text(h5.attrs.get("keras_version", "unknown"))
    )


# ----------------------------------------------------------------------------------------------
# The .keras archive (Keras 3's own format): a zip of config.json, metadata.json and
# model.weights.h5. Read in memory, member by member, sizes checked, nothing extracted to disk.

ARCHIVE_MEMBER_LIMITS = {
    "config.json": 1 << 20,
    "metadata.json": 1 << 16,
    "model.weights.h5": 1 << 24,
}  # the 8-bit adder's weights: about 1 MB
ARCHIVE_MEMBER_COUNT_LIMIT = 16
# Where Keras 3 keeps each layer's arrays in model.weights.h5 (named after the layer's class).
ARCHIVE_WEIGHT_PATHS = (
    "layers/lstm/cell/vars/0",
    "layers/lstm/cell/vars/1",
    "layers/lstm/cell/vars/2",
    "layers/dense/vars/0",
    "layers/dense/vars/1",
)


def _read_keras_archive(path):
    """(description, weights) from a .keras archive, checked as the .h5 reader checks."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = _member_names(archive.infolist())
            missing = [name for name in ("config.json", "model.weights.h5") if name not in names]
            if missing:
                raise ModelFileError(
                    f"is a zip archive but not a Keras model (.keras): it has "
                    f"no {' and no '.join(missing)}"
                )
            contents = {
                name: _read_member(archive, name) for name in ARCHIVE_MEMBER_LIMITS if name in names
            }
    except ModelFileError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        zlib.error,
    ) as error:
        raise ModelFileError(
            f"cannot be read (damaged or truncated .keras archive): {error}"
        ) from None
    description = _describe(
        contents["config.json"].decode("utf-8", "replace"), _archive_keras_version(contents)
    )
    try:
        with h5py.File(io.BytesIO(contents["model.weights.h5"]), "r") as h5:
            weights = [_float_array(h5, name, name) for name in ARCHIVE_WEIGHT_PATHS]
    except ModelFileError:
        raise
    except (OSError, KeyError, ValueError, TypeError, RuntimeError) as error:
        raise ModelFileError(f"its model.weights.h5 cannot be read: {error}") from None
    return description, weights


def _member_names(members):
    """The names of a zip archive's members, refused when there are more than an adder's file
    holds or when one points outside the archive."""
    if len(members) > ARCHIVE_MEMBER_COUNT_LIMIT:
        raise ModelFileError(
            f"is a zip archive of {len(members)} members, not a Keras model (.keras)"
        )
    for member in members:
        name = member.filename
        if name.startswith(("/", "\\")) or "\\" in name or ":" in name or ".." in name.split("/"):
            raise ModelFileError(
                f"holds a member path {name!r} that points outside the archive: refused"
            )
    return {member.filename for member in members}


def _archive_keras_version(contents):
    """The Keras version a .keras archive's metadata.json names ("unknown" without one)."""
    if "metadata.json" not in contents:
        return "unknown"
    try:
        return str(json.loads(contents["metadata.json"]).get("keras_version", "unknown"))
    except (ValueError, AttributeError):
        raise ModelFileError("its metadata.json is not a JSON object") from None


def _read_member(archive, name):
    """A member's bytes, refused when it claims to be larger than its limit. A zip bomb that
    claims less than it holds gets no further: zipfile returns no more than the claimed size,
    and the member then fails its CRC check (BadZipFile: refused as damaged)."""
    limit = ARCHIVE_MEMBER_LIMITS[name]
    member = archive.getinfo(name)
    if member.file_size > limit:
        raise ModelFileError(
            f"its {name} claims {member.file_size:,} bytes, more than an adder's {limit:,}: refused"
        )
    with archive.open(member) as file:
        return file.read()


def _describe(config_text, keras_version):
    """Parse and check a JSON model description (plain data: nothing is instantiated)."""
    input_layers, layers = _layers_of(config_text)
    lstm, _, dense = (layer.get("config", {}) for layer in layers)
    bits = _bits_of(input_layers, lstm, dense)
    for flag in ("return_sequences", "go_backwards", "stateful", "return_state"):
        if lstm.get(flag):
            raise ModelFileError(f"is not the LSTM adder: its LSTM has {flag}=True")
    keras_2 = keras_version.split(".")[0] in ("1", "2")
    return {
        "bits": bits,
        "keras_version": keras_version,
        "layer_names": [str(layer.get("config", {}).get("name")) for layer in layers],
        "recurrent_activation": _activation(lstm, "recurrent_activation", "sigmoid", keras_2),
        "activation": _activation(lstm, "activation", "tanh", keras_2),
        "output_activation": _activation(dense, "activation", "linear", keras_2),
    }


def _layers_of(config_text):
    """(input layers, the other layers) of a Sequential model's description, which must be the
    adder's LSTM -> Dropout -> Dense."""
    try:
        config = json.loads(config_text)
    except ValueError:
        raise ModelFileError("its model description is not valid JSON") from None
    if not isinstance(config, dict) or config.get("class_name") != "Sequential":
        kind = config.get("class_name") if isinstance(config, dict) else type(config).__name__
        raise ModelFileError(f"is not the LSTM adder: a {kind} model, expected a Sequential one")
    layers = config.get("config")
    if isinstance(layers, dict):  # Keras >= 2.2: {"name": ..., "layers": [...]}
        layers = layers.get("layers")
    if not isinstance(layers, list) or not all(isinstance(layer, dict) for layer in layers):
        raise ModelFileError("its model description has no list of layers")
    input_layers = [layer for layer in layers if layer.get("class_name") == "InputLayer"]
    layers = [layer for layer in layers if layer.get("class_name") != "InputLayer"]
    kinds = [str(layer.get("class_name")) for layer in layers]
    if kinds != ["LSTM", "Dropout", "Dense"]:
        unsafe = [kind for kind in kinds if kind not in ("LSTM", "Dropout", "Dense")]
        why = f" (a {unsafe[0]} layer, which this tool never builds or runs)" if unsafe else ""
        raise ModelFileError(
            f"is not the LSTM adder: its layers are {' -> '.join(kinds) or 'none'}{why}; "
            "expected LSTM -> Dropout -> Dense"
        )
    return input_layers, layers


def _bits_of(input_layers, lstm, dense):
    """The operands' bits, from the input shape, checked against the layers' sizes."""
    # Keras 3 keeps the input shape on an InputLayer; Keras 2 on the first layer.
    shape_holder = input_layers[0].get("config", {}) if input_layers else lstm
    input_shape = shape_holder.get("batch_shape") or shape_holder.get("batch_input_shape")
    if (
        not isinstance(input_shape, list)
        or len(input_shape) != 3
        or input_shape[2] != 1
        or not isinstance(input_shape[1], int)
        or input_shape[1] % 2
        or input_shape[1] < 2
    ):
        raise ModelFileError(
            f"is not the LSTM adder: input shape {input_shape}, expected (None, 2*bits, 1)"
        )
    bits = input_shape[1] // 2
    if lstm.get("units") != UNITS or dense.get("units") != bits + 1:
        raise ModelFileError(
            f"is not the LSTM adder: LSTM({lstm.get('units')}) -> Dense({dense.get('units')}), "
            f"expected LSTM({UNITS}) -> Dense({bits + 1}) for {bits}-bit operands"
        )
    return bits


def _activation(layer, key, default, keras_2):
    """A layer's activation by the name this project gives it (one of ACTIVATIONS)."""
    name = layer.get(key, default)
    if isinstance(name, dict):  # Keras 3 records a registered function by its full name
        name = name.get("config")
    name = str(name).rsplit(">", 1)[-1]
    if name not in ACTIVATIONS:
        raise ModelFileError(
            f"is not the LSTM adder: {key} {name!r} is not one this tool "
            f"knows ({', '.join(sorted(ACTIVATIONS))})"
        )
    # In a file written by Keras 2 (2.2.4, tf.keras before TF 2.16, tf_keras),
    # 'hard_sigmoid' is the 0.2-slope function: what the file's author trained and saw.
    return "keras2_hard_sigmoid" if keras_2 and name == "hard_sigmoid" else name


def _read_weights(h5, description):
    """The weight arrays, in Keras's order, from the file's `model_weights` group."""
    root = h5["model_weights"] if "model_weights" in h5 else h5
    arrays = []
    lstm_name, _, dense_name = description["layer_names"]
    for layer_name, wanted in (
        (lstm_name, ("kernel", "recurrent_kernel", "bias")),
        (dense_name, ("kernel", "bias")),
    ):
        group = root[layer_name]
        names = [_text(name) for name in group.attrs["weight_names"]]
        name_of = {name.rsplit("/", 1)[-1].split(":")[0]: name for name in names}
        for role in wanted:
            if role not in name_of:
                raise ModelFileError(f"layer {layer_name!r} has no {role} weights")
            arrays.append(_float_array(group, name_of[role], f"layer {layer_name!r}: {role}"))
    return arrays


def _float_array(group, name, what):
    """The float array `name` in an h5 group, and only that: anything else is refused, and so
    is an array holding NaN or infinity (a damaged file's, which would print nan% figures)."""
    dataset = group.get(name)
    if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind != "f":
        raise ModelFileError(f"{what} is not an array of numbers")
    array = np.asarray(dataset[()], dtype=np.float32)
    bad = int(np.count_nonzero(~np.isfinite(array)))
    if bad:
        raise ModelFileError(
            f"{what} holds {bad:,} values that are not finite numbers (NaN or "
            "infinity): the file is damaged"
        )
    return array
