"""The JAX training engine computes what Keras computes: same loss, gradients and Adam step."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from lstm_adder import data, jax_lstm, model
from lstm_adder.blog import UNITS


def one_batch(bits=8, size=128, seed=0):
    first, second = data.draw_pairs(size, bits, np.random.RandomState(seed))
    return data.encode_pairs(first, second, bits)


def keras_loss_and_gradients(net, X, Y):
    """Keras's own LSTM (its JAX backend's implementation, not jax_lstm.py's), differentiated."""
    frozen = [variable.value for variable in net.non_trainable_variables]

    def loss_of(trainable):
        # training=False: no dropout, so both sides see the same (all-ones) mask
        outputs, _ = net.stateless_call(trainable, frozen, X, training=False)
        return jnp.mean(model.keras.losses.mean_squared_error(Y, outputs))

    loss, gradients = jax.value_and_grad(loss_of)(
        [variable.value for variable in net.trainable_variables]
    )
    return float(loss), [np.asarray(g) for g in gradients]


@pytest.mark.parametrize("weight_scale", [1.0, 6.0])
@pytest.mark.parametrize(
    "recurrent_activation,output_activation",
    [("keras2_hard_sigmoid", "relu"), ("sigmoid", "relu"), ("keras2_hard_sigmoid", "sigmoid")],
)
def test_loss_and_gradients_equal_keras(recurrent_activation, output_activation, weight_scale):
    # weight_scale 6: many gates saturate, where the hard sigmoid's slope is 0 (the
    # hand-written backward pass in jax_lstm.py has a branch for that)
    net = model.build_model(8, recurrent_activation, output_activation=output_activation)
    net.set_weights([w * weight_scale for w in net.get_weights()])
    X, Y = one_batch()
    keras_loss, keras_gradients = keras_loss_and_gradients(net, X, Y)
    loss, gradients = jax_lstm.loss_and_gradients(
        net.get_weights(),
        X,
        Y,
        np.ones((len(X), UNITS), np.float32),
        recurrent_activation,
        output_activation,
    )
    assert abs(float(loss) - keras_loss) < 1e-5 * max(1.0, keras_loss)
    for ours, theirs in zip(gradients, keras_gradients):
        assert ours.shape == theirs.shape
        # float32 sums over 2,048 terms: the tolerance scales with the gradients' size
        assert np.abs(np.asarray(ours) - theirs).max() < 1e-5 * max(1.0, np.abs(theirs).max())
    assert max(np.abs(g).max() for g in keras_gradients) > 1e-3  # not trivially zero


def reference_loss(weights, X, Y, recurrent_activation):
    """The network written plainly, for JAX's automatic differentiation."""
    kernel, recurrent, bias, dense_kernel, dense_bias = weights
    gate = jax_lstm.RECURRENT_ACTIVATIONS[recurrent_activation]

    def step(state, x_t):
        h, c = state
        i, f, g, o = jnp.split(x_t @ kernel + h @ recurrent + bias, 4, axis=1)
        c = gate(f) * c + gate(i) * jnp.tanh(g)
        return (gate(o) * jnp.tanh(c), c), None

    zeros = jnp.zeros((X.shape[0], recurrent.shape[0]), X.dtype)
    (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(X, 0, 1))
    return jnp.mean((jax.nn.relu(h @ dense_kernel + dense_bias) - Y) ** 2)


@pytest.mark.parametrize("weight_scale", [1.0, 6.0])
@pytest.mark.parametrize("recurrent_activation", ["keras2_hard_sigmoid", "sigmoid"])
def test_hand_written_backward_equals_automatic_differentiation(recurrent_activation, weight_scale):
    # In float64, so that rounding cannot hide a wrong term: the two must agree to ~1e-12.
    with jax.enable_x64(True):
        net = model.build_model(8, recurrent_activation)
        weights = [np.float64(w) * weight_scale for w in net.get_weights()]
        X, Y = (np.float64(a) for a in one_batch(seed=2))
        expected_loss, expected = jax.value_and_grad(reference_loss)(
            weights, X, Y, recurrent_activation
        )
        loss, gradients = jax_lstm.loss_and_gradients(
            weights, X, Y, np.ones((len(X), UNITS)), recurrent_activation
        )
        assert gradients[1].dtype == np.float64
        assert abs(float(loss) - float(expected_loss)) < 1e-12
        for ours, theirs in zip(gradients, expected):
            assert np.abs(np.asarray(ours) - np.asarray(theirs)).max() < 1e-12 * max(
                1.0, np.abs(np.asarray(theirs)).max()
            )


def test_tree_depth_follows_the_batch_size():
    # Depth t has 2**t prefixes: the tree is used while 2**t < batch, and one step stays per sample.
    assert jax_lstm.tree_depth(128, 16) == 6
    assert jax_lstm.tree_depth(16, 16) == 3
    assert jax_lstm.tree_depth(1, 16) == 1
    assert jax_lstm.tree_depth(10_000, 4) == 3


@pytest.mark.parametrize("bits,size", [(8, 128), (8, 16), (8, 5), (4, 200), (2, 3), (1, 64)])
def test_shared_and_unused_prefixes_equal_automatic_differentiation(bits, size):
    # Samples that share prefixes (repeats, and a first bit that is always 0), prefixes that
    # occur in no sample (half the tree), batches smaller and larger than the tree.
    with jax.enable_x64(True):
        rng = np.random.RandomState(size)
        first = rng.randint(0, 2 ** max(bits - 1, 0), size=size)
        first[: size // 3] = first[0]
        second = rng.randint(0, 2**bits, size=size)
        X, Y = (np.float64(a) for a in data.encode_pairs(first, second, bits))
        net = model.build_model(bits, "keras2_hard_sigmoid")
        weights = [np.float64(w) * 3 for w in net.get_weights()]
        expected_loss, expected = jax.value_and_grad(reference_loss)(
            weights, X, Y, "keras2_hard_sigmoid"
        )
        loss, gradients = jax_lstm.loss_and_gradients(
            weights, X, Y, np.ones((size, UNITS)), "keras2_hard_sigmoid"
        )
        assert abs(float(loss) - float(expected_loss)) < 1e-12
        for ours, theirs in zip(gradients, expected):
            assert np.abs(np.asarray(ours) - np.asarray(theirs)).max() < 1e-12 * max(
                1.0, np.abs(np.asarray(theirs)).max()
            )


def test_adam_step_equals_keras():
    net = model.build_model(8)
    X, Y = one_batch(seed=1)
    start = net.get_weights()
    trainer = jax_lstm.Trainer(start, "keras2_hard_sigmoid", dropout=0.0)
    trainer.keep = 1.0
    for _ in range(3):  # three steps, so Adam's moments and bias correction are exercised
        _, gradients = keras_loss_and_gradients(net, X, Y)
        net.optimizer.apply_gradients(zip(gradients, net.trainable_variables))
        trainer.train_epoch(X, Y, batch_size=len(X))  # one batch; the order does not matter
    for ours, theirs, before in zip(trainer.numpy_weights(), net.get_weights(), start):
        assert np.abs(ours - theirs).max() < 1e-5
        assert np.abs(theirs - before).max() > 1e-4  # the step moved the weights


def test_dropout_mask_keeps_80_percent_scaled():
    X, Y = one_batch(size=2000)
    net = model.build_model(8)
    trainer = jax_lstm.Trainer(net.get_weights(), "keras2_hard_sigmoid")
    masks = []
    real_step = jax_lstm.train_step

    def spy(*args):
        masks.append(np.asarray(args[6]))
        return real_step(*args)

    jax_lstm.train_step = spy
    try:
        trainer.train_epoch(X, Y, batch_size=1000)
    finally:
        jax_lstm.train_step = real_step
    mask = np.concatenate(masks)
    assert set(np.unique(mask)) == {0.0, np.float32(1 / 0.8)}
    assert abs((mask > 0).mean() - 0.8) < 0.01
