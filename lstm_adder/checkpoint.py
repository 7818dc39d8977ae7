"""The training state on disk, so that a run can stop and later go on exactly where it was.

A checkpoint is one `.npz` file beside the model (`LSTM_Operation.checkpoint.npz` for
`LSTM_Operation.h5`): the float arrays of the state (weights, Adam's moments and step) and one
JSON text that says what run it belongs to (the options that define the computation), how far
it got (epoch, every epoch's loss, training seconds) and the random generators' states.

Reading it follows the model file's rule: `numpy.load(allow_pickle=False)` takes arrays of
numbers and text only, so nothing in a checkpoint can run. A file that is damaged, foreign
(another seed, other options) or not a checkpoint at all raises CheckpointError with one line.
Writing is atomic: a temporary file beside the target, then a rename, so a crash or a signal
while saving leaves the previous checkpoint as it was.
"""

import json
import os
import zipfile
from collections.abc import Sequence

import numpy as np

from lstm_adder.blog import BLOGS_OUTPUT_ACTIVATION
from lstm_adder.files import replacing

FORMAT = "lstm-adder-checkpoint/1"
# Fields of a run's identity (config.IDENTITY) that checkpoints written before them lack: such a
# checkpoint was of the blog's value.
IDENTITY_ADDED_SINCE = {"output_activation": BLOGS_OUTPUT_ACTIVATION}


class CheckpointError(Exception):
    """A checkpoint that cannot be used; the message says why, in one line."""


def checkpoint_path_for(model_path: str | os.PathLike) -> str:
    """The checkpoint that goes with a model file: same name, .checkpoint.npz."""
    return os.path.splitext(str(model_path))[0] + ".checkpoint.npz"


def save(
    path: str,
    identity: dict,
    epoch: int,
    losses: Sequence[float],
    arrays: dict[str, np.ndarray],
    state: dict | None = None,
    train_seconds: float = 0.0,
    extra: dict | None = None,
) -> None:
    """Write a checkpoint atomically (files.replacing: WriteError if it cannot be written, the
    previous checkpoint then as it was). `arrays`: name -> numpy array; `state`: JSON-able (the
    random generators' states); `extra`: JSON-able, kept for the caller (the study's
    evaluations)."""
    meta = {
        "format": FORMAT,
        "identity": identity,
        "epoch": int(epoch),
        "losses": [float(loss) for loss in losses],
        "state": state or {},
        "train_seconds": float(train_seconds),
        "extra": extra or {},
    }
    with replacing(path) as replacement, open(replacement.temporaries[0], "wb") as file:
        np.savez(file, meta=np.array(json.dumps(meta)), **arrays)  # type: ignore[arg-type]


def load(path: str, identity: dict) -> tuple[dict, dict[str, np.ndarray]]:
    """(meta, arrays) of the checkpoint at `path`, checked to belong to the run `identity`
    (TrainingConfig.identity())."""
    if not os.path.isfile(path):
        raise CheckpointError(f"no checkpoint at {path} (train with --checkpoint-every K first)")
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            arrays = {name: stored[name] for name in stored.files if name != "meta"}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
        raise CheckpointError(
            f"{path} is not a readable checkpoint (damaged or something "
            f"else): {str(error).splitlines()[0] if str(error) else error!r}"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not an lstm-adder checkpoint")
    stored_identity = {**IDENTITY_ADDED_SINCE, **(meta.get("identity") or {})}
    differences = [
        f"{key} {stored_identity.get(key)!r} there, {value!r} here"
        for key, value in identity.items()
        if stored_identity.get(key) != value
    ]
    if differences:
        raise CheckpointError(
            f"{path} belongs to another run ({'; '.join(differences)}): "
            "resume with that run's options, or train afresh without --resume"
        )
    if any(array.dtype.kind not in "fiu" for array in arrays.values()):
        raise CheckpointError(f"{path} holds arrays that are not numbers")
    return meta, arrays
