"""The adder's training loop in JAX: the same math as Keras's `model.fit`, run faster on a CPU.

Why: on a small CPU, Keras's LSTM (TensorFlow backend) spends its training time in the 16
small matrix products of each step, (128 x 256) . (256 x 1024), which TensorFlow runs at about
a third of what the machine can do, plus a per-step loop overhead. XLA, through JAX, compiles the
whole training step (forward, backward and Adam) into one program and runs those products
faster; the LSTM's backward pass is written by hand (`_lstm_backward`) so that the weight
gradients are one large product instead of 16 small ones. What is computed does not change:

- the network: LSTM(256) with Keras's gate layout (i, f, c, o), tanh, and the chosen recurrent
  activation; Dropout(0.2) on the LSTM's output; Dense with the blog's relu (or a sigmoid);
- the loss: mean squared error, averaged over the batch as Keras does;
- Adam exactly as Keras 3 updates it, with the defaults of the blog's Keras 2.2.4;
- the data, batch size, shuffling each epoch, and the initial weights, which come from the
  Keras model itself.

The weights go back into that Keras model, which saves the usual .h5 file, so evaluate.py
cannot tell which path trained a file. tests/test_jax_lstm.py checks the loss and every
gradient against Keras's own LSTM, and the hand-written backward pass against JAX's automatic
differentiation in float64.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from lstm_adder import backend

# Full float32 products everywhere: on a GPU, JAX would otherwise use TF32 and change the math.
jax.config.update("jax_default_matmul_precision", "highest")
backend.use_jax_compilation_cache()  # the compiled training steps too, with any backend

BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # Keras's Adam defaults (Keras 2.2.4's too)


def device() -> str:
    """The device the training step runs on, as the run record names it ("cpu (cpu)", or a
    GPU's platform and kind)."""
    first = jax.devices()[0]
    return f"{first.platform} ({first.device_kind})"


def keras2_hard_sigmoid(z: jax.Array) -> jax.Array:
    """Keras 2's hard sigmoid, clip(0.2*z + 0.5, 0, 1)."""
    return jnp.clip(0.2 * z + 0.5, 0.0, 1.0)


RECURRENT_ACTIVATIONS = {"keras2_hard_sigmoid": keras2_hard_sigmoid, "sigmoid": jax.nn.sigmoid}
OUTPUT_ACTIVATIONS = {"relu": jax.nn.relu, "sigmoid": jax.nn.sigmoid}

# Each gate's derivative, written from the gate's output a: what the backward pass keeps.
GATE_SLOPES = {
    "keras2_hard_sigmoid": lambda a: jnp.where((a > 0) & (a < 1), 0.2, 0.0).astype(a.dtype),
    "sigmoid": lambda a: a * (1 - a),
}


def _cell(z, c, gate, units):
    """One LSTM step from its pre-activations z (B, 4u): the new h and c, and the gate values
    the backward pass needs. Keras's gate layout: i, f, c, o."""
    i, f, o = gate(z[:, :units]), gate(z[:, units : 2 * units]), gate(z[:, 3 * units :])
    g = jnp.tanh(z[:, 2 * units : 3 * units])
    c_next = f * c + i * g
    tanh_c = jnp.tanh(c_next)
    return o * tanh_c, c_next, (i, f, g, o, tanh_c)


def tree_depth(batch: int, steps: int) -> int:
    """How many steps run on the tree of distinct prefixes rather than on the batch.

    After t input bits the LSTM's state is one of at most 2**t values, whatever the batch. So
    while 2**t is smaller than the batch, every possible prefix is computed once (2, 4, ..., 64
    rows for a batch of 128: fixed shapes, not the data's) and the samples then pick theirs.
    At least one step runs per sample.
    """
    depth = 1
    while depth + 1 < steps and 2 ** (depth + 1) < batch:
        depth += 1
    return depth


def _lstm_forward(kernel, recurrent, bias, X, recurrent_activation):
    """The LSTM over X (B, T, 1): the last hidden state, and what the backward pass needs.

    Steps 1..D (D = tree_depth) run on every possible prefix; step D+1 picks each sample's
    prefix state (its recurrent product still on the 2**D prefixes); steps D+2..T run per
    sample. The sums are Keras's, x.kernel + h.recurrent, then + bias; only the sharing differs.
    """
    gate = RECURRENT_ACTIVATIONS[recurrent_activation]
    units = recurrent.shape[0]
    depth = tree_depth(X.shape[0], X.shape[1])

    # The tree: depth t holds prefix p (t bits, first bit most significant) at row p; its
    # parent is row p // 2 of depth t - 1, and its last bit is p % 2. Depth 1 starts from
    # h = c = 0, where the recurrent product adds zeros: it is skipped.
    bits = jnp.asarray([[0.0], [1.0]], X.dtype)
    zeros = jnp.zeros((2, units), X.dtype)
    h, c, values = _cell(bits * kernel[0] + bias, zeros, gate, units)
    levels = [(None, zeros, values)]
    for level in range(2, depth + 1):
        last_bits = jnp.tile(bits, (2 ** (level - 1), 1))
        product = jnp.repeat(h @ recurrent, 2, axis=0)
        c_before = jnp.repeat(c, 2, axis=0)
        parent_h = h
        h, c, values = _cell(last_bits * kernel[0] + product + bias, c_before, gate, units)
        levels.append((parent_h, c_before, values))

    # Step D+1: each sample's product is its prefix's row of the tree's.
    inputs = jnp.swapaxes(X, 0, 1)  # (T, B, 1)
    place_values = 2.0 ** jnp.arange(depth - 1, -1, -1, dtype=X.dtype)
    prefix = jnp.round(X[:, :depth, 0] @ place_values).astype(jnp.int32)
    tree_h = h
    c_before = c[prefix]
    h, c, bridge = _cell(
        inputs[depth] * kernel[0] + (tree_h @ recurrent)[prefix] + bias, c_before, gate, units
    )

    def step(state, x_t):
        h, c = state
        h_next, c_next, values = _cell(x_t * kernel[0] + h @ recurrent + bias, c, gate, units)
        return (h_next, c_next), (h, c) + values

    (h, _), steps = jax.lax.scan(step, (h, c), inputs[depth + 1 :])
    return h, (levels, tree_h, prefix, c_before, bridge, steps, inputs, recurrent)


def _gate_gradients(d_h, d_c, c_before, values, slope):
    """Through one step backwards: the gradient of its pre-activations z, and of its c."""
    i, f, g, o, tanh_c = values
    d_c = d_c + d_h * o * (1 - tanh_c * tanh_c)
    d_z = jnp.concatenate(
        [
            d_c * g * slope(i),
            d_c * c_before * slope(f),
            d_c * i * (1 - g * g),
            d_h * tanh_c * slope(o),
        ],
        axis=1,
    )
    return d_z, d_c


def _lstm_backward(recurrent_activation, saved, d_last_h):
    """Gradients of the three LSTM weights, written out by hand for speed.

    Automatic differentiation would compute the recurrent kernel's gradient as one small
    product per step inside the sequential loop, and could not share work between samples.
    Here the per-sample loop carries only what must be sequential (dz and dh, one
    (B x 4u) . (4u x u) product a step); at step D+1 the samples' gradients are summed onto
    their prefixes (a segment sum over the 2**D prefixes, used or not) and the tree is walked
    back on 2**D, ..., 2 rows, each level's gradients summed onto its parents before they are
    multiplied; the recurrent kernel's gradient is then two products, one over every
    per-sample step and one over the tree. Same sums, grouped differently:
    tests/test_jax_lstm.py checks every gradient against Keras's own LSTM and against
    automatic differentiation of a plainly written network.
    """
    levels, tree_h, prefix, bridge_c_before, bridge, steps, inputs, recurrent = saved
    slope = GATE_SLOPES[recurrent_activation]
    units = recurrent.shape[0]
    depth = len(levels)

    def step(carry, values):
        d_h, d_c = carry
        c_before, gate_values = values[1], values[2:]  # values[0], h before, is used below
        d_z, d_c = _gate_gradients(d_h, d_c, c_before, gate_values, slope)
        forget = gate_values[1]
        return (d_z @ recurrent.T, d_c * forget), d_z

    (d_h, d_c), d_z = jax.lax.scan(step, (d_last_h, jnp.zeros_like(d_last_h)), steps, reverse=True)
    d_z = d_z.reshape(-1, 4 * units)  # steps D+2..T, all samples
    d_recurrent = steps[0].reshape(-1, units).T @ d_z
    d_kernel = inputs[depth + 1 :].reshape(1, -1) @ d_z
    d_bias = d_z.sum(axis=0)

    # Step D+1, then onto the tree's 2**D prefixes.
    d_z, d_c = _gate_gradients(d_h, d_c, bridge_c_before, bridge, slope)
    d_kernel += inputs[depth].T @ d_z
    d_bias += d_z.sum(axis=0)
    nodes = 2**depth
    d_z = jax.ops.segment_sum(d_z, prefix, num_segments=nodes)
    tree_h_rows, tree_d_z = [tree_h], [d_z]
    d_h = d_z @ recurrent.T
    d_c = jax.ops.segment_sum(d_c * bridge[1], prefix, num_segments=nodes)
    for parent_h, c_before, values in reversed(levels):
        d_z, d_c = _gate_gradients(d_h, d_c, c_before, values, slope)
        d_kernel += d_z[1::2].sum(axis=0, keepdims=True)  # rows whose last bit is 1
        d_bias += d_z.sum(axis=0)
        if parent_h is None:  # depth 1: its parent is the zero state
            break
        d_z = d_z.reshape(-1, 2, 4 * units).sum(axis=1)  # onto the parents
        tree_h_rows.append(parent_h)
        tree_d_z.append(d_z)
        d_h = d_z @ recurrent.T
        d_c = (d_c * values[1]).reshape(-1, 2, units).sum(axis=1)
    d_recurrent += jnp.concatenate(tree_h_rows).T @ jnp.concatenate(tree_d_z)
    return d_kernel, d_recurrent, d_bias, None


@functools.partial(jax.custom_vjp, nondiff_argnums=(4,))
def last_hidden_state(
    kernel: jax.Array,
    recurrent: jax.Array,
    bias: jax.Array,
    X: jax.Array,
    recurrent_activation: str,
) -> jax.Array:
    """The LSTM's hidden state after the last step (return_sequences=False), (B, u)."""
    return _lstm_forward(kernel, recurrent, bias, X, recurrent_activation)[0]


last_hidden_state.defvjp(_lstm_forward, _lstm_backward)


def predict(
    weights: list,
    X: jax.Array,
    keep_mask: jax.Array,
    recurrent_activation: str,
    output_activation: str = "relu",
) -> jax.Array:
    """The network's outputs for X (B, T, 1); keep_mask (B, u) is dropout's, already scaled."""
    kernel, recurrent, bias, dense_kernel, dense_bias = weights
    h = last_hidden_state(kernel, recurrent, bias, X, recurrent_activation)
    return OUTPUT_ACTIVATIONS[output_activation]((h * keep_mask) @ dense_kernel + dense_bias)


def loss(
    weights: list,
    X: jax.Array,
    Y: jax.Array,
    keep_mask: jax.Array,
    recurrent_activation: str,
    output_activation: str = "relu",
) -> jax.Array:
    outputs = predict(weights, X, keep_mask, recurrent_activation, output_activation)
    return jnp.mean((outputs - Y) ** 2)


# The loss and its gradient for each weight: what every training step follows (_train_step),
# and what tests/test_jax_lstm.py checks against Keras's own.
loss_and_gradients = jax.value_and_grad(loss)


def _train_step(
    weights,
    moments,
    velocities,
    iteration,
    X,
    Y,
    keep_mask,
    learning_rate,
    recurrent_activation,
    output_activation,
):
    value, gradients = loss_and_gradients(
        weights, X, Y, keep_mask, recurrent_activation, output_activation
    )
    iteration = iteration + 1
    # Keras 3's Adam: alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t), epsilon outside the root.
    alpha = learning_rate * jnp.sqrt(1 - BETA_2**iteration) / (1 - BETA_1**iteration)
    moments = [m + (g - m) * (1 - BETA_1) for m, g in zip(moments, gradients)]
    velocities = [v + (g * g - v) * (1 - BETA_2) for v, g in zip(velocities, gradients)]
    weights = [
        w - alpha * m / (jnp.sqrt(v) + EPSILON) for w, m, v in zip(weights, moments, velocities)
    ]
    return weights, moments, velocities, iteration, value


train_step = jax.jit(_train_step, static_argnums=(8, 9))


class Trainer:
    """Adam on the blog's network, a batch at a time, from a Keras model's initial weights."""

    def __init__(
        self,
        weights,
        recurrent_activation,
        learning_rate=0.001,
        dropout=0.2,
        seed=0,
        output_activation="relu",
    ):
        self.weights = [jnp.asarray(w, jnp.float32) for w in weights]
        self.moments = [jnp.zeros_like(w) for w in self.weights]
        self.velocities = [jnp.zeros_like(w) for w in self.weights]
        self.iteration = jnp.asarray(0.0, jnp.float32)
        self.recurrent_activation = recurrent_activation
        self.output_activation = output_activation
        self.learning_rate = jnp.asarray(learning_rate, jnp.float32)
        self.keep = 1.0 - dropout
        self.rng = np.random.RandomState(seed)

    def train_epoch(self, X: np.ndarray, Y: np.ndarray, batch_size: int) -> float:
        """One epoch, shuffled; returns the mean loss, weighted by batch size as Keras reports
        it."""
        order = self.rng.permutation(len(X))
        units = self.weights[1].shape[0]
        total, losses = 0.0, []
        for start in range(0, len(X), batch_size):
            batch = order[start : start + batch_size]
            keep_mask = (self.rng.random_sample((len(batch), units)) < self.keep).astype(
                np.float32
            ) / np.float32(self.keep)
            (self.weights, self.moments, self.velocities, self.iteration, value) = train_step(
                self.weights,
                self.moments,
                self.velocities,
                self.iteration,
                X[batch],
                Y[batch],
                keep_mask,
                self.learning_rate,
                self.recurrent_activation,
                self.output_activation,
            )
            losses.append((value, len(batch)))
        for value, count in losses:
            total += float(value) * count
        return total / len(X)

    def numpy_weights(self) -> list[np.ndarray]:
        return [np.asarray(w) for w in self.weights]

    def state(self) -> tuple[dict[str, np.ndarray], dict]:
        """Everything the next epoch depends on: (float arrays by name, the shuffle and dropout
        generator's state as JSON-able values and its key array)."""
        arrays = {"iteration": np.asarray(self.iteration)}
        for name, values in (
            ("weight", self.weights),
            ("moment", self.moments),
            ("velocity", self.velocities),
        ):
            arrays.update(
                {f"{name}_{index}": np.asarray(value) for index, value in enumerate(values)}
            )
        kind, keys, position, has_gauss, cached_gaussian = self.rng.get_state()
        arrays["rng_keys"] = keys
        return arrays, {"rng": [kind, int(position), int(has_gauss), float(cached_gaussian)]}

    def restore(self, arrays: dict[str, np.ndarray], state: dict) -> None:
        """The inverse of `state`; raises KeyError or ValueError if they do not fit."""

        def restored(name):
            values = [
                jnp.asarray(arrays[f"{name}_{index}"], jnp.float32)
                for index in range(len(self.weights))
            ]
            if [v.shape for v in values] != [w.shape for w in self.weights]:
                raise ValueError(f"the {name} arrays have other shapes than this network's")
            return values

        self.weights, self.moments, self.velocities = (
            restored(name) for name in ("weight", "moment", "velocity")
        )
        self.iteration = jnp.asarray(arrays["iteration"], jnp.float32)
        kind, position, has_gauss, cached_gaussian = state["rng"]
        self.rng.set_state(
            (kind, np.asarray(arrays["rng_keys"], np.uint32), position, has_gauss, cached_gaussian)
        )
