"""A run of the study as study.json keeps it: its plan, the training configuration it ran with,
whether it has finished, why a long schedule stopped, and what it measured.

study.json is written in this module's layout (run_record); records written before it, with the
plan's fields at the top, no status, a config only for the variants and the stop reason as
display text, are read into the same type (read_run).
"""

import dataclasses
import enum
from typing import Required, TypedDict

from lstm_adder.config import TrainingConfig
from lstm_adder.scoring import Sampling
from lstm_adder.study.plan import Kind, Plan


class Figures(TypedDict, total=False):
    """One evaluation of a network (study.run.evaluate_network), empty while a run is under
    way: the blog's figure, the MSE and the exact sums on the study's fixed 1,000 pairs; over
    every pair, where the operands are few enough to take them all, the rest (records of an
    earlier layout lack the MSE on pairs seen and never seen). Shares are fractions of 1, the
    blog's figure in percent."""

    blog_figure: float
    sampled_mse: float
    sampled_exact_sum_accuracy: float
    exhaustive_blog_figure: float
    exhaustive_mse: float
    exact_sum_accuracy: float
    per_bit_accuracy: list[float]
    seen_exact_sum_accuracy: float
    unseen_exact_sum_accuracy: float  # NaN where every pair was seen
    seen_mse: float
    unseen_mse: float
    seen_pairs: int
    sampling: Sampling  # the spread over random blog-style tests


class Evaluation(Figures, total=False):
    """Figures along a long schedule, after its `epoch`."""

    epoch: Required[int]


class Status(enum.Enum):
    FINISHED = "finished"  # in study.json
    UNDER_WAY = "under way"  # a long schedule shown as far as its saved state goes


class StopReason(enum.Enum):
    """Why a long schedule stopped; the report's writers choose how to say it."""

    STOP_RULE = "stop rule"  # it showed the figure at the stop rule's level
    CAP = "cap"  # it trained all its epochs
    NOT_A_NUMBER = "loss not a number"  # TerminateOnNaN ended it


@dataclasses.dataclass(frozen=True)
class StudyRun:
    """One run: `figures` are its last evaluation's (empty while under way), `evaluations` those
    along the way of a long schedule (each with its "epoch")."""

    plan: Plan
    config: TrainingConfig  # without a checkpoint: where its state was kept is not the run's
    status: Status
    loss_per_epoch: list[float]
    figures: Figures = dataclasses.field(default_factory=lambda: Figures())
    evaluations: list[Evaluation] = dataclasses.field(default_factory=list)
    stopped_by: StopReason | None = None  # a finished long schedule's
    versions: dict = dataclasses.field(default_factory=dict)  # what trained it
    machine: dict = dataclasses.field(default_factory=dict)
    cores: int | None = None  # the cores it had (the weights depend on the thread count)
    finished_at: str | None = None
    train_seconds: float | None = None

    @property
    def finished(self) -> bool:
        return self.status is Status.FINISHED


def without_checkpoint(config: TrainingConfig) -> TrainingConfig:
    return dataclasses.replace(config, checkpoint=None, checkpoint_every=0)


def run_record(run: StudyRun) -> dict:
    """A run as study.json keeps it (read back by read_run)."""
    plan = {key: value for key, value in run.plan.as_dict().items() if key != "id"}
    config = {
        key: value
        for key, value in run.config.as_dict().items()
        if key not in ("checkpoint", "checkpoint_every")
    }
    return {
        "status": run.status.value,
        "plan": plan,
        "config": config,
        "stopped_by": run.stopped_by.value if run.stopped_by else None,
        "versions": run.versions,
        "machine": run.machine,
        "cores": run.cores,
        "finished_at": run.finished_at,
        "train_seconds": run.train_seconds,
        "loss_per_epoch": run.loss_per_epoch,
        "figures": run.figures,
        "evaluations": run.evaluations,
    }


def read_run(run_id: str, record: dict) -> StudyRun:
    """The run `run_id` from its record in study.json, in either layout."""
    if "status" not in record:
        return read_old_record(run_id, record)
    return StudyRun(
        plan=Plan.from_dict({"id": run_id, **record["plan"]}),
        config=TrainingConfig(**record["config"]),
        status=Status(record["status"]),
        loss_per_epoch=record["loss_per_epoch"],
        figures=record["figures"],
        evaluations=record["evaluations"],
        stopped_by=StopReason(record["stopped_by"]) if record["stopped_by"] else None,
        versions=record["versions"],
        machine=record["machine"],
        cores=record["cores"],
        finished_at=record["finished_at"],
        train_seconds=record["train_seconds"],
    )


# How records written before this layout said why a long schedule stopped.
OLD_STOP_LABELS = {
    "the stop rule": StopReason.STOP_RULE,
    "the cap": StopReason.CAP,
    "a loss that is not a number": StopReason.NOT_A_NUMBER,
}


def read_old_record(run_id: str, record: dict) -> StudyRun:
    """A record of the earlier layout: the plan's fields at the top, a config (without the
    blog's unchanged settings) only for a variant, the stop reason as display text; its kind
    follows from them (the long schedules before the observed ones all had the stop rule)."""
    every = record.get("every", 0)
    kind = (
        Kind.VARIANT
        if record.get("variant")
        else Kind.PLAIN
        if not every
        else Kind.SCHEDULE
        if record.get("stop_rule", True)
        else Kind.OBSERVED
    )
    plan = Plan(
        id=run_id,
        kind=kind,
        activation=record["activation"],
        seed=record["seed"],
        epochs=record["epochs"],
        every=every,
        engine=record.get("engine", "jax"),
        variant=record.get("variant"),
    )
    config = TrainingConfig(
        **{
            "epochs": plan.epochs,
            "seed": plan.seed,
            "bits": record["bits"],
            "data_size": record.get("data_size", TrainingConfig.data_size),
            "recurrent_activation": plan.activation,
            "engine": plan.engine,
            **record.get("config", {}),
        }
    )
    return StudyRun(
        plan=plan,
        config=config,
        status=Status.FINISHED if "versions" in record else Status.UNDER_WAY,
        loss_per_epoch=record.get("loss_per_epoch", []),
        figures=record.get("figures", {}),
        evaluations=record.get("evaluations", []),
        stopped_by=OLD_STOP_LABELS.get(record.get("stopped_by") or ""),
        versions=record.get("versions", {}),
        machine=record.get("machine", {}),
        cores=record.get("cores"),
        finished_at=record.get("finished"),
        train_seconds=record.get("train_seconds"),
    )
