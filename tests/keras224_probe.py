"""What Keras 2.2.4 itself computes, for tests/test_keras224.py: run in a process of its own
(Keras 2.2.4 and Keras 3 cannot share one) as `python tests/keras224_probe.py IN.npz OUT.npz`
with the repository's root on PYTHONPATH.

IN holds the network's settings, weights in Keras's layout, inputs and three batches. OUT gets:
Keras 2.2.4's initial weights for seed 1 (init_0..4), its outputs for the given weights
(forward), its weights after one and after three Adam steps from them on the batches with
dropout off (step1_*, step3_*), and a model file it saved with model.save (file_path) with its
own model.predict of the inputs (file_forward), and the step counter its Adam used in the
first step (first_step_counter: 1, or 2 where it read the counter after incrementing it).
"""

import sys

import numpy as np

from lstm_adder import keras224


def main(source: str, target: str) -> None:
    given = np.load(source)
    bits = int(given["bits"])
    recurrent, output = str(given["recurrent_activation"]), str(given["output_activation"])
    keras, tf = keras224.import_keras()
    keras224.make_deterministic(keras, tf, 1)
    results: dict = {}

    # The blog's network, dropout on, as the engine builds it: its initial weights and a file.
    blogs = keras224.build_model(keras, bits, recurrent, output, 0.001)
    results.update({f"init_{i}": w for i, w in enumerate(blogs.get_weights())})
    file_path = str(given["file_path"])
    blogs.save(file_path)
    results["file_path"] = file_path
    results["file_forward"] = blogs.predict(given["X"])

    # The same network with dropout off, from the given weights: a forward pass, then Adam.
    net = keras224.build_model(keras, bits, recurrent, output, 0.001, dropout=0.0)
    weights = [given[f"weight_{i}"] for i in range(5)]
    net.set_weights(weights)
    results["forward"] = net.predict(given["X"])
    gradient = output_bias_gradient(keras, net, given)
    for step in range(3):
        net.train_on_batch(given["batch_X"][step], given["batch_Y"][step])
        if step == 0:
            results["first_step_counter"] = counter_used(gradient, weights[-1], net)
        if step in (0, 2):
            results.update({f"step{step + 1}_{i}": w for i, w in enumerate(net.get_weights())})
    np.savez(target, **results)


def output_bias_gradient(keras, net, given):
    """The loss's gradient for the output bias on the first batch, computed on its own."""
    K = keras.backend
    targets = K.placeholder(shape=(None, net.output_shape[-1]))
    loss = K.mean(keras.losses.mean_squared_error(targets, net.output))
    gradient = K.function([net.input, targets], K.gradients(loss, [net.weights[-1]]))
    return gradient([given["batch_X"][0], given["batch_Y"][0]])[0].astype(np.float64)


def counter_used(gradient, bias_before, net):
    """The step counter t, 1 or 2, that Keras 2.2.4's Adam used in its first step, from the
    output bias's step: Adam reads t in the same graph run that increments it, in no set
    order. Adam's first step with t: -lr sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)."""
    taken = net.get_weights()[-1].astype(np.float64) - bias_before
    m, v = 0.1 * gradient, 0.001 * gradient**2

    def step(t):
        return -0.001 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-7)

    return min((1, 2), key=lambda t: np.abs(step(t) - taken).max())


if __name__ == "__main__":
    main(*sys.argv[1:])
