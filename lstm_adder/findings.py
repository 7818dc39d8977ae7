"""Every figure the study's report shows, computed once from the runs into one summary.

study_report.write_report calls findings() once per report; STUDY.md (report_markdown.py), the
picture (report_plot.py) and each README's answer (report_answer.py) are written from what it
returns and compute nothing of their own, so no two of them can disagree.
"""

import collections
import dataclasses
import enum
import math
from collections.abc import Iterable, Sequence
from typing import NamedTuple, cast

import numpy as np

from lstm_adder.blog import BLOG_FIGURE, BLOG_MSE, BLOGS_ACTIVATION
from lstm_adder.config import BLOG, KERAS_224
from lstm_adder.statistics import (
    binomial_interval,
    binomial_upper_bound,
    kaplan_meier,
    kruskal_p,
    mann_whitney_p,
    mean_interval,
    normal_tail,
    summarise,
)
from lstm_adder.stop_rule import STOP_PROBABILITY, probability, reaches_stop
from lstm_adder.variants import STEPS_AND_PAIRS, VARIANTS, Variant


class Findings(NamedTuple):
    command: str
    planned: int  # runs planned
    finished: int  # runs finished
    under_way: int  # long schedules under way, shown as far as their saved states go
    runs: dict  # run id -> run (study.json's, and unfinished schedules), the variants' apart
    rows: list  # table(): one row per configuration of the plain runs
    plain_epochs: int  # the plain runs' epochs (the blog's 100)
    blogs: dict | None  # pooled(): the blog's LSTM at plain_epochs, or None
    blogs_exact: dict | None  # exact_sums(): what the blog's LSTM at plain_epochs gets right
    everything: dict | None  # pooled(): every plain run at plain_epochs, or None
    by_engine: dict  # engine -> row of the blog's LSTM at plain_epochs
    highest_chance: float | None  # the largest chance of a blog-style test at plain_epochs
    chances_counted: int  # the runs behind it
    spread: dict | None  # mse_distribution() at plain_epochs, or None
    compared: dict | None  # across_settings() at plain_epochs, or None
    long_runs: list  # every long schedule, in the runs' order
    summaries: list  # (run, long_summary(run)) of each long schedule with evaluations
    schedules: list  # the long schedules of the blog's LSTM with evaluations: the time answer's
    at_epochs: list  # at_epochs(schedules): the chance after exactly E epochs
    within: list  # within_epochs(schedules): the share that showed the figure within E epochs
    steadiness: dict  # steadiness(schedules)
    curves: dict  # curves(schedules), for the picture
    stopped_early: list  # stopped_early(schedules): (seed, epoch) the stop rule ended
    first_shown: int | None  # the first epoch any showed the figure at the stop rule's level
    setbacks: int  # how many of them had a setback worth telling (setback_worth_telling)
    settings: str  # run_settings(): where and how the runs were computed
    output_bits: str  # the runs' output bits, "9" or "5/9"
    variants: list  # variant_rows(): the blog's plain runs, then each variant planned or run
    nearest: dict | None  # the variant row with the highest mean chance, or None
    steps_and_pairs: "StepsAndPairs"  # the 2 x 2 of steps an epoch against pairs seen
    keras224: "EngineComparison | None"  # keras224_against_ours() at plain_epochs


def findings(runs: dict, planned: list, command: str, finished: int | None = None) -> Findings:
    every_run = runs
    finished = len(every_run) if finished is None else finished
    variant_runs = [run for run in every_run.values() if run.get("variant")]
    runs = {key: run for key, run in every_run.items() if not run.get("variant")}
    rows = table(runs)
    plain_epochs = max((row["epochs"] for row in rows), default=0)
    long_runs = [run for run in runs.values() if run["every"]]
    chances = [
        (row["max_probability"], row)
        for row in rows
        if row["epochs"] == plain_epochs and row["max_probability"] is not None
    ]
    schedules = [
        run for run in long_runs if run["activation"] == BLOGS_ACTIVATION and run["evaluations"]
    ]
    summaries = [(run, long_summary(run)) for run in long_runs if run["evaluations"]]
    variants = variant_rows(variant_runs, blogs_plain_runs(runs, plain_epochs), planned)
    return Findings(
        command=command,
        planned=len(planned),
        finished=finished,
        under_way=len(every_run) - finished,
        runs=runs,
        rows=rows,
        plain_epochs=plain_epochs,
        blogs=pooled(rows, plain_epochs, BLOGS_ACTIVATION),
        blogs_exact=exact_sums(runs, plain_epochs),
        everything=pooled(rows, plain_epochs),
        by_engine=by_engine(rows, plain_epochs),
        highest_chance=max((chance for chance, _ in chances), default=None),
        chances_counted=sum(row["probability_known"] for _, row in chances),
        spread=mse_distribution(runs, plain_epochs),
        compared=across_settings(runs, plain_epochs),
        long_runs=long_runs,
        summaries=summaries,
        schedules=schedules,
        at_epochs=at_epochs(schedules),
        within=within_epochs(schedules),
        steadiness=steadiness(schedules),
        curves=curves(schedules),
        stopped_early=stopped_early(schedules),
        first_shown=min(
            (first for first, _ in map(first_shown, schedules) if first is not None), default=None
        ),
        setbacks=sum(
            setback_worth_telling(summary["setback"])
            for run, summary in summaries
            if run["activation"] == BLOGS_ACTIVATION
        ),
        settings=run_settings(every_run),
        output_bits="/".join(
            str(bits + 1) for bits in sorted({run["bits"] for run in runs.values()})
        ),
        variants=variants,
        nearest=nearest_variant(row for row in variants if row["name"]),
        steps_and_pairs=steps_and_pairs(variants),
        keras224=keras224_against_ours(runs, plain_epochs),
    )


# ----------------------------------------------------------------------------------------------
# The plain runs.


def table(runs: dict) -> list[dict]:
    """Per configuration (activation, engine, epochs) of the plain runs: statistics of each
    figure."""
    groups: dict[tuple, list[dict]] = {}
    for run in runs.values():
        if not run["every"]:
            groups.setdefault((run["activation"], run["engine"], run["epochs"]), []).append(run)
    rows = []
    for (activation, engine, epochs), members in sorted(groups.items()):
        reached = sum(m["figures"]["blog_figure"] >= BLOG_FIGURE for m in members)
        row = {
            "activation": activation,
            "engine": engine,
            "epochs": epochs,
            "n": len(members),
            "reached": reached,
            "upper_bound": binomial_upper_bound(reached, len(members)),
            "blog_figure": summarise(m["figures"]["blog_figure"] for m in members),
            "mse": summarise(m["figures"]["sampled_mse"] for m in members),
        }
        row["best_mse_over_blogs"] = row["mse"]["min"] / BLOG_MSE
        for key in ("exact_sum_accuracy", "unseen_exact_sum_accuracy"):
            if all(key in m["figures"] for m in members):
                row[key] = summarise(100 * m["figures"][key] for m in members)
        chances = [probability(m["figures"]) for m in members]
        known = [chance for chance in chances if chance is not None]
        row["probability_known"] = len(known)
        row["max_probability"] = max(known) if known else None
        rows.append(row)
    return rows


def by_engine(rows: list[dict], epochs: int) -> dict[str, dict]:
    """engine -> the row of the blog's LSTM at `epochs` epochs."""
    return {
        row["engine"]: row
        for row in rows
        if row["epochs"] == epochs and row["activation"] == BLOGS_ACTIVATION
    }


def pooled(rows: list[dict], epochs: int, activation: str | None = None) -> dict | None:
    """The plain runs of `epochs` epochs together (of one recurrent activation, if given):
    reached k of n, how many of n each engine trained, the bound, the best MSE."""
    members = [
        row for row in rows if row["epochs"] == epochs and activation in (None, row["activation"])
    ]
    if not members:
        return None
    reached, trials = sum(r["reached"] for r in members), sum(r["n"] for r in members)
    best = min(r["mse"]["min"] for r in members)
    runs_by_engine: collections.Counter[str] = collections.Counter()
    for r in members:
        runs_by_engine[r["engine"]] += r["n"]
    return {
        "epochs": epochs,
        "reached": reached,
        "n": trials,
        "runs_by_engine": dict(runs_by_engine),
        "upper_bound": binomial_upper_bound(reached, trials),
        "best_mse": best,
        "best_mse_over_blogs": best / BLOG_MSE,
    }


def blogs_plain_runs(runs: dict, epochs: int, engine: str = "jax") -> list[dict]:
    """The plain runs of the blog's LSTM on `engine` (the default engine's: the runs whose
    spread mse_distribution fits) at `epochs` with an MSE over every pair."""
    return [
        run
        for run in runs.values()
        if not run["every"]
        and run["epochs"] == epochs
        and run["activation"] == BLOGS_ACTIVATION
        and run["engine"] == engine
        and "exhaustive_mse" in run["figures"]
    ]


# Below it, a p-value tells two engines' runs apart: the level of each test, stated with it.
TOLD_APART_BELOW = 0.05


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
    told_apart: bool  # either p-value below TOLD_APART_BELOW


def engine_runs(engine: str, members: list[dict]) -> EngineRuns:
    figures = [run["figures"] for run in members]
    return EngineRuns(
        engine=engine,
        n=len(members),
        reached=sum(figure["blog_figure"] >= BLOG_FIGURE for figure in figures),
        median_exact=float(np.median([figure["exact_sum_accuracy"] for figure in figures])),
        median_mse=float(np.median([figure["exhaustive_mse"] for figure in figures])),
    )


def keras224_against_ours(runs: dict, epochs: int) -> EngineComparison | None:
    """The blog's own Keras 2.2.4 against the default engine at `epochs`: do its runs of the
    blog's LSTM spread as ours do? None without at least 2 runs of each."""
    theirs, ours = (blogs_plain_runs(runs, epochs, engine) for engine in (KERAS_224, "jax"))
    if len(theirs) < 2 or len(ours) < 2:
        return None

    def values(members, key):
        return [run["figures"][key] for run in members]

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
        told_apart=min(mse_p, exact_p) < TOLD_APART_BELOW,
    )


def exact_sums(runs: dict, epochs: int) -> dict | None:
    """The median share of sums the blog's LSTM (default engine) gets exactly right over every
    pair after `epochs` epochs, over its runs, and how many pairs that is: None without runs."""
    members = [
        run for run in blogs_plain_runs(runs, epochs) if "exact_sum_accuracy" in run["figures"]
    ]
    if not members:
        return None
    return {
        "runs": len(members),
        "pairs": 4 ** members[0]["bits"],
        "median": float(np.median([run["figures"]["exact_sum_accuracy"] for run in members])),
    }


def mse_distribution(runs: dict, epochs: int) -> dict | None:
    """How the MSE over every pair spreads across plain runs of the blog's LSTM (default engine)
    at `epochs`, and, from a normal distribution fitted to log10(MSE), the chance that such a
    run reaches the blog's MSE: an extrapolation when every run is far from it
    (statistics.normal_tail). None with fewer than 8 runs."""
    values = np.log10([run["figures"]["exhaustive_mse"] for run in blogs_plain_runs(runs, epochs)])
    if len(values) < 8:
        return None
    fit = normal_tail(values, np.log10(BLOG_MSE))
    return {
        "n": len(values),
        "epochs": epochs,
        "log10_mean": fit["mean"],
        "log10_std": fit["std"],
        "log10_values": values.tolist(),
        "best": float(10 ** values.min()),
        "median": float(10 ** np.median(values)),
        "blog_in_stds": fit["target_in_stds"],
        "chance": fit["chance"],
        "chance_low": fit["chance_low"],
        "chance_high": fit["chance_high"],
        "shapiro_p": fit["shapiro_p"],
    }


def across_settings(runs: dict, epochs: int, least: int = 5) -> dict | None:
    """mse_distribution's runs by how they were computed (run_setting: a seed trains another
    network on another processor, with another thread count or other initial weights, so each
    setting's runs are a sample of their own): each setting's number of runs and median MSE,
    and a Kruskal-Wallis test of whether their MSE spreads alike, the check that pooling them
    into one fit is fair. None unless two settings have `least` runs or more."""
    log10_mses: dict[str, list[float]] = {}
    for run in blogs_plain_runs(runs, epochs):
        if run.get("machine", {}).get("processor"):
            log10_mses.setdefault(run_setting(run), []).append(
                np.log10(run["figures"]["exhaustive_mse"])
            )
    log10_mses = {
        setting: values for setting, values in sorted(log10_mses.items()) if len(values) >= least
    }
    if len(log10_mses) < 2:
        return None
    return {
        "settings": {
            setting: {"n": len(values), "median": float(10 ** np.median(values))}
            for setting, values in log10_mses.items()
        },
        "kruskal_p": kruskal_p(log10_mses.values()),
    }


def run_settings(runs: dict) -> str:
    """Where and how the runs were computed (run_setting), with how many runs each."""
    # A long schedule under way has no "versions": it is counted once finished.
    counts = collections.Counter(run_setting(run) for run in runs.values() if "versions" in run)
    return "; ".join(f"{count} on {key}" for key, count in sorted(counts.items())) or "none yet"


def run_setting(run: dict) -> str:
    """Processor, the cores a run had, and the backend whose generator drew the initial
    weights: what makes one seed train one network."""
    processor = run.get("machine", {}).get("processor") or "processor not recorded"
    cores = (
        f"{run['cores']} core{'s' if run['cores'] > 1 else ''} a run"
        if run.get("cores")
        else f"{run.get('machine', {}).get('cpus')} CPUs"
    )
    backend = run.get("versions", {}).get("backend", "an unrecorded backend")
    return f"{processor}, {cores}, initial weights from {backend}"


# ----------------------------------------------------------------------------------------------
# One change to the blog's script: the variants.


def variant_rows(variant_runs: list[dict], blogs_runs: list[dict], planned: list) -> list[dict]:
    """The blog's own plain runs (no change), then each variant that is planned or has finished
    runs, in variants.VARIANTS' order: variant_row() of each; empty without variant runs."""
    groups = [
        (variant, [run for run in variant_runs if run["variant"] == variant.name])
        for variant in VARIANTS
    ]
    counts = collections.Counter(plan.get("variant") for plan in planned)
    rows = [
        variant_row(variant, members, counts[variant.name] or None)
        for variant, members in groups
        if members or counts[variant.name]
    ]
    if variant_runs and blogs_runs:
        rows.insert(0, variant_row(None, blogs_runs, None))
    return rows if variant_runs else []


def variant_row(variant: Variant | None, members: list[dict], planned: int | None) -> dict:
    """What `members`, the runs of one variant (None: the blog's script unchanged), show: how
    many reached the figure, with the exact (Clopper-Pearson) 95% interval and one-sided upper
    bound; the mean chance that a blog-style test shows it, with a 95% bootstrap interval over
    the runs, and whether that
    makes the figure likely (the whole interval above one half); medians of exact sums and MSE
    over every pair; steps an epoch and the share of all pairs seen in training; the minutes a
    run took here; and each run's MSE over every pair, for the picture. `planned`: how many runs
    the study plans for it (None: not known); the figures are None while none has finished."""
    reached = sum(run["figures"]["blog_figure"] >= BLOG_FIGURE for run in members)
    low, high = binomial_interval(reached, len(members)) if members else (None, None)
    chances = [probability(run["figures"]) for run in members]
    known = [chance for chance in chances if chance is not None]
    chance, chance_low, chance_high = mean_interval(known) if known else (None, None, None)

    def median(values):
        # A run that saw every pair has no never-seen accuracy (NaN): it has nothing to add.
        values = [value for value in values if value is not None and np.isfinite(value)]
        return float(np.median(values)) if values else None

    def figure(key, scale=1.0):
        return median(scale * run["figures"][key] for run in members if key in run["figures"])

    return {
        "name": variant.name if variant else None,
        "label": variant.label if variant else "none: the blog's script",
        "label_zh": variant.label_zh if variant else "不改：博客的脚本",
        "n": len(members),
        "planned": planned,
        "reached": reached,
        "low": low,
        "high": high,
        "upper_bound": binomial_upper_bound(reached, len(members)) if members else None,
        "mean_chance": chance,
        "chance_low": chance_low,
        "chance_high": chance_high,
        "likely": chance_low is not None and chance_low > STOP_PROBABILITY,
        "exact": figure("exact_sum_accuracy", 100),
        "unseen_exact": figure("unseen_exact_sum_accuracy", 100),
        "mse": figure("exhaustive_mse"),
        "steps": median(steps_an_epoch(run) for run in members),
        "seen_share": median(
            run["figures"]["seen_pairs"] / 4 ** run["bits"]
            for run in members
            if "seen_pairs" in run["figures"]
        ),
        "minutes": median(run["train_seconds"] / 60 for run in members),
        "mses": [
            run["figures"]["exhaustive_mse"]
            for run in members
            if "exhaustive_mse" in run["figures"]
        ],
    }


def steps_an_epoch(run: dict) -> int:
    """Optimiser steps in one epoch of a run: its training pairs over its batch size, the last
    batch a short one (a plain run's record has no batch size: it is the blog's)."""
    batch = run.get("config", {}).get("batch_size", BLOG.batch_size)
    return math.ceil(run["data_size"] / batch)


class Pointer(enum.Enum):
    """What the 2 x 2 of steps against pairs seen points to, decided from its numbers once; the
    writers phrase it in each language."""

    INCOMPLETE = "incomplete"  # a cell has fewer than 2 finished runs
    STEPS = "steps"  # more steps raised the mean chance at both shares of pairs seen
    PAIRS = "pairs"  # more pairs seen raised it at both step counts
    BOTH = "both"  # each did, whatever the other
    TOGETHER = "together"  # neither alone: only the cell with both stands apart
    UNCLEAR = "unclear"  # the intervals overlap: these runs cannot tell


@dataclasses.dataclass(frozen=True)
class StepsAndPairs:
    """The 2 x 2 table: cells[(many_steps, many_pairs)] is the variant row of that cell (None
    where its variant has no row), and what its numbers point to."""

    cells: dict[tuple[bool, bool], dict | None]
    pointer: Pointer

    def cell(self, many_steps: bool, many_pairs: bool) -> dict | None:
        return self.cells[(many_steps, many_pairs)]


def steps_and_pairs(rows: list[dict]) -> StepsAndPairs:
    """The blog's run, data-size-65536 and the two variants that change one of its two effects
    (variants.STEPS_AND_PAIRS), and what they point to. One factor counts only where its cells
    stand apart at both levels of the other: the 95% bootstrap interval of the mean chance with
    more of it lies wholly above the interval with less."""
    by_name = {row["name"]: row for row in rows}
    cells = {key: by_name.get(name) for key, name in STEPS_AND_PAIRS.items()}
    if any(row is None or row["n"] < 2 for row in cells.values()):
        return StepsAndPairs(cells, Pointer.INCOMPLETE)
    known = cast(dict[tuple[bool, bool], dict], cells)

    def above(more: tuple[bool, bool], less: tuple[bool, bool]) -> bool:
        return known[more]["chance_low"] > known[less]["chance_high"]

    steps = above((True, False), (False, False)) and above((True, True), (False, True))
    pairs = above((False, True), (False, False)) and above((True, True), (True, False))
    together = all(above((True, True), other) for other in known if other != (True, True))
    pointer = (
        Pointer.BOTH
        if steps and pairs
        else Pointer.STEPS
        if steps
        else Pointer.PAIRS
        if pairs
        else Pointer.TOGETHER
        if together
        else Pointer.UNCLEAR
    )
    return StepsAndPairs(cells, pointer)


def nearest_variant(rows: Iterable[dict]) -> dict | None:
    """The variant that came nearest the figure: the highest mean chance that a blog-style test
    shows it, then the lowest median MSE over every pair; None without variant runs."""
    known = [row for row in rows if row["mean_chance"] is not None]
    return max(known, key=lambda row: (row["mean_chance"], -(row["mse"] or 0)), default=None)


# ----------------------------------------------------------------------------------------------
# The long schedules.


def long_summary(run: dict) -> dict:
    """What one long schedule says about time: when the figure came, if it did, and where it
    stood at the end."""
    evaluations = run["evaluations"]

    def first(test):
        return next((e["epoch"] for e in evaluations if test(e)), None)

    best = max(evaluations, key=lambda e: e["blog_figure"])
    with_chance = [e for e in evaluations if "sampling" in e]
    best_chance = max(with_chance, key=lambda e: probability(e) or 0.0) if with_chance else None
    tail = with_chance[-min(8, len(with_chance)) :]
    return {
        "activation": run["activation"],
        "seed": run["seed"],
        "cap": run["epochs"],
        "last_epoch": evaluations[-1]["epoch"] if evaluations else 0,
        "stopped_by": run.get("stopped_by"),
        "fixed_sample_first": first(lambda e: e["blog_figure"] >= BLOG_FIGURE),
        "probability_first": first_shown(run)[0],
        "all_sums_right_first": first(lambda e: e.get("exact_sum_accuracy") == 1.0),
        "best_fixed": best["blog_figure"],
        "best_fixed_epoch": best["epoch"],
        "best_probability": probability(best_chance) if best_chance else None,
        "best_probability_epoch": best_chance["epoch"] if best_chance else None,
        "tail_epochs": (tail[0]["epoch"], tail[-1]["epoch"]) if tail else None,
        # The typical (median) figure of a 1,000-pair test over the last evaluations: lowest,
        # highest, latest.
        "tail_median": (
            (
                min(e["sampling"]["p50"] for e in tail),
                max(e["sampling"]["p50"] for e in tail),
                tail[-1]["sampling"]["p50"],
            )
            if tail
            else None
        ),
        "last_exact": evaluations[-1].get("exact_sum_accuracy") if evaluations else None,
        "setback": largest_setback(with_chance),
    }


def setback_worth_telling(setback: "Setback | None") -> bool:
    """A setback worth a reader's attention: the typical test's error at least tripled."""
    return setback is not None and 100 - setback.later >= 3 * (100 - setback.best)


class Setback(NamedTuple):
    """The largest fall of the typical (median) 1,000-pair test figure from its best so far."""

    best_epoch: int
    best: float
    later_epoch: int
    later: float


def largest_setback(evaluations: list[dict]) -> "Setback | None":
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


# ----------------------------------------------------------------------------------------------
# How long it takes: the long schedules of the blog's LSTM, at every epoch they were evaluated.

AT_EPOCHS = (100, 250, 500, 750, 1000, 1250, 1500)


def evaluated_at(schedules: list[dict], epoch: int) -> list[tuple[dict, dict]]:
    """(run, its evaluation) of each schedule evaluated at `epoch` with its chance known."""
    return [
        (run, evaluation)
        for run in schedules
        for evaluation in run["evaluations"]
        if evaluation["epoch"] == epoch and "sampling" in evaluation
    ]


def chance_of(evaluation: dict) -> float:
    """The chance of a blog-style test in an evaluation evaluated_at found: it has one."""
    return cast(float, probability(evaluation))


def at_epochs(schedules: list[dict], epochs: Sequence[int] = AT_EPOCHS) -> list[dict]:
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
            {
                "epoch": epoch,
                "schedules": len(found),
                "mean": mean,
                "low": low,
                "high": high,
                "median_loss": float(
                    np.median([run["loss_per_epoch"][epoch - 1] for run, _ in found])
                ),
                "median_mse": float(np.median([e["exhaustive_mse"] for _, e in found])),
                **observed_medians(observed),
                "unseen_schedules": len(observed),
            }
        )
    return rows


def observed_medians(evaluations: list[dict]) -> dict:
    """Over the evaluations that recorded the MSE on never-seen pairs: its median, and the
    medians of the MSE over the pairs seen in training and over all pairs of the same
    evaluations (None for each if there are none)."""
    keys = {
        "median_unseen_mse": "unseen_mse",
        "median_seen_mse": "seen_mse",
        "median_observed_mse": "exhaustive_mse",
    }
    return {
        name: float(np.median([e[key] for e in evaluations])) if evaluations else None
        for name, key in keys.items()
    }


# A summary over schedules (a mean, a median, an interval) is drawn only at the epochs where at
# least this share of them is still evaluated: past it, a line would move with which schedules
# remain rather than with training (three schedules capped at 2,000 epochs outlive the others).
SUMMARY_SHARE = 0.5


def curves(schedules: list[dict]) -> dict:
    """The picture's lines, at every evaluated epoch over the schedules evaluated there: how
    many, and, where that is at least SUMMARY_SHARE of them, the mean chance and its bootstrap
    interval, the median MSE over all pairs, and observed_medians (None elsewhere, and where no
    schedule recorded them). A dict of equally long lists."""
    epochs = sorted(
        {e["epoch"] for run in schedules for e in run["evaluations"] if "sampling" in e}
    )
    lines = {
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
    return lines


def stopped_early(schedules: list[dict]) -> list[tuple[int, int]]:
    """(seed, epoch) of each schedule the stop rule ended, in seed order: it showed the figure
    there and is not evaluated after, so a summary over later epochs leaves it out."""
    return sorted(
        (run["seed"], run["evaluations"][-1]["epoch"])
        for run in schedules
        if run.get("stopped_by") == "the stop rule" and run["evaluations"]
    )


def first_shown(run: dict) -> tuple[int | None, int]:
    """The first evaluated epoch at which at least half of blog-style tests show the figure
    (the stop rule's level), or None; and the last epoch the schedule was evaluated."""
    evaluations = [e for e in run["evaluations"] if "sampling" in e]
    first = next((e["epoch"] for e in evaluations if reaches_stop(e)), None)
    return first, evaluations[-1]["epoch"] if evaluations else 0


def within_epochs(schedules: list[dict], epochs: Sequence[int] = AT_EPOCHS) -> list[dict]:
    """Within each of `epochs`: how many schedules had shown the figure at the stop rule's level
    at some evaluation, of how many were watched that long (or showed it sooner), and the
    Kaplan-Meier estimate of that chance with its interval, each schedule that never showed it
    censored at its last evaluation. Where that interval is undefined (none showed it yet, or
    all did), the exact binomial one of the schedules watched that long: a one-sided upper
    bound while none did."""
    firsts = [first_shown(run) for run in schedules]
    events = [first for first, _ in firsts if first is not None]
    censored = [last for first, last in firsts if first is None]
    estimates = kaplan_meier(events, censored, epochs)
    rows = []
    for epoch, (estimate, low, high) in zip(epochs, estimates):
        reached = sum(first is not None and first <= epoch for first, _ in firsts)
        watched = sum(
            (first is not None and first <= epoch) or last >= epoch for first, last in firsts
        )
        if watched:
            exact = low is None  # the Kaplan-Meier interval is undefined here
            if exact:
                low, high = (
                    (0.0, binomial_upper_bound(0, watched))
                    if not reached
                    else binomial_interval(reached, watched)
                )
            rows.append(
                {
                    "epoch": epoch,
                    "reached": reached,
                    "watched": watched,
                    "estimate": estimate,
                    "low": low,
                    "high": high,
                    "exact": exact,
                }
            )
    return rows


def steadiness(schedules: list[dict]) -> dict:
    """Of the evaluations at which a schedule showed the figure at the stop rule's level and was
    evaluated again, how many were followed by one that still did."""
    shown = kept = 0
    for run in schedules:
        evaluations = [e for e in run["evaluations"] if "sampling" in e]
        for now, following in zip(evaluations, evaluations[1:]):
            if reaches_stop(now):
                shown += 1
                kept += reaches_stop(following)
    return {"shown": shown, "kept": kept}
