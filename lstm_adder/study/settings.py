"""StudySettings: the study's counterpart of TrainingConfig, one frozen record that study.py
builds from its options and every part of the study takes. Its defaults are study.py's."""

import dataclasses

from lstm_adder.blog import RECURRENT_ACTIVATION_CHOICES
from lstm_adder.config import BLOG
from lstm_adder.scoring import SAMPLING_DRAWS
from lstm_adder.variants import VARIANTS


@dataclasses.dataclass(frozen=True)
class StudySettings:
    # What is run: plain runs at the blog's epochs, by engine and activation.
    seeds: int = 100  # of the blog's LSTM on the default engine
    other_seeds: int = 5  # of each other recurrent activation
    keras_seeds: int = 5  # of the blog's LSTM through Keras's model.fit
    keras224_seeds: int = 20  # of the blog's LSTM by the blog's own Keras 2.2.4
    epochs: int = BLOG.epochs
    bits: int = BLOG.bits
    data_size: int = BLOG.data_size
    activations: tuple[str, ...] = RECURRENT_ACTIVATION_CHOICES
    # Long schedules (with the stop rule) and observed ones (without), evaluated every `every`.
    long_epochs: int = 2000
    long_seeds: int = 4
    observed_epochs: int = 1500
    observed_schedules: int = 16
    every: int = 25
    # One change to the blog's script each.
    variants: tuple[str, ...] = tuple(variant.name for variant in VARIANTS)
    variant_seeds: int = 10
    # Each evaluation's random blog-style tests (scoring.sampling_distribution).
    draws: int = SAMPLING_DRAWS
    # Where it writes and what it shows.
    results: str = "results"
    readme: tuple[str, ...] = ()
    verbose: bool = False
    # Where the runs run: this process (workers 0), a local Dask cluster, or one at an address.
    workers: int = 1
    cores_per_run: int | None = None
    worker_cores: tuple[tuple[int, ...], ...] | None = None  # worker i's cores, locally
    scheduler: str | None = None
    dashboard: int | None = None
