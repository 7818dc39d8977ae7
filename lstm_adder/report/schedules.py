"""The long schedules: each one's summary and setbacks, the chance after exactly E epochs, the
share that showed the figure within E epochs, the curves and the stop rule's ends."""

import dataclasses
from collections.abc import Sequence
from typing import NamedTuple, cast

import numpy as np

from lstm_adder.blog import BLOG_FIGURE
from lstm_adder.statistics import (
    binomial_interval,
    binomial_upper_bound,
    kaplan_meier,
    mean_interval,
)
from lstm_adder.stop_rule import probability, reaches_stop
from lstm_adder.study.runs import Evaluation, StopReason, StudyRun


@dataclasses.dataclass(frozen=True)
class LongSummary:
    """What one long schedule says about time: when the figure came, if it did, and where it
    stood at the end. Epochs are None where it never happened."""

    activation: str
    seed: int
    cap: int  # the epochs it may run
    last_epoch: int  # its last evaluation's
    under_way: bool
    stopped_by: "StopReason | None"
    fixed_sample_first: int | None  # the fixed sample first showed the figure
    probability_first: int | None  # a blog-style test first showed it at the stop rule's level
    all_sums_right_first: int | None
    best_fixed: float  # the best blog's figure on the fixed sample, and its epoch
    best_fixed_epoch: int
    best_probability: float | None  # the best chance of a blog-style test, and its epoch
    best_probability_epoch: int | None
    tail_epochs: tuple[int, int] | None  # the last evaluations' first and last epoch
    # The typical (median) figure of a 1,000-pair test over those: lowest, highest, latest.
    tail_median: tuple[float, float, float] | None
    last_exact: float | None  # the share of exact sums at the last evaluation
    setback: "Setback | None"


def long_summary(run: StudyRun) -> LongSummary:
    """One long schedule's LongSummary."""
    evaluations = run.evaluations

    def first(test):
        return next((e["epoch"] for e in evaluations if test(e)), None)

    best = max(evaluations, key=lambda e: e["blog_figure"])
    with_chance = [e for e in evaluations if "sampling" in e]
    best_chance = max(with_chance, key=lambda e: probability(e) or 0.0) if with_chance else None
    tail = with_chance[-min(8, len(with_chance)) :]
    medians = [e["sampling"]["p50"] for e in tail]
    return LongSummary(
        activation=run.plan.activation,
        seed=run.plan.seed,
        cap=run.plan.epochs,
        last_epoch=evaluations[-1]["epoch"] if evaluations else 0,
        under_way=not run.finished,
        stopped_by=run.stopped_by,
        fixed_sample_first=first(lambda e: e["blog_figure"] >= BLOG_FIGURE),
        probability_first=first_shown(run),
        all_sums_right_first=first(lambda e: e.get("exact_sum_accuracy") == 1.0),
        best_fixed=best["blog_figure"],
        best_fixed_epoch=best["epoch"],
        best_probability=probability(best_chance) if best_chance else None,
        best_probability_epoch=best_chance["epoch"] if best_chance else None,
        tail_epochs=(tail[0]["epoch"], tail[-1]["epoch"]) if tail else None,
        tail_median=(min(medians), max(medians), medians[-1]) if tail else None,
        last_exact=evaluations[-1].get("exact_sum_accuracy") if evaluations else None,
        setback=largest_setback(with_chance),
    )


def setback_worth_telling(setback: "Setback | None") -> bool:
    """A setback worth a reader's attention: the typical test's error at least tripled."""
    return setback is not None and 100 - setback.later >= 3 * (100 - setback.best)


class Setback(NamedTuple):
    """The largest fall of the typical (median) 1,000-pair test figure from its best so far."""

    best_epoch: int
    best: float
    later_epoch: int
    later: float


def largest_setback(evaluations: list[Evaluation]) -> "Setback | None":
    """The largest fall of the typical 1,000-pair test figure from its best so far (a Setback),
    or None if it never fell."""
    worst, best = None, None
    for evaluation in evaluations:
        median = evaluation["sampling"]["p50"]
        if best is None or median > best[1]:
            best = (evaluation["epoch"], median)
        elif worst is None or best[1] - median > worst.best - worst.later:
            worst = Setback(*best, evaluation["epoch"], median)
    return worst


AT_EPOCHS = (100, 250, 500, 750, 1000, 1250, 1500)


def evaluated_at(schedules: list[StudyRun], epoch: int) -> list[tuple[StudyRun, Evaluation]]:
    """(run, its evaluation) of each schedule evaluated at `epoch` with its chance known."""
    return [
        (run, evaluation)
        for run in schedules
        for evaluation in run.evaluations
        if evaluation["epoch"] == epoch and "sampling" in evaluation
    ]


def chance_of(evaluation: Evaluation) -> float:
    """The chance of a blog-style test in an evaluation evaluated_at found: it has one."""
    return cast(float, probability(evaluation))


@dataclasses.dataclass(frozen=True)
class AtEpoch:
    """Over the schedules evaluated at exactly `epoch`: the mean chance of a blog-style test
    with its bootstrap interval (None for one schedule), and medians of the training loss and
    the MSE; the MSE on never-seen and seen pairs (and over all pairs of the same evaluations)
    only from the `unseen_schedules` that recorded it (None if none did)."""

    epoch: int
    schedules: int
    mean: float
    low: float | None
    high: float | None
    median_loss: float
    median_mse: float
    median_unseen_mse: float | None
    median_seen_mse: float | None
    median_observed_mse: float | None
    unseen_schedules: int


def at_epochs(schedules: list[StudyRun], epochs: Sequence[int] = AT_EPOCHS) -> list[AtEpoch]:
    """At exactly each of `epochs`, over the schedules evaluated there: the mean chance that a
    blog-style 1,000-pair test shows the blog's figure (the chance of a reader who trains that
    long and tests the blog's way), its bootstrap interval over schedules, and the medians of
    the training loss and of the MSE over all pairs and over never-seen pairs."""
    rows = []
    for epoch in epochs:
        found = evaluated_at(schedules, epoch)
        if not found:
            continue
        mean, low, high = mean_interval([chance_of(evaluation) for _, evaluation in found])
        observed = [e for _, e in found if "unseen_mse" in e]  # those that record it
        rows.append(
            AtEpoch(
                epoch=epoch,
                schedules=len(found),
                mean=mean,
                low=low,
                high=high,
                median_loss=float(np.median([run.loss_per_epoch[epoch - 1] for run, _ in found])),
                median_mse=float(np.median([e["exhaustive_mse"] for _, e in found])),
                **observed_medians(observed),
                unseen_schedules=len(observed),
            )
        )
    return rows


def peak(rows: list[AtEpoch]) -> AtEpoch | None:
    """The at-E row with the highest mean chance, or None without rows."""
    return max(rows, key=lambda row: row.mean, default=None)


def observed_medians(evaluations: list[Evaluation]) -> dict:
    """Over the evaluations that recorded the MSE on never-seen pairs: its median, and the
    medians of the MSE over the pairs seen in training and over all pairs of the same
    evaluations (None for each if there are none)."""

    def median(values):
        return float(np.median(list(values))) if evaluations else None

    return {
        "median_unseen_mse": median(e["unseen_mse"] for e in evaluations),
        "median_seen_mse": median(e["seen_mse"] for e in evaluations),
        "median_observed_mse": median(e["exhaustive_mse"] for e in evaluations),
    }


# A summary over schedules (a mean, a median, an interval) is drawn only at the epochs where at
# least this share of them is still evaluated: past it, a line would move with which schedules
# remain rather than with training (three schedules capped at 2,000 epochs outlive the others).
SUMMARY_SHARE = 0.5


@dataclasses.dataclass(frozen=True)
class Curves:
    """The picture's lines: equally long lists, one value an evaluated epoch (None where fewer
    than SUMMARY_SHARE of the schedules are evaluated there, or none recorded it)."""

    epoch: list[int]
    mean: list[float | None]  # the mean chance, with its bootstrap interval
    low: list[float | None]
    high: list[float | None]
    median_mse: list[float | None]
    median_unseen_mse: list[float | None]
    median_seen_mse: list[float | None]
    median_observed_mse: list[float | None]
    schedules: list[int]  # how many are evaluated there


def curves(schedules: list[StudyRun]) -> Curves:
    """The picture's lines (Curves), at every evaluated epoch over the schedules evaluated
    there: how many, and, where that is at least SUMMARY_SHARE of them, the mean chance and its
    bootstrap interval, the median MSE over all pairs, and observed_medians."""
    epochs = sorted({e["epoch"] for run in schedules for e in run.evaluations if "sampling" in e})
    lines: dict[str, list] = {
        "epoch": epochs,
        "mean": [],
        "low": [],
        "high": [],
        "median_mse": [],
        "median_unseen_mse": [],
        "median_seen_mse": [],
        "median_observed_mse": [],
        "schedules": [],
    }
    for epoch in epochs:
        found = [evaluation for _, evaluation in evaluated_at(schedules, epoch)]
        lines["schedules"].append(len(found))
        if len(found) < SUMMARY_SHARE * len(schedules):
            for key in lines.keys() - {"epoch", "schedules"}:
                lines[key].append(None)
            continue
        for key, value in zip(
            ("mean", "low", "high"), mean_interval([chance_of(e) for e in found])
        ):
            lines[key].append(value)
        lines["median_mse"].append(float(np.median([e["exhaustive_mse"] for e in found])))
        for key, value in observed_medians([e for e in found if "unseen_mse" in e]).items():
            lines[key].append(value)
    return Curves(**lines)


def stopped_early(schedules: list[StudyRun]) -> list[tuple[int, int]]:
    """(seed, epoch) of each schedule the stop rule ended, in seed order: it showed the figure
    there and is not evaluated after, so a summary over later epochs leaves it out."""
    return sorted(
        (run.plan.seed, run.evaluations[-1]["epoch"])
        for run in schedules
        if run.stopped_by is StopReason.STOP_RULE and run.evaluations
    )


def first_shown(run: StudyRun) -> int | None:
    """The first evaluated epoch at which at least half of blog-style tests show the figure
    (the stop rule's level), or None."""
    return next((e["epoch"] for e in run.evaluations if "sampling" in e and reaches_stop(e)), None)


def last_evaluated(run: StudyRun) -> int:
    """The last epoch at which a schedule's chance of a blog-style test was evaluated (0: none)."""
    return max((e["epoch"] for e in run.evaluations if "sampling" in e), default=0)


@dataclasses.dataclass(frozen=True)
class WithinEpochs:
    """Within `epoch` epochs: `reached` of the `watched` schedules showed the figure at the stop
    rule's level; the Kaplan-Meier estimate of that chance and its interval, or the `exact`
    binomial one where that is undefined."""

    epoch: int
    reached: int
    watched: int
    estimate: float
    low: float
    high: float
    exact: bool


def within_epochs(
    schedules: list[StudyRun], epochs: Sequence[int] = AT_EPOCHS
) -> list[WithinEpochs]:
    """Within each of `epochs`: how many schedules had shown the figure at the stop rule's level
    at some evaluation, of how many were watched that long (or showed it sooner), and the
    Kaplan-Meier estimate of that chance with its interval, each schedule that never showed it
    censored at its last evaluation. Where that interval is undefined (none showed it yet, or
    all did), the exact binomial one of the schedules watched that long: a one-sided upper
    bound while none did."""
    firsts = [(first_shown(run), last_evaluated(run)) for run in schedules]
    events = [first for first, _ in firsts if first is not None]
    censored = [last for first, last in firsts if first is None]
    estimates = kaplan_meier(events, censored, epochs)
    rows = []
    for epoch, (estimate, low, high) in zip(epochs, estimates):
        reached = sum(first is not None and first <= epoch for first, _ in firsts)
        watched = sum(
            (first is not None and first <= epoch) or last >= epoch for first, last in firsts
        )
        if not watched:
            continue
        if low is not None and high is not None:
            rows.append(WithinEpochs(epoch, reached, watched, estimate, low, high, exact=False))
        else:  # the Kaplan-Meier interval is undefined here
            low, high = (
                (0.0, binomial_upper_bound(0, watched))
                if not reached
                else binomial_interval(reached, watched)
            )
            rows.append(WithinEpochs(epoch, reached, watched, estimate, low, high, exact=True))
    return rows


@dataclasses.dataclass(frozen=True)
class Steadiness:
    shown: int  # evaluations that showed the figure at the stop rule's level, with a next one
    kept: int  # those whose next evaluation still did


def steadiness(schedules: list[StudyRun]) -> Steadiness:
    """Of the evaluations at which a schedule showed the figure at the stop rule's level and was
    evaluated again, how many were followed by one that still did."""
    shown = kept = 0
    for run in schedules:
        evaluations = [e for e in run.evaluations if "sampling" in e]
        for now, following in zip(evaluations, evaluations[1:]):
            if reaches_stop(now):
                shown += 1
                kept += reaches_stop(following)
    return Steadiness(shown=shown, kept=kept)
