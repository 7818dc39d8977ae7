"""Keep TensorFlow's start-up chatter out of output meant for people.

Importing TensorFlow prints lines about CUDA, oneDNN and absl to stderr from C++, before any
Python setting can reach them; Keras 3 then warns through absl that .h5 is a legacy format
each time one is saved. None of it is about the user's run. `--verbose` keeps all of it.
"""

import contextlib
import os
import sys
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def tensorflow_startup(verbose: bool = False) -> Iterator[None]:
    """Run the imports of Keras (and so TensorFlow) inside this block with their logs hidden."""
    if verbose:
        yield
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("ABSL_MIN_LOG_LEVEL", "3")
    # The C++ lines go straight to file descriptor 2, so Python's sys.stderr cannot catch them.
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    warnings.filterwarnings("ignore", message=".*HDF5 file.*legacy.*")
    warnings.filterwarnings("ignore", category=UserWarning, module="keras")
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # absl comes with TensorFlow; other backends may lack it.
        pass
