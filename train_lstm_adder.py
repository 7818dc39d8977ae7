"""Train the blog's LSTM to add two binary numbers, exactly as the blog did.

The post ("Machine learning, part 5: quickly build an LSTM network (binary addition)") draws
10,000 pairs of 8-bit numbers, feeds each pair to an LSTM one bit per time step (the 8 bits of
the first number, then the 8 bits of the second, most significant first), and asks for the 9
bits of the sum. Every default below is the blog's, with the Keras 2.2.4 defaults that later
Keras changed (docs/keras2-vs-keras3.md).

    python train_lstm_adder.py                  # the blog's run: 100 epochs, minutes on a CPU
    python train_lstm_adder.py --epochs 2 --bits 4 --output /tmp/tiny.h5
    python train_lstm_adder.py --epochs 2000 --checkpoint-every 25 --output long.h5
    python train_lstm_adder.py --epochs 2000 --checkpoint-every 25 --output long.h5 --resume

It writes the model where the blog did, ./LSTM_Operation.h5 (or --output: .h5, or Keras 3's own
.keras format), never over the model the repository ships in models/ unless told to with
--output; `git checkout models/` brings that one back. Beside the model goes a JSON record of
the run: every option, the versions, the loss of every epoch and the training pairs, so that
evaluate.py can tell pairs the network has seen from pairs it has not.
"""

import argparse
import dataclasses
import datetime
import os
import shutil
import signal
import sys
from typing import Any

import numpy as np

from lstm_adder import backend, checkpoint, data, keras224, training
from lstm_adder.blog import OUTPUT_ACTIVATION_CHOICES, RECURRENT_ACTIVATION_CHOICES
from lstm_adder.cli import (
    HelpFormatter,
    bit_count,
    command_line,
    non_negative_int,
    positive_float,
    positive_int,
    refuse_if_too_big,
    writable_output,
)
from lstm_adder.config import BLOG, ENGINES, TrainingConfig
from lstm_adder.files import WriteError, replacing
from lstm_adder.keras224 import ENGINE as KERAS_224
from lstm_adder.record import machine, record_json, record_path_for, sha256_of

MODEL_FORMATS = (".h5", ".keras")  # what Keras saves and model.read_model_file reads


# ----------------------------------------------------------------------------------------------
# Options: the blog's settings are the defaults.


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Train the blog's LSTM binary adder (defaults: the blog's exact settings).",
        formatter_class=HelpFormatter,
    )
    add_run_options(parser)
    add_output_options(parser)
    args = parser.parse_args(argv)
    if not args.output.endswith(MODEL_FORMATS):
        parser.error(
            f"--output {args.output!r}: the model file name must end in .h5 (the "
            "blog's format) or .keras (Keras 3's own)"
        )
    if not 0 <= args.seed < 2**32:
        parser.error(f"--seed {args.seed}: must be in 0..{2**32 - 1}")
    # Measured here: 320 bytes a pair at 8 bits (data, its bit arrays and the run record's
    # copy of the pairs), rounded up.
    refuse_if_too_big(parser, "--data-size", args.data_size, data.bytes_per_pair(args.bits, 400))
    if args.engine == KERAS_224 and (args.checkpoint_every or args.resume):
        parser.error(
            f"--engine {KERAS_224} cannot save or resume a training state (Keras 2.2.4's fit "
            "keeps Adam's state and the shuffle's generator to itself): leave out "
            "--checkpoint-every and --resume"
        )
    args.created_folder = writable_output(parser, "--output", args.output)
    if args.created_folder:
        print(f"Created the folder {os.path.dirname(args.output)} for --output {args.output}")
    return args


def add_run_options(parser):
    """What the run is: the blog's script's settings (TrainingConfig's), the blog's by default."""
    parser.add_argument("--epochs", type=positive_int, default=BLOG.epochs, help="training epochs")
    parser.add_argument(
        "--data-size",
        type=positive_int,
        default=BLOG.data_size,
        help="training pairs, drawn uniformly with replacement",
    )
    parser.add_argument(
        "--bits",
        type=bit_count,
        default=BLOG.bits,
        help="bits per operand (the blog's BINARY_DIM), 1..16",
    )
    parser.add_argument(
        "--batch-size", type=positive_int, default=BLOG.batch_size, help="batch size"
    )
    parser.add_argument(
        "--learning-rate",
        type=positive_float,
        default=BLOG.learning_rate,
        help="Adam's learning rate (Keras 2.2.4's default)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=BLOG.seed,
        help="seed for the data, the initial weights, dropout and shuffling",
    )
    parser.add_argument(
        "--recurrent-activation",
        choices=RECURRENT_ACTIVATION_CHOICES,
        default=BLOG.recurrent_activation,
        help="the LSTM gates' activation: the blog's Keras 2 hard sigmoid "
        "clip(0.2x+0.5, 0, 1), or the sigmoid Keras uses since 2.3",
    )
    parser.add_argument(
        "--output-activation",
        choices=OUTPUT_ACTIVATION_CHOICES,
        default=BLOG.output_activation,
        help="the output layer's activation: the blog's relu, or a sigmoid "
        "(outputs inside (0, 1), like the bits they stand for)",
    )


def add_output_options(parser):
    """How it runs and where it goes: the engine, the model file, checkpoints, messages."""
    parser.add_argument(
        "--output",
        default="LSTM_Operation.h5",
        help="where to save the model: .h5 (the blog's format) or .keras (Keras 3's "
        "own); the run record goes beside it (.json). The default is the "
        "blog's ./LSTM_Operation.h5, in the current folder: the model the "
        "repository ships, models/LSTM_Operation.h5, is replaced only when "
        "named here (git checkout models/ brings it back)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=BLOG.engine,
        help="how to run the training (same math each way): jax_lstm.py's "
        "compiled step, with Keras on its JAX backend (faster on a CPU: make "
        "bench); Keras 3's model.fit on TensorFlow, the blog's backend (a "
        "KERAS_BACKEND you set wins); or the blog's own Keras 2.2.4, its code "
        "on TensorFlow's tf.compat.v1 (no --checkpoint-every or --resume)",
    )
    parser.add_argument(
        "--checkpoint-every",
        type=non_negative_int,
        default=0,
        metavar="K",
        help="save the whole training state every K epochs and at the end, "
        "beside --output (NAME.checkpoint.npz); 0: no checkpoints",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="go on from the checkpoint beside --output up to --epochs; the "
        "other options must be the checkpointed run's. With the default "
        "engine the result is the uninterrupted run's, bit for bit, on the "
        "same machine; with --engine keras the weights, Adam's state and "
        "dropout's generator are restored, but on TensorFlow Keras "
        "reshuffles from its first epoch's order, so the run goes on "
        "differently (on KERAS_BACKEND=jax it too is the uninterrupted "
        "run's)",
    )
    parser.add_argument(
        "--verbose", action="store_true", help="show TensorFlow's start-up and warning messages"
    )


# ----------------------------------------------------------------------------------------------
# Interruption: Ctrl-C or SIGTERM at any moment leaves the previous model untouched.


class Interrupted(BaseException):
    """SIGINT or SIGTERM. A BaseException, like KeyboardInterrupt, so that no `except Exception`
    inside Keras or TensorFlow can swallow it."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def raise_interrupted(signum, frame):
    raise Interrupted(signum)


def save_atomically(net, record, model_path):
    """Write the model and its record to temporary files beside their targets, then rename both
    (files.replacing): a crash, a signal or a full disk before the renames leaves the old files
    as they were and no temporary file behind (WriteError for the disk). Signals are held back
    during the two renames so that they happen as a pair.
    Returns the record's path and the signal that arrived during the renames, if any.
    """
    record_path = record_path_for(model_path)
    # Keras picks the format (.h5, or its own .keras) from the file name: the temporary names
    # end as the targets do.
    with replacing(model_path, record_path, report_late_signal=True) as replacement:
        model_temporary, record_temporary = replacement.temporaries
        net.save(model_temporary)
        record["model_sha256"] = sha256_of(model_temporary)
        with open(record_temporary, "w") as file:
            file.write(record_json(record))
    return record_path, replacement.late_signal


def config_of(args):
    """The run the options describe; its checkpoint goes beside --output."""
    return TrainingConfig(
        epochs=args.epochs,
        data_size=args.data_size,
        bits=args.bits,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        recurrent_activation=args.recurrent_activation,
        output_activation=args.output_activation,
        engine=args.engine,
        checkpoint=checkpoint.checkpoint_path_for(args.output),
        checkpoint_every=args.checkpoint_every,
    )


def load_resume_state(config):
    """The checkpoint --resume continues, checked against this run (CheckpointError), and the
    run with the checkpoint's interval when none was given."""
    meta, arrays = checkpoint.load(config.checkpoint, config.identity())
    if meta["epoch"] > config.epochs:
        raise checkpoint.CheckpointError(
            f"{config.checkpoint} is at epoch {meta['epoch']}, beyond --epochs {config.epochs}"
        )
    if not config.checkpoint_every:
        every = int(meta["state"].get("every") or 0)
        config = dataclasses.replace(config, checkpoint_every=every)
    print(
        f"Resuming from {config.checkpoint}: epoch {meta['epoch']} of {config.epochs} done",
        flush=True,
    )
    return config, (meta, arrays)


def run_record(config, output, resume, first_operand, second_operand, trained):
    """The JSON record saved beside the model: the run's configuration as it is, its data, the
    versions and machine, and every epoch's loss (trained: a Trained)."""
    return {
        "script": "train_lstm_adder.py",
        "config": config.as_dict(),
        "output": output,
        "seed": config.seed,
        "resumed_from_epoch": resume[0]["epoch"] if resume else None,
        "data": {
            "generator": "numpy.random.RandomState(seed).randint(0, 2**bits), first operand "
            "then second, data_size times (the blog's draw order)",
            "first_operand": first_operand.tolist(),
            "second_operand": second_operand.tolist(),
        },
        "versions": trained.versions,
        "backend_chosen_by": trained.backend_chosen_by,
        "device": trained.device,
        "machine": machine(),
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(trained.seconds, 3),
        "loss_per_epoch": [float(loss) for loss in trained.losses],
    }


@dataclasses.dataclass(frozen=True)
class Trained:
    """What a finished training hands on to be saved: the network (anything with Keras's
    `save(path)`), its losses and seconds, and what ran it."""

    net: Any
    losses: list[float]
    seconds: float
    versions: dict
    device: str
    backend_chosen_by: str


def progress_verbosity():
    """Keras's progress bar on a terminal; one line per epoch in a log file."""
    return 1 if sys.stdout.isatty() else 2


def train(args):
    config = config_of(args)
    if config.engine == KERAS_224:
        return train_on_keras224(args, config)
    _, backend_chosen_by = backend.choose(config.engine)
    resume = None
    if args.resume:
        config, resume = load_resume_state(config)
    net, first_operand, second_operand, X, Y = training.prepare(config, args.verbose)
    net.summary()
    losses, wall_seconds = training.train_network(
        config, net, X, Y, verbose=progress_verbosity(), resume=resume
    )
    trained = Trained(
        net,
        losses,
        wall_seconds,
        training.versions(),
        training.training_device(config.engine),
        backend_chosen_by,
    )
    return save_run(args, config, resume, first_operand, second_operand, trained)


def train_on_keras224(args, config):
    """--engine keras2.2.4: Keras 2.2.4's own code trains and saves, in a process of its own
    (keras224.py); the record and the safe save are the same as for the other engines."""
    # The record keeps the pairs; the training process draws the same ones from the seed.
    first_operand, second_operand, _, _ = training.draw_data(config)
    with keras224.training(config, args.verbose, progress_verbosity(), summary=True) as run:
        trained = Trained(
            run, run.losses, run.seconds, run.versions, "tensorflow: cpu", f"--engine {KERAS_224}"
        )
        return save_run(args, config, None, first_operand, second_operand, trained)


def save_run(args, config, resume, first_operand, second_operand, trained):
    """Save a finished run's model and record, safely, and say so; nothing if its loss broke."""
    losses = trained.losses
    final_loss = losses[-1] if losses else float("nan")
    if not np.all(np.isfinite(losses)):
        print(
            f"train_lstm_adder.py: training stopped in epoch {len(losses)}: "
            f"the loss became {final_loss}; nothing was saved (try a smaller --learning-rate)",
            file=sys.stderr,
        )
        return 1
    record = run_record(config, args.output, resume, first_operand, second_operand, trained)
    record_path, late_signal = save_atomically(trained.net, record, args.output)
    evaluate_it = command_line("evaluate.py", "--model", args.output)
    print(
        f"Saved {args.output} and {record_path} (final loss {final_loss:.6g}, "
        f"{trained.seconds:.1f} s of training); evaluate it with: {evaluate_it}"
    )
    if late_signal:
        print(
            f"train_lstm_adder.py: interrupted ({signal.Signals(late_signal).name}) while "
            "saving, after both files were complete: they are saved",
            file=sys.stderr,
        )
        return 128 + late_signal
    return 0


def main(argv=None):
    args = parse_args(argv)
    # SIGINT too: a shell starts background jobs with SIGINT ignored, and Python then never
    # raises KeyboardInterrupt; an interrupted run must still end cleanly, saving nothing.
    signal.signal(signal.SIGTERM, raise_interrupted)
    signal.signal(signal.SIGINT, raise_interrupted)
    try:
        return train(args)
    except checkpoint.CheckpointError as error:
        print(f"train_lstm_adder.py: error: --resume: {error}", file=sys.stderr)
        return 2
    except keras224.Keras224Error as error:
        print(f"train_lstm_adder.py: error: --engine {KERAS_224}: {error}", file=sys.stderr)
        return 1
    except WriteError as error:  # a full disk, a read-only folder: the files are as they were
        print(
            f"train_lstm_adder.py: error: {error}; training stopped and nothing was saved "
            f"({as_before(args)}){resume_hint(args)}",
            file=sys.stderr,
        )
        return 1
    except (KeyboardInterrupt, Interrupted) as stop:
        signum = getattr(stop, "signum", signal.SIGINT)
        print(
            f"\ntrain_lstm_adder.py: interrupted ({signal.Signals(signum).name}); nothing was "
            f"saved ({as_before(args)}){resume_hint(args)}",
            file=sys.stderr,
        )
        return 128 + signum


def as_before(args):
    """What a stopped run left of --output: the old file, or none (and no folder made for it)."""
    if os.path.exists(args.output):
        return f"{args.output} is as it was before"
    if args.created_folder and not any(files for _, _, files in os.walk(args.created_folder)):
        shutil.rmtree(args.created_folder, ignore_errors=True)
    return f"there is no {args.output}"


def resume_hint(args):
    """Where a stopped run can go on from: its last saved state, or how to keep one next time."""
    kept = checkpoint.checkpoint_path_for(args.output)
    if (args.checkpoint_every or args.resume) and os.path.exists(kept):
        return f"; its last checkpoint is {kept}: continue with the same options and --resume"
    return (
        "; --checkpoint-every K saves the training state every K epochs, and --resume goes "
        "on from it"
    )


if __name__ == "__main__":
    sys.exit(main())
