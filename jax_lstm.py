"""The adder's training loop in JAX: the same math as Keras's `model.fit`, run faster on a CPU.

Why: on a small CPU, Keras's LSTM (TensorFlow backend) spends its training time in the 16
small matrix products of each step, (128 x 256) . (256 x 1024), which TensorFlow runs at about
a third of what the machine can do, plus a per-step loop overhead. XLA, through JAX, compiles the
whole training step (forward, backward and Adam) into one program and runs those products
faster. What is computed does not change:

- the network: LSTM(256) with Keras's gate layout (i, f, c, o), tanh, and the chosen recurrent
  activation; Dropout(0.2) on the LSTM's output; Dense(relu);
- the loss: mean squared error, averaged over the batch as Keras does;
- Adam exactly as Keras 3 updates it, with the defaults of the blog's Keras 2.2.4;
- the data, batch size, shuffling each epoch, and the initial weights, which come from the
  Keras model itself.

The weights go back into that Keras model, which saves the usual .h5 file, so evaluate.py
cannot tell which path trained a file. tests/test_jax_lstm.py checks the loss and every
gradient against Keras's own LSTM.
"""
import numpy as np

import jax
import jax.numpy as jnp

# Full float32 products everywhere: on a GPU, JAX would otherwise use TF32 and change the math.
jax.config.update("jax_default_matmul_precision", "highest")

BETA_1, BETA_2, EPSILON = 0.9, 0.999, 1e-7  # Keras's Adam defaults (Keras 2.2.4's too)


def keras2_hard_sigmoid(z):
    """Keras 2's hard sigmoid, clip(0.2*z + 0.5, 0, 1)."""
    return jnp.clip(0.2 * z + 0.5, 0.0, 1.0)


RECURRENT_ACTIVATIONS = {"keras2_hard_sigmoid": keras2_hard_sigmoid, "sigmoid": jax.nn.sigmoid}


def predict(weights, X, keep_mask, recurrent_activation):
    """The network's outputs for X (B, T, 1); keep_mask (B, u) is dropout's, already scaled."""
    kernel, recurrent, bias, dense_kernel, dense_bias = weights
    gate = RECURRENT_ACTIVATIONS[recurrent_activation]
    units = recurrent.shape[0]

    def step(state, x_t):
        h, c = state
        z = x_t * kernel[0] + h @ recurrent + bias  # x_t is one bit: a broadcast, not a product
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c = gate(f) * c + gate(i) * jnp.tanh(g)
        h = gate(o) * jnp.tanh(c)
        return (h, c), None

    zeros = jnp.zeros((X.shape[0], units), X.dtype)
    (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(X, 0, 1))
    return jax.nn.relu((h * keep_mask) @ dense_kernel + dense_bias)


def loss(weights, X, Y, keep_mask, recurrent_activation):
    return jnp.mean((predict(weights, X, keep_mask, recurrent_activation) - Y) ** 2)


loss_and_gradients = jax.jit(jax.value_and_grad(loss), static_argnums=4)


def _train_step(weights, moments, velocities, iteration, X, Y, keep_mask, learning_rate,
                recurrent_activation):
    value, gradients = jax.value_and_grad(loss)(weights, X, Y, keep_mask, recurrent_activation)
    iteration = iteration + 1
    # Keras 3's Adam: alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t), epsilon outside the root.
    alpha = (learning_rate * jnp.sqrt(1 - BETA_2 ** iteration) / (1 - BETA_1 ** iteration))
    moments = [m + (g - m) * (1 - BETA_1) for m, g in zip(moments, gradients)]
    velocities = [v + (g * g - v) * (1 - BETA_2) for v, g in zip(velocities, gradients)]
    weights = [w - alpha * m / (jnp.sqrt(v) + EPSILON)
               for w, m, v in zip(weights, moments, velocities)]
    return weights, moments, velocities, iteration, value


train_step = jax.jit(_train_step, static_argnums=8)


class Trainer:
    """Adam on the blog's network, a batch at a time, from a Keras model's initial weights."""

    def __init__(self, weights, recurrent_activation, learning_rate=0.001, dropout=0.2, seed=0):
        self.weights = [jnp.asarray(w, jnp.float32) for w in weights]
        self.moments = [jnp.zeros_like(w) for w in self.weights]
        self.velocities = [jnp.zeros_like(w) for w in self.weights]
        self.iteration = jnp.asarray(0.0, jnp.float32)
        self.recurrent_activation = recurrent_activation
        self.learning_rate = jnp.asarray(learning_rate, jnp.float32)
        self.keep = 1.0 - dropout
        self.rng = np.random.RandomState(seed)

    def train_epoch(self, X, Y, batch_size):
        """One epoch, shuffled; returns the mean loss, weighted by batch size as Keras reports it."""
        order = self.rng.permutation(len(X))
        units = self.weights[1].shape[0]
        total, losses = 0.0, []
        for start in range(0, len(X), batch_size):
            batch = order[start:start + batch_size]
            keep_mask = ((self.rng.random_sample((len(batch), units)) < self.keep)
                         .astype(np.float32) / np.float32(self.keep))
            (self.weights, self.moments, self.velocities, self.iteration, value) = train_step(
                self.weights, self.moments, self.velocities, self.iteration, X[batch], Y[batch],
                keep_mask, self.learning_rate, self.recurrent_activation)
            losses.append((value, len(batch)))
        for value, count in losses:
            total += float(value) * count
        return total / len(X)

    def numpy_weights(self):
        return [np.asarray(w) for w in self.weights]
