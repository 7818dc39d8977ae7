"""Which Keras backend a command runs on: decided before Keras is first imported.

Keras 3 reads its backend once, at its first import, from the KERAS_BACKEND variable. The
default engine (jax_lstm.py) needs Keras only to build the network, draw its initial weights
and save the file, and on the JAX backend that import takes about 2 s here against 5-8 s for
TensorFlow, which it then never uses. `--engine keras` is the blog's own code path, model.fit,
and runs on TensorFlow, the blog's backend. A KERAS_BACKEND the user set always wins; the run
record says which backend ran and who chose it.

The backend also decides where the initial weights come from: the same seed draws other
weights from JAX's generator than from TensorFlow's. On JAX, what it compiles is kept on disk
from the moment the backend is chosen (use_jax_compilation_cache).
"""

import os
import sys

ENGINE_BACKENDS = {"jax": "jax", "keras": "tensorflow"}
# Every program JAX compiles is kept on disk, so that a later run with the same shapes does not
# compile it again: the training step (about 3.5 s a run here) and the 18 small programs Keras
# on JAX compiles to draw the initial weights (about 2 s). JAX's key includes its version, the
# device and the flags, so a stale entry is never used. LSTM_ADDER_JAX_CACHE="" turns it off.
JAX_COMPILATION_CACHE = os.environ.get(
    "LSTM_ADDER_JAX_CACHE",
    os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "lstm-adder", "jax"
    ),
)
# KERAS_BACKEND as this module set it: what child processes inherit from us is not the user's.
SET_HERE = "LSTM_ADDER_KERAS_BACKEND"


def wanted(engine: str) -> tuple[str, str]:
    """(backend, who chose it) for `engine` in a fresh process: the user's KERAS_BACKEND, or
    the engine's own."""
    users = os.environ.get("KERAS_BACKEND")
    if users and users != os.environ.get(SET_HERE):
        return users, "KERAS_BACKEND"
    return ENGINE_BACKENDS[engine], "--engine " + engine


def imported() -> str | None:
    """The backend of the Keras already imported in this process, or None."""
    keras = sys.modules.get("keras")
    return keras.backend.backend() if keras is not None else None


def choose(engine: str) -> tuple[str, str]:
    """Ask for `engine`'s backend before Keras is imported; returns (backend, who chose it).

    Where Keras is already imported (a test suite, a study's worker), its backend stays: Keras
    cannot switch in a running process. The study runs such a run in a fresh process instead.
    """
    backend, chosen_by = wanted(engine)
    current = imported()
    if current is not None:
        chosen = current, chosen_by if current == backend else "already imported"
    else:
        if chosen_by != "KERAS_BACKEND":
            os.environ["KERAS_BACKEND"] = os.environ[SET_HERE] = backend
        chosen = backend, chosen_by
    if chosen[0] == "jax":
        use_jax_compilation_cache()
    return chosen


def use_jax_compilation_cache() -> None:
    """Keep what JAX compiles in JAX_COMPILATION_CACHE, before anything is compiled."""
    if JAX_COMPILATION_CACHE:
        import jax

        jax.config.update("jax_compilation_cache_dir", JAX_COMPILATION_CACHE)
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
