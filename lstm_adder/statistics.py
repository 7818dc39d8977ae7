"""The study's statistics, on plain lists of numbers (scipy.stats does the work).

Each function takes numbers and returns numbers: what they are numbers of (runs, schedules,
epochs) is the report's business (lstm_adder/report/).
"""

import warnings
from collections.abc import Iterable, Sequence
from typing import TypedDict

import numpy as np
import scipy.stats
from numpy.typing import ArrayLike

# Every bootstrap interval of the report: its resamples, and a fixed seed, so that the same runs
# give the same interval.
BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED = 10_000, 0


class Summary(TypedDict):
    n: int
    mean: float
    std: float  # the sample standard deviation (n - 1); 0 for one value
    min: float
    max: float


def summarise(values: Iterable[float]) -> Summary:
    values = [float(v) for v in values]
    return {
        "n": len(values),
        "mean": float(np.mean(values)),
        "std": float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def binomial_upper_bound(successes: int, trials: int, confidence: float = 0.95) -> float:
    """The exact (Clopper-Pearson) one-sided upper bound on a probability seen `successes` times
    in `trials`: the largest p under which so few successes still have a 5% chance."""
    test = scipy.stats.binomtest(successes, trials, alternative="less")
    return float(test.proportion_ci(confidence_level=confidence, method="exact").high)


def binomial_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """The exact (Clopper-Pearson) two-sided interval on a probability seen `successes` times
    in `trials`."""
    interval = scipy.stats.binomtest(successes, trials).proportion_ci(
        confidence_level=confidence, method="exact"
    )
    return float(interval.low), float(interval.high)


def normal_tail(values: ArrayLike, target: float, confidence: float = 0.95) -> dict:
    """A normal distribution fitted to `values`, and the chance it gives a value at or below
    `target`: with a Shapiro-Wilk test of the fit and a bootstrap interval on the chance (10,000
    resamples, seeded, so that the report is the same every time it is written)."""
    array = np.asarray(values, dtype=float)

    def chance(sample, axis=-1):
        mean, std = np.mean(sample, axis=axis), np.std(sample, ddof=1, axis=axis)
        return scipy.stats.norm.cdf((target - mean) / std)

    low, high = bootstrap_interval(array, chance, confidence)
    mean, std = float(np.mean(array)), float(np.std(array, ddof=1))
    return {
        "mean": mean,
        "std": std,
        "target_in_stds": (mean - target) / std,
        "chance": float(chance(array)),
        "chance_low": low,
        "chance_high": high,
        "shapiro_p": float(scipy.stats.shapiro(array).pvalue),
    }


def kruskal_p(groups: Iterable[ArrayLike]) -> float:
    """Kruskal-Wallis: the p-value of 'these groups of values come from one distribution'."""
    return float(scipy.stats.kruskal(*groups).pvalue)


def mann_whitney_p(first: ArrayLike, second: ArrayLike) -> float:
    """Mann-Whitney U, two-sided: the p-value of 'the two samples come from one distribution'
    (a rank test: the same on log10 of a figure as on the figure)."""
    return float(scipy.stats.mannwhitneyu(first, second, alternative="two-sided").pvalue)


def mean_interval(
    values: ArrayLike, confidence: float = 0.95
) -> tuple[float, float | None, float | None]:
    """The mean of `values` and a 95% bootstrap interval on it (percentile method, 10,000
    resamples, seeded): (mean, low, high); no interval (None, None) for fewer than 2 values."""
    array = np.asarray(values, dtype=float)
    mean = float(np.mean(array))
    if len(array) < 2:
        return mean, None, None
    if np.all(array == array[0]):  # every resample is the same: so is the interval
        return mean, mean, mean
    low, high = bootstrap_interval(array, np.mean, confidence)
    return mean, low, high


def bootstrap_interval(array: np.ndarray, statistic, confidence: float) -> tuple[float, float]:
    """Every bootstrap interval of the report: scipy's, percentile method, BOOTSTRAP_RESAMPLES
    resamples from a generator seeded with BOOTSTRAP_SEED, so that the same runs give the same
    interval each time the report is written."""
    interval = scipy.stats.bootstrap(
        (array,),
        statistic,
        confidence_level=confidence,
        n_resamples=BOOTSTRAP_RESAMPLES,
        method="percentile",
        random_state=np.random.default_rng(BOOTSTRAP_SEED),
    ).confidence_interval
    return float(interval.low), float(interval.high)


def kaplan_meier(
    event_times: Sequence[float],
    censored_times: Sequence[float],
    at: Sequence[float],
    confidence: float = 0.95,
) -> list[tuple[float, float | None, float | None]]:
    """The Kaplan-Meier estimate of the chance that the event has happened by each time in `at`,
    from times at which it happened and times after which it was not watched any more (right
    censored): a list of (estimate, low, high), the interval by scipy's log-log method (the
    linear one where that is undefined). Where both are undefined, before the first event and
    once every schedule showed it, (low, high) are None: there the exact binomial interval of
    the schedules watched that long says more (binomial_interval)."""
    if not event_times:
        return [(0.0, None, None) for _ in at]
    result = scipy.stats.ecdf(
        scipy.stats.CensoredData(uncensored=event_times, right=censored_times)
    )
    with warnings.catch_warnings():  # log-log is undefined where every schedule showed it
        warnings.simplefilter("ignore", RuntimeWarning)
        log_log = result.cdf.confidence_interval(confidence_level=confidence, method="log-log")
        linear = result.cdf.confidence_interval(confidence_level=confidence)
    rows: list[tuple[float, float | None, float | None]] = []
    for time in at:
        estimate = float(result.cdf.evaluate(time))
        low, high = float(log_log.low.evaluate(time)), float(log_log.high.evaluate(time))
        if np.isnan(low) or np.isnan(high):  # there, Greenwood's plain (linear) interval
            low, high = float(linear.low.evaluate(time)), float(linear.high.evaluate(time))
        undefined = estimate == 0 or np.isnan(low) or np.isnan(high)
        rows.append((estimate, None, None) if undefined else (estimate, low, high))
    return rows
