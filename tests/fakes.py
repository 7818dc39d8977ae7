"""Made-up runs of the study, for the report's tests: by default a finished plain 100-epoch run
of the blog's LSTM on 8-bit operands on the default engine, with the figures a test gives."""

import dataclasses

from lstm_adder.blog import BLOGS_ACTIVATION
from lstm_adder.config import TrainingConfig
from lstm_adder.study.plan import Kind, Plan
from lstm_adder.study.runs import Status, StudyRun


def made_up_run(
    seed=1,
    engine="jax",
    epochs=100,
    figures=None,
    *,
    kind=Kind.PLAIN,
    every=0,
    variant=None,
    config=None,
    **fields,
):
    """`config`: changes to the blog's training configuration; `fields`: StudyRun's own."""
    kind = Kind.VARIANT if variant else kind
    plan = Plan(f"made-up-{seed}", kind, BLOGS_ACTIVATION, seed, epochs, every, engine, variant)
    training = TrainingConfig(epochs=epochs, seed=seed, engine=engine, **(config or {}))
    fields.setdefault("loss_per_epoch", [0.01] * epochs)
    return StudyRun(plan, training, Status.FINISHED, figures=dict(figures or {}), **fields)


def with_plan(run, **changes):
    """`run` with its plan (and the config's epochs and seed, where changed) changed."""
    config = {key: value for key, value in changes.items() if key in ("epochs", "seed")}
    return dataclasses.replace(
        run,
        plan=dataclasses.replace(run.plan, **changes),
        config=dataclasses.replace(run.config, **config),
    )


def figures_of(mse, **figures):
    """A run's figures with the blog's figure and the fixed sample's MSE from one MSE."""
    return {"blog_figure": (1 - mse) * 100, "sampled_mse": mse, **figures}
