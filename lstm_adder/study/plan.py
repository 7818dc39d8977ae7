"""What the study runs: every planned run as a Plan, from the StudySettings, and the training
configuration each one trains with."""

import dataclasses
import enum
import os

from lstm_adder.blog import BLOGS_ACTIVATION
from lstm_adder.config import KERAS_224, TrainingConfig
from lstm_adder.study.settings import StudySettings
from lstm_adder.variants import BY_NAME as VARIANTS_BY_NAME
from lstm_adder.variants import VARIANTS

SHORT_RUN_CHECKPOINT_EVERY = 10  # epochs between saved states of a plain run or a variant


class Kind(enum.Enum):
    PLAIN = "plain"  # at the blog's epochs, evaluated once at its end
    SCHEDULE = "schedule"  # long, evaluated every `every` epochs, ended by the stop rule
    OBSERVED = "observed"  # long, evaluated every `every` epochs to its end
    VARIANT = "variant"  # a plain run with one change to the blog's script


@dataclasses.dataclass(frozen=True)
class Plan:
    """One planned run. Its id names it in study.json and its saved state."""

    id: str
    kind: Kind
    activation: str
    seed: int
    epochs: int
    every: int = 0  # epochs between evaluations; 0: evaluated once, at its end
    engine: str = "jax"
    variant: str | None = None

    @property
    def stop_rule(self) -> bool:
        return self.kind is Kind.SCHEDULE

    @property
    def evaluated_along(self) -> bool:
        """A long schedule, evaluated every `every` epochs on its way."""
        return self.kind in (Kind.SCHEDULE, Kind.OBSERVED)

    def as_dict(self) -> dict:
        """For a run's process (the job's JSON): Plan(**plan) is read back by from_dict."""
        return {**dataclasses.asdict(self), "kind": self.kind.value}

    @classmethod
    def from_dict(cls, fields: dict) -> "Plan":
        return cls(**{**fields, "kind": Kind(fields["kind"])})


def planned_runs(settings: StudySettings) -> list[Plan]:
    """The planned runs, plain runs first, the variants last."""
    return [*plain_plans(settings), *schedule_plans(settings), *variant_plans(settings)]


def plain_plans(settings: StudySettings) -> list[Plan]:
    """The plain runs: each activation's seeds with the default engine, then the blog's LSTM
    through model.fit and by Keras 2.2.4 itself."""

    def seeds_of(activation):
        return settings.seeds if activation == BLOGS_ACTIVATION else settings.other_seeds

    epochs = settings.epochs
    runs = [
        Plan(f"{activation}-seed{seed}-{epochs}ep", Kind.PLAIN, activation, seed, epochs)
        for seed in range(1, max(map(seeds_of, settings.activations)) + 1)
        for activation in settings.activations
        if seed <= seeds_of(activation)
    ]
    if BLOGS_ACTIVATION in settings.activations:
        for engine, seeds in (
            ("keras", settings.keras_seeds),
            (KERAS_224, settings.keras224_seeds),
        ):
            runs += [
                Plan(
                    f"{BLOGS_ACTIVATION}-{engine}-seed{seed}-{epochs}ep",
                    Kind.PLAIN,
                    BLOGS_ACTIVATION,
                    seed,
                    epochs,
                    engine=engine,
                )
                for seed in range(1, seeds + 1)
            ]
    return runs


def schedule_plans(settings: StudySettings) -> list[Plan]:
    """The long schedules (with the stop rule) and the observed ones (without)."""
    runs = []
    every = settings.every
    if settings.long_epochs:
        for activation in settings.activations:
            seeds = settings.long_seeds if activation == BLOGS_ACTIVATION else 1
            runs += [
                Plan(
                    f"{activation}-long-{settings.long_epochs}ep-every{every}-seed{seed}",
                    Kind.SCHEDULE,
                    activation,
                    seed,
                    settings.long_epochs,
                    every,
                )
                for seed in range(1, seeds + 1)
            ]
    if settings.observed_epochs and BLOGS_ACTIVATION in settings.activations:
        first = settings.long_seeds + 1
        runs += [
            Plan(
                f"{BLOGS_ACTIVATION}-observed-{settings.observed_epochs}ep-every{every}-seed{seed}",
                Kind.OBSERVED,
                BLOGS_ACTIVATION,
                seed,
                settings.observed_epochs,
                every,
            )
            for seed in range(first, first + settings.observed_schedules)
        ]
    return runs


def variant_plans(settings: StudySettings) -> list[Plan]:
    """The blog's LSTM with one change to the blog's script, seeds 1..variant_seeds each."""
    if BLOGS_ACTIVATION not in settings.activations:
        return []
    return [
        Plan(
            f"variant-{variant.name}-seed{seed}-{settings.epochs}ep",
            Kind.VARIANT,
            BLOGS_ACTIVATION,
            seed,
            settings.epochs,
            variant=variant.name,
        )
        for variant in VARIANTS
        if variant.name in settings.variants
        for seed in range(1, settings.variant_seeds + 1)
    ]


def running_order(todo: list[Plan]) -> list[Plan]:
    """The runs still to do, the long schedules spread evenly among the plain runs from the
    first place on: with several workers the longest runs start early, and plain results still
    come in from the start."""
    long_runs = [plan for plan in todo if plan.evaluated_along]
    plain = [plan for plan in todo if not plan.evaluated_along]
    ordered = []
    for index, plan in enumerate(long_runs):
        ordered.append(plan)
        ordered += plain[
            len(plain) * index // len(long_runs) : len(plain) * (index + 1) // len(long_runs)
        ]
    return ordered or plain


def state_path(settings: StudySettings, plan: Plan) -> str:
    """Where a run keeps its whole training state until it is in study.json."""
    return os.path.join(settings.results, "checkpoints", plan.id + ".checkpoint.npz")


def run_config(settings: StudySettings, plan: Plan) -> TrainingConfig:
    """The training configuration of one planned run: the study's settings, the plan's, and a
    variant's one change; its whole state is saved under results/checkpoints/."""
    config = TrainingConfig(
        epochs=plan.epochs,
        seed=plan.seed,
        bits=settings.bits,
        data_size=settings.data_size,
        recurrent_activation=plan.activation,
        engine=plan.engine,
        checkpoint=state_path(settings, plan),
        # Keras 2.2.4's fit keeps Adam's state to itself: its runs start again when stopped.
        checkpoint_every=0
        if plan.engine == KERAS_224
        else plan.every or SHORT_RUN_CHECKPOINT_EVERY,
    )
    if plan.variant:
        return dataclasses.replace(config, **VARIANTS_BY_NAME[plan.variant].change)
    return config
