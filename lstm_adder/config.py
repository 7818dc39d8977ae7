"""What one training run is: the blog's settings as a frozen dataclass that every part takes.

train_lstm_adder.py builds it from its options, the study from each plan, bench.py for its
measurements; training.py trains what it says, checkpoint.py keys a saved state to it, and the
run record writes it as it is. The defaults are the blog's (`BLOG`).
"""

from __future__ import annotations

import dataclasses

from lstm_adder.blog import (
    BLOGS_ACTIVATION,
    BLOGS_OUTPUT_ACTIVATION,
    OUTPUT_ACTIVATION_CHOICES,
    RECURRENT_ACTIVATION_CHOICES,
)
from lstm_adder.data import BINARY_DIM

# How the same computation is executed: jax_lstm.py's compiled training step, or Keras 3's own
# model.fit (the blog's code path), both from the Keras 3 model's weights; or the blog's own
# Keras 2.2.4, which draws its own initial weights (keras224.py).
KERAS_224 = "keras2.2.4"  # the engine's name carries the version a reader should see
ENGINES = ("jax", "keras", KERAS_224)
# The fields that fix the computation: a checkpoint continues only a run with the same ones
# (epochs is not among them: resuming to more epochs is the point).
IDENTITY = (
    "bits",
    "data_size",
    "batch_size",
    "learning_rate",
    "seed",
    "recurrent_activation",
    "output_activation",
    "engine",
)


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """One run of the blog's script: its data, network, optimiser and schedule, how it is
    executed, and where its whole training state is saved every `checkpoint_every` epochs
    (0: never; `checkpoint` is then unused)."""

    epochs: int = 100
    data_size: int = 10000
    bits: int = BINARY_DIM
    batch_size: int = 128
    learning_rate: float = 0.001
    seed: int = 1
    recurrent_activation: str = BLOGS_ACTIVATION
    output_activation: str = BLOGS_OUTPUT_ACTIVATION
    engine: str = ENGINES[0]
    checkpoint: str | None = None
    checkpoint_every: int = 0

    def __post_init__(self) -> None:
        for name, value, choices in (
            ("recurrent_activation", self.recurrent_activation, RECURRENT_ACTIVATION_CHOICES),
            ("output_activation", self.output_activation, OUTPUT_ACTIVATION_CHOICES),
            ("engine", self.engine, ENGINES),
        ):
            if value not in choices:
                raise ValueError(f"{name} {value!r} is not one of {', '.join(choices)}")
        if self.checkpoint_every and not self.checkpoint:
            raise ValueError("checkpoint_every needs a checkpoint path")

    def identity(self) -> dict:
        """The fields a checkpoint must share with the run that continues it."""
        return {key: getattr(self, key) for key in IDENTITY}

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


BLOG = TrainingConfig()
