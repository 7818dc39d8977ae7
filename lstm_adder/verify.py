"""`make verify`: retrain a model as its run record says it was made, and say in one line
whether the new file is the old one byte for byte, or at which epoch the two runs part.

A seed fixes the data, the initial weights and the dropout masks, but not the float32 rounding:
that depends on the processor's instruction set and on the thread count
(docs/reproducibility.md). So the retraining uses as many cores as the record's machine had,
where this machine has more, and the line names both machines.
"""

import json
import os
import subprocess
import sys
import tempfile

from lstm_adder.cli import REPOSITORY
from lstm_adder.config import IDENTITY
from lstm_adder.record import machine, record_path_for, sha256_of, usable_cores
from lstm_adder.wording import one_line

SHIPPED = os.path.join(REPOSITORY, "models", "LSTM_Operation.h5")
# The record's options that say how the network was trained: epochs and config.IDENTITY.
TRAINING_OPTIONS = ("epochs", *IDENTITY)


def retrain_command(record: dict) -> list[str]:
    """train_lstm_adder.py with the record's training options, less --output (a record names
    them `config`; the shipped model's, older, `options`)."""
    options = record.get("config") or record["options"]
    command = [sys.executable, os.path.join(REPOSITORY, "train_lstm_adder.py")]
    for name in TRAINING_OPTIONS:
        if name in options:
            command += [f"--{name.replace('_', '-')}", str(options[name])]
    return command


def first_difference(
    losses: list[float], old_losses: list[float]
) -> tuple[int, float, float] | None:
    """The first epoch whose loss differs, with both losses; None where every epoch agrees."""
    for epoch, (new, old) in enumerate(zip(losses, old_losses, strict=False), start=1):
        if new != old:
            return epoch, new, old
    return None


def verdict(new: dict, old: dict, new_sha256: str, old_sha256: str, threads: int) -> str:
    """The one line: same, or different with where the runs part and on which machines."""
    if new_sha256 == old_sha256:
        return f"same: the retrained model is the original byte for byte (sha256 {new_sha256})"
    parted = first_difference(new["loss_per_epoch"], old["loss_per_epoch"])
    where = (
        f"the loss first differs at epoch {parted[0]} ({parted[1]!r} here, {parted[2]!r} "
        "in the original's record)"
        if parted
        else "every epoch's loss agrees, yet the files differ"
    )
    made = old.get("machine", {})
    return (
        f"different: sha256 {new_sha256[:8]}... against the original's {old_sha256[:8]}...; "
        f"{where}. Here: {machine()['processor']}, {threads} threads; the original: "
        f"{made.get('processor', 'unknown')}, {made.get('cpus', '?')} CPUs. "
        "docs/reproducibility.md says what changes the bits"
    )


def main(model: str = SHIPPED) -> int:
    """Retrain `model` (the shipped one by default) as its record says; 0 for the same bytes,
    1 for others, 2 where the model or its record cannot be used."""
    try:
        with open(record_path_for(model), encoding="utf-8") as file:
            old = json.load(file)
        old_sha256 = sha256_of(model)
        cpus = int(old["machine"]["cpus"])
        command = retrain_command(old)
    except (OSError, ValueError, KeyError, TypeError) as error:
        print(f"verify: cannot use {model} and its record: {one_line(error)}", file=sys.stderr)
        return 2
    cores = usable_cores()
    pinned = cores[:cpus] if cores and len(cores) > cpus else cores

    def pin() -> None:  # in the child, before it starts: XLA sizes its thread pool from this
        if pinned:
            os.sched_setaffinity(0, pinned)

    with tempfile.TemporaryDirectory(prefix="lstm-adder-verify-") as folder:
        output = os.path.join(folder, os.path.basename(model))
        done = subprocess.run(
            [*command, "--output", output], preexec_fn=pin if pinned else None, check=False
        )
        if done.returncode != 0:
            print(f"verify: the retraining failed (exit status {done.returncode})", file=sys.stderr)
            return 1
        with open(record_path_for(output), encoding="utf-8") as file:
            new = json.load(file)
        threads = len(pinned) if pinned else os.cpu_count() or 1
        line = verdict(new, old, sha256_of(output), old_sha256, threads)
    print(line)
    return 0 if line.startswith("same") else 1


if __name__ == "__main__":  # python -m lstm_adder.verify [MODEL]
    sys.exit(main(*sys.argv[1:2]))
