"""The JAX training engine computes what Keras computes: same loss, gradients and Adam step."""
import numpy as np
import pytest
import tensorflow as tf

import data
import jax_lstm
import model


def one_batch(bits=8, size=128, seed=0):
    first, second = data.draw_pairs(size, bits, np.random.RandomState(seed))
    return data.encode_pairs(first, second, bits)


def keras_loss_and_gradients(net, X, Y):
    with tf.GradientTape() as tape:
        # training=False: no dropout, so both sides see the same (all-ones) mask
        loss = tf.reduce_mean(model.keras.losses.mean_squared_error(Y, net(X, training=False)))
    return float(loss), [g.numpy() for g in tape.gradient(loss, net.trainable_variables)]


@pytest.mark.parametrize("recurrent_activation", ["keras2_hard_sigmoid", "sigmoid"])
def test_loss_and_gradients_equal_keras(recurrent_activation):
    net = model.build_model(8, recurrent_activation)
    X, Y = one_batch()
    keras_loss, keras_gradients = keras_loss_and_gradients(net, X, Y)
    loss, gradients = jax_lstm.loss_and_gradients(
        net.get_weights(), X, Y, np.ones((len(X), model.UNITS), np.float32),
        recurrent_activation)
    assert abs(float(loss) - keras_loss) < 1e-5
    for ours, theirs in zip(gradients, keras_gradients):
        assert ours.shape == theirs.shape
        assert np.abs(np.asarray(ours) - theirs).max() < 1e-5
    assert max(np.abs(g).max() for g in keras_gradients) > 1e-3  # not trivially zero


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
