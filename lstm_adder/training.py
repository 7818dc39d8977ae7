"""Training the blog's network, the blog's way: seeding, the data, the network, and the loop of
either engine with its checkpoints.

train_lstm_adder.py runs it for a user, the study for each of its runs. Keras is imported only
once backend.choose has picked its backend (prepare): the default engine runs Keras on JAX,
`--engine keras` runs model.fit on TensorFlow, the blog's backend.
"""

import platform
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lstm_adder import backend, data, quiet
from lstm_adder.blog import DROPOUT
from lstm_adder.config import TrainingConfig


def make_seeded(keras: Any, seed: int) -> None:
    """Same seed, same data and identical weights: seed every generator, and on TensorFlow ask
    for deterministic kernels (its CPU reductions may otherwise vary between runs)."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        keras.utils.set_random_seed(seed)
        tf.config.experimental.enable_op_determinism()
        return
    # Keras's set_random_seed also seeds TensorFlow whenever it is installed, importing it
    # (5-8 s here) into a run that never uses it. A None in sys.modules makes that import
    # fail, and Keras then skips TensorFlow; Python, numpy and Keras's own generator are
    # seeded as always.
    hidden = "tensorflow" not in sys.modules
    if hidden:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        keras.utils.set_random_seed(seed)
    finally:
        if hidden:
            del sys.modules["tensorflow"]


def versions() -> dict[str, str]:
    import h5py
    import keras

    found = {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "numpy": np.__version__,
        "h5py": h5py.__version__,
    }
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        found["tensorflow"] = tf.__version__
    if "jax" in sys.modules:
        found["jax"] = sys.modules["jax"].__version__
    return found


def keras_state(net: Any) -> tuple[dict[str, np.ndarray], dict]:
    """model.fit's whole training state, by position (see training_variables), and numpy's
    global generator: Keras on JAX draws each epoch's shuffling order from it as the epoch
    starts (on TensorFlow, tf.data draws it, and that state cannot be saved)."""
    variables = training_variables(net)
    _, keys, position, has_gauss, cached_gaussian = np.random.get_state()
    arrays = {f"variable_{index}": np.asarray(variable) for index, variable in enumerate(variables)}
    return {**arrays, "numpy_random_keys": np.asarray(keys)}, {
        "shapes": variable_shapes(variables),
        "numpy_random": [int(position), int(has_gauss), float(cached_gaussian)],
    }


def training_variables(net: Any) -> list:
    """Every variable model.fit changes: the network's (weights, and dropout's seed generator)
    and the optimizer's (Adam's step, moments and velocities), the optimizer built if need be."""
    if not net.optimizer.built:
        net.optimizer.build(net.trainable_variables)
    return [*net.variables, *net.optimizer.variables]


def variable_shapes(variables: list) -> list[list]:
    """What identifies the variables across processes (their paths carry per-process counters:
    sequential_3/lstm_3/...): their order, shapes and types."""
    return [[list(variable.shape), str(variable.dtype)] for variable in variables]


def restore_keras_state(net: Any, arrays: dict[str, np.ndarray], state: dict) -> tuple | None:
    """Assign the saved variables; returns numpy's generator state, to be set as the first
    epoch starts: model.fit draws from that generator before it (the same draws each call)."""
    variables = training_variables(net)
    if state.get("shapes") != variable_shapes(variables):
        raise ValueError("its variables are not this network's")
    for index, variable in enumerate(variables):
        variable.assign(arrays[f"variable_{index}"])
    if "numpy_random" not in state:  # saved before it was kept: model.fit shuffles afresh
        return None
    position, has_gauss, cached_gaussian = state["numpy_random"]
    numpy_state = ("MT19937", arrays["numpy_random_keys"], position, has_gauss, cached_gaussian)
    np.random.RandomState().set_state(numpy_state)  # refused here if it is not one
    return numpy_state


class JaxEngine:
    """The default engine: jax_lstm.py's compiled training step, epoch by epoch, with the Keras
    callbacks' epoch events; the network gets each epoch's weights back."""

    def __init__(self, config, net):
        with quiet.tensorflow_startup():
            from lstm_adder import jax_lstm

        self.config, self.net = config, net
        self.trainer = jax_lstm.Trainer(
            net.get_weights(),
            config.recurrent_activation,
            config.learning_rate,
            DROPOUT,
            config.seed,
            config.output_activation,
        )

    def state(self) -> tuple[dict[str, np.ndarray], dict]:
        return self.trainer.state()

    def restore(self, arrays: dict[str, np.ndarray], state: dict) -> None:
        self.trainer.restore(arrays, state)
        self.net.set_weights(self.trainer.numpy_weights())

    def fit(
        self, X: np.ndarray, Y: np.ndarray, callbacks: list, first_epoch: int, verbose: int
    ) -> None:
        import keras

        config = self.config
        # Keras's own dispatch, as model.fit's; the progress lines are ours (below).
        events = keras.callbacks.CallbackList(callbacks, model=self.net)
        events.on_train_begin()
        batches = -(-len(X) // config.batch_size)
        for epoch in range(first_epoch, config.epochs):
            events.on_epoch_begin(epoch)
            epoch_started = time.perf_counter()
            loss = self.trainer.train_epoch(X, Y, config.batch_size)
            seconds = time.perf_counter() - epoch_started
            if verbose:  # the lines Keras prints with verbose=2
                print(
                    f"Epoch {epoch + 1}/{config.epochs}\n{batches}/{batches} - {seconds:.0f}s - "
                    f"{1000 * seconds / batches:.0f}ms/step - loss: {loss:.4f}",
                    flush=True,
                )
            # The callbacks may evaluate the network: give it this epoch's weights.
            self.net.set_weights(self.trainer.numpy_weights())
            events.on_epoch_end(epoch, {"loss": loss})
            if not np.isfinite(loss) or self.net.stop_training:
                break
        events.on_train_end()


class KerasEngine:
    """The blog's code path: Keras's own model.fit, shuffled each epoch."""

    def __init__(self, config, net):
        self.config, self.net, self.numpy_state = config, net, None

    def state(self) -> tuple[dict[str, np.ndarray], dict]:
        return keras_state(self.net)

    def restore(self, arrays: dict[str, np.ndarray], state: dict) -> None:
        self.numpy_state = restore_keras_state(self.net, arrays, state)

    def fit(
        self, X: np.ndarray, Y: np.ndarray, callbacks: list, first_epoch: int, verbose: int
    ) -> None:
        if self.numpy_state:
            import keras

            numpy_state = self.numpy_state
            callbacks.insert(
                0,
                keras.callbacks.LambdaCallback(
                    on_epoch_begin=lambda epoch, logs: (
                        np.random.set_state(numpy_state) if epoch == first_epoch else None
                    )
                ),
            )
        self.net.fit(
            X,
            Y,
            epochs=self.config.epochs,
            initial_epoch=first_epoch,
            batch_size=self.config.batch_size,
            shuffle=True,
            callbacks=callbacks,
            verbose=verbose,
        )


# The engines that train in this process, by config.ENGINES' names (Keras 2.2.4 trains in a
# process of its own: keras224.py).
ENGINE_CLASSES: dict[str, type[JaxEngine] | type[KerasEngine]] = {
    "jax": JaxEngine,
    "keras": KerasEngine,
}


def train_network(
    config: TrainingConfig,
    net: Any,
    X: np.ndarray,
    Y: np.ndarray,
    callbacks: Sequence = (),
    verbose: int = 0,
    resume: tuple[dict, dict] | None = None,
    extra: Callable[[], dict] | None = None,
) -> tuple[list[float], float]:
    """Train `net` as `config` says; returns every epoch's loss (it stops at a NaN or inf) and
    the seconds of training, those before a resume included.

    config.engine "keras": the blog's `model.fit`. "jax": the same computation compiled by XLA
    (jax_lstm.py). Keras callbacks see the same epoch events either way.
    resume: (meta, arrays) from checkpoint.load: the run goes on from its epoch to config.epochs.
    With config.checkpoint_every K the whole training state is saved to config.checkpoint every
    K epochs and at the end, with `extra()` (a JSON-able dict of the caller's, such as the
    study's evaluations).
    """
    import keras

    from lstm_adder import checkpoint
    from lstm_adder.callbacks import KeepLossAndCheckpoint

    started = time.perf_counter()
    losses = list(resume[0]["losses"]) if resume else []
    seconds_before = resume[0]["train_seconds"] if resume else 0.0
    engine = ENGINE_CLASSES[config.engine](config, net)
    if resume:
        try:
            engine.restore(resume[1], resume[0]["state"])
        except (KeyError, ValueError, TypeError) as error:
            raise checkpoint.CheckpointError(
                f"the checkpoint's state does not fit this network ({error})"
            ) from None

    def seconds_so_far():
        return seconds_before + time.perf_counter() - started

    def save_state(done, every):
        arrays, state = engine.state()
        checkpoint.save(
            config.checkpoint,
            config.identity(),
            done,
            losses,
            arrays,
            dict(state, every=every),
            seconds_so_far(),
            extra() if extra else None,
        )

    callbacks = [
        keras.callbacks.TerminateOnNaN(),
        *callbacks,
        KeepLossAndCheckpoint(losses, config.checkpoint_every, config.epochs, save_state),
    ]
    engine.fit(X, Y, callbacks, len(losses), verbose)
    return losses, seconds_so_far()


def training_device(engine: str) -> str:
    """What computed the training: JAX's device for the default engine (and for model.fit on
    Keras's JAX backend), TensorFlow's for model.fit on TensorFlow (its first GPU, or the CPU)."""
    import keras

    if engine == "jax" or keras.backend.backend() == "jax":
        from lstm_adder import jax_lstm

        return jax_lstm.device()
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    return f"tensorflow: {gpus[0].name}" if gpus else "tensorflow: cpu"


def draw_data(config: TrainingConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The blog's data for the run, every engine's: data_size pairs, each n1 then n2 from
    np.random.randint(0, 2**BINARY_DIM), from the seed's own generator; and their bit arrays."""
    rng = np.random.RandomState(config.seed)
    first_operand, second_operand = data.draw_pairs(config.data_size, config.bits, rng)
    return (
        first_operand,
        second_operand,
        *data.encode_pairs(first_operand, second_operand, config.bits),
    )


def prepare(
    config: TrainingConfig, verbose: bool = False
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Seed everything, draw the blog's data and build the network, as `config` says
    (verbose: TensorFlow's start-up messages too)."""
    backend.choose(config.engine)
    with quiet.tensorflow_startup(verbose):
        import keras

        from lstm_adder import model

    make_seeded(keras, config.seed)
    first_operand, second_operand, X, Y = draw_data(config)
    net = model.build_model(
        config.bits,
        config.recurrent_activation,
        output_activation=config.output_activation,
        learning_rate=config.learning_rate,
    )
    return net, first_operand, second_operand, X, Y
