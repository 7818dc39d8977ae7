"""The plain runs at the blog's settings, from the runs: per configuration, pooled, the
spread of the MSE over every pair, and Keras 2.2.4's own runs against the default engine's."""

import collections
import dataclasses
from typing import Literal

import numpy as np

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE, BLOGS_ACTIVATION
from lstm_adder.config import KERAS_224
from lstm_adder.statistics import (
    Summary,
    binomial_upper_bound,
    kruskal_p,
    mann_whitney_p,
    normal_tail,
    summarise,
)
from lstm_adder.stop_rule import probability
from lstm_adder.study.plan import Kind
from lstm_adder.study.runs import StudyRun


@dataclasses.dataclass(frozen=True)
class PlainRow:
    """One configuration (activation, engine, epochs) of the plain runs, summarised."""

    activation: str
    engine: str
    epochs: int
    n: int
    reached: int  # runs whose blog's figure on the fixed 1,000 pairs reached the blog's
    upper_bound: float  # exact one-sided 95% bound on the chance a run reaches it
    blog_figure: Summary
    mse: Summary  # on the fixed 1,000 pairs
    best_mse_over_blogs: float
    probability_known: int  # runs whose chance of a blog-style test was kept
    max_probability: float | None
    mses: list[float]  # each run's MSE on the fixed 1,000 pairs, for the picture
    # In percent, over every pair (None unless every run has it).
    exact_sum_accuracy: Summary | None = None
    unseen_exact_sum_accuracy: Summary | None = None


def table(runs: dict[str, StudyRun]) -> list[PlainRow]:
    """Per configuration (activation, engine, epochs) of the plain runs: statistics of each
    figure."""
    groups: dict[tuple, list[StudyRun]] = {}
    for run in runs.values():
        if run.plan.kind is Kind.PLAIN:
            key = (run.plan.activation, run.plan.engine, run.plan.epochs)
            groups.setdefault(key, []).append(run)
    rows = []
    for (activation, engine, epochs), members in sorted(groups.items()):
        reached = sum(m.figures["blog_figure"] >= BLOG_FIGURE for m in members)
        mses = [m.figures["sampled_mse"] for m in members]
        mse = summarise(mses)
        chances = [probability(m.figures) for m in members]
        known = [chance for chance in chances if chance is not None]
        row = PlainRow(
            activation=activation,
            engine=engine,
            epochs=epochs,
            n=len(members),
            reached=reached,
            upper_bound=binomial_upper_bound(reached, len(members)),
            blog_figure=summarise(m.figures["blog_figure"] for m in members),
            mse=mse,
            best_mse_over_blogs=mse["min"] / BLOG_MSE,
            probability_known=len(known),
            max_probability=max(known) if known else None,
            mses=mses,
            exact_sum_accuracy=in_percent(members, "exact_sum_accuracy"),
            unseen_exact_sum_accuracy=in_percent(members, "unseen_exact_sum_accuracy"),
        )
        rows.append(row)
    return rows


def in_percent(
    members: list[StudyRun], key: Literal["exact_sum_accuracy", "unseen_exact_sum_accuracy"]
) -> Summary | None:
    """Statistics of the runs' share `key` in percent, if every run has it."""
    if all(key in run.figures for run in members):
        return summarise(100 * run.figures[key] for run in members)
    return None


def by_engine(rows: list[PlainRow], epochs: int) -> dict[str, PlainRow]:
    """engine -> the row of the blog's LSTM at `epochs` epochs."""
    return {
        row.engine: row
        for row in rows
        if row.epochs == epochs and row.activation == BLOGS_ACTIVATION
    }


@dataclasses.dataclass(frozen=True)
class Pooled:
    """Plain runs of one epoch count together."""

    epochs: int
    reached: int  # runs whose blog's figure on the fixed 1,000 pairs reached the blog's
    n: int
    runs_by_engine: dict[str, int]
    upper_bound: float  # exact one-sided 95% bound on the chance a run reaches it
    best_mse: float  # on the fixed 1,000 pairs
    best_mse_over_blogs: float


def pooled(rows: list[PlainRow], epochs: int, activation: str | None = None) -> Pooled | None:
    """The plain runs of `epochs` epochs together (of one recurrent activation, if given)."""
    members = [row for row in rows if row.epochs == epochs and activation in (None, row.activation)]
    if not members:
        return None
    reached, trials = sum(r.reached for r in members), sum(r.n for r in members)
    best = min(r.mse["min"] for r in members)
    runs_by_engine: collections.Counter[str] = collections.Counter()
    for r in members:
        runs_by_engine[r.engine] += r.n
    return Pooled(
        epochs=epochs,
        reached=reached,
        n=trials,
        runs_by_engine=dict(runs_by_engine),
        upper_bound=binomial_upper_bound(reached, trials),
        best_mse=best,
        best_mse_over_blogs=best / BLOG_MSE,
    )


def blogs_plain_runs(runs: dict[str, StudyRun], epochs: int, engine: str = "jax") -> list[StudyRun]:
    """The plain runs of the blog's LSTM on `engine` (the default engine's: the runs whose
    spread mse_distribution fits) at `epochs` with an MSE over every pair."""
    return [
        run
        for run in runs.values()
        if run.plan.kind is Kind.PLAIN
        and run.plan.epochs == epochs
        and run.plan.activation == BLOGS_ACTIVATION
        and run.plan.engine == engine
        and "exhaustive_mse" in run.figures
    ]


# The level of every test the report makes, stated with it: below it, a p-value tells two
# samples apart (or a sample from a normal distribution).
TEST_LEVEL = 0.05


@dataclasses.dataclass(frozen=True)
class EngineRuns:
    """One engine's plain runs of the blog's LSTM: how many, how many reached the blog's figure
    on the fixed 1,000 pairs, and the medians over every pair of exact sums and the MSE."""

    engine: str
    n: int
    reached: int
    median_exact: float  # a fraction of 1
    median_mse: float


@dataclasses.dataclass(frozen=True)
class EngineComparison:
    """Keras 2.2.4's own runs beside the default engine's, and two-sided Mann-Whitney U tests
    of 'one distribution': on log10 of the MSE over every pair, and on the exact sums."""

    theirs: EngineRuns
    ours: EngineRuns
    mse_p: float
    exact_p: float
    told_apart: bool  # either p-value below TEST_LEVEL


def engine_runs(engine: str, members: list[StudyRun]) -> EngineRuns:
    figures = [run.figures for run in members]
    return EngineRuns(
        engine=engine,
        n=len(members),
        reached=sum(figure["blog_figure"] >= BLOG_FIGURE for figure in figures),
        median_exact=float(np.median([figure["exact_sum_accuracy"] for figure in figures])),
        median_mse=float(np.median([figure["exhaustive_mse"] for figure in figures])),
    )


def keras224_against_ours(runs: dict[str, StudyRun], epochs: int) -> EngineComparison | None:
    """The blog's own Keras 2.2.4 against the default engine at `epochs`: do its runs of the
    blog's LSTM spread as ours do? None without at least 2 runs of each."""
    theirs, ours = (blogs_plain_runs(runs, epochs, engine) for engine in (KERAS_224, "jax"))
    if len(theirs) < 2 or len(ours) < 2:
        return None

    def values(members, key):
        return [run.figures[key] for run in members]

    mse_p = mann_whitney_p(
        np.log10(values(theirs, "exhaustive_mse")), np.log10(values(ours, "exhaustive_mse"))
    )
    exact_p = mann_whitney_p(
        values(theirs, "exact_sum_accuracy"), values(ours, "exact_sum_accuracy")
    )
    return EngineComparison(
        theirs=engine_runs(KERAS_224, theirs),
        ours=engine_runs("jax", ours),
        mse_p=mse_p,
        exact_p=exact_p,
        told_apart=min(mse_p, exact_p) < TEST_LEVEL,
    )


@dataclasses.dataclass(frozen=True)
class ExactSums:
    runs: int
    pairs: int  # every pair of operands
    median: float  # over the runs, the share of sums exactly right over every pair


def exact_sums(runs: dict[str, StudyRun], epochs: int) -> ExactSums | None:
    """The median share of sums the blog's LSTM (default engine) gets exactly right over every
    pair after `epochs` epochs, over its runs, and how many pairs that is: None without runs."""
    members = [run for run in blogs_plain_runs(runs, epochs) if "exact_sum_accuracy" in run.figures]
    if not members:
        return None
    return ExactSums(
        runs=len(members),
        pairs=4 ** members[0].config.bits,
        median=float(np.median([run.figures["exact_sum_accuracy"] for run in members])),
    )


@dataclasses.dataclass(frozen=True)
class MseSpread:
    """The MSE over every pair of plain runs of the blog's LSTM, and a normal distribution
    fitted to its log10 (statistics.normal_tail)."""

    n: int
    epochs: int
    log10_mean: float
    log10_std: float
    log10_values: list[float]
    best: float
    median: float
    blog_in_stds: float  # how many standard deviations the blog's MSE lies below the mean
    chance: float  # that a run reaches the blog's MSE, with its bootstrap interval
    chance_low: float
    chance_high: float
    shapiro_p: float  # Shapiro-Wilk's test of normality
    normal: bool  # that test finds no departure from normality at TEST_LEVEL


def mse_distribution(runs: dict[str, StudyRun], epochs: int) -> MseSpread | None:
    """How the MSE over every pair spreads across plain runs of the blog's LSTM (default engine)
    at `epochs`, and, from a normal distribution fitted to log10(MSE), the chance that such a
    run reaches the blog's MSE: an extrapolation when every run is far from it
    (statistics.normal_tail). None with fewer than 8 runs."""
    values = np.log10([run.figures["exhaustive_mse"] for run in blogs_plain_runs(runs, epochs)])
    if len(values) < 8:
        return None
    fit = normal_tail(values, np.log10(BLOG_MSE))
    return MseSpread(
        n=len(values),
        epochs=epochs,
        log10_mean=fit["mean"],
        log10_std=fit["std"],
        log10_values=values.tolist(),
        best=float(10 ** values.min()),
        median=float(10 ** np.median(values)),
        blog_in_stds=fit["target_in_stds"],
        chance=fit["chance"],
        chance_low=fit["chance_low"],
        chance_high=fit["chance_high"],
        shapiro_p=fit["shapiro_p"],
        normal=fit["shapiro_p"] >= TEST_LEVEL,
    )


@dataclasses.dataclass(frozen=True)
class SettingRuns:
    n: int
    median: float  # MSE over every pair


@dataclasses.dataclass(frozen=True)
class SettingsCompared:
    settings: dict[str, SettingRuns]  # by run_setting
    kruskal_p: float
    differ: bool  # the settings' spreads told apart at TEST_LEVEL


def across_settings(
    runs: dict[str, StudyRun], epochs: int, least: int = 5
) -> SettingsCompared | None:
    """mse_distribution's runs by how they were computed (run_setting: a seed trains another
    network on another processor, with another thread count or other initial weights, so each
    setting's runs are a sample of their own): each setting's number of runs and median MSE,
    and a Kruskal-Wallis test of whether their MSE spreads alike, the check that pooling them
    into one fit is fair. None unless two settings have `least` runs or more."""
    log10_mses: dict[str, list[float]] = {}
    for run in blogs_plain_runs(runs, epochs):
        if run.machine.get("processor"):
            log10_mses.setdefault(run_setting(run), []).append(
                np.log10(run.figures["exhaustive_mse"])
            )
    log10_mses = {
        setting: values for setting, values in sorted(log10_mses.items()) if len(values) >= least
    }
    if len(log10_mses) < 2:
        return None
    p = kruskal_p(log10_mses.values())
    return SettingsCompared(
        settings={
            setting: SettingRuns(n=len(values), median=float(10 ** np.median(values)))
            for setting, values in log10_mses.items()
        },
        kruskal_p=p,
        differ=p < TEST_LEVEL,
    )


def run_settings(runs: dict[str, StudyRun]) -> str:
    """Where and how the finished runs were computed (run_setting), with how many runs each."""
    counts = collections.Counter(run_setting(run) for run in runs.values() if run.finished)
    return "; ".join(f"{count} on {key}" for key, count in sorted(counts.items())) or "none yet"


def run_setting(run: StudyRun) -> str:
    """Processor, the cores a run had, and the backend whose generator drew the initial
    weights: what makes one seed train one network."""
    processor = run.machine.get("processor") or "processor not recorded"
    cores = (
        f"{run.cores} core{'s' if run.cores > 1 else ''} a run"
        if run.cores
        else f"{run.machine.get('cpus')} CPUs"
    )
    backend = run.versions.get("backend", "an unrecorded backend")
    return f"{processor}, {cores}, initial weights from {backend}"
