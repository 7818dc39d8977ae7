"""The blog's own Keras: `--engine keras2.2.4` builds, trains and saves the blog's network with
Keras 2.2.4's code, so that what the other engines reconstruct can be checked against it.

The post ran Keras 2.2.4 on TensorFlow 1.13.1. TensorFlow 1.13 has no wheel for Python 3.11,
but Keras 2.2.4 itself is plain Python: make installs it, from requirements-keras2.2.4.lock,
into a folder of its own (.venv/keras2.2.4), and it runs on TensorFlow 2.21's tf.compat.v1
graph mode after the few lines of `import_keras`, which rename and touch no computation. What
still differs from the blog's stack: TensorFlow 2.21's kernels, not 1.13.1's, and Python 3.11.

Keras 2.2.4 and Keras 3 cannot share a process (both are `import keras`), so every run is a
process of its own, `python -m lstm_adder.keras224 JOB`, which the commands start through
`training` below. It trains on the project's data draw for the seed, seeded as the other
engines are (numpy's global generator, from which Keras 2.2.4 draws its initial weights,
dropout's op seeds and each epoch's shuffle, and TensorFlow's graph seed), and saves with
Keras 2.2.4's own `model.save`. Keras 2.2.4 is used only to train and save, never to load a
file: its `load_model` runs code a file may hold (evaluate.py reads the file as arrays).
"""

import collections
import collections.abc
import contextlib
import dataclasses
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from lstm_adder import quiet
from lstm_adder.blog import DROPOUT, UNITS
from lstm_adder.child import follow_parent
from lstm_adder.cli import REPOSITORY
from lstm_adder.config import KERAS_224, TrainingConfig
from lstm_adder.training import draw_data

ENGINE = KERAS_224
VERSION = "2.2.4"
# Where make installs it (pip install --target): inside the project's environment, never on its
# path, so that `import keras` anywhere else is Keras 3.
HOME = os.path.join(sys.prefix, KERAS_224)
# The project's names for the activations, as Keras 2.2.4 names them: its own 'hard_sigmoid'
# is the blog's clip(0.2x + 0.5, 0, 1).
ACTIVATION_NAMES = {"keras2_hard_sigmoid": "hard_sigmoid", "sigmoid": "sigmoid", "relu": "relu"}


class Keras224Error(Exception):
    """Keras 2.2.4 is missing, or its run failed: one line saying what to do."""


# ----------------------------------------------------------------------------------------------
# Keras 2.2.4 on today's Python and TensorFlow: the bridges, none of which changes a computation.


def import_keras(home: str = HOME, verbose: bool = False) -> tuple[Any, Any]:
    """(keras, tf): Keras 2.2.4 from `home`, on TensorFlow's tf.compat.v1. Only in a process
    that has not imported Keras 3's layers (a fresh one: `training` starts it)."""
    if not os.path.isfile(os.path.join(home, "keras", "__init__.py")):
        raise Keras224Error(
            f"Keras {VERSION} is not installed in {home}: run make venv (it installs "
            "requirements-keras2.2.4.lock there)"
        )
    # Python 3.10 removed the old aliases collections.Iterable, .Mapping, ... that Keras 2.2.4
    # (2018) still uses; they are the very classes of collections.abc.
    for name in ("Iterable", "Mapping", "MutableMapping", "Sequence", "Callable"):
        if not hasattr(collections, name):
            setattr(collections, name, getattr(collections.abc, name))
    with quiet.tensorflow_startup(verbose):
        import tensorflow.compat.v1 as tf
        from tensorflow.python.framework import ops, tensor
        from tensorflow.python.ops import control_flow_ops, while_loop

    # Keras 2.2.4 is written for TensorFlow 1's graph mode: sessions, placeholders, graph
    # seeds. tf.compat.v1 with v2 behaviour off is that API, on TensorFlow 2.21's kernels.
    tf.logging.set_verbosity(tf.logging.INFO if verbose else tf.logging.ERROR)
    tf.disable_v2_behavior()
    # `import tensorflow` inside Keras 2.2.4 must give it that API, as TensorFlow 1 did.
    sys.modules["tensorflow"] = tf
    # TensorFlow 2.21's import also imports whatever `keras` is on the path (Keras 3): forget
    # it, so that `import keras` below finds 2.2.4.
    for module in [name for name in sys.modules if name == "keras" or name.startswith("keras.")]:
        del sys.modules[module]
    # Three names Keras 2.2.4's backend uses that TensorFlow 2 moved: the class of a tensor
    # (now tensor.Tensor), the check that something is one, and the while loop K.rnn builds
    # the LSTM's steps with (now in its own module). The same objects under their old names.
    if not hasattr(ops, "_TensorLike"):
        ops._TensorLike = tensor.Tensor
    if not hasattr(ops, "is_dense_tensor_like"):
        ops.is_dense_tensor_like = lambda value: isinstance(value, tensor.Tensor)
    if not hasattr(control_flow_ops, "while_loop"):
        control_flow_ops.while_loop = while_loop.while_loop
    # Keras 2.2.4 reads its backend, float type and epsilon from KERAS_BACKEND and
    # KERAS_HOME/keras.json (by default ~/.keras, which Keras 3 shares): its own folder, where
    # it writes its defaults (tensorflow, float32, 1e-07), so that no setting made for Keras 3
    # reaches it.
    os.environ["KERAS_BACKEND"] = "tensorflow"
    os.environ["KERAS_HOME"] = os.path.join(home, ".keras")
    sys.path.insert(0, home)
    with quiet.tensorflow_startup(verbose):
        import keras
    if keras.__version__ != VERSION:
        raise Keras224Error(f"{home} holds Keras {keras.__version__}, not {VERSION}: run make venv")
    return keras, tf


def versions(keras: Any, tf: Any) -> dict[str, str]:
    """What trained the network, for its run record."""
    import h5py

    return {
        "python": platform.python_version(),
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "tensorflow": tf.__version__ + " (tf.compat.v1, graph mode)",
        "numpy": np.__version__,
        "h5py": h5py.__version__,
    }


# ----------------------------------------------------------------------------------------------
# The blog's script, in Keras 2.2.4's own terms.


def build_model(
    keras: Any,
    bits: int,
    recurrent_activation: str,
    output_activation: str,
    learning_rate: float,
    dropout: float = DROPOUT,
) -> Any:
    """The blog's Sequential: LSTM(256) with Keras 2.2.4's own defaults (glorot_uniform kernel,
    orthogonal recurrent kernel, unit forget bias), Dropout(0.2), Dense(bits + 1, relu), the
    blog's loss and Adam (optimizer='adam' is Adam(lr=0.001))."""
    net = keras.models.Sequential()
    net.add(
        keras.layers.LSTM(
            UNITS,
            input_shape=(2 * bits, 1),
            recurrent_activation=ACTIVATION_NAMES[recurrent_activation],
        )
    )
    net.add(keras.layers.Dropout(dropout))
    net.add(keras.layers.Dense(bits + 1, activation=ACTIVATION_NAMES[output_activation]))
    net.compile(
        loss=keras.losses.mean_squared_error, optimizer=keras.optimizers.Adam(lr=learning_rate)
    )
    return net


def make_deterministic(keras: Any, tf: Any, seed: int) -> None:
    """Same seed, same network. Keras 2.2.4 draws each initialiser's and dropout's op seed, the
    orthogonal initial weights and every epoch's shuffle from numpy's global generator, and
    TensorFlow's graph seed does the rest. And its session runs one thread: measured here, two
    runs of one seed with two threads (either two within an op or two ops at once) already
    differed in epoch 1's loss, with one they never did. TensorFlow's op determinism is asked
    for too, as on the other engines."""
    from tensorflow.python.framework import config as framework_config

    framework_config.enable_op_determinism()
    one_thread = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=-1)
    keras.backend.set_session(tf.Session(config=one_thread))
    np.random.seed(seed)
    tf.set_random_seed(seed)


def run(job: dict) -> dict:
    """One run in this process, as `training` describes it: trains and saves the model file."""
    config = TrainingConfig(**job["config"])
    keras, tf = import_keras(verbose=job["verbose"])
    _, _, X, Y = draw_data(config)
    make_deterministic(keras, tf, config.seed)
    net = build_model(
        keras,
        config.bits,
        config.recurrent_activation,
        config.output_activation,
        config.learning_rate,
    )
    if job["summary"]:
        net.summary()
    epoch_seconds: list[float] = []
    began: list[float] = []
    clock = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: began.append(time.perf_counter()),
        on_epoch_end=lambda epoch, logs: epoch_seconds.append(time.perf_counter() - began[-1]),
    )
    started = time.perf_counter()
    history = net.fit(
        X,
        Y,
        epochs=config.epochs,
        batch_size=config.batch_size,
        verbose=job["progress"],
        callbacks=[keras.callbacks.TerminateOnNaN(), clock],
    )
    seconds = time.perf_counter() - started
    losses = [float(loss) for loss in history.history["loss"]]
    if np.all(np.isfinite(losses)):
        net.save(job["model"])
    return {
        "losses": losses,
        "seconds": seconds,
        "epoch_seconds": epoch_seconds,
        "versions": versions(keras, tf),
    }


def main(argv: list[str] | None = None) -> int:
    """python -m lstm_adder.keras224 FOLDER: the run FOLDER/job.json describes; its outcome
    goes to FOLDER/result.json (Keras prints its progress lines on stdout)."""
    (folder,) = argv if argv is not None else sys.argv[1:]
    follow_parent()
    with open(os.path.join(folder, "job.json")) as file:
        job = json.load(file)
    try:
        outcome = run(job)
    except Keras224Error as error:
        outcome = {"error": str(error)}
    with open(os.path.join(folder, "result.json"), "w") as file:
        json.dump(outcome, file)
    return 0


# ----------------------------------------------------------------------------------------------
# The side of the commands: a run in a fresh process, and its file.


@dataclasses.dataclass(frozen=True)
class Keras224Run:
    """A finished run: its losses, seconds (in all, and each epoch's) and versions, and the file
    Keras 2.2.4 saved (in a temporary folder; `save` copies it to where the command keeps it)."""

    model_file: str
    losses: list[float]
    seconds: float
    epoch_seconds: list[float]
    versions: dict

    def save(self, path: str) -> None:
        """Save the network to `path` (train_lstm_adder.py's save_atomically calls it as it
        calls Keras's model.save): the bytes Keras 2.2.4 wrote."""
        shutil.copyfile(self.model_file, path)


@contextlib.contextmanager
def training(
    config: TrainingConfig, verbose: bool = False, progress: int = 2, summary: bool = False
) -> Iterator[Keras224Run]:
    """Train `config` with Keras 2.2.4 in a fresh process; its model file lasts as long as the
    `with` block. progress: Keras's fit verbosity (1 a bar, 2 a line an epoch). Raises
    Keras224Error. A signal here ends the run's process too, and leaves no file behind."""
    if config.engine != ENGINE:
        raise ValueError(f"engine {config.engine!r} is not {ENGINE}")
    if config.checkpoint_every:  # Keras 2.2.4's fit keeps Adam's state to itself
        raise ValueError(f"engine {ENGINE} cannot save checkpoints")
    with tempfile.TemporaryDirectory(prefix="lstm-adder-keras2.2.4-") as folder:
        model_path = os.path.join(folder, "model.h5")
        job = {
            "config": config.as_dict(),
            "model": model_path,
            "verbose": verbose,
            "progress": progress,
            "summary": summary,
        }
        with open(os.path.join(folder, "job.json"), "w") as file:
            json.dump(job, file)
        # Its own import path: the project's package, and Keras 2.2.4 once import_keras adds it.
        environment = {**os.environ, "PYTHONPATH": REPOSITORY}
        if not verbose:  # TensorFlow's C++ start-up lines, as quiet.py keeps them out
            environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        child = subprocess.Popen(
            [sys.executable, "-m", "lstm_adder.keras224", folder], env=environment
        )
        try:
            status = child.wait()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        outcome = _outcome(folder, status)
        yield Keras224Run(
            model_path,
            outcome["losses"],
            outcome["seconds"],
            outcome["epoch_seconds"],
            outcome["versions"],
        )


def _outcome(folder: str, status: int) -> dict:
    try:
        with open(os.path.join(folder, "result.json")) as file:
            outcome = json.load(file)
    except (OSError, ValueError):
        raise Keras224Error(
            f"Keras {VERSION}'s training process ended with exit status {status} and no result"
        ) from None
    if "error" in outcome:
        raise Keras224Error(outcome["error"])
    return outcome


if __name__ == "__main__":
    sys.exit(main())
