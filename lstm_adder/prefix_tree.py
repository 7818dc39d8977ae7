"""The network's outputs with every distinct prefix of the input bits computed once.

The LSTM reads a pair's 2*bits input bits one at a time, so its state after d bits depends on
those d bits only: at depth d there are at most 2**d different states, however many pairs share
them. Over all 65,536 pairs of 8-bit operands that is 2 + 4 + ... + 65,536 = 131,070 cell
steps instead of the 16 x 65,536 = 1,048,576 of a plain pass: an eighth of the work. Each state
is computed from its parent's exactly as the LSTM would compute it (Keras's gate layout i, f,
c, o, and its order of sums, x.kernel + h.recurrent, then + bias), so the outputs equal a plain
forward pass to float rounding; only the sharing changes.

Why numpy, and why in chunks, measured here on 2 cores over all 65,536 pairs with the model
loaded (evaluate.py --exhaustive, "forward pass"): Keras's own ops (TensorFlow, eagerly) took
0.7-0.9 s once warm but about 2 s on a process's first call, JAX 0.7 s plus 2 s of compiling,
and numpy over whole levels about 1 s. Most of that was memory being touched for the first
time: the last level alone is 65,536 x 1,024 pre-activations, 256 MB, and every fresh array
a step made paid again. So the distinct pairs go through CHUNK_PAIRS at a time, each chunk its
own small tree (its few shared upper nodes recomputed: a few hundred rows), every array is a
slice of buffers allocated once per call, and the activations work in place: 0.71 s, of which
the recurrent products (34 GFLOP) are about 0.25 s. Chunks of 1,024 and 2,048 pairs measured
the same, 4,096 0.91 s, 8,192 1.10 s.
"""

import numpy as np

from lstm_adder.model_file import Network

CHUNK_PAIRS = 2048


def _keras2_hard_sigmoid(x):  # clip(0.2x + 0.5, 0, 1)
    x *= np.float32(0.2)
    x += np.float32(0.5)
    np.clip(x, 0.0, 1.0, out=x)


def _keras3_hard_sigmoid(x):  # relu6(x + 3) / 6
    x += np.float32(3.0)
    np.clip(x, 0.0, 6.0, out=x)
    x /= np.float32(6.0)


def _sigmoid(x):  # 1 / (1 + exp(-x))
    np.negative(x, out=x)
    np.exp(x, out=x)
    x += np.float32(1.0)
    np.reciprocal(x, out=x)


# The activations a model file may name (model_file.ACTIVATIONS), as numpy functions that work
# in place (the buffers are reused, see the module's docstring). tests/test_prefix_tree.py
# checks each against the Keras function of its name.
NUMPY_ACTIVATIONS = {
    "keras2_hard_sigmoid": _keras2_hard_sigmoid,
    "hard_sigmoid": _keras3_hard_sigmoid,
    "sigmoid": _sigmoid,
    "tanh": lambda x: np.tanh(x, out=x),
    "relu": lambda x: np.maximum(x, np.float32(0.0), out=x),
    "linear": lambda x: None,
}


def outputs(
    network: Network,
    first_operand: np.ndarray,
    second_operand: np.ndarray,
    bits: int,
    chunk_pairs: int = CHUNK_PAIRS,
) -> np.ndarray:
    """The raw outputs of `network` (a model_file.Network: its arrays and activations' names)
    for these pairs, (N, bits+1) float64; `chunk_pairs` distinct pairs at a time (the outputs
    do not depend on it)."""
    functions = [
        NUMPY_ACTIVATIONS[name]
        for name in (network.recurrent_activation, network.activation, network.output_activation)
    ]
    weights = [np.asarray(w, dtype=np.float32) for w in network.weights]
    codes = (np.asarray(first_operand, dtype=np.int64) << bits) | np.asarray(
        second_operand, dtype=np.int64
    )
    distinct, which = np.unique(codes, return_inverse=True)
    units = weights[1].shape[0]
    rows = min(chunk_pairs, len(distinct))
    buffers = {
        "product": np.empty((rows, 4 * units), np.float32),
        "table": np.empty((2 * rows, 4 * units), np.float32),
        "z": np.empty((rows, 4 * units), np.float32),
        "h": [np.empty((rows, units), np.float32) for _ in range(2)],
        "c": [np.empty((rows, units), np.float32) for _ in range(2)],
    }
    found = np.empty((len(distinct), weights[4].shape[0]), dtype=np.float32)
    for start in range(0, len(distinct), chunk_pairs):
        chunk = distinct[start : start + chunk_pairs]
        found[start : start + len(chunk)] = _tree_outputs(
            weights, functions, chunk, 2 * bits, buffers
        )
    return found[which.reshape(-1)].astype(np.float64)


def _tree_outputs(weights, functions, codes, steps, buffers):
    """Outputs for sorted distinct input codes (each `steps` bits, first bit most significant)."""
    (kernel, recurrent, bias, dense_kernel, dense_bias), (gate, squash, output) = weights, functions
    units = recurrent.shape[0]
    # The root: the state before any bit, h = c = 0.
    h, c = buffers["h"][0][:1], buffers["c"][0][:1]
    h[:] = 0.0
    c[:] = 0.0
    nodes = np.zeros(1, dtype=np.int64)
    for depth in range(1, steps + 1):
        children = np.unique(codes >> (steps - depth))
        parents = np.searchsorted(nodes, children >> 1)
        parent_count, count = len(nodes), len(children)
        # One recurrent product per parent; each child adds its input bit's term and the bias.
        # Keras sums x.kernel + h.recurrent, then the bias: for x = 0 that is h.recurrent + bias.
        product = np.matmul(h, recurrent, out=buffers["product"][:parent_count])
        table = buffers["table"][: 2 * parent_count]
        np.add(product, bias, out=table[:parent_count])
        np.add(product, kernel[0], out=table[parent_count:])
        table[parent_count:] += bias
        z = np.take(
            table, parents + (children & 1) * parent_count, axis=0, out=buffers["z"][:count]
        )
        gate(z[:, : 2 * units])  # input and forget gates
        gate(z[:, 3 * units :])  # output gate
        squash(z[:, 2 * units : 3 * units])  # candidate
        input_gate, forget_gate = z[:, :units], z[:, units : 2 * units]
        candidate, output_gate = z[:, 2 * units : 3 * units], z[:, 3 * units :]
        # c = f * c_parent + i * g, then h = o * tanh(c), into the buffers the parents are not in.
        slot = depth % 2
        c = np.take(c, parents, axis=0, out=buffers["c"][slot][:count])
        c *= forget_gate
        input_gate *= candidate
        c += input_gate
        h = buffers["h"][slot][:count]
        np.copyto(h, c)
        squash(h)
        h *= output_gate
        nodes = children
    result = h @ dense_kernel
    result += dense_bias
    output(result)
    return result
